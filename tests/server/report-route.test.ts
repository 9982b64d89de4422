// GET /v1/report (issue 15) against a real server: a supervisor's own team's report, equal to
// buildReport over the same events with the team's configuration; agents refused, other
// teams isolated, parameters validated by name, the log read again only when it changed,
// and a per-team budget of passes.
import { DEFAULT_CONFIG, validateEvent } from '../../src/core/index.ts';
import { buildReport, collectFacts, type TeamReport } from '../../src/report/index.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { at, closed, message, postEvents, serve, started } from './helpers.ts';

const NOW = Date.parse(at(3600));

function agentSays(chatId: string, id: string, s: number, agentId: string, text: string) {
  return { ...message(chatId, id, s, 'agent', text), agentId };
}

/** Two agents, a transfer from Ana to Ben in c-2, a late first response in c-3. */
const TEAM_EVENTS = [
  started('c-1', 0, 'Dana Lee'),
  message('c-1', 'm1', 2, 'customer', 'my parcel never arrived'),
  agentSays('c-1', 'm2', 10, 'ana', 'Hi Dana, let me check that for you.'),
  closed('c-1', 300),
  started('c-2', 100, 'Sam Ortiz'),
  message('c-2', 'm1', 101, 'customer', 'I was charged twice'),
  agentSays('c-2', 'm2', 120, 'ana', 'Hi Sam! One moment.'),
  { type: 'chat.assigned', chatId: 'c-2', at: at(200), agentId: 'ben' },
  agentSays('c-2', 'm3', 210, 'ben', 'Thanks for waiting, the refund is on its way.'),
  closed('c-2', 400),
  started('c-3', 500, 'Priya Nair'),
  message('c-3', 'm1', 501, 'customer', 'I want to cancel'),
  agentSays('c-3', 'm2', 600, 'ben', 'Sorry for the wait.'),
];

/** The report the engine makes of these events, as the route should. */
function expected(events: unknown[], options: Partial<Parameters<typeof buildReport>[1]> = {}) {
  const valid = events.flatMap((raw) => {
    const v = validateEvent(raw);
    return v.kind === 'event' ? [v.event] : [];
  });
  const report = buildReport(collectFacts(valid, DEFAULT_CONFIG), {
    period: 'week',
    timeZone: 'UTC',
    now: NOW,
    ...options,
  });
  return JSON.parse(JSON.stringify(report)) as TeamReport;
}

describe('GET /v1/report', () => {
  let server: RunningServer;
  let supervisor: string;
  beforeEach(async () => {
    server = await serve({ now: () => NOW });
    supervisor = server.token({ team: 'acme', role: 'supervisor', sub: 'sue' });
    await postEvents(server.url, TEAM_EVENTS, 'acme');
    await postEvents(server.url, [started('x-1'), agentSays('x-1', 'm1', 5, 'zed', 'Hi')], 'other');
  });
  afterEach(async () => {
    await server.close();
  });

  const get = async (query: string, token: string | null = supervisor) => {
    const res = await fetch(`${server.url}/v1/report${query}`, {
      headers: token === null ? {} : { Authorization: `Bearer ${token}` },
    });
    return { status: res.status, headers: res.headers, json: await res.json() };
  };

  it("gives a supervisor their team's report, the same as buildReport over its events", async () => {
    const res = await get('');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(expected(TEAM_EVENTS));
    expect(res.json.agents.map((f: { agentId: string }) => f.agentId)).toEqual(['ana', 'ben']);
    expect(res.json.team[0]).toMatchObject({ agentId: null, chats: 3 });
    // The widget reads it from the helpdesk's page: another origin, with its token.
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('applies period, time zone, agent and range', async () => {
    const query = '?period=month&tz=Europe/Paris&agent=ben&since=2026-11-01&until=2026-12-01';
    const res = await get(query);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(
      expected(TEAM_EVENTS, {
        period: 'month',
        timeZone: 'Europe/Paris',
        agent: 'ben',
        since: Date.parse('2026-11-01T00:00:00Z'),
        until: Date.parse('2026-12-01T00:00:00Z'),
      }),
    );
    expect(res.json.agents.map((f: { agentId: string }) => f.agentId)).toEqual(['ben']);
    expect(res.json.team[0]).toMatchObject({ period: '2026-11', chats: 2 });
  });

  it('reads a log whose chats arrived out of order as the sorted log (a second pass)', async () => {
    // The agent's reply stored before the chat's start and the customer's message: the
    // first-response clock is only right once the chat is derived in `at` order.
    const late = [
      agentSays('c-9', 'm2', 1000, 'ana', 'Hi Zoe, on it.'),
      started('c-9', 900, 'Zoe Park'),
      message('c-9', 'm1', 901, 'customer', 'Where is my order?'),
    ];
    await postEvents(server.url, late, 'acme');
    const res = await get('');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(expected([...TEAM_EVENTS, ...late]));
    const ana = res.json.agents.find((f: { agentId: string }) => f.agentId === 'ana');
    expect(ana.firstResponses).toBeGreaterThan(0);
  });

  it('takes a huge range, and an empty one', async () => {
    const huge = await get('?since=0001-01-01&until=9999-12-31T23:59:59Z&period=day');
    expect(huge.status).toBe(200);
    expect(huge.json.team).toHaveLength(1);
    expect(huge.json.team[0].chats).toBe(3);
    const none = await get('?since=2030-01-01');
    expect(none.status).toBe(200);
    expect(none.json).toMatchObject({ agents: [], team: [] });
  });

  it("shows another team's supervisor only their team", async () => {
    const other = server.token({ team: 'other', role: 'supervisor', sub: 'olga' });
    const res = await get('', other);
    expect(res.status).toBe(200);
    expect(res.json.agents.map((f: { agentId: string }) => f.agentId)).toEqual(['zed']);
    expect(res.json.team[0].chats).toBe(1);
    // There is no way to name a team: the token's is the only one.
    const named = await get('?team=acme', other);
    expect(named.status).toBe(400);
    expect(named.json.error).toMatch(/^team:/);
  });

  it('refuses agents (403) and requests without a valid token (401)', async () => {
    const agent = server.token({ team: 'acme', role: 'agent', sub: 'ana' });
    const refused = await get('', agent);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatch(/supervisors/);
    expect(JSON.stringify(refused.json)).not.toContain('firstResponse');
    expect((await get('', null)).status).toBe(401);
    expect((await get('', 'not.a.token')).status).toBe(401);
    const forged = `${supervisor.slice(0, -4)}AAAA`;
    expect((await get('', forged)).status).toBe(401);
  });

  it.each([
    ['?period=year', 'period'],
    ['?tz=Mars/Olympus', 'tz'],
    ['?since=yesterday', 'since'],
    ['?until=2026-02-30', 'until'],
    ['?since=2026-12-01&until=2026-11-01', 'until'],
    ['?agent=', 'agent'],
    [`?agent=${'a'.repeat(201)}`, 'agent'],
    ['?period=week&period=month', 'period'],
    ['?colour=blue', 'colour'],
  ])('answers 400 naming the parameter for %s', async (query, name) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(new RegExp(`^${name}: `));
  });

  it('answers a CORS preflight, and 405 to other methods', async () => {
    const pre = await fetch(`${server.url}/v1/report`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const post = await fetch(`${server.url}/v1/report`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${supervisor}` },
    });
    expect(post.status).toBe(405);
  });

  it('reads the log again once it has new events, and uses the team configuration', async () => {
    const before = await get('');
    expect(before.json.team[0].chats).toBe(3);
    await postEvents(server.url, [started('c-4', 700)], 'acme');
    const after = await get('');
    expect(after.json.team[0].chats).toBe(4);
    const saved = await server.hub.saveConfig(
      'acme',
      { firstResponseS: 5, firstResponseWarnS: 3 },
      { sub: 'sue' },
      'stricter first response',
    );
    expect(saved.ok).toBe(true);
    const stricter = await get('');
    // c-1 was answered in 8 s: in time at 30 s, late at 5 s.
    expect(stricter.json.team[0].firstResponseInTimePct).toBeLessThan(
      after.json.team[0].firstResponseInTimePct,
    );
  });
});

describe('GET /v1/report budget', () => {
  it('spends only on new passes over the log, and answers 429 with Retry-After past it', async () => {
    const server = await serve({ now: () => NOW });
    try {
      const token = server.token({ team: 'acme', role: 'supervisor', sub: 'sue' });
      const get = (query = '') =>
        fetch(`${server.url}/v1/report${query}`, { headers: { Authorization: `Bearer ${token}` } });
      await postEvents(server.url, TEAM_EVENTS, 'acme');
      // Unchanged log: the same pass answers every period and range.
      for (const period of ['week', 'month', 'day', 'week', 'month']) {
        expect((await get(`?period=${period}`)).status).toBe(200);
      }
      let refused: Response | undefined;
      for (let i = 0; i < 10 && !refused; i++) {
        await postEvents(server.url, [started(`n-${i}`, 900 + i)], 'acme');
        const res = await get();
        if (res.status === 429) refused = res;
        else expect(res.status).toBe(200);
      }
      expect(refused?.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await refused!.json()) as { error: string }).error).toMatch(/too many reports/);
    } finally {
      await server.close();
    }
  });
});
