// SOP picks shared in a team: `pick` (acked, validated, rate limited) in, `picks` out after
// every welcome and live to the team's room; kept (newest 2,000) in memory, --data or Redis.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningServer } from '../../src/server/index.ts';
import { MAX_PICKS } from '../../src/server/store/types.ts';
import type { PickAck, SharedPick } from '../../src/server/wire.ts';
import {
  connected,
  emitAck,
  removeDir,
  serve,
  type TestWidget,
  tempDir,
  widget,
} from './helpers.ts';

/** A widget that also records the `picks` messages it gets. */
function picker(url: string, token: string): TestWidget & { picks: SharedPick[][] } {
  const w = widget(url, token) as TestWidget & { picks: SharedPick[][] };
  w.picks = [];
  w.socket.on('picks', (list: SharedPick[]) => w.picks.push(list));
  return w;
}

const all = (w: { picks: SharedPick[][] }) => w.picks.flat();
const pick = (id: string, text = 'my parcel is late', sopId = 'CS-SH-001') => ({ id, text, sopId });

describe('shared SOP picks', () => {
  let server: RunningServer;
  const token = (team: string, sub: string, role: 'agent' | 'supervisor' = 'agent') =>
    server.token({ team, role, sub });
  beforeEach(async () => {
    server = await serve();
  });
  afterEach(async () => {
    await server.close();
  });

  it("sends agent A's pick live to agent B of the team, stamped with A, and to no other team", async () => {
    const a = picker(server.url, token('acme', 'a-1'));
    const b = picker(server.url, token('acme', 'a-2'));
    const other = picker(server.url, token('globex', 'g-1'));
    await Promise.all([connected(a), connected(b), connected(other)]);
    // Each gets its team's (empty) list after the welcome.
    await b.waitFor(() => b.picks.length === 1 && other.picks.length === 1, 5000, 'first lists');
    expect(b.welcome).not.toBeNull();
    expect(b.picks[0]).toEqual([]);

    const before = Date.now();
    expect(await emitAck<PickAck>(a.socket, 'pick', pick('p-1'))).toEqual({ ok: true });
    await b.waitFor(() => b.picks.length === 2, 5000, 'live pick');
    expect(b.picks[1]).toEqual([{ ...pick('p-1'), by: 'a-1', at: expect.any(Number) }]);
    expect(b.picks[1]![0]!.at).toBeGreaterThanOrEqual(before);
    // The sender gets its own pick back too (its id tells it apart).
    await a.waitFor(() => all(a).some((p) => p.id === 'p-1'), 5000, 'echo');
    await new Promise((r) => setTimeout(r, 100));
    expect(all(other)).toEqual([]);
    expect(await server.hub.picks('globex')).toEqual([]);
    for (const w of [a, b, other]) w.close();
  });

  it('gives a widget that connects later the team’s picks, oldest first, after its welcome', async () => {
    const a = picker(server.url, token('acme', 'a-1'));
    const boss = picker(server.url, token('acme', 's-1', 'supervisor'));
    await Promise.all([connected(a), connected(boss)]);
    await emitAck<PickAck>(a.socket, 'pick', pick('p-1'));
    // Supervisors may pick too.
    expect(
      await emitAck<PickAck>(boss.socket, 'pick', pick('p-2', 'cancel it', 'CS-OR-001')),
    ).toEqual({ ok: true });
    a.close();
    boss.close();

    const later = picker(server.url, token('acme', 'a-3'));
    let welcomedFirst: boolean | null = null;
    later.socket.once('picks', () => {
      welcomedFirst = later.welcome !== null;
    });
    await connected(later);
    await later.waitFor(() => later.picks.length === 1, 5000, 'picks on connect');
    expect(welcomedFirst).toBe(true);
    expect(later.picks[0]!.map((p) => [p.id, p.by, p.sopId])).toEqual([
      ['p-1', 'a-1', 'CS-SH-001'],
      ['p-2', 's-1', 'CS-OR-001'],
    ]);
    later.close();

    const stranger = picker(server.url, token('globex', 'g-1'));
    await connected(stranger);
    await stranger.waitFor(() => stranger.picks.length === 1);
    expect(stranger.picks[0]).toEqual([]);
    stranger.close();
  });

  it('refuses invalid picks with an error naming the field, storing and sending nothing', async () => {
    const a = picker(server.url, token('acme', 'a-1'));
    const b = picker(server.url, token('acme', 'a-2'));
    await Promise.all([connected(a), connected(b)]);
    const send = (p: unknown) => emitAck<PickAck>(a.socket, 'pick', p);
    const refusedWith = (field: string) => ({
      ok: false,
      retry: false,
      error: expect.stringMatching(new RegExp(`^${field}: `)),
    });
    expect(await send('just text')).toEqual(refusedWith('pick'));
    expect(await send({ text: 'x', sopId: 'A' })).toEqual(refusedWith('id'));
    expect(await send({ id: 'p', text: 'x' })).toEqual(refusedWith('sopId'));
    expect(await send(pick('p', 'x', ''))).toEqual(refusedWith('sopId'));
    expect(await send(pick('p', 'x', 'S'.repeat(101)))).toEqual(refusedWith('sopId'));
    expect(await send(pick('p', '   '))).toEqual(refusedWith('text'));
    expect(await send(pick('p', 'w'.repeat(2001)))).toEqual(refusedWith('text'));
    expect(await send({ id: 'p', text: 7, sopId: 'A' })).toMatchObject({
      error: 'text: must be a non-empty string of at most 2,000 characters',
    });
    // The limits themselves are fine.
    expect(await send(pick('ok', 'w'.repeat(2000), 'S'.repeat(100)))).toEqual({ ok: true });
    await b.waitFor(() => all(b).length === 1);
    expect(all(b).map((p) => p.id)).toEqual(['ok']);
    expect((await server.hub.picks('acme')).map((p) => p.id)).toEqual(['ok']);
    a.close();
    b.close();
  });

  it('stores a retried pick once and sends it to the team once', async () => {
    const a = picker(server.url, token('acme', 'a-1'));
    const b = picker(server.url, token('acme', 'a-2'));
    await Promise.all([connected(a), connected(b)]);
    expect(await emitAck<PickAck>(a.socket, 'pick', pick('p-1'))).toEqual({ ok: true });
    expect(await emitAck<PickAck>(a.socket, 'pick', pick('p-1'))).toEqual({
      ok: true,
      duplicate: true,
    });
    await b.waitFor(() => all(b).length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(all(b)).toHaveLength(1);
    expect(await server.hub.picks('acme')).toHaveLength(1);
    a.close();
    b.close();
  });

  it('limits picks like actions: past the burst the widget is told to retry', async () => {
    const a = picker(server.url, token('acme', 'a-1'));
    await connected(a);
    const acks = await Promise.all(
      Array.from({ length: 80 }, (_, i) => emitAck<PickAck>(a.socket, 'pick', pick(`p-${i}`))),
    );
    const slowed = acks.filter((x) => !x.ok);
    expect(slowed.length).toBeGreaterThan(0);
    expect(slowed[0]).toEqual({ ok: false, error: 'too many actions, slow down', retry: true });
    expect((await server.hub.picks('acme')).length).toBe(80 - slowed.length);
    a.close();
  });

  it('keeps the newest 2,000 picks of a team', async () => {
    for (let i = 0; i < MAX_PICKS + 3; i++) {
      await server.hub.addPick('acme', pick(`p-${i}`), 'a-1');
    }
    const kept = await server.hub.picks('acme');
    expect(kept).toHaveLength(MAX_PICKS);
    expect(kept[0]!.id).toBe('p-3');
    expect(kept.at(-1)!.id).toBe(`p-${MAX_PICKS + 2}`);
  });
});

describe('--data: shared picks', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('keeps the picks across a restart, one JSON line each, and still knows a retried one', async () => {
    let server = await serve({ data: dir });
    const a = picker(server.url, server.token({ team: 'acme', role: 'agent', sub: 'a-1' }));
    await connected(a);
    await emitAck<PickAck>(a.socket, 'pick', pick('p-1'));
    await emitAck<PickAck>(a.socket, 'pick', pick('p-2', 'refund', 'CS-OR-001'));
    a.close();
    await server.close();
    const lines = (await readFile(join(dir, 'teams', 'acme', 'picks.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { ...pick('p-1'), by: 'a-1', at: expect.any(Number) },
      { ...pick('p-2', 'refund', 'CS-OR-001'), by: 'a-1', at: expect.any(Number) },
    ]);

    server = await serve({ data: dir });
    try {
      const b = picker(server.url, server.token({ team: 'acme', role: 'agent', sub: 'a-2' }));
      await connected(b);
      await b.waitFor(() => b.picks.length === 1, 5000, 'picks after restart');
      expect(b.picks[0]!.map((p) => p.id)).toEqual(['p-1', 'p-2']);
      expect(await emitAck<PickAck>(b.socket, 'pick', pick('p-1'))).toEqual({
        ok: true,
        duplicate: true,
      });
      b.close();
    } finally {
      await server.close();
    }
  });

  it('cuts a torn last line (a write cut short), so the next pick is kept after a restart', async () => {
    const path = join(dir, 'teams', 'acme', 'picks.jsonl');
    await mkdir(join(dir, 'teams', 'acme'), { recursive: true });
    const line = (i: number) => JSON.stringify({ ...pick(`p-${i}`), by: 'a', at: i });
    await writeFile(path, `${line(0)}\n${line(1)}\n{"id":"torn","te`);
    let server = await serve({ data: dir });
    try {
      expect((await server.hub.picks('acme')).map((p) => p.id)).toEqual(['p-0', 'p-1']);
      await server.hub.addPick('acme', pick('next'), 'a');
      await server.close();
      server = await serve({ data: dir });
      expect((await server.hub.picks('acme')).map((p) => p.id)).toEqual(['p-0', 'p-1', 'next']);
    } finally {
      await server.close();
    }
  });

  it('rewrites the file with the kept picks once it holds twice as many', async () => {
    // As a long-running server leaves it (written directly: fast).
    const path = join(dir, 'teams', 'acme', 'picks.jsonl');
    await mkdir(join(dir, 'teams', 'acme'), { recursive: true });
    const line = (i: number) => JSON.stringify({ ...pick(`p-${i}`), by: 'a', at: i });
    await writeFile(path, Array.from({ length: 2 * MAX_PICKS }, (_, i) => `${line(i)}\n`).join(''));
    let server = await serve({ data: dir });
    try {
      let kept = await server.hub.picks('acme');
      expect(kept).toHaveLength(MAX_PICKS);
      expect(kept[0]!.id).toBe(`p-${MAX_PICKS}`);
      await server.hub.addPick('acme', pick('next'), 'a');
      const lines = (await readFile(path, 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(MAX_PICKS);
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ id: 'next' });
      await server.close();
      server = await serve({ data: dir });
      kept = await server.hub.picks('acme');
      expect(kept).toHaveLength(MAX_PICKS);
      expect(kept.map((p) => p.id).slice(-2)).toEqual([`p-${2 * MAX_PICKS - 1}`, 'next']);
    } finally {
      await server.close();
    }
  });
});
