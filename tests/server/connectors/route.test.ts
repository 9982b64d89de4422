// The helpdesks' own webhooks through a real server: for each host, the fixture sequence of
// one chat (start, messages both ways, a private note, a bot message, close; fixtures and
// the documentation pages they follow are named in <host>.test.ts) is posted with that
// host's own signature. A widget on the socket transport then holds events whose audit is
// the same, number for number, as `audit --from <host>` of the same chat's export. Retries
// change nothing; every refusal gets its documented answer and stores nothing.

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { auditEvents, DEFAULT_CONFIG } from '../../../src/core/index.ts';
import type { ConnectorEntry } from '../../../src/server/connectors/registry.ts';
import { HOSTS, type HostName } from '../../../src/server/connectors/types.ts';
import type { RunningServer } from '../../../src/server/index.ts';
import { VERSION } from '../../../src/version.ts';
import { runCli } from '../../support/cli.ts';
import { signWebhook } from '../../support/webhooks.ts';
import { connected, removeDir, SECRET, serve, tempDir, widget } from '../helpers.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const TEAM = 'acme';
const secretOf = (host: HostName, team = TEAM) => `${host}-${team}-signing-secret-0123456789`;

function fixture(host: HostName, name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, host, name), 'utf8'));
}

/** The export fixture of each host: the same conversation as its webhook sequence. */
const EXPORTS: Record<HostName, string> = {
  chatwoot: 'conversation-export.json',
  zendesk: 'export-ticket.json',
  livechat: 'get_chat.json',
  front: 'export-conversation.json',
};

/** A payload as the host sends it, with its own proof (tests/support/webhooks.ts). */
function signed(
  host: HostName,
  payload: unknown,
  secret: string,
  now = Date.now(),
): { body: string; headers: Record<string, string> } {
  return signWebhook(host, JSON.stringify(payload), secret, now);
}

async function send(
  server: RunningServer,
  host: string,
  team: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/v1/connectors/${host}/${team}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

/**
 * Each host's reassignment webhooks (<host>.test.ts names the pages they follow): to another
 * agent, then to the queue, with one the connector does not use (Chatwoot: labels only;
 * LiveChat: a chat no longer active) where the fixture has one.
 */
const REASSIGNMENTS: Record<HostName, { file: string; agent: string }> = {
  chatwoot: { file: 'webhook-reassignment.json', agent: '8' },
  zendesk: { file: 'webhook-agent-assignment.json', agent: '8447388090496' },
  livechat: { file: 'webhook-chat-transferred.json', agent: 'jones@example.com' },
  front: { file: 'webhook-assignee-changed.json', agent: 'tea_7k22b' },
};

const entries: ConnectorEntry[] = HOSTS.flatMap((host) =>
  ['acme', 'globex'].map((team) => ({ team, host, secret: secretOf(host, team) })),
);

let server: RunningServer;
beforeEach(async () => {
  server = await serve({ rateLimit: false, connectors: { entries } });
});
afterEach(() => server.close());

const TIMING = ['firstResponseS', 'firstResponseBreached', 'greetedByName', 'longestGapS'];
const pick = (chat: Record<string, unknown>) =>
  Object.fromEntries([...TIMING, 'gapBreaches', 'gapWarnings', 'closed'].map((k) => [k, chat[k]]));

describe.each(HOSTS)('%s webhooks on serve', (host) => {
  const sequence = fixture(host, 'webhook-sequence.json') as unknown[];

  it('streams the chat to a widget that audits the same as `audit --from` of its export', async () => {
    const w = widget(server.url, server.token({ team: TEAM, role: 'agent', sub: 'a-1' }));
    await connected(w);
    for (const payload of sequence) {
      const { body, headers } = signed(host, payload, secretOf(host));
      const res = await send(server, host, TEAM, body, headers);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    }
    const head = await server.hub.head(TEAM);
    expect(head).toBeGreaterThan(3);
    await w.waitFor(() => w.seq.last === head, 5000, 'every stored event');
    const live = auditEvents(w.events, DEFAULT_CONFIG);
    expect(live.chats).toHaveLength(1);
    const chat = live.chats[0]!;
    expect(chat.chatId.startsWith(`${host}-`)).toBe(true);
    expect(chat.closed).toBe(true);
    const kinds = new Set(w.events.map((e) => (e.type === 'message' ? e.author : e.type)));
    for (const kind of ['chat.started', 'customer', 'agent', 'chat.closed']) {
      expect([...kinds], kind).toContain(kind);
    }
    expect(w.events.some((e) => e.type === 'message' && e.internal)).toBe(true);
    w.close();

    const dir = await tempDir();
    try {
      const file = join(dir, 'export.json');
      await writeFile(file, JSON.stringify(fixture(host, EXPORTS[host])));
      const out = await runCli(['audit', '--from', host, file, '--json']);
      expect(out.code, out.stderr).toBe(0);
      const report = JSON.parse(out.stdout) as { chats: Record<string, unknown>[] };
      const exported = report.chats.find((c) => c.chatId === chat.chatId);
      expect(exported, `${chat.chatId} in ${out.stdout}`).toBeDefined();
      expect(pick(chat as unknown as Record<string, unknown>)).toEqual(pick(exported!));
      expect(chat.checklist).toEqual(exported!.checklist);
    } finally {
      await removeDir(dir);
    }
  });

  it('stores nothing more when the host retries every webhook twice', async () => {
    for (const payload of sequence) {
      const { body, headers } = signed(host, payload, secretOf(host));
      await send(server, host, TEAM, body, headers);
    }
    const head = await server.hub.head(TEAM);
    for (let round = 0; round < 2; round++) {
      for (const payload of sequence) {
        // A retry is signed again, at its own time.
        const { body, headers } = signed(host, payload, secretOf(host));
        const res = await send(server, host, TEAM, body, headers);
        expect(res.status).toBe(200);
      }
    }
    expect(await server.hub.head(TEAM)).toBe(head);
    const health = await fetch(`${server.url}/v1/health`, {
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const answer = (await health.json()) as {
      connectors: Record<string, unknown>[];
      process: Record<string, number>;
    };
    const metrics = answer.connectors;
    // The secret holder also sees this process's own figures (docs/realtime.md "What to watch").
    expect(answer.process.pid).toBeGreaterThan(0);
    expect(answer.process.teams).toBeGreaterThan(0);
    expect(answer.process.widgets).toBe(0);
    expect(answer.process.rssMiB).toBeGreaterThan(10);
    expect(answer.process.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(0);
    const mine = metrics.find((m) => m.host === host && m.team === TEAM)!;
    expect(mine.received).toBe(sequence.length * 3);
    expect(mine.duplicates).toBeGreaterThan(0);
    expect(mine.refused).toBe(0);
  });

  it('stores every change of hands, and a retry of one stores nothing', async () => {
    const w = widget(server.url, server.token({ team: TEAM, role: 'agent', sub: 'a-1' }));
    await connected(w);
    for (const payload of sequence.slice(0, 2)) {
      const { body, headers } = signed(host, payload, secretOf(host));
      expect((await send(server, host, TEAM, body, headers)).status).toBe(200);
    }
    const { file, agent } = REASSIGNMENTS[host];
    const reassignments = fixture(host, file) as unknown[];
    const stored: unknown[] = [];
    for (const payload of reassignments) {
      const { body, headers } = signed(host, payload, secretOf(host));
      const res = await send(server, host, TEAM, body, headers);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      stored.push(res.json.stored ?? 0);
    }
    // Two changes of hands in one chat: the second is no retry of the first.
    expect(stored.filter((n) => n === 1)).toHaveLength(2);
    const head = await server.hub.head(TEAM);
    await w.waitFor(() => w.seq.last === head, 5000, 'every stored event');
    const handovers = w.events.filter((e) => e.type === 'chat.assigned');
    expect(handovers.map((e) => e.agentId)).toEqual([agent, null]);
    expect(new Set(handovers.map((e) => e.chatId)).size).toBe(1);
    w.close();
    // The host retries the hand-over to the queue, which carries its own time (LiveChat's: the
    // queue's; its transfer to an agent has none, so serve times it on arrival).
    const retried = host === 'livechat' ? reassignments[1] : reassignments.at(-1);
    const again = signed(host, retried, secretOf(host));
    const res = await send(server, host, TEAM, again.body, again.headers);
    expect(res.json).toMatchObject({ accepted: 1, stored: 0 });
    expect(await server.hub.head(TEAM)).toBe(head);
  });

  it('refuses wrong, stale, foreign and missing signatures with 401, storing nothing', async () => {
    const payload = sequence[1];
    const wrong = signed(host, payload, 'not-the-secret-0123456789');
    expect((await send(server, host, TEAM, wrong.body, wrong.headers)).status).toBe(401);
    // The other team's secret does not open this team's route.
    const other = signed(host, payload, secretOf(host, 'globex'));
    expect((await send(server, host, TEAM, other.body, other.headers)).status).toBe(401);
    const bare = signed(host, payload, secretOf(host));
    if (host === 'livechat') {
      const { secret_key: _k, ...rest } = JSON.parse(bare.body) as Record<string, unknown>;
      expect((await send(server, host, TEAM, JSON.stringify(rest), {})).status).toBe(401);
    } else {
      expect((await send(server, host, TEAM, bare.body, {})).status).toBe(401);
      const stale = signed(host, payload, secretOf(host), Date.now() - 3600_000);
      const res = await send(server, host, TEAM, stale.body, stale.headers);
      expect(res.status).toBe(401);
      expect(String(res.json.error)).toMatch(/stale|old|timestamp|tolerance|minutes/i);
      // An altered body under a valid signature.
      const altered = bare.body.replace(/"/, ' "');
      expect((await send(server, host, TEAM, altered, bare.headers)).status).toBe(401);
    }
    expect(await server.hub.head(TEAM)).toBe(0);
    // The refusals are counted, and the error kept; no secret appears.
    const health = await fetch(`${server.url}/v1/health`, {
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const text = await health.text();
    expect(text).not.toContain(secretOf(host));
    const row = (JSON.parse(text) as { connectors: Record<string, unknown>[] }).connectors.find(
      (m) => m.host === host && m.team === TEAM,
    )!;
    expect(row.refused).toBeGreaterThanOrEqual(2);
    expect(row.lastError).toMatchObject({ status: 401 });
  });

  it('answers truncated JSON with 400, a 10 MB body with 413, an unused type with 200', async () => {
    const { body, headers } = signed(host, sequence[1], secretOf(host));
    if (host !== 'livechat') {
      // Signed as it is, but cut: the signature holds, the JSON does not.
      const cut = body.slice(0, Math.floor(body.length / 2));
      const res = await send(server, host, TEAM, cut, signed(host, null, secretOf(host)).headers);
      expect([400, 401]).toContain(res.status);
      const resigned = signedRaw(host, cut, secretOf(host));
      const truncated = await send(server, host, TEAM, cut, resigned);
      expect(truncated.status).toBe(400);
      expect(String(truncated.json.error)).toMatch(/JSON/);
    }
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const big = await send(server, host, TEAM, JSON.stringify({ pad: huge }), headers);
    expect(big.status).toBe(413);

    const ignoredPayload = ignoredFixture(host);
    const ignored = signed(host, ignoredPayload, secretOf(host));
    const res = await send(server, host, TEAM, ignored.body, ignored.headers);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.accepted).toBe(0);
    expect(await server.hub.head(TEAM)).toBe(0);
    const health = await fetch(`${server.url}/v1/health`, {
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const row = (
      (await health.json()) as { connectors: Record<string, unknown>[] }
    ).connectors.find((m) => m.host === host && m.team === TEAM)!;
    expect(row.ignored).toBe(1);
  });

  it('never crashes on arbitrary signed JSON, and never stores a partial event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
        const { body, headers } = signed(host, value, secretOf(host));
        const res = await send(server, host, TEAM, body, headers);
        expect([200, 400, 401]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
    // Whatever was stored is a whole, valid event (the engine's own check on the way out).
    const w = widget(server.url, server.token({ team: TEAM, role: 'agent', sub: 'a' }));
    await connected(w);
    const head = await server.hub.head(TEAM);
    await w.waitFor(() => w.seq.last === head);
    for (const e of w.events) expect(e.chatId.startsWith(`${host}-`)).toBe(true);
    w.close();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

function signedRaw(host: HostName, body: string, secret: string): Record<string, string> {
  return signWebhook(host, body, secret).headers;
}

/** A well-formed webhook of a type the connector does not use. */
function ignoredFixture(host: HostName): unknown {
  if (host === 'chatwoot') return fixture(host, 'webhook-contact-created.json');
  if (host === 'zendesk') return fixture(host, 'webhook-priority-changed.json');
  if (host === 'front') return fixture(host, 'webhook-tag-added.json');
  const list = fixture(host, 'webhooks-ignored.json');
  return Array.isArray(list) ? list[0] : list;
}

describe('routes and settings', () => {
  it('answers 404 for an unknown host or a team without that connector, 400 for a bad team', async () => {
    expect((await send(server, 'intercom', TEAM, '{}', {})).status).toBe(404);
    const none = await send(server, 'front', 'initech', '{}', {});
    expect(none.status).toBe(404);
    expect(String(none.json.error)).toContain('connector add --team initech --host front');
    expect((await send(server, 'front', 'bad..team', '{}', {})).status).toBe(400);
  });

  it('shows connector counters only to the operator or the team’s supervisor', async () => {
    const anonymous = (await (await fetch(`${server.url}/v1/health`)).json()) as Record<
      string,
      unknown
    >;
    expect(anonymous.ok).toBe(true);
    expect(anonymous.version).toBe(VERSION); // package.json's, as `--version` prints it
    expect(anonymous.connectors).toBeUndefined();
    expect(anonymous.process).toBeUndefined();
    const supervisor = server.token({ team: 'globex', role: 'supervisor', sub: 's' });
    const own = (await (
      await fetch(`${server.url}/v1/health`, { headers: { Authorization: `Bearer ${supervisor}` } })
    ).json()) as { connectors: { team: string }[]; process?: unknown };
    expect(own.connectors.map((c) => c.team)).toEqual(Array(HOSTS.length).fill('globex'));
    expect(own.process).toBeUndefined(); // the process's figures span every team
    const agent = server.token({ team: 'globex', role: 'agent', sub: 'a' });
    const refused = await fetch(`${server.url}/v1/health`, {
      headers: { Authorization: `Bearer ${agent}` },
    });
    expect(refused.status).toBe(401);
  });

  it('answers Front’s signed set-up challenge with its value, and refuses an unsigned one', async () => {
    // https://dev.frontapp.com/docs/application-webhooks: the validation request carries
    // X-Front-Challenge, and the app answers 200 with the value (plain text or JSON).
    const body = JSON.stringify({ type: 'sync' });
    const headers = {
      ...signedRaw('front', body, secretOf('front')),
      'X-Front-Challenge': 'abc123',
    };
    const res = await fetch(`${server.url}/v1/connectors/front/${TEAM}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('abc123');
    const unsigned = await send(server, 'front', TEAM, body, { 'X-Front-Challenge': 'abc123' });
    expect(unsigned.status).toBe(401);
    expect(await server.hub.head(TEAM)).toBe(0);
  });

  it('takes connectors added to the file while serving, without a restart', async () => {
    const dir = await tempDir();
    const file = join(dir, 'connectors.json');
    const live = await serve({ rateLimit: false, connectors: { file } });
    try {
      const payload = (fixture('front', 'webhook-sequence.json') as unknown[])[0];
      const first = signed('front', payload, 'a-front-app-secret-0123456789');
      expect((await send(live, 'front', 'initech', first.body, first.headers)).status).toBe(404);
      const add = await runCli([
        'connector',
        'add',
        '--team',
        'initech',
        '--host',
        'front',
        '--secret',
        'a-front-app-secret-0123456789',
        '--connectors',
        file,
      ]);
      expect(add.code, add.stderr).toBe(0);
      expect(add.stdout).toBe('');
      const list = await runCli(['connector', 'list', '--connectors', file, '--json']);
      expect(list.stdout).not.toContain('a-front-app-secret');
      await new Promise((r) => setTimeout(r, 2100));
      const again = signed('front', payload, 'a-front-app-secret-0123456789');
      const res = await send(live, 'front', 'initech', again.body, again.headers);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    } finally {
      await live.close();
      await removeDir(dir);
    }
  });
});
