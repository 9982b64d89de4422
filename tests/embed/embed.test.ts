// @vitest-environment jsdom
// The command queue of src/embed.ts against a fake widget: replay order, one widget per init,
// handlers registered before init, errors as events. The real widget in a real browser is
// covered by tests/browser.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (payload: unknown) => void;

interface FakeWidget {
  host: HTMLElement;
  options: unknown;
  calls: unknown[][];
  handlers: Map<string, Set<Handler>>;
  emit(name: string, payload: unknown): void;
  destroyed: boolean;
}

const widgets: FakeWidget[] = [];

vi.mock('../../src/app.ts', () => ({
  createWidget(host: HTMLElement, options: unknown) {
    const widget: FakeWidget = {
      host,
      options,
      calls: [],
      handlers: new Map(),
      destroyed: false,
      emit(name, payload) {
        for (const handler of widget.handlers.get(name) ?? []) handler(payload);
      },
    };
    widgets.push(widget);
    // Like the real widget: ready after the caller had a chance to subscribe.
    queueMicrotask(() => widget.emit('ready', { library: 'none' }));
    const record =
      (name: string) =>
      (...args: unknown[]) => {
        widget.calls.push([name, ...args]);
      };
    return {
      event: record('event'),
      events: record('events'),
      focus: record('focus'),
      configure: record('configure'),
      on(name: string, handler: Handler) {
        if (!widget.handlers.has(name)) widget.handlers.set(name, new Set());
        widget.handlers.get(name)!.add(handler);
        return () => widget.handlers.get(name)!.delete(handler);
      },
      destroy() {
        widget.destroyed = true;
        widget.handlers.clear();
      },
    };
  },
}));

type Command = ((...args: unknown[]) => unknown) & { q?: unknown[]; loaded?: boolean };
const win = window as unknown as { ChatPlaybook?: Command };
const cp = (...args: unknown[]) => win.ChatPlaybook!(...args);

function installStub(): void {
  if (win.ChatPlaybook) return; // `window.ChatPlaybook || …`
  const stub: Command = function (this: unknown) {
    stub.q = stub.q || [];
    // biome-ignore lint/complexity/noArguments: the embed.md stub queues its arguments object
    stub.q.push(arguments);
  };
  win.ChatPlaybook = stub;
}

async function loadBundle(): Promise<void> {
  vi.resetModules();
  await import('../../src/embed.ts');
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  widgets.length = 0;
  delete win.ChatPlaybook;
  document.body.innerHTML = '<div id="playbook"></div><div id="other"></div>';
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('embed queue', () => {
  it('replays queued calls with init first, then in order', async () => {
    installStub();
    const ready = vi.fn();
    cp('event', { n: 1 });
    cp('on', 'ready', ready);
    cp('init', { target: '#playbook', transport: 'local' });
    cp('events', [{ n: 2 }]);
    cp('focus', 'c-1');
    await loadBundle();
    expect(widgets).toHaveLength(1);
    expect(widgets[0]!.host).toBe(document.getElementById('playbook'));
    expect(widgets[0]!.options).toEqual({ transport: 'local' });
    expect(widgets[0]!.calls).toEqual([
      ['event', { n: 1 }],
      ['events', [{ n: 2 }]],
      ['focus', 'c-1'],
    ]);
    await tick();
    expect(ready).toHaveBeenCalledTimes(1);
    expect(win.ChatPlaybook!.loaded).toBe(true);
    expect(win.ChatPlaybook!.q).toBeUndefined();
  });

  it('runs calls directly when the bundle loaded before the stub', async () => {
    await loadBundle();
    const real = win.ChatPlaybook;
    installStub(); // `window.ChatPlaybook || …` keeps the real function
    expect(win.ChatPlaybook).toBe(real);
    const ready = vi.fn();
    cp('on', 'ready', ready);
    cp('init', { target: document.getElementById('playbook') });
    cp('event', { n: 1 });
    expect(widgets[0]!.calls).toEqual([['event', { n: 1 }]]);
    await tick();
    expect(ready).toHaveBeenCalledOnce();
  });

  it('holds widget commands made before init until init', async () => {
    await loadBundle();
    cp('event', { n: 1 });
    cp('configure', { firstResponseS: 40 });
    expect(widgets).toHaveLength(0);
    cp('init', { target: '#playbook' });
    expect(widgets[0]!.calls).toEqual([
      ['event', { n: 1 }],
      ['configure', { firstResponseS: 40 }],
    ]);
  });

  it('a second init is an error event and a warning, not a second widget', async () => {
    await loadBundle();
    const errors: unknown[] = [];
    cp('on', 'error', (e: unknown) => errors.push(e));
    cp('init', { target: '#playbook' });
    cp('init', { target: '#other' });
    expect(widgets).toHaveLength(1);
    expect(errors).toEqual([expect.objectContaining({ command: 'init' })]);
    expect(console.warn).toHaveBeenCalled();
  });

  it('reports a bad target, bad names and unknown commands without throwing', async () => {
    await loadBundle();
    const errors: Array<{ field?: string }> = [];
    cp('on', 'error', (e: { field?: string }) => errors.push(e));
    document.body.innerHTML = '';
    expect(() => cp('init', { target: '#missing' })).not.toThrow();
    expect(() => cp('init', 'nope')).not.toThrow();
    expect(() => cp('on', 'nope', () => {})).not.toThrow();
    expect(() => cp('on', 'ready', 'not a function')).not.toThrow();
    expect(() => cp('launch')).not.toThrow();
    expect(errors.map((e) => e.field)).toEqual(['target', 'options', 'name', 'handler', 'command']);
    expect(widgets).toHaveLength(0);
  });

  it('forwards widget events; reply only while the host listens (else the widget copies)', async () => {
    await loadBundle();
    cp('init', { target: '#playbook' });
    const widget = widgets[0]!;
    expect(widget.handlers.get('reply')?.size ?? 0).toBe(0);
    const reply = vi.fn();
    const off = cp('on', 'reply', reply) as () => void;
    expect(widget.handlers.get('reply')?.size).toBe(1);
    widget.emit('reply', { text: 'hi' });
    expect(reply).toHaveBeenCalledWith({ text: 'hi' });
    off();
    expect(widget.handlers.get('reply')?.size ?? 0).toBe(0);
    // `open` likewise: subscribed only while the host listens (else the widget focuses itself).
    expect(widget.handlers.get('open')?.size ?? 0).toBe(0);
    const open = vi.fn();
    cp('on', 'open', open);
    widget.emit('open', { chatId: 'c-2' });
    expect(open).toHaveBeenCalledWith({ chatId: 'c-2' });
  });

  it('a throwing handler does not stop the others or reach the page', async () => {
    await loadBundle();
    const second = vi.fn();
    cp('on', 'clock', () => {
      throw new Error('host bug');
    });
    cp('on', 'clock', second);
    cp('init', { target: '#playbook' });
    expect(() => widgets[0]!.emit('clock', { state: 'warning' })).not.toThrow();
    expect(second).toHaveBeenCalledOnce();
  });

  it('a ready handler added after ready hears it once', async () => {
    await loadBundle();
    cp('init', { target: '#playbook' });
    await tick();
    const late = vi.fn();
    cp('on', 'ready', late);
    await tick();
    expect(late).toHaveBeenCalledOnce();
  });

  it('destroy unmounts and forgets handlers; a new init mounts again', async () => {
    await loadBundle();
    const ready = vi.fn();
    cp('on', 'ready', ready);
    cp('init', { target: '#playbook' });
    await tick();
    cp('destroy');
    expect(widgets[0]!.destroyed).toBe(true);
    cp('init', { target: '#playbook' });
    await tick();
    expect(widgets).toHaveLength(2);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('a second copy of the bundle keeps the first one', async () => {
    await loadBundle();
    const first = win.ChatPlaybook;
    cp('init', { target: '#playbook' });
    await loadBundle();
    expect(win.ChatPlaybook).toBe(first);
    expect(widgets).toHaveLength(1);
  });
});
