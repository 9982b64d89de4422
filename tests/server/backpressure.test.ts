// Back-pressure on slow sockets (issue 16): a widget that stops reading would hold every
// broadcast in the server's memory. Past `maxPendingBytes` of unsent output it is cut (its
// client then resumes from its offset), while the team's other widgets get everything.

import { signToken } from '../../src/server/auth.ts';
import type { RunningServer } from '../../src/server/index.ts';
import {
  connected,
  message,
  postEvents,
  type RawSocket,
  rawSocket,
  SECRET,
  serve,
  started,
  waitFor,
  widget,
} from './helpers.ts';

describe('a widget socket that stops reading', () => {
  let server: RunningServer;
  let slow: RawSocket;
  const warnings: string[] = [];

  beforeAll(async () => {
    server = await serve({
      maxPendingBytes: 256 * 1024,
      rateLimit: false,
      warn: (m) => warnings.push(m),
    });
  });
  afterAll(async () => {
    slow?.close();
    await server?.close();
  });

  it('is disconnected once its unsent output passes the limit; the others get every event', async () => {
    const token = (sub: string) => signToken(SECRET, { team: 'default', role: 'agent', sub });
    await postEvents(server.url, [started('c-1')]);
    slow = await rawSocket(server.url, { token: token('frozen-tab') });
    slow.pause();
    const reader = widget(server.url, token('reader'));
    await connected(reader);
    await reader.waitFor(() => reader.events.length === 1, 5000, 'the snapshot');

    // About 16 MB of messages: more than the kernel's socket buffers hold on loopback.
    const text = 'x'.repeat(3900);
    for (let post = 0; post < 40; post++) {
      const batch = Array.from({ length: 100 }, (_, i) =>
        message('c-1', `m-${post}-${i}`, post + 1, 'customer', text),
      );
      expect((await postEvents(server.url, batch)).status).toBe(200);
    }

    await waitFor(() => warnings.some((w) => w.includes('frozen-tab')), 10_000, 'the cut');
    const cut = warnings.find((w) => w.includes('frozen-tab'))!;
    expect(cut).toMatch(/bytes unsent, over 262144: disconnected/);
    await reader.waitFor(() => reader.events.length === 1 + 4000, 10_000, 'every message');
    expect(warnings.some((w) => w.includes('reader'))).toBe(false);
    reader.close();
  }, 30_000);
});
