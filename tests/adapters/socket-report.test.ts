// The socket transport's `report` (the supervisor's Team view) against a real `serve`: the
// team report over HTTP with the transport's token, and the server's refusals as errors.
import {
  createSocketTransport,
  type SocketTransport,
} from '../../src/adapters/socket-transport.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { message, postEvents, serve, started } from '../server/helpers.ts';

const clock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

let server: RunningServer;
const open: SocketTransport[] = [];

function transport(role: 'agent' | 'supervisor'): SocketTransport {
  const token = server.token({ team: 'acme', role, sub: `u-${role}` });
  const t = createSocketTransport({ url: server.url, token }, clock);
  open.push(t);
  return t;
}

beforeEach(async () => {
  server = await serve();
  await postEvents(
    server.url,
    [started('c-1'), { ...message('c-1', 'm1', 9, 'agent', 'Hi Dana'), agentId: 'ana' }],
    'acme',
  );
});
afterEach(async () => {
  for (const t of open.splice(0)) t.dispose();
  await server.close();
});

describe('socket transport: report', () => {
  it("fetches the team report with the transport's token", async () => {
    const report = await transport('supervisor').report({ period: 'month', tz: 'UTC' });
    expect(report.period).toBe('month');
    expect(report.agents.map((f) => [f.agentId, f.chats])).toEqual([['ana', 1]]);
  });

  it("turns the server's refusals into errors that say why", async () => {
    await expect(transport('agent').report({})).rejects.toThrow(/for supervisors/);
    await expect(transport('supervisor').report({ tz: 'Nowhere/Else' })).rejects.toThrow(/tz: /);
  });

  it('refuses once disposed', async () => {
    const t = transport('supervisor');
    t.dispose();
    await expect(t.report({})).rejects.toThrow(/disposed/);
  });
});
