// The live demo's page sessions over HTTP (src/server/demo.ts): each page load gets a team
// and a simulator run of its own, started when the page opens; `speed` and `skip` shape that
// run and are refused with the parameter's name when out of range; a session ends when its
// page says goodbye, falls silent, or is the least recently seen when too many are open, and
// then its simulator stops and its chats close; thresholds saved on one page apply to all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningDemo, startDemo } from '../../src/server/demo.ts';
import { ROOT } from './helpers.ts';

const built = existsSync(join(ROOT, 'dist/demo/demo/live.html'));

interface SessionBody {
  team: string;
  sessionToken: string;
  heartbeatMs: number;
  user: { role: string };
  error?: string;
}

describe.runIf(built || process.env.CI)('live demo: a session of its own for every page', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo({
      port: 0,
      build: false,
      simulator: { seed: 7 },
      sessions: { max: 3, idleMs: 1500 },
    });
  });
  afterAll(async () => {
    await demo?.close();
  });

  const open = async (query = '') => {
    const res = await fetch(new URL(`/demo/session${query}`, demo.url));
    return { status: res.status, body: (await res.json()) as SessionBody };
  };
  const post = (path: string, token: string, body: unknown = {}) =>
    fetch(new URL(path, demo.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Demo-Session': token },
      body: JSON.stringify(body),
    });
  const sessionOf = (token: string) => {
    const found = demo.sessions!.find(token);
    if (!found.ok) throw new Error(`no session: ${found.reason}`);
    return found.session;
  };
  const openChats = async (team: string) => {
    const index = await demo.server!.hub.sync(team);
    return [...index.chats.keys()].filter((id) => index.closedAt(id) === null);
  };

  it('starts a fresh simulated helpdesk for each page load, from that moment', async () => {
    const first = await open();
    await new Promise((r) => setTimeout(r, 1100));
    const second = await open('?role=supervisor');
    expect(first.status).toBe(200);
    expect(second.body.user.role).toBe('supervisor');
    expect(first.body.team).toMatch(/^demo-[\w-]+$/);
    expect(second.body.team).not.toBe(first.body.team);
    expect(first.body.heartbeatMs).toBeLessThan(1500);

    for (const { body } of [first, second]) {
      const session = sessionOf(body.sessionToken);
      const simulator = session.running.simulator!;
      // Its own run began when the page asked: its first chat opened 4 s before that.
      expect(Math.abs(simulator.startAt - session.createdAt)).toBeLessThan(50);
      expect(simulator.chats()[0]!.startAt).toBe(simulator.startAt - 4_000);
    }
    // Each team has only its own chats: the same ids, but its own clocks.
    await expect.poll(() => openChats(second.body.team)).toHaveLength(2);
    const started = async (team: string) => {
      const index = await demo.server!.hub.sync(team);
      return index.chats.get('c-3001')!.timeline.state!.start;
    };
    expect((await started(second.body.team))! - (await started(first.body.team))!).toBeGreaterThan(
      1000,
    );
    await post('/demo/end', first.body.sessionToken);
    await post('/demo/end', second.body.sessionToken);
  });

  it('takes ?speed= and ?skip=, and names the parameter it refuses', async () => {
    const quick = await open('?speed=4&skip=600');
    const session = sessionOf(quick.body.sessionToken);
    expect(session.params).toEqual({ role: 'agent', speed: 4, skipS: 600 });
    const simulator = session.running.simulator!;
    expect(Math.abs(session.createdAt - 600_000 - simulator.startAt)).toBeLessThan(50);
    // Ten minutes in at four times the pace: many chats have come and gone.
    expect(simulator.chats().length).toBeGreaterThan(10);
    await post('/demo/end', quick.body.sessionToken);

    for (const [query, error] of [
      ['?speed=0', 'speed: a number from 0.1 to 20'],
      ['?speed=fast', 'speed: a number from 0.1 to 20'],
      ['?skip=-5', 'skip: seconds from 0 to 3600'],
      ['?skip=99999', 'skip: seconds from 0 to 3600'],
      ['?role=admin', 'role: agent or supervisor'],
    ] as const) {
      const refused = await open(query);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error, query).toBe(error);
    }
  });

  it('ends a session when its page says goodbye: simulator stopped, chats closed, 410 after', async () => {
    const page = await open();
    const session = sessionOf(page.body.sessionToken);
    await expect.poll(() => openChats(page.body.team)).toHaveLength(2);
    expect((await post('/demo/alive', page.body.sessionToken)).status).toBe(200);
    expect((await post('/demo/end', page.body.sessionToken)).status).toBe(200);
    expect((await session.running.simulator!.done).reason).toBe('closed');
    expect(await openChats(page.body.team)).toEqual([]);
    for (const path of ['/demo/alive', '/demo/say', '/demo/close']) {
      const res = await post(path, page.body.sessionToken, { chatId: 'c-3001', text: 'hi' });
      expect(res.status, path).toBe(410);
      expect(((await res.json()) as { error: string }).error).toMatch(/ended/);
    }
  });

  it('ends a page’s session once it has been silent for idleMs, not while it keeps in touch', async () => {
    const silent = await open();
    const alive = await open();
    for (let i = 0; i < 5; i += 1) {
      await new Promise((r) => setTimeout(r, 500));
      expect((await post('/demo/alive', alive.body.sessionToken)).status).toBe(200);
    }
    expect((await post('/demo/alive', silent.body.sessionToken)).status).toBe(410);
    expect(demo.sessions!.list().map((s) => s.running.team)).toContain(alive.body.team);
    await post('/demo/end', alive.body.sessionToken);
  });

  it('a reload storm cannot pile sessions up: the least recently seen page gives way', async () => {
    const pages: SessionBody[] = [];
    for (let i = 0; i < 12; i += 1) pages.push((await open()).body);
    expect(demo.sessions!.size).toBe(3);
    const alive = await Promise.all(
      pages.map(async (p) => (await post('/demo/alive', p.sessionToken)).status),
    );
    expect(alive).toEqual([...Array(9).fill(410), 200, 200, 200]);
    // The replaced pages' simulators stopped and their chats were closed.
    await expect.poll(async () => (await openChats(pages[0]!.team)).length).toBe(0);
    for (const p of pages.slice(9)) await post('/demo/end', p.sessionToken);
  });

  it('thresholds saved on one page apply to every open page and to pages opened later', async () => {
    const agent = await open();
    const supervisor = await open('?role=supervisor');
    const saved = await demo.server!.hub.saveConfig(
      supervisor.body.team,
      { firstResponseWarnS: 10, firstResponseS: 20 },
      { sub: 's-1', name: 'Riley' },
      'faster first answers',
    );
    expect(saved.ok).toBe(true);
    const firstResponse = async (team: string) =>
      (await demo.server!.hub.currentConfig(team)).config.firstResponseS;
    await expect.poll(() => firstResponse(agent.body.team)).toBe(20);
    const later = await open();
    await expect.poll(() => firstResponse(later.body.team)).toBe(20);
    for (const p of [agent, supervisor, later]) await post('/demo/end', p.body.sessionToken);
  });
});
