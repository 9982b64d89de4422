// @vitest-environment jsdom
// The helpdesk apps' shell: a host adapter that connects docks the widget through its public
// commands (init with the adapter as transport, focus, reply → the host's composer); one that
// cannot shows a single polite message and stops.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bootHostApp } from '../../../src/adapters/hosts/boot.ts';
import {
  type HostAdapter,
  type HostContext,
  HostUnavailable,
} from '../../../src/adapters/hosts/types.ts';

afterEach(() => {
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

function setup(connect: () => Promise<HostContext>, insert = true) {
  document.body.innerHTML = '<main id="playbook"></main>';
  const calls: unknown[][] = [];
  const handlers: Record<string, (p: unknown) => void> = {};
  const win = window as Window & { ChatPlaybook?: (...args: unknown[]) => unknown };
  win.ChatPlaybook = (...args: unknown[]) => {
    calls.push(args);
    if (args[0] === 'on') handlers[args[1] as string] = args[2] as (p: unknown) => void;
  };
  const focus: Array<(id: string) => void> = [];
  const inserted: unknown[] = [];
  const adapter: HostAdapter = {
    label: 'Testdesk',
    scope: 'testdesk:acme',
    connect,
    onFocus(listener) {
      focus.push(listener);
      return () => {};
    },
    start() {},
    send: () => Promise.resolve(),
    now: () => Date.now(),
    dispose: vi.fn(),
    openChat: vi.fn(),
    ...(insert
      ? {
          insertReply: async (reply: { chatId: string; text: string }) => {
            inserted.push(reply);
            return 'inserted' as const;
          },
        }
      : {}),
  };
  return { adapter, calls, handlers, focus, inserted, win };
}

describe('bootHostApp', () => {
  it('docks the widget with the host’s agent, settings and open conversation', async () => {
    const s = setup(async () => ({
      agent: { id: 'u-9', name: 'Sam Lee', role: 'supervisor' },
      settings: { library: '/sops/index.json', thresholds: '{"firstResponseS": 45}' },
      chatId: 'testdesk-7',
    }));
    const result = await bootHostApp(s.adapter, { win: s.win });
    expect(result.state).toBe('docked');
    const init = s.calls.find((c) => c[0] === 'init')![1] as Record<string, unknown>;
    expect(init).toMatchObject({
      agent: { id: 'u-9', name: 'Sam Lee' },
      // Without a server a supervisor cannot store team settings: the widget is an agent's.
      role: 'agent',
      library: '/sops/index.json',
      thresholds: { firstResponseS: 45 },
    });
    expect(init.transport).toBe(s.adapter);
    expect(init.target).toBe(document.querySelector('#playbook'));
    expect(s.calls.at(-1)).toEqual(['focus', 'testdesk-7']);
    // The host switches conversation: the widget follows.
    s.focus[0]!('testdesk-8');
    expect(s.calls.at(-1)).toEqual(['focus', 'testdesk-8']);
    // A chat picked in the widget's list: the host is asked to open it.
    s.handlers.open!({ chatId: 'testdesk-9' });
    expect(s.adapter.openChat).toHaveBeenCalledWith('testdesk-9');
    // A chosen reply goes to the host's composer.
    s.handlers.reply!({ chatId: 'testdesk-8', text: 'Hi Dana' });
    await Promise.resolve();
    expect(s.inserted).toEqual([{ chatId: 'testdesk-8', text: 'Hi Dana' }]);
  });

  it('leaves replies to the widget’s clipboard path when the host has no composer call', async () => {
    const s = setup(async () => ({ agent: { id: 'u-1' }, settings: {}, chatId: null }), false);
    await bootHostApp(s.adapter, { win: s.win });
    expect(s.calls.some((c) => c[0] === 'on' && c[1] === 'reply')).toBe(false);
    expect(s.calls.some((c) => c[0] === 'focus')).toBe(false);
  });

  it('shows one polite message outside the host, logs once, and never inits', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const s = setup(() =>
      Promise.reject(new HostUnavailable('no answer from the host within 5 s', 'timeout')),
    );
    const result = await bootHostApp(s.adapter, { win: s.win });
    expect(result.state).toBe('unavailable');
    const box = document.querySelector('#playbook [role="status"]')!;
    expect(box.textContent).toContain('Testdesk did not answer Chat Playbook.');
    expect(box.textContent).toContain('no answer from the host within 5 s');
    expect(s.calls).toEqual([]);
    expect(s.adapter.dispose).toHaveBeenCalledTimes(1);
    expect(info).toHaveBeenCalledTimes(1);
  });

  it('shows host text as text, never as markup', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    const s = setup(() =>
      Promise.reject(new HostUnavailable('<img src=x onerror="window.__xss=1">', 'permission')),
    );
    await bootHostApp(s.adapter, { win: s.win });
    expect(document.querySelector('#playbook img')).toBeNull();
    expect(document.querySelector('#playbook')!.textContent).toContain('needs a permission');
  });
});
