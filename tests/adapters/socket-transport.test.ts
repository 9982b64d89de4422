// The widget's socket transport against a real `serve` on 127.0.0.1: the Transport contract
// of src/adapters/transport.ts (events, status, config, send, now, dispose).

import {
  createSocketTransport,
  OffsetSequencer,
  type SocketTransport,
  type SocketTransportExtras,
} from '../../src/adapters/socket-transport.ts';
import type { TransportSink, TransportStatus } from '../../src/adapters/transport.ts';
import type { ChatEvent } from '../../src/core/index.ts';
import type { RunningServer } from '../../src/server/index.ts';
import type { EventsBatch, SharedPick } from '../../src/server/wire.ts';
import {
  message,
  postEvents,
  removeDir,
  serve,
  started,
  tempDir,
  waitFor,
} from '../server/helpers.ts';

interface Recorder extends TransportSink {
  got: ChatEvent[];
  statuses: TransportStatus[];
  configs: unknown[];
}

function recorder(): Recorder {
  const r: Recorder = {
    got: [],
    statuses: [],
    configs: [],
    events: (e) => r.got.push(...e),
    status: (s) => r.statuses.push(s),
    config: (c) => r.configs.push(c),
  };
  return r;
}

function clockWithSkew(skewMs: number) {
  return {
    now: () => Date.now() + skewMs,
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>),
  };
}

let server: RunningServer;
let dir: string;
const open: SocketTransport[] = [];

function transport(token: string, extras: SocketTransportExtras = {}, skewMs = 0): SocketTransport {
  const t = createSocketTransport(
    {
      url: server.url,
      token,
      ioOptions: { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 300 },
      ...extras,
    },
    clockWithSkew(skewMs),
  );
  open.push(t);
  return t;
}

const agent = (sub = 'a-1') => server.token({ team: 'default', role: 'agent', sub });

beforeEach(async () => {
  dir = await tempDir();
  server = await serve({ data: dir, rateLimit: false });
});
afterEach(async () => {
  for (const t of open.splice(0)) t.dispose();
  await server.close();
  await removeDir(dir);
});

describe('socket transport', () => {
  it('tells the widget its status again once the welcome says who it is', async () => {
    // The widget reads the role (the supervisor view) when the status changes; a welcome
    // arriving after 'online' must be followed by a status report, or nothing re-reads it.
    const sink = recorder();
    const rolesSeen: (string | null)[] = [];
    const t = transport(server.token({ team: 'default', role: 'supervisor', sub: 's-1' }));
    t.start({
      ...sink,
      status: (s) => rolesSeen.push(s === 'online' ? (t.welcome()?.role ?? null) : s),
    });
    await waitFor(() => t.welcome() !== null, 5000, 'welcome');
    await waitFor(() => rolesSeen.at(-1) === 'supervisor', 5000, 'a status after the welcome');
  });

  it('goes connecting → online and delivers the snapshot, then live events', async () => {
    await server.ingest([started('c-1'), message('c-1', 'm1', 1)]);
    const sink = recorder();
    const t = transport(agent());
    t.start(sink);
    expect(sink.statuses).toEqual(['connecting']);
    await waitFor(() => sink.got.length === 2, 5000, 'snapshot');
    // 'online' may be said again once the server's welcome has arrived (see below).
    expect([...new Set(sink.statuses)]).toEqual(['connecting', 'online']);
    expect(t.welcome()).toMatchObject({ team: 'default', role: 'agent', resume: 'snapshot' });
    await postEvents(server.url, [message('c-1', 'm2', 5, 'agent')]);
    await waitFor(() => sink.got.length === 3, 5000, 'live');
    expect(sink.got.map((e) => (e.type === 'message' ? e.id : e.type))).toEqual([
      'chat.started',
      'm1',
      'm2',
    ]);
    expect(t.position()).toEqual({ log: server.logId, offset: 3 });
    // Version 0 (the defaults) is not pushed: the host's thresholds stay.
    expect(sink.configs).toEqual([]);
  });

  it('sends an action with an ack; it comes back as an event stamped with the sender', async () => {
    await server.ingest([started('c-1')]);
    const sink = recorder();
    const t = transport(agent('a-7'));
    t.start(sink);
    await waitFor(() => sink.got.length === 1);
    await t.send({
      type: 'playbook.check',
      chatId: 'c-1',
      at: t.now(),
      item: 'history',
      checked: true,
    });
    await waitFor(() => sink.got.length === 2, 5000, 'action echo');
    expect(sink.got[1]).toMatchObject({ type: 'playbook.check', item: 'history', by: 'a-7' });
    expect(await server.hub.head('default')).toBe(2);
  });

  it('rejects an action the server refuses (naming the field), without retrying', async () => {
    const t = transport(agent());
    const sink = recorder();
    t.start(sink);
    await waitFor(() => sink.statuses.includes('online'));
    await expect(
      t.send({ type: 'playbook.note', chatId: 'nope', at: t.now(), text: 'x' }),
    ).rejects.toThrow(/chatId: no chat 'nope'/);
  });

  it('keeps an action sent while the server is down and stores it once after the restart', async () => {
    await server.ingest([started('c-1')]);
    const port = server.port;
    const sink = recorder();
    const t = transport(agent());
    t.start(sink);
    await waitFor(() => sink.got.length === 1);
    await server.close();
    await waitFor(() => sink.statuses.at(-1) !== 'online', 5000, 'offline');
    let done = false;
    const sent = t
      .send({ type: 'playbook.note', chatId: 'c-1', at: t.now(), text: 'while offline' })
      .then(() => {
        done = true;
      });
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    // Missed while away: an event posted to the restarted server before the widget is back.
    server = await serve({ data: dir, rateLimit: false, port });
    await server.ingest([message('c-1', 'm1', 3)]);
    await sent;
    await waitFor(() => sink.got.length === 3, 5000, 'resume');
    expect(sink.statuses.at(-1)).toBe('online');
    expect(sink.got.map((e) => e.type)).toEqual(['chat.started', 'message', 'playbook.note']);
    expect(await server.hub.head('default')).toBe(3);
    expect(t.duplicatesDropped()).toBe(0);
  });

  it('reconnects at once when the network is back, instead of waiting out its backoff', async () => {
    await server.ingest([started('c-1')]);
    const port = server.port;
    const sink = recorder();
    let online: () => void = () => {};
    const t = createSocketTransport(
      {
        url: server.url,
        token: agent(),
        // A long backoff, as after a while offline: without the signal it would wait 20 s.
        ioOptions: {
          transports: ['websocket'],
          reconnectionDelay: 20_000,
          reconnectionDelayMax: 20_000,
          randomizationFactor: 0,
        },
        onOnline: (listener) => {
          online = listener;
          return () => {
            online = () => {};
          };
        },
      },
      clockWithSkew(0),
    );
    open.push(t);
    t.start(sink);
    await waitFor(() => sink.got.length === 1);
    await server.close();
    await waitFor(() => sink.statuses.at(-1) === 'offline', 5000, 'offline');
    server = await serve({ data: dir, rateLimit: false, port });
    await server.ingest([message('c-1', 'm1', 3)]);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.statuses.at(-1)).not.toBe('online');
    const back = Date.now();
    online();
    await waitFor(() => sink.statuses.at(-1) === 'online', 3000, 'online again');
    expect(Date.now() - back).toBeLessThan(3000);
    await waitFor(() => sink.got.length === 2, 3000, 'the missed message');
    expect(t.duplicatesDropped()).toBe(0);
    t.dispose();
    // After dispose the signal is released.
    online();
  });

  it('repairs a gap: a batch after a lost one is held, then a replay fills it', async () => {
    await server.ingest([started('c-1')]);
    const sink = recorder();
    const t = transport(agent(), { gapRepairMs: 100, syncIntervalMs: 60_000 });
    t.start(sink);
    await waitFor(() => sink.got.length === 1);
    // Stored but never broadcast (as if the live batch were lost on the way) ...
    const { validateEvent } = await import('../../src/core/index.ts');
    const lost = validateEvent(message('c-1', 'lost', 2));
    if (lost.kind !== 'event') throw new Error('bad fixture');
    await server.hub.log.append('default', [{ event: lost.event }], Date.now());
    // ... then the next batch arrives with after = 2 while the widget has 1.
    await server.ingest([message('c-1', 'next', 3)]);
    await waitFor(() => sink.got.length === 3, 5000, 'gap repaired');
    expect(sink.got.map((e) => (e.type === 'message' ? e.id : e.type))).toEqual([
      'chat.started',
      'lost',
      'next',
    ]);
  });

  it('catches up a lost last batch by checking the head every sync interval', async () => {
    await server.ingest([started('c-1')]);
    const sink = recorder();
    const t = transport(agent(), { syncIntervalMs: 150 });
    t.start(sink);
    await waitFor(() => sink.got.length === 1);
    const { validateEvent } = await import('../../src/core/index.ts');
    const lost = validateEvent(message('c-1', 'lost', 2));
    if (lost.kind !== 'event') throw new Error('bad fixture');
    await server.hub.log.append('default', [{ event: lost.event }], Date.now());
    await waitFor(() => sink.got.length === 2, 5000, 'head check');
    expect(t.position().offset).toBe(2);
  });

  it.each([
    ['5 minutes fast', 5 * 60_000],
    ['5 minutes slow', -5 * 60_000],
  ])('corrects a client clock %s to the server clock within the round trip', async (_n, skew) => {
    const sink = recorder();
    const t = transport(agent(), {}, skew);
    t.start(sink);
    await waitFor(() => (t.clock()?.rttMs ?? -1) >= 0 && sink.statuses.includes('online'));
    await new Promise((r) => setTimeout(r, 100)); // the burst of samples
    const error = Math.abs(t.now() - Date.now());
    expect(error).toBeLessThanOrEqual(t.clock()!.rttMs + 5);
  });

  it('lets a supervisor save, list and revert; agents get the new configuration at once', async () => {
    const boss = transport(server.token({ team: 'default', role: 'supervisor', sub: 's' }));
    const agentSink = recorder();
    const a = transport(agent());
    boss.start(recorder());
    a.start(agentSink);
    await waitFor(() => agentSink.statuses.includes('online'));
    await waitFor(() => boss.configVersion() !== null);
    const saved = await boss.saveConfig({ maxGapS: 200, gapWarnS: 150 }, 'slower queue');
    expect(saved).toEqual({ ok: true, version: 1 });
    await waitFor(() => agentSink.configs.length === 1, 5000, 'push');
    expect(agentSink.configs[0]).toMatchObject({ maxGapS: 200, gapWarnS: 150 });
    expect(a.configVersion()).toMatchObject({ version: 1, comment: 'slower queue' });
    const bad = await boss.saveConfig({ gapWarnS: 500 });
    expect(bad).toMatchObject({ ok: false, errors: [{ field: 'gapWarnS' }] });
    expect((await boss.configHistory()).map((v) => v.version)).toEqual([0, 1]);
    expect(await boss.revertConfig(0)).toEqual({ ok: true, version: 2 });
    await waitFor(() => agentSink.configs.length === 2, 5000, 'revert push');
    expect(agentSink.configs[1]).toMatchObject({ maxGapS: 120 });
    expect(await a.saveConfig({ maxGapS: 10, gapWarnS: 5 })).toMatchObject({ ok: false });
  });

  it("shares a pick; the team's picks reach onPicks on connect and live, until its cleanup", async () => {
    const a = transport(agent('a-1'));
    const b = transport(agent('a-2'));
    const got: SharedPick[][] = [];
    const kept: SharedPick[][] = [];
    const stop = b.onPicks((list) => got.push(list));
    b.onPicks((list) => kept.push(list));
    a.start(recorder());
    b.start(recorder());
    await waitFor(() => got.length === 1, 5000, 'list on connect');
    expect(got[0]).toEqual([]);
    const p = { id: 'p-1', text: 'my parcel is late', sopId: 'CS-SH-001' };
    await a.sharePick(p);
    await waitFor(() => got.length === 2, 5000, 'live pick');
    expect(got[1]).toEqual([{ ...p, by: 'a-1', at: expect.any(Number) }]);

    stop();
    await a.sharePick({ ...p, id: 'p-2' });
    await waitFor(() => kept.length === 3, 5000, 'second pick');
    expect(got).toHaveLength(2);
    await expect(a.sharePick({ ...p, sopId: '' })).rejects.toThrow(/^sopId: /);

    // A widget that connects later gets both, oldest first.
    const later = transport(agent('a-3'));
    const first: SharedPick[][] = [];
    later.onPicks((list) => first.push(list));
    later.start(recorder());
    await waitFor(() => first.length === 1, 5000, 'picks on connect');
    expect(first[0]!.map((x) => x.id)).toEqual(['p-1', 'p-2']);
  });

  it('keeps a pick shared while the server is down and stores it once it is back', async () => {
    const port = server.port;
    const sink = recorder();
    const t = transport(agent());
    t.start(sink);
    await waitFor(() => sink.statuses.includes('online'));
    await server.close();
    await waitFor(() => sink.statuses.at(-1) !== 'online', 5000, 'offline');
    const shared = t.sharePick({ id: 'p-off', text: 'refund please', sopId: 'CS-OR-001' });
    server = await serve({ data: dir, rateLimit: false, port });
    await shared;
    expect((await server.hub.picks('default')).map((x) => x.id)).toEqual(['p-off']);
  });

  it('reports an error status for a refused token and stops', async () => {
    const sink = recorder();
    const t = transport('not.a.token');
    t.start(sink);
    await waitFor(() => sink.statuses.includes('error'));
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.statuses).toEqual(['connecting', 'error']);
  });

  it('reconnects with a fresh token from getToken after the old one expires', async () => {
    const sink = recorder();
    let issued = 0;
    const t = transport(server.token({ team: 'default', role: 'agent', sub: 'a', ttlMs: 1200 }), {
      getToken: () => {
        issued += 1;
        return server.token({ team: 'default', role: 'agent', sub: 'a', ttlMs: 60_000 });
      },
    });
    t.start(sink);
    await waitFor(() => sink.statuses.includes('online'));
    // Back online after going offline: a reconnection (a repeated 'online' only re-reports).
    await waitFor(
      () =>
        sink.statuses.filter((s, i, all) => s === 'online' && all[i - 1] !== 'online').length === 2,
      8000,
      'reconnect',
    );
    expect(issued).toBe(1); // the first connection used the token given
  });

  it('stops delivering after dispose and rejects pending sends', async () => {
    await server.ingest([started('c-1')]);
    const sink = recorder();
    const t = transport(agent());
    t.start(sink);
    await waitFor(() => sink.got.length === 1);
    t.dispose();
    await server.ingest([message('c-1', 'm1', 1)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.got.length).toBe(1);
    await expect(
      t.send({ type: 'playbook.note', chatId: 'c-1', at: 1, text: 'late' }),
    ).rejects.toThrow(/disposed/);
  });
});

describe('OffsetSequencer', () => {
  const ev = (o: number): { o: number; e: ChatEvent } => ({
    o,
    e: { type: 'chat.started', chatId: `c${o}`, at: o },
  });
  const batch = (log: string, after: number, offsets: number[], snapshot = false): EventsBatch => {
    const b: EventsBatch = {
      log,
      after,
      head: offsets.at(-1) ?? after,
      events: offsets.map(ev),
    };
    if (snapshot) b.snapshot = true;
    return b;
  };

  it('applies each offset once, in order, across overlapping and out-of-order batches', () => {
    const s = new OffsetSequencer();
    expect(s.accept(batch('L', 0, [3, 4]))).toEqual([]); // before the snapshot: held
    expect(s.accept(batch('L', 0, [1, 2], true)).map((e) => e.chatId)).toEqual([
      'c1',
      'c2',
      'c3',
      'c4',
    ]);
    expect(s.accept(batch('L', 2, [3, 4, 5])).map((e) => e.chatId)).toEqual(['c5']);
    expect(s.duplicates).toBe(2);
    expect(s.accept(batch('L', 7, [8]))).toEqual([]);
    expect(s.waiting).toBe(true);
    expect(s.accept(batch('L', 5, [6, 7])).map((e) => e.chatId)).toEqual(['c6', 'c7', 'c8']);
    expect(s.waiting).toBe(false);
    expect(s.last).toBe(8);
  });

  it('starts over on a snapshot of another log', () => {
    const s = new OffsetSequencer({ log: 'old', offset: 50 });
    expect(s.accept(batch('new', 0, [1, 2], true)).length).toBe(2);
    expect(s).toMatchObject({ log: 'new', last: 2 });
  });

  it('moves to the head of an empty batch (compacted offsets)', () => {
    const s = new OffsetSequencer({ log: 'L', offset: 3 });
    s.accept({ log: 'L', after: 3, head: 9, events: [] });
    expect(s.last).toBe(9);
  });
});
