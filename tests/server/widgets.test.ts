// Widgets on the `/` namespace: who gets in, what they get, and nothing lost or applied twice.
import { signToken } from '../../src/server/auth.ts';
import type { RunningServer } from '../../src/server/index.ts';
import type { ActionAck, ConfigSaveAck, EventsBatch } from '../../src/server/wire.ts';
import {
  closed,
  connected,
  emitAck,
  message,
  postEvents,
  refused,
  SECRET,
  serve,
  started,
  widget,
} from './helpers.ts';

let server: RunningServer;
beforeEach(async () => {
  server = await serve({ rateLimit: false });
});
afterEach(async () => {
  await server.close();
});

const agentToken = (team = 'default', sub = 'a-1') =>
  server.token({ team, role: 'agent', sub, name: 'Sam' });

describe('widget authentication', () => {
  it('lets a valid agent token in, with a welcome naming its team and role', async () => {
    const w = widget(server.url, agentToken('acme'));
    await connected(w);
    await w.waitFor(() => w.welcome !== null && w.seq.log !== null);
    expect(w.welcome).toMatchObject({ team: 'acme', role: 'agent', sub: 'a-1', name: 'Sam' });
    expect(w.configs[0]).toMatchObject({ version: 0 });
    w.close();
  });

  it('refuses a missing, malformed, forged, expired or other-secret token with a clear reason', async () => {
    expect(await refused(server.url, {})).toMatchObject({ code: 'auth_missing' });
    expect(await refused(server.url, { token: 'abc' })).toMatchObject({ code: 'auth_malformed' });

    const good = agentToken();
    const [h, p] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'supervisor' })).toString(
      'base64url',
    );
    const forged = await refused(server.url, { token: `${h}.${elevated}.${good.split('.')[2]}` });
    expect(forged.code).toBe('auth_signature');
    expect(forged.message).toMatch(/signature/);

    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(await refused(server.url, { token: `${none}.${p}.` })).toMatchObject({
      code: 'auth_algorithm',
    });

    const other = signToken('some-other-secret', { team: 'default', role: 'agent', sub: 'x' });
    expect(await refused(server.url, { token: other })).toMatchObject({ code: 'auth_signature' });

    const expired = signToken(SECRET, {
      team: 'default',
      role: 'agent',
      sub: 'x',
      ttlMs: 1000,
      now: Date.now() - 10_000,
    });
    const exp = await refused(server.url, { token: expired });
    expect(exp.code).toBe('auth_expired');
    expect(exp.message).toMatch(/expired/);
  });

  it('refuses a token of another team than the one asked for', async () => {
    const r = await refused(server.url, { token: agentToken('acme'), team: 'globex' });
    expect(r.code).toBe('auth_team');
    expect(r.message).toMatch(/acme/);
  });

  it('refuses a connector token on the widget namespace', async () => {
    const token = server.token({ team: 'default', role: 'connector', sub: 'zd' });
    expect(await refused(server.url, { token })).toMatchObject({ code: 'auth_role' });
  });

  it("never sends one team's events to another team's widget", async () => {
    const acme = widget(server.url, agentToken('acme'));
    const globex = widget(server.url, agentToken('globex'));
    await Promise.all([connected(acme), connected(globex)]);
    await postEvents(server.url, [started('secret-chat')], 'acme');
    await acme.waitFor(() => acme.events.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(globex.events).toEqual([]);
    acme.close();
    globex.close();
  });

  it('disconnects a widget when its token expires', async () => {
    const token = server.token({ team: 'default', role: 'agent', sub: 'x', ttlMs: 1500 });
    const w = widget(server.url, token);
    await connected(w);
    const reason = await new Promise<string>((r) => w.socket.once('disconnect', r));
    expect(reason).toBe('io server disconnect');
    w.close();
  });
});

describe('catch-up and live delivery', () => {
  it('gives a fresh widget the open and recently closed chats, not long-closed ones', async () => {
    const now = Date.now();
    await postEvents(server.url, [
      started('open'),
      message('open', 'm1', 2),
      // A chat closed two hours before now (by event time and arrival) ...
      { type: 'chat.started', chatId: 'old', at: now - 3 * 3600_000 },
      { type: 'chat.closed', chatId: 'old', at: now - 2 * 3600_000 },
    ]);
    // ... arrived long ago too: pretend by compacting the snapshot window to 0.
    const w = widget(server.url, agentToken());
    await connected(w);
    await w.waitFor(() => w.seq.log !== null);
    expect(new Set(w.events.map((e) => e.chatId))).toEqual(new Set(['open', 'old']));
    expect(w.batches[0]).toMatchObject({ snapshot: true, head: 4 });
    w.close();

    const strict = await serve({ rateLimit: false, snapshotClosedMs: 0 });
    try {
      await strict.ingest([
        started('open'),
        { type: 'chat.started', chatId: 'old', at: now - 3 * 3600_000 },
        { type: 'chat.closed', chatId: 'old', at: now - 2 * 3600_000 },
      ]);
      await new Promise((r) => setTimeout(r, 5));
      const w2 = widget(strict.url, strict.token({ team: 'default', role: 'agent', sub: 'a' }));
      await connected(w2);
      await w2.waitFor(() => w2.seq.log !== null);
      expect(w2.events.map((e) => e.chatId)).toEqual(['open']);
      expect(w2.seq.last).toBe(3);
      w2.close();
    } finally {
      await strict.close();
    }
  });

  it('replays what a widget missed while disconnected mid-chat, then streams live', async () => {
    const w = widget(server.url, agentToken());
    await connected(w);
    await postEvents(server.url, [started('c-1'), message('c-1', 'm1', 1)]);
    await w.waitFor(() => w.events.length === 2);
    const offsetBefore = w.seq.last;
    w.close();

    // Missed while offline: three messages in two requests.
    await postEvents(server.url, [message('c-1', 'm2', 5, 'agent', 'Hi Dana')]);
    await postEvents(server.url, [message('c-1', 'm3', 9), message('c-1', 'm4', 12, 'agent')]);

    const again = widget(server.url, agentToken(), {
      seq: w.seq,
      events: w.events,
      timelines: w.timelines,
    });
    await connected(again);
    await again.waitFor(() => again.events.length === 5, 5000, 'replay');
    expect(again.welcome?.resume).toBe('replay');
    expect(again.batches[0]).toMatchObject({ after: offsetBefore });
    expect(again.messages('c-1')).toEqual(['m1', 'm2', 'm3', 'm4']);

    await postEvents(server.url, [closed('c-1', 30)]);
    await again.waitFor(() => again.events.length === 6, 5000, 'live');
    expect(again.timelines.get('c-1')?.state?.closedAt).not.toBeNull();
    again.close();
  });

  it('replays in chunks and ends at the head', async () => {
    const small = await serve({ rateLimit: false });
    (small.hub as unknown as { replayChunk: number }).replayChunk = 7;
    try {
      const events = [started('c-1')];
      for (let i = 0; i < 30; i++) events.push(message('c-1', `m${i}`, i + 1));
      await small.ingest(events);
      const w = widget(small.url, small.token({ team: 'default', role: 'agent', sub: 'a' }), {
        resume: { log: small.logId, offset: 3 },
      });
      await connected(w);
      await w.waitFor(() => w.seq.last === 31, 5000, 'replay to head');
      expect(w.events.length).toBe(28);
      expect(w.batches.length).toBeGreaterThanOrEqual(4);
      w.close();
    } finally {
      await small.close();
    }
  });

  it('applies duplicate deliveries once: overlapping batches and re-posted events', async () => {
    const w = widget(server.url, agentToken());
    await connected(w);
    await w.waitFor(() => w.seq.log !== null);
    await postEvents(server.url, [started('c-1'), message('c-1', 'm1', 1)]);
    // The helpdesk retries the same webhook (e.g. our 200 was lost on the way back).
    await postEvents(server.url, [message('c-1', 'm1', 1)]);
    await w.waitFor(() => w.seq.last === 3);
    // The widget asks for everything again (as after a reconnection race).
    await emitAck(w.socket, 'replay', { after: 0, log: w.seq.log });
    await new Promise((r) => setTimeout(r, 50));
    expect(w.events.length).toBe(3); // offsets 1..3 once each
    expect(w.seq.duplicates).toBeGreaterThanOrEqual(3);
    expect(w.messages('c-1')).toEqual(['m1', 'm1']);
    expect(w.engineDuplicates()).toBe(1); // the re-posted copy: the engine ignores it
    expect(w.timelines.get('c-1')?.state?.customerMessages).toBe(1);
    w.close();
  });

  it('holds back a batch that would leave a gap until the missing one arrives', async () => {
    const w = widget(server.url, agentToken());
    await connected(w);
    await w.waitFor(() => w.seq.log !== null);
    const log = w.seq.log!;
    const batch = (after: number, offsets: number[]): EventsBatch => ({
      log,
      after,
      head: offsets[offsets.length - 1]!,
      events: offsets.map((o) => ({
        o,
        e: { type: 'chat.started', chatId: `x${o}`, at: o },
      })),
    });
    const out1 = w.seq.accept(batch(2, [3, 4]));
    expect(out1).toEqual([]);
    expect(w.seq.waiting).toBe(true);
    const out2 = w.seq.accept(batch(0, [1, 2]));
    expect(out2.map((e) => e.chatId)).toEqual(['x1', 'x2', 'x3', 'x4']);
    expect(w.seq.waiting).toBe(false);
    w.close();
  });

  it('gives a widget from another log (a server that lost its memory) a fresh snapshot', async () => {
    await server.ingest([started('c-1')]);
    const w = widget(server.url, agentToken(), { resume: { log: 'mem-gone', offset: 500 } });
    await connected(w);
    await w.waitFor(() => w.seq.log === server.logId);
    expect(w.welcome?.resume).toBe('snapshot');
    expect(w.seq.last).toBe(1);
    expect(w.events.map((e) => e.chatId)).toEqual(['c-1']);
    w.close();
  });
});

describe('widget actions', () => {
  it('stores a playbook action once per id, stamped with the sender, and broadcasts it', async () => {
    await server.ingest([started('c-1')]);
    const w = widget(server.url, agentToken());
    const peer = widget(server.url, agentToken('default', 'a-2'));
    await Promise.all([connected(w), connected(peer)]);
    await w.waitFor(() => w.events.length === 1);
    const action = {
      id: 'act-1',
      event: {
        type: 'playbook.check',
        chatId: 'c-1',
        at: Date.now(),
        item: 'history',
        checked: true,
        by: 'someone-else',
      },
    };
    const first = await emitAck<ActionAck>(w.socket, 'action', action);
    const retry = await emitAck<ActionAck>(w.socket, 'action', action);
    expect(first).toEqual({ ok: true, offset: 2 });
    expect(retry).toEqual({ ok: true, offset: 2, duplicate: true });
    await peer.waitFor(() => peer.events.length === 2);
    const stored = peer.events[1]!;
    expect(stored).toMatchObject({ type: 'playbook.check', item: 'history', by: 'a-1' });
    expect(await server.hub.head('default')).toBe(2);
    w.close();
    peer.close();
  });

  it('refuses actions that are not playbook events, invalid, or for a chat of another team', async () => {
    await server.ingest([started('c-1')], 'globex');
    await server.ingest([started('mine')]);
    const w = widget(server.url, agentToken());
    await connected(w);
    const send = (event: unknown, id = Math.random().toString(36)) =>
      emitAck<ActionAck>(w.socket, 'action', { id, event });
    expect(
      await send({ type: 'message', chatId: 'mine', id: 'x', at: 1, author: 'agent', text: 'hi' }),
    ).toMatchObject({
      ok: false,
      retry: false,
      error: expect.stringMatching(/^type:/),
    });
    expect(
      await send({ type: 'playbook.check', chatId: 'mine', at: 1, item: 'qa', checked: true }),
    ).toMatchObject({ ok: false, error: expect.stringMatching(/^reason:/) });
    expect(
      await send({ type: 'playbook.note', chatId: 'c-1', at: 1, text: 'sneaky' }),
    ).toMatchObject({
      ok: false,
      retry: false,
      error: expect.stringMatching(/no chat 'c-1' in team 'default'/),
    });
    expect(await emitAck<ActionAck>(w.socket, 'action', { event: {} })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^id:/),
    });
    expect(await server.hub.head('globex')).toBe(1);
    w.close();
  });

  it('refuses config:save and config:revert from an agent, whatever it sends', async () => {
    const w = widget(server.url, agentToken());
    await connected(w);
    const save = await emitAck<ConfigSaveAck>(w.socket, 'config:save', {
      config: { firstResponseS: 10, firstResponseWarnS: 5 },
      comment: 'let me',
    });
    expect(save).toMatchObject({ ok: false, errors: [{ field: '(role)' }] });
    const revert = await emitAck<ConfigSaveAck>(w.socket, 'config:revert', { version: 0 });
    expect(revert.ok).toBe(false);
    expect((await server.hub.currentConfig('default')).version).toBe(0);
    w.close();
  });
});
