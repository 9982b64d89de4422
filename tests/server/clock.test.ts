// One clock: widgets whose local clocks are minutes off compute the same server time.
import { ClockSync } from '../../src/adapters/socket-transport.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { connected, serve, widget } from './helpers.ts';

describe('ClockSync', () => {
  it('estimates offset = serverTime − (t0 + t1) / 2 from the lowest-RTT sample', () => {
    const sync = new ClockSync(3);
    expect(sync.offsetMs).toBe(0);
    sync.add(1000, 5100, 1200); // rtt 200, offset 4000
    sync.add(2000, 6020, 2040); // rtt 40, offset 4000
    sync.add(3000, 7300, 3400); // rtt 400, offset 4100
    expect(sync.best()).toEqual({ offsetMs: 4000, rttMs: 40 });
    // Only the last 3 count: the 40 ms sample ages out.
    sync.add(4000, 8200, 4300);
    sync.add(5000, 9100, 5300);
    expect(sync.best()?.rttMs).toBe(300);
    sync.add(6000, 1, 5000); // negative round trip: ignored
    expect(sync.best()?.rttMs).toBe(300);
  });
});

describe('clock skew against a real server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(async () => {
    await server.close();
  });

  async function corrected(skewMs: number): Promise<{ error: number; rtt: number }> {
    const w = widget(server.url, server.token({ team: 'default', role: 'agent', sub: 'a' }));
    await connected(w);
    const local = () => Date.now() + skewMs; // this widget's wrong clock
    const sync = new ClockSync(8);
    for (let i = 0; i < 5; i++) {
      const t0 = local();
      const serverTime = (await w.socket.timeout(2000).emitWithAck('time')) as number;
      sync.add(t0, serverTime, local());
    }
    w.close();
    const now = local() + sync.offsetMs;
    return { error: Math.abs(now - Date.now()), rtt: sync.best()!.rttMs };
  }

  it.each([
    ['5 minutes fast', 5 * 60_000],
    ['5 minutes slow', -5 * 60_000],
    ['right', 0],
  ])('a client clock %s shows server time within the round trip', async (_name, skew) => {
    const { error, rtt } = await corrected(skew);
    expect(error).toBeLessThanOrEqual(rtt + 5);
  });
});
