// The webhook contract of shared/spec/cli.md against a real server on a random port.
import { io } from 'socket.io-client';
import type { RunningServer } from '../../src/server/index.ts';
import type { ConnectorAck } from '../../src/server/wire.ts';
import {
  connected,
  emitAck,
  message,
  post,
  postEvents,
  refused,
  SECRET,
  serve,
  started,
  widget,
} from './helpers.ts';

describe('POST /v1/events', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await serve({ rateLimit: false });
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, storage: 'memory' });
  });

  it('accepts one JSON event with a good signature', async () => {
    const res = await post(server.url, JSON.stringify(started('c-1')));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ accepted: 1, rejected: [] });
    expect(await server.hub.head('default')).toBe(1);
  });

  it('accepts a JSON array', async () => {
    const res = await postEvents(server.url, [started('c-1'), message('c-1', 'm1', 4)]);
    expect(res.json).toEqual({ accepted: 2, rejected: [] });
  });

  it('accepts JSONL with Content-Type application/x-ndjson (blank lines, CRLF, BOM)', async () => {
    const body = `\uFEFF${JSON.stringify(started('c-1'))}\r\n\n${JSON.stringify(message('c-1', 'm1', 4))}\n`;
    const res = await post(server.url, body, { contentType: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ accepted: 2, rejected: [] });
  });

  it('refuses a missing signature with 401', async () => {
    const res = await post(server.url, JSON.stringify(started('c-1')), { signature: null });
    expect(res.status).toBe(401);
    expect(String(res.json.error)).toMatch(/missing X-Signature-256/);
    expect(await server.hub.head('default')).toBe(0);
  });

  it('refuses a bad signature (other secret, malformed, body changed) with 401', async () => {
    const body = JSON.stringify(started('c-1'));
    expect((await post(server.url, body, { secret: 'another-secret' })).status).toBe(401);
    expect((await post(server.url, body, { signature: 'sha256=abc' })).status).toBe(401);
    expect((await post(server.url, body, { signature: 'md5=00' })).status).toBe(401);
    const { signBody } = await import('../../src/server/auth.ts');
    const signedOther = signBody(SECRET, `${body} `);
    const res = await post(server.url, body, { signature: signedOther });
    expect(res.status).toBe(401);
    expect(String(res.json.error)).toMatch(/does not match/);
    expect(await server.hub.head('default')).toBe(0);
  });

  it('keeps the valid events of a partial batch and names the field of each rejection', async () => {
    const res = await postEvents(server.url, [
      started('c-1'),
      { type: 'message', chatId: 'c-1', id: 'm1', at: 'yesterday', author: 'customer', text: 'x' },
      message('c-1', 'm2', 5),
      { type: 'message', chatId: 'c-1', id: 'm3', at: 1, author: 'robot', text: 'x' },
      { type: 'agent.typing', chatId: 'c-1', at: 1 },
      42,
    ]);
    expect(res.status).toBe(200);
    expect(res.json.accepted).toBe(3); // two stored, one type the timers ignore
    const rejected = res.json.rejected as { index: number; error: string }[];
    expect(rejected.map((r) => r.index)).toEqual([1, 3, 5]);
    expect(rejected[0]!.error).toMatch(/^at:/);
    expect(rejected[1]!.error).toMatch(/^author:/);
    expect(rejected[2]!.error).toMatch(/not a JSON object/);
    expect(await server.hub.head('default')).toBe(2);
  });

  it('reports JSONL lines that are not JSON by their index', async () => {
    const body = [
      JSON.stringify(started('c-1')),
      '{oops',
      JSON.stringify(message('c-1', 'm', 1)),
    ].join('\n');
    const res = await post(server.url, body, { contentType: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(res.json.accepted).toBe(2);
    expect(res.json.rejected).toEqual([
      { index: 1, error: expect.stringMatching(/not valid JSON/) },
    ]);
  });

  it('answers 400 when nothing in the body is valid', async () => {
    const bad = await postEvents(server.url, [{ type: 'message', chatId: 'c-1' }]);
    expect(bad.status).toBe(400);
    expect(bad.json.accepted).toBe(0);
    expect((bad.json.rejected as unknown[]).length).toBe(1);
    const notJson = await post(server.url, '{"type":');
    expect(notJson.status).toBe(400);
    expect(notJson.json.rejected).toEqual([
      { index: 0, error: expect.stringMatching(/not valid JSON/) },
    ]);
    expect((await post(server.url, '')).status).toBe(400);
    expect((await post(server.url, '[]')).status).toBe(400);
    expect(await server.hub.head('default')).toBe(0);
  });

  it('answers 413 for a body over the limit, and stores nothing', async () => {
    const big = JSON.stringify([{ ...started('c-1'), pad: 'x'.repeat(1024 * 1024) }]);
    const res = await post(server.url, big);
    expect(res.status).toBe(413);
    expect(await server.hub.head('default')).toBe(0);
    // The server still works afterwards.
    expect((await post(server.url, JSON.stringify(started('c-2')))).status).toBe(200);
  });

  it('routes /v1/teams/<team>/events to that team only', async () => {
    const res = await postEvents(server.url, [started('c-9')], 'acme');
    expect(res.json).toEqual({ accepted: 1, rejected: [] });
    expect(await server.hub.head('acme')).toBe(1);
    expect(await server.hub.head('default')).toBe(0);
    const bad = await fetch(`${server.url}/v1/teams/..%2Fetc/events`, {
      method: 'POST',
      body: '[]',
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${server.url}/v1/nope`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server.url}/v1/events`)).status).toBe(405);
  });

  it('acknowledges only what widgets can then read (stored before the 200)', async () => {
    const token = server.token({ team: 'default', role: 'agent', sub: 'a-1' });
    const w = widget(server.url, token);
    await connected(w);
    await w.waitFor(() => w.seq.log !== null, 5000, 'snapshot');
    const res = await postEvents(server.url, [started('c-1'), message('c-1', 'm1', 3)]);
    expect(res.status).toBe(200);
    await w.waitFor(() => w.events.length === 2, 5000, 'live events');
    expect(w.seq.last).toBe(2);
    w.close();
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a source spends its budget', async () => {
    const server = await serve({ rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const body = JSON.stringify(started('c-1'));
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await post(server.url, body);
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses[4]).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });
});

describe('/connectors namespace', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await serve({ rateLimit: false });
  });
  afterEach(async () => {
    await server.close();
  });

  it('takes events from a connector token, acked like the HTTP ingest, into its team', async () => {
    const token = server.token({ team: 'acme', role: 'connector', sub: 'zendesk' });
    const socket = io(`${server.url}/connectors`, {
      transports: ['websocket'],
      forceNew: true,
      auth: { token },
    });
    try {
      await new Promise<void>((r) => socket.once('connect', () => r()));
      const ack = await emitAck<ConnectorAck>(socket, 'events', {
        events: [started('c-1'), { type: 'message', chatId: 'c-1' }],
      });
      expect(ack).toMatchObject({ ok: true, status: 200, accepted: 1 });
      expect(ack.rejected[0]!.index).toBe(1);
      expect(await server.hub.head('acme')).toBe(1);
      const other = await emitAck<ConnectorAck>(socket, 'events', {
        team: 'other',
        events: [started('c-2')],
      });
      expect(other).toMatchObject({ ok: false, status: 403 });
      const none = await emitAck<ConnectorAck>(socket, 'events', [{ type: 'message' }]);
      expect(none).toMatchObject({ ok: false, status: 400, accepted: 0 });
    } finally {
      socket.disconnect();
    }
  });

  it('takes the shared secret for any team', async () => {
    const socket = io(`${server.url}/connectors`, {
      transports: ['websocket'],
      forceNew: true,
      auth: { secret: SECRET },
    });
    try {
      await new Promise<void>((r) => socket.once('connect', () => r()));
      const ack = await emitAck<ConnectorAck>(socket, 'events', {
        team: 'beta',
        events: [started('c-1')],
      });
      expect(ack).toMatchObject({ ok: true, accepted: 1 });
      expect(await server.hub.head('beta')).toBe(1);
    } finally {
      socket.disconnect();
    }
  });

  it('refuses agents, wrong secrets and forged tokens', async () => {
    const agent = server.token({ team: 'acme', role: 'agent', sub: 'a' });
    expect((await refused(server.url, { token: agent }, '/connectors')).code).toBe('auth_role');
    expect((await refused(server.url, { secret: 'nope' }, '/connectors')).code).toBe(
      'auth_signature',
    );
    const forged = `${agent.slice(0, -4)}AAAA`;
    expect((await refused(server.url, { token: forged }, '/connectors')).code).toBe(
      'auth_signature',
    );
  });
});
