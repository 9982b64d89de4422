// @vitest-environment jsdom
// The ESM API: mount(element | selector, options) → unmount (with the widget's handle).
import { afterEach, describe, expect, it, vi } from 'vitest';

const destroy = vi.fn();
const created: Array<{ host: HTMLElement; options: unknown }> = [];

vi.mock('../../src/app.ts', () => ({
  createWidget(host: HTMLElement, options: unknown) {
    created.push({ host, options });
    return {
      event: vi.fn(),
      events: vi.fn(),
      focus: vi.fn(),
      configure: vi.fn(),
      on: vi.fn(() => () => {}),
      destroy,
    };
  },
}));

const { mount } = await import('../../src/index.ts');

afterEach(() => {
  created.length = 0;
  destroy.mockClear();
  document.body.innerHTML = '';
});

describe('mount', () => {
  it('mounts into an element or a selector and unmounts once', () => {
    document.body.innerHTML = '<div id="playbook"></div>';
    const unmount = mount('#playbook', { transport: 'local' });
    expect(created[0]!.host).toBe(document.getElementById('playbook'));
    expect(typeof unmount.widget.event).toBe('function');
    unmount();
    unmount();
    expect(destroy).toHaveBeenCalledOnce();
    const el = document.createElement('div');
    mount(el, {})();
    expect(created[1]!.host).toBe(el);
  });

  it('reports a selector that matches nothing as an error event, never a throw', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const unmount = mount('#nowhere', {});
    const errors: unknown[] = [];
    unmount.widget.on('error', (e) => errors.push(e));
    await Promise.resolve();
    expect(errors).toEqual([expect.objectContaining({ field: 'target' })]);
    expect(() => unmount.widget.event({})).not.toThrow();
    expect(created).toHaveLength(0);
    unmount();
  });
});
