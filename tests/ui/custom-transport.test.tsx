// @vitest-environment jsdom
// A host adapter's Transport given at init (helpdesk apps, src/adapters/hosts): its events
// reach the widget, the agent's ticks go back through it, its clock is the one the clocks
// read, and destroy disposes it.
import { fireEvent } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlaybookAction, TransportSink } from '../../src/adapters/transport.ts';
import { validateEvent } from '../../src/core/index.ts';
import { T0 } from '../models/fakes.ts';
import { msg, started } from '../models/harness.ts';
import { flush, mount, startTime } from './helpers.ts';

beforeEach(() => startTime());
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

function hostTransport(offsetMs: number) {
  let sink: TransportSink | null = null;
  const sent: PlaybookAction[] = [];
  const transport = {
    scope: 'testdesk:acme',
    start(s: TransportSink) {
      sink = s;
      s.status('online');
    },
    send(action: PlaybookAction) {
      sent.push(action);
      // The host stores it and it comes back, as from a server.
      sink?.events([action]);
      return Promise.resolve();
    },
    now: () => Date.now() + offsetMs,
    dispose: vi.fn(),
    push(...raw: Record<string, unknown>[]) {
      const at = (s: number) => new Date(T0 + s * 1000).toISOString();
      sink?.events(
        raw.map((r) => {
          const v = validateEvent({ ...r, at: at(r.at as number) });
          if (v.kind !== 'event') throw new Error(JSON.stringify(v));
          return v.event;
        }),
      );
    },
  };
  return { transport, sent };
}

describe('a host adapter as the transport', () => {
  it('shows its chats on its clock, sends ticks through it, and is disposed on destroy', async () => {
    // The host's clock is 10 s ahead of the page's: the first response reads 25 s, not 15 s.
    const host = hostTransport(10_000);
    vi.setSystemTime(T0 + 15_000);
    const w = await mount({ transport: host.transport });
    expect(w.events.error).toEqual([]);
    host.transport.push(started('zd-1', 0), msg('zd-1', 'm1', 1, 'customer', 'Where is my order?'));
    await flush();
    const clock = w.$('[data-cp-chat="zd-1"] [data-cp-clock="firstResponse"]')!;
    expect(clock.getAttribute('data-cp-state')).toBe('warning');
    expect(clock.textContent).toContain('0:25');
    // The host pushes events; the page's own event() is refused with a clear error.
    w.widget.event({ type: 'chat.started', chatId: 'x', at: T0 });
    expect(w.events.error.at(-1)).toMatchObject({ message: expect.stringContaining('pushed by') });
    const item = () => w.$('[data-cp-check="history"]')!;
    fireEvent.keyDown(item(), { key: ' ' });
    await flush();
    expect(host.sent.at(-1)).toMatchObject({
      type: 'playbook.check',
      item: 'history',
      checked: true,
    });
    expect(item().getAttribute('aria-checked')).toBe('true');
    w.widget.destroy();
    expect(host.transport.dispose).toHaveBeenCalledTimes(1);
  });

  it('passes the transport’s problems to the host page as error events', async () => {
    const host = hostTransport(0);
    let sink: TransportSink | null = null;
    const start = host.transport.start;
    host.transport.start = (s: TransportSink) => {
      sink = s;
      start(s);
    };
    const w = await mount({ transport: host.transport });
    (sink as TransportSink | null)?.error?.(
      'bridge: a message from https://evil.example was ignored',
    );
    await flush();
    expect(w.events.error).toEqual([
      { message: 'bridge: a message from https://evil.example was ignored' },
    ]);
    w.widget.destroy();
  });
});
