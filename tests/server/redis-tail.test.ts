// The tail of a fleet process (src/server/store/redis-tail.ts): it reads the events of the
// teams it watches from their Redis streams, and only those. Real redis-server; the reads
// block for 30 s here, so a new team whose events arrive at once proves the interrupt.
import type { ChatEvent } from '../../src/core/index.ts';
import { RedisLog } from '../../src/server/store/redis.ts';
import { RedisTail, tailClient } from '../../src/server/store/redis-tail.ts';
import type { StoredEvent } from '../../src/server/store/types.ts';
import { hasRedis, type RedisServer, startRedis, waitFor } from './helpers.ts';

const available = hasRedis();
const inCi = process.env.CI === 'true';

const started = (chatId: string, s: number): ChatEvent => ({
  type: 'chat.started',
  chatId,
  at: Date.UTC(2026, 11, 6, 9, 0, s),
});

describe.skipIf(!available && !inCi)('RedisTail: the events of the watched teams', () => {
  let redis: RedisServer;
  let writer: RedisLog;
  let reader: RedisLog;
  let tail: RedisTail;
  const got: Array<{ team: string; offsets: number[]; chats: string[] }> = [];
  const warnings: string[] = [];
  const chatsOf = (team: string) => got.filter((g) => g.team === team).flatMap((g) => g.chats);

  beforeAll(async () => {
    if (!available) throw new Error('CI=true but redis-server is not installed');
    redis = await startRedis();
    writer = await RedisLog.open({ url: redis.url });
    reader = await RedisLog.open({ url: redis.url, warn: (m) => warnings.push(m) });
    const deliver = (team: string, records: StoredEvent[]) =>
      got.push({ team, offsets: records.map((r) => r.o), chats: records.map((r) => r.e.chatId) });
    tail = new RedisTail(reader, await tailClient(reader, () => {}), deliver, {
      blockMs: 30_000,
      warn: (m) => warnings.push(m),
    });
  }, 30_000);

  afterAll(async () => {
    await tail?.close();
    await Promise.all([writer?.close(), reader?.close()]);
    await redis?.stop();
  });

  it('delivers what another process appends to a watched team, from the watch on, in order', async () => {
    await writer.append('north', [{ event: started('before', 0) }], Date.now());
    const stop = tail.watch('north');
    await waitFor(() => tail.teams === 1);
    // Give the tail its first read of the stream (from the head it found).
    await new Promise((r) => setTimeout(r, 100));
    await writer.append('north', [{ event: started('n1', 1) }, { event: started('n2', 2) }], 0);
    await writer.append('north', [{ event: started('n3', 3) }], 0);
    await waitFor(() => chatsOf('north').length === 3, 5000, 'the three new events');
    expect(chatsOf('north')).toEqual(['n1', 'n2', 'n3']);
    expect(got.flatMap((g) => g.offsets)).toEqual([2, 3, 4]);
    stop();
  });

  it('adds a team while a read is blocked, without waiting for that read to end', async () => {
    const stopSouth = tail.watch('south');
    const stopEast = tail.watch('east');
    await waitFor(() => tail.teams === 2);
    await new Promise((r) => setTimeout(r, 100));
    // The read now blocks on south and east for 30 s; west joins it.
    const stopWest = tail.watch('west');
    await new Promise((r) => setTimeout(r, 100));
    await writer.append('west', [{ event: started('w1', 1) }], 0);
    await waitFor(() => chatsOf('west').length === 1, 5000, "west's event");
    stopSouth();
    stopEast();
    stopWest();
  });

  it('stops reading a team when its last watcher leaves, not before', async () => {
    const first = tail.watch('central');
    const second = tail.watch('central');
    await new Promise((r) => setTimeout(r, 100));
    first();
    first(); // a second call of the same stop changes nothing
    await writer.append('central', [{ event: started('c1', 1) }], 0);
    await waitFor(() => chatsOf('central').length === 1, 5000, "central's first event");
    second();
    expect(tail.teams).toBe(0);
    await writer.append('central', [{ event: started('c2', 2) }], 0);
    // Something watched and written after it proves the tail went on reading meanwhile.
    const stop = tail.watch('marker');
    await new Promise((r) => setTimeout(r, 100));
    await writer.append('marker', [{ event: started('m1', 1) }], 0);
    await waitFor(() => chatsOf('marker').length === 1, 5000, "marker's event");
    expect(chatsOf('central')).toEqual(['c1']);
    stop();
  });

  it('skips a stored entry that is not an event, with a warning, and goes on', async () => {
    const stop = tail.watch('broken');
    await new Promise((r) => setTimeout(r, 100));
    await writer.client.sendCommand([
      'INCR',
      writer.eventsKey('broken').replace(/events$/, 'head'),
    ]);
    await writer.client.xAdd(writer.eventsKey('broken'), '0-1', { e: '{"type":', t: '0' });
    await writer.append('broken', [{ event: started('b2', 2) }], 0);
    await waitFor(() => chatsOf('broken').length === 1, 5000, "broken's good event");
    expect(got.filter((g) => g.team === 'broken').flatMap((g) => g.offsets)).toEqual([2]);
    expect(warnings.some((w) => /broken offset 1: stored entry is not a valid event/.test(w))).toBe(
      true,
    );
    stop();
  });

  it('closes at once while a read is blocked', async () => {
    const stop = tail.watch('last');
    await new Promise((r) => setTimeout(r, 100));
    const closing = Date.now();
    await tail.close();
    expect(Date.now() - closing).toBeLessThan(5000);
    stop();
  });
});
