// A helpdesk app connected to serve too: the host's conversation and the server's team
// (configuration, the agent's ticks stored and shared, the server clock), against a real
// server on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withServer } from '../../../src/adapters/hosts/compose.ts';
import type { HostAdapter } from '../../../src/adapters/hosts/types.ts';
import { createSocketTransport } from '../../../src/adapters/socket-transport.ts';
import type { TransportSink } from '../../../src/adapters/transport.ts';
import { type ChatEvent, type PlaybookEvent, validateEvent } from '../../../src/core/index.ts';
import type { RunningServer } from '../../../src/server/index.ts';
import { serve, waitFor } from '../../server/helpers.ts';

let server: RunningServer;
beforeEach(async () => {
  server = await serve({ rateLimit: false });
});
afterEach(() => server.close());

const clock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

function event(raw: Record<string, unknown>): ChatEvent {
  const v = validateEvent(raw);
  if (v.kind !== 'event') throw new Error(JSON.stringify(v));
  return v.event;
}

describe('withServer', () => {
  it('shows the host’s chat, stores ticks on the server, and takes the team’s config', async () => {
    let hostSink: TransportSink | null = null;
    const host: HostAdapter = {
      label: 'Testdesk',
      scope: 'testdesk:acme',
      connect: () => Promise.reject(new Error('unused')),
      onFocus: () => () => {},
      start(sink) {
        hostSink = sink;
      },
      send: vi.fn(() => Promise.resolve()),
      now: () => 0,
      dispose: vi.fn(),
    };
    const socket = createSocketTransport(
      {
        url: server.url,
        token: server.token({ team: 'acme', role: 'agent', sub: 'a-1' }),
        ioOptions: { transports: ['websocket'] },
      },
      clock,
    );
    const transport = withServer(host, socket);
    expect(transport.scope).toBe('testdesk:acme');
    const got: ChatEvent[] = [];
    const configs: unknown[] = [];
    const statuses: string[] = [];
    transport.start({
      events: (e) => got.push(...e),
      status: (s) => statuses.push(s),
      config: (c) => configs.push(c),
    });
    await waitFor(() => statuses.includes('online'), 5000, 'online');
    // The host's conversation.
    hostSink!.events([event({ type: 'chat.started', chatId: 'testdesk-1', at: Date.now() })]);
    expect(got.map((e) => e.chatId)).toEqual(['testdesk-1']);
    // A tick is stored by the server (shared with the team), not by the host.
    await server.ingest([{ type: 'chat.started', chatId: 'testdesk-1', at: Date.now() }], 'acme');
    await transport.send(
      event({
        type: 'playbook.check',
        chatId: 'testdesk-1',
        at: Date.now(),
        item: 'history',
        checked: true,
      }) as PlaybookEvent,
    );
    expect(host.send).not.toHaveBeenCalled();
    await waitFor(() => got.some((e) => e.type === 'playbook.check'), 5000, 'the tick back');
    expect(await server.hub.head('acme')).toBe(2);
    // A supervisor's change reaches the app.
    await server.hub.saveConfig('acme', { firstResponseS: 45 }, { sub: 's' }, 'test');
    await waitFor(() => configs.length === 1, 5000, 'config');
    expect(configs[0]).toMatchObject({ firstResponseS: 45 });
    // Server time, not the host's (which says 0 here).
    expect(Math.abs(transport.now() - Date.now())).toBeLessThan(1000);
    transport.dispose();
    expect(host.dispose).toHaveBeenCalledTimes(1);
  });
});
