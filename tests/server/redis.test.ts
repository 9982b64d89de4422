// Scale-out: two `serve --redis` processes share the event log (one Redis Stream per team,
// offsets = stream order). Each reads its widgets' teams' live events from their streams;
// configurations and picks go through the redis-streams-adapter. A widget can move to any node.
import { signToken } from '../../src/server/auth.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { MAX_PICKS } from '../../src/server/store/types.ts';
import type { ActionAck, ConfigSaveAck, PickAck, SharedPick } from '../../src/server/wire.ts';
import {
  type ChildServer,
  connected,
  emitAck,
  hasRedis,
  message,
  postEvents,
  type RedisServer,
  SECRET,
  serve,
  spawnServe,
  started,
  startRedis,
  widget,
} from './helpers.ts';

const available = hasRedis();
const inCi = process.env.CI === 'true';
if (!available && !inCi) {
  console.warn('redis-server not found: skipping the Redis scale-out tests (they run in CI)');
}

describe.skipIf(!available && !inCi)('--redis: two server processes', () => {
  let redis: RedisServer;
  let a: ChildServer;
  let b: ChildServer;
  const token = (role: 'agent' | 'supervisor' = 'agent', sub = 'a-1') =>
    signToken(SECRET, { team: 'acme', role, sub });

  beforeAll(async () => {
    if (!available) throw new Error('CI=true but redis-server is not installed');
    redis = await startRedis();
    [a, b] = await Promise.all([
      spawnServe(['--redis', redis.url, '--rate', '0']),
      spawnServe(['--redis', redis.url, '--rate', '0']),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await redis?.stop();
  }, 30_000);

  it('shares one log: both nodes report the same log id', async () => {
    const ha = (await (await fetch(`${a.url}/healthz`)).json()) as { log: string; storage: string };
    const hb = (await (await fetch(`${b.url}/healthz`)).json()) as { log: string };
    expect(ha.storage).toBe('redis');
    expect(ha.log).toBe(hb.log);
  });

  it('delivers an event posted to one node to widgets on the other', async () => {
    const onA = widget(a.url, token());
    await connected(onA);
    await onA.waitFor(() => onA.seq.log !== null);
    await postEvents(b.url, [started('x-1'), message('x-1', 'm1', 1)], 'acme');
    await onA.waitFor(
      () => onA.events.some((e) => e.chatId === 'x-1' && e.type === 'message'),
      10_000,
    );
    onA.close();
  });

  it("reads a team's events on a node only while that node has one of its widgets", async () => {
    const tailed = async (node: ChildServer) => {
      const res = await fetch(`${node.url}/v1/health`, {
        headers: { authorization: `Bearer ${SECRET}` },
      });
      return ((await res.json()) as { process: { tailedTeams: number } }).process.tailedTeams;
    };
    const solo = (team: string) => signToken(SECRET, { team, role: 'agent', sub: 'a-9' });
    const w = widget(a.url, solo('only-on-a'));
    await connected(w);
    await w.waitFor(() => w.seq.log !== null);
    expect(await tailed(a)).toBeGreaterThanOrEqual(1);
    const onB = await tailed(b);
    // Posted to B, which has no widget of the team: it reaches the widget on A all the same.
    await postEvents(b.url, [started('solo-1'), message('solo-1', 'm1', 1)], 'only-on-a');
    await w.waitFor(() => w.events.some((e) => e.chatId === 'solo-1' && e.type === 'message'));
    expect(await tailed(b)).toBe(onB);
    const onA = await tailed(a);
    w.close();
    let now = onA;
    for (let tries = 0; tries < 100 && now !== onA - 1; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      now = await tailed(a);
    }
    expect(now).toBe(onA - 1);
  });

  it('gives a new widget every chat of a team whose events it stored only some of', async () => {
    // No widget of the team anywhere: each node folds what it stores and reads the rest of
    // the team's log only when a widget of the team needs it.
    const team = 'stored-here-and-there';
    await postEvents(a.url, [started('h-1'), message('h-1', 'm1', 1)], team);
    await postEvents(b.url, [started('h-2'), message('h-2', 'm1', 2)], team);
    await postEvents(a.url, [started('h-3'), message('h-3', 'm1', 3)], team);
    const onB = widget(b.url, signToken(SECRET, { team, role: 'agent', sub: 'a-7' }));
    await connected(onB);
    await onB.waitFor(() => ['h-1', 'h-2', 'h-3'].every((id) => onB.timelines.has(id)));
    expect(onB.seq.last).toBe(6);
    // And from now on it gets the team's events live, whichever node stores them.
    await postEvents(a.url, [message('h-1', 'm2', 9, 'agent')], team);
    await onB.waitFor(() => onB.seq.last === 7);
    onB.close();
  });

  it('gives distinct, increasing offsets to concurrent appends on both nodes', async () => {
    const w = widget(a.url, token());
    await connected(w);
    await w.waitFor(() => w.seq.log !== null);
    const start = w.seq.last;
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      const node = i % 2 === 0 ? a : b;
      posts.push(postEvents(node.url, [started(`p-${i}`), message(`p-${i}`, 'm', 1)], 'acme'));
    }
    await Promise.all(posts);
    await w.waitFor(() => w.seq.last === start + 40, 10_000, 'all 40 offsets');
    const offsets = w.batches.filter((x) => !x.snapshot).flatMap((x) => x.events.map((e) => e.o));
    expect(new Set(offsets).size).toBe(40);
    expect(w.events.filter((e) => e.chatId.startsWith('p-')).length).toBe(40);
    expect(w.engineDuplicates()).toBe(0);
    w.close();
  });

  it('lets a widget reconnect to the other node and resume from its offset', async () => {
    const onA = widget(a.url, token());
    await connected(onA);
    await postEvents(a.url, [started('r-1'), message('r-1', 'm1', 1)], 'acme');
    await onA.waitFor(
      () => onA.events.some((e) => e.chatId === 'r-1' && e.type === 'message'),
      10_000,
    );
    const before = onA.seq.last;
    onA.close();

    // Missed while away, through both nodes.
    await postEvents(a.url, [message('r-1', 'm2', 5, 'agent')], 'acme');
    await postEvents(b.url, [message('r-1', 'm3', 9)], 'acme');

    const onB = widget(b.url, token(), {
      seq: onA.seq,
      events: onA.events,
      timelines: onA.timelines,
    });
    await connected(onB);
    await onB.waitFor(() => onB.messages('r-1').length === 3, 10_000, 'resume on B');
    expect(onB.welcome?.resume).toBe('replay');
    expect(onB.batches[0]!.after).toBe(before);
    expect(onB.messages('r-1')).toEqual(['m1', 'm2', 'm3']);
    expect(onB.engineDuplicates()).toBe(0);
    onB.close();
  });

  it('accepts an action on a node that has not seen the chat yet, stored once across retries', async () => {
    await postEvents(a.url, [started('act-1')], 'acme');
    const onB = widget(b.url, token());
    await connected(onB);
    const action = {
      id: 'same-id',
      event: { type: 'playbook.note', chatId: 'act-1', at: Date.now(), text: 'called back' },
    };
    const first = await emitAck<ActionAck>(onB.socket, 'action', action);
    expect(first.ok).toBe(true);
    onB.close();
    // The retry goes to the other node (the widget moved): still the same offset.
    const onA = widget(a.url, token());
    await connected(onA);
    const retry = await emitAck<ActionAck>(onA.socket, 'action', action);
    expect(retry).toEqual({
      ok: true,
      offset: (first as { offset: number }).offset,
      duplicate: true,
    });
    onA.close();
  });

  it('shares a pick made on one node with widgets on the other, now and when they connect', async () => {
    const onA = widget(a.url, token('agent', 'a-1'));
    const onB = widget(b.url, token('agent', 'a-2'));
    const live: SharedPick[] = [];
    onB.socket.on('picks', (list: SharedPick[]) => live.push(...list));
    await Promise.all([connected(onA), connected(onB)]);
    await onB.waitFor(() => onB.welcome !== null);
    const p = { id: 'redis-pick-1', text: 'my parcel is late', sopId: 'CS-SH-001' };
    expect(await emitAck<PickAck>(onA.socket, 'pick', p)).toEqual({ ok: true });
    await onB.waitFor(() => live.some((x) => x.id === p.id), 10_000, 'pick on B');
    expect(live.find((x) => x.id === p.id)).toMatchObject({ ...p, by: 'a-1' });
    // A retry on the other node is the same pick.
    expect(await emitAck<PickAck>(onB.socket, 'pick', p)).toEqual({ ok: true, duplicate: true });
    onA.close();
    onB.close();

    const later = widget(a.url, token('agent', 'a-3'));
    const first: SharedPick[][] = [];
    later.socket.on('picks', (list: SharedPick[]) => first.push(list));
    await connected(later);
    await later.waitFor(() => first.length > 0, 10_000, 'picks on connect');
    expect(first[0]!.filter((x) => x.id === p.id)).toHaveLength(1);
    later.close();
  });

  it("broadcasts a supervisor's configuration to widgets on every node", async () => {
    const boss = widget(a.url, token('supervisor', 's-1'));
    const agentOnB = widget(b.url, token());
    await Promise.all([connected(boss), connected(agentOnB)]);
    await agentOnB.waitFor(() => agentOnB.configs.length === 1);
    const ack = await emitAck<ConfigSaveAck>(boss.socket, 'config:save', {
      config: { firstResponseS: 40, firstResponseWarnS: 20 },
      comment: 'from A',
    });
    expect(ack.ok).toBe(true);
    await agentOnB.waitFor(() => agentOnB.configs.length === 2, 10_000, 'config on B');
    expect(agentOnB.configs[1]).toMatchObject({
      comment: 'from A',
      config: { firstResponseS: 40 },
    });
    boss.close();
    agentOnB.close();
  });
});

describe.skipIf(!available && !inCi)('--redis in-process', () => {
  let redis: RedisServer;
  let server: RunningServer;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('keeps the log in Redis across a server restart and compacts old closed chats', async () => {
    const clock = { now: Date.now() };
    server = await serve({
      redis: redis.url,
      redisPrefix: 'c:',
      retentionMs: 60_000,
      now: () => clock.now,
    });
    const t = clock.now;
    await server.ingest([
      { type: 'chat.started', chatId: 'old', at: t - 5000 },
      { type: 'chat.closed', chatId: 'old', at: t - 4000 },
      { type: 'chat.started', chatId: 'open', at: t - 3000 },
    ]);
    const logId = server.logId;
    await server.close();

    clock.now += 120_000;
    server = await serve({
      redis: redis.url,
      redisPrefix: 'c:',
      retentionMs: 60_000,
      now: () => clock.now,
    });
    try {
      expect(server.logId).toBe(logId);
      expect(await server.hub.head('default')).toBe(3);
      // Compaction at start dropped the old chat from the stream.
      expect(server.hub.stats()).toMatchObject({ chats: 1 });
      const records = await server.hub.log.readAfter('default', 0, 100);
      expect(records.map((r) => r.o)).toEqual([3]);
      await server.ingest([message('open', 'm1', 1)]);
      expect(await server.hub.head('default')).toBe(4);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('keeps the newest 2,000 picks in Redis across a restart, a retried one once', async () => {
    const pick = (i: number) => ({ id: `p-${i}`, text: `words ${i}`, sopId: 'CS-SH-001' });
    server = await serve({ redis: redis.url, redisPrefix: 'p:' });
    for (let i = 0; i < MAX_PICKS + 2; i++) await server.hub.addPick('acme', pick(i), 'a-1');
    expect(await server.hub.addPick('acme', pick(MAX_PICKS + 1), 'a-1')).toBe(false);
    await server.close();

    server = await serve({ redis: redis.url, redisPrefix: 'p:' });
    try {
      const kept = await server.hub.picks('acme');
      expect(kept).toHaveLength(MAX_PICKS);
      expect(kept[0]).toMatchObject({ ...pick(2), by: 'a-1' });
      expect(kept.at(-1)!.id).toBe(`p-${MAX_PICKS + 1}`);
      // A pick that fell out of the kept ones is no longer remembered as stored.
      expect(await server.hub.addPick('acme', pick(0), 'a-1')).toBe(true);
      expect(await server.hub.picks('globex')).toEqual([]);
    } finally {
      await server.close();
    }
  }, 30_000);
});
