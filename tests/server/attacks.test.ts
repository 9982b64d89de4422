// The attack findings of the proof issue, each kept fixed: a message nested thousands deep
// (the server used to exit), one bad event failing its whole batch, unsigned floods starving
// signed webhooks, concurrent config saves rolling back after a restart, missing limits, and
// over-long or re-spelt tokens. Real servers on 127.0.0.1; the process-exit case in a child.
import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIELD_LIMITS } from '../../src/core/events.ts';
import { DEFAULT_CONFIG, validateConfig, validateEvent } from '../../src/core/index.ts';
import { signToken, verifyToken } from '../../src/server/auth.ts';
import type { RunningServer } from '../../src/server/index.ts';
import type {
  ActionAck,
  ConfigSaveAck,
  ConnectorAck,
  PickAck,
  ReplayAck,
} from '../../src/server/wire.ts';
import {
  connected,
  deepJson,
  emitAck,
  message,
  post,
  postEvents,
  rawSocket,
  removeDir,
  SECRET,
  serve,
  spawnServe,
  started,
  tempDir,
  widget,
} from './helpers.ts';

// JSON text nested 20,000 deep: JSON.parse reads it, but anything recursive (JSON.stringify
// of an error message, a spread, a validator) overflows the stack on it. Sent as raw text,
// since no client library can encode such a value.
const DEEP = deepJson(20_000);
const deepEvents = (...lines: string[]) => `[${lines.join(',')}]`;

describe('finding 1: a deeply nested socket message refuses that message, never the server', () => {
  it('keeps a real serve process up through every socket event carrying a 20,000-deep value', async () => {
    const child = await spawnServe(['--rate', '0']);
    try {
      const token = signToken(SECRET, { team: 'acme', role: 'agent', sub: 'a-1' });
      const socket = await rawSocket(child.url, { token });
      const actions = [
        `{"id":"x1","event":${DEEP}}`,
        `{"id":"x2","event":{"type":${DEEP}}}`,
        `{"id":"x3","event":{"type":"playbook.note","chatId":${DEEP},"at":1,"text":"x"}}`,
        `{"id":"x4","event":{"type":"playbook.note","chatId":"c","at":${DEEP},"text":${DEEP}}}`,
        `{"id":"x5","event":{"type":"playbook.check","chatId":"c","at":1,"item":${DEEP}}}`,
        `{"id":${DEEP},"event":${DEEP}}`,
      ];
      for (const action of actions) {
        const [ack] = (await socket.emit('action', `[${action}]`)) as [ActionAck];
        expect(ack).toMatchObject({ ok: false, retry: false });
      }
      const [typeAck] = (await socket.emit('action', `[${actions[1]}]`)) as [ActionAck];
      expect((typeAck as { error: string }).error).toMatch(/^type: .*got a list of 1/);
      const [pick] = (await socket.emit('pick', `[{"id":${DEEP},"text":${DEEP},"sopId":"s"}]`)) as [
        PickAck,
      ];
      expect(pick).toMatchObject({ ok: false });
      const [replay] = (await socket.emit('replay', `[{"after":${DEEP},"log":${DEEP}}]`)) as [
        ReplayAck,
      ];
      expect(replay.ok).toBe(true);
      const [time] = await socket.emit('time', `[${DEEP}]`);
      expect(typeof time).toBe('number');
      socket.close();

      // Still serving: health, and a new widget of another team.
      expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
      expect(child.child.exitCode).toBeNull();
      const other = widget(
        child.url,
        signToken(SECRET, { team: 'globex', role: 'agent', sub: 'b' }),
      );
      await connected(other);
      other.close();
      expect(child.stderr()).not.toMatch(/RangeError|unhandled/i);
    } finally {
      await child.kill();
    }
  });

  describe('in process', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await serve({ rateLimit: false });
    });
    afterAll(() => server.close());

    it('refuses deep config saves and reverts naming the field, and deep connector batches', async () => {
      const boss = await rawSocket(server.url, {
        token: server.token({ team: 'acme', role: 'supervisor', sub: 's' }),
      });
      const [save] = (await boss.emit(
        'config:save',
        `[{"config":{"holdPhrases":${DEEP},"overrides":${DEEP},"checklist":${DEEP},"escalation":{"tiers":${DEEP}}},"comment":${DEEP}}]`,
      )) as [ConfigSaveAck];
      expect(save.ok).toBe(false);
      const [deepConfig] = (await boss.emit('config:save', `[{"config":${DEEP}}]`)) as [
        ConfigSaveAck,
      ];
      expect(deepConfig).toMatchObject({ ok: false, errors: [{ field: '(config)' }] });
      const [revert] = (await boss.emit('config:revert', `[{"version":${DEEP}}]`)) as [
        ConfigSaveAck,
      ];
      expect(revert).toMatchObject({ ok: false, errors: [{ field: 'version' }] });
      boss.close();
      expect((await server.hub.currentConfig('acme')).version).toBe(0);

      const connector = await rawSocket(server.url, { secret: SECRET }, '/connectors');
      const [ack] = (await connector.emit(
        'events',
        `[{"team":"acme","events":${deepEvents(JSON.stringify(started('c-ok')), `{"type":"message","chatId":${DEEP}}`, DEEP)}}]`,
      )) as [ConnectorAck];
      expect(ack).toMatchObject({ ok: true, accepted: 1 });
      expect(ack.rejected.map((r) => r.index)).toEqual([1, 2]);
      connector.close();
    });

    it('validateEvent refuses values nested past its limit before walking them', () => {
      const value = JSON.parse(`{"type":"agent.typing","chatId":"c","extra":${DEEP}}`);
      expect(validateEvent(value)).toEqual({
        kind: 'invalid',
        error: '(event): nested deeper than 16 levels',
      });
      // A well-formed event of an ignored type with modest nesting is still just ignored.
      expect(validateEvent({ type: 'agent.typing', meta: [[[[1]]]] }).kind).toBe('ignored');
    });
  });
});

describe('finding 2: one malformed event is rejected by index, the valid ones are kept', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await serve({ rateLimit: false });
  });
  afterEach(() => server.close());

  it('answers 200 with the deep event rejected and the valid one stored', async () => {
    const body = deepEvents(JSON.stringify(started('c-1')), `{"type":"message","chatId":${DEEP}}`);
    const res = await post(server.url, body);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    expect(String((res.json.rejected as { error: string }[])[0]!.error)).toMatch(/nested deeper/);
    expect(await server.hub.head('default')).toBe(1);
  });

  it('answers 400, never 5xx, when the only event is malformed (JSON and JSONL)', async () => {
    const res = await post(server.url, `{"type":"chat.started","chatId":"c","at":${DEEP}}`);
    expect(res.status).toBe(400);
    const lines = `${JSON.stringify(started('c-2'))}\n${DEEP}\n`;
    const jsonl = await post(server.url, lines, { contentType: 'application/x-ndjson' });
    expect(jsonl.status).toBe(200);
    expect(jsonl.json).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    expect(await server.hub.head('default')).toBe(1);
  });
});

describe('a request path no URL parser takes', () => {
  it('is refused with 400, never answered as a store failure', async () => {
    const server = await serve({ rateLimit: false });
    try {
      const { connect } = await import('node:net');
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1', () => {
          socket.write(
            'POST // HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
          );
        });
        let text = '';
        socket.on('data', (d) => {
          text += d.toString();
        });
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('finding 3: unsigned requests cannot spend a helpdesk’s budget', () => {
  it('keeps answering signed webhooks while a flood of unsigned ones gets 401 then 429', async () => {
    const server = await serve({ rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const body = JSON.stringify(started('c-1'));
      const unsigned: number[] = [];
      for (let i = 0; i < 10; i++) {
        unsigned.push((await post(server.url, body, { signature: null })).status);
      }
      expect(unsigned.slice(0, 3)).toEqual([401, 401, 401]);
      expect(unsigned.slice(3)).toEqual(Array(7).fill(429));
      // Forged signatures count as unsigned too.
      expect((await post(server.url, body, { secret: 'not-the-secret' })).status).toBe(429);
      // The signed webhook of the same source still gets through.
      expect((await post(server.url, body)).status).toBe(200);
      // Each team has its own signed budget.
      for (let i = 0; i < 2; i++) expect((await post(server.url, body)).status).toBe(200);
      expect((await post(server.url, body)).status).toBe(429);
      expect((await post(server.url, body, { team: 'globex' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('finding 4: concurrent config saves survive a restart in order (--data)', () => {
  it('keeps the last acknowledged version current after a restart, and numbers the next one after it', async () => {
    const dir = await tempDir();
    try {
      let server = await serve({ rateLimit: false, data: dir });
      const boss = widget(server.url, server.token({ team: 'acme', role: 'supervisor', sub: 's' }));
      await connected(boss);
      const acks = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          emitAck<ConfigSaveAck>(boss.socket, 'config:save', {
            config: { firstResponseS: 40 + i, firstResponseWarnS: 10 },
            comment: `save ${i}`,
          }),
        ),
      );
      boss.close();
      const versions = acks.map((a) => (a.ok ? a.version : -1));
      expect([...versions].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      const latest = acks.findIndex((a) => a.ok && a.version === 25);
      await server.close();

      server = await serve({ rateLimit: false, data: dir });
      const current = await server.hub.currentConfig('acme');
      expect(current.version).toBe(25);
      expect(current.config.firstResponseS).toBe(40 + latest);
      const again = widget(
        server.url,
        server.token({ team: 'acme', role: 'supervisor', sub: 's' }),
      );
      await connected(again);
      const next = await emitAck<ConfigSaveAck>(again.socket, 'config:save', {
        config: { maxGapS: 200 },
      });
      expect(next).toMatchObject({ ok: true, version: 26 });
      again.close();
      await server.close();
    } finally {
      await removeDir(dir);
    }
  });

  it('reads a config file whose lines landed out of order by version', async () => {
    const dir = await tempDir();
    try {
      const team = join(dir, 'teams', 'acme');
      await mkdir(team, { recursive: true });
      const line = (version: number, firstResponseS: number) =>
        JSON.stringify({
          version,
          config: { ...DEFAULT_CONFIG, firstResponseS },
          at: version,
          by: { sub: 's' },
          comment: `v${version}`,
        });
      await writeFile(join(team, 'config.jsonl'), `${line(2, 50)}\n${line(1, 40)}\n`);
      const server = await serve({ rateLimit: false, data: dir });
      try {
        const current = await server.hub.currentConfig('acme');
        expect(current).toMatchObject({ version: 2, comment: 'v2' });
      } finally {
        await server.close();
      }
    } finally {
      await removeDir(dir);
    }
  });
});

describe('finding 5: limits', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await serve({ rateLimit: false });
  });
  afterEach(() => server.close());

  it('rate-limits replays per person', async () => {
    await postEvents(server.url, [started('c-1')], 'acme');
    const w = widget(server.url, server.token({ team: 'acme', role: 'agent', sub: 'a-1' }));
    await connected(w);
    const acks = await Promise.all(
      Array.from({ length: 30 }, () => emitAck<ReplayAck>(w.socket, 'replay', { after: 0 })),
    );
    const refused = acks.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThanOrEqual(20);
    expect((refused[0] as { error: string }).error).toMatch(/too many replays; retry in \d+ s/);
    w.close();
  });

  it('shares the action budget of one person across all their sockets', async () => {
    await postEvents(server.url, [started('c-1')], 'acme');
    const token = server.token({ team: 'acme', role: 'agent', sub: 'a-1' });
    const sockets = Array.from({ length: 5 }, () => widget(server.url, token));
    await Promise.all(sockets.map((w) => connected(w)));
    const acks = await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        emitAck<ActionAck>(sockets[i % 5]!.socket, 'action', {
          id: `n-${i}`,
          event: { type: 'playbook.note', chatId: 'c-1', at: Date.now(), text: `note ${i}` },
        }),
      ),
    );
    const stored = acks.filter((a) => a.ok).length;
    // Five sockets × 60 would have let all 250 through; one person gets about 90.
    expect(stored).toBeLessThan(120);
    expect(stored).toBeGreaterThanOrEqual(60);
    expect(acks.find((a) => !a.ok)).toMatchObject({
      error: 'too many actions, slow down',
      retry: true,
    });
    for (const w of sockets) w.close();
  });

  it('refuses every over-long string field by name, storing nothing of it', async () => {
    const base = {
      'customer.name': started('c-1'),
      'customer.id': started('c-1'),
      'customer.tier': started('c-1'),
      channel: started('c-1'),
      caseRef: started('c-1'),
      id: message('c-1', 'm1', 1),
      agentId: message('c-1', 'm1', 1, 'agent'),
      chatId: started('c-1'),
    } as Record<string, Record<string, unknown>>;
    const events = Object.entries(base).map(([field, event]) => {
      const long = 'x'.repeat((FIELD_LIMITS as Record<string, number>)[field]! + 1);
      const copy = structuredClone(event);
      if (field.startsWith('customer.')) {
        (copy.customer as Record<string, unknown>)[field.slice(9)] = long;
      } else copy[field] = long;
      return { field, copy };
    });
    const res = await postEvents(
      server.url,
      events.map((e) => e.copy),
    );
    expect(res.status).toBe(400);
    const errors = (res.json.rejected as { index: number; error: string }[]).map((r) => r.error);
    events.forEach((e, i) => {
      expect(errors[i]).toMatch(
        new RegExp(`^${e.field.replace('.', '\\.')}: is \\d+ characters, more than`),
      );
    });
    expect(await server.hub.head('default')).toBe(0);

    // Widget actions: checklist item, SOP and reply ids, QA reason.
    const check = validateEvent({
      type: 'playbook.check',
      chatId: 'c',
      at: 1,
      item: 'i'.repeat(101),
      checked: true,
    });
    expect(check).toMatchObject({ kind: 'invalid', error: expect.stringMatching(/^item: /) });
    const reply = validateEvent({
      type: 'playbook.reply',
      chatId: 'c',
      at: 1,
      sopId: 's',
      replyId: 'r'.repeat(101),
      filled: true,
    });
    expect(reply).toMatchObject({ kind: 'invalid', error: expect.stringMatching(/^replyId: /) });
  });

  it('refuses a config with 50,000 hold phrases, naming the list', async () => {
    const boss = widget(server.url, server.token({ team: 'acme', role: 'supervisor', sub: 's' }));
    await connected(boss);
    const phrases = Array.from({ length: 50_000 }, (_, i) => `phrase ${i}`);
    const ack = await emitAck<ConfigSaveAck>(boss.socket, 'config:save', {
      config: { holdPhrases: phrases },
    });
    expect(ack).toEqual({
      ok: false,
      errors: [{ field: 'holdPhrases', message: 'has 50000 entries, more than 100' }],
    });
    const long = validateConfig({ holdPhrases: ['x'.repeat(101)] });
    expect(long).toMatchObject({ ok: false, errors: [{ field: 'holdPhrases[0]' }] });
    const overrides = validateConfig({
      overrides: Array.from({ length: 51 }, () => ({ when: { tier: 'vip' }, maxGapS: 100 })),
    });
    expect(overrides).toMatchObject({ ok: false, errors: [{ field: 'overrides' }] });
    expect((await server.hub.currentConfig('acme')).version).toBe(0);
    boss.close();
  });
});

describe('finding 6: tokens', () => {
  const now = Date.UTC(2026, 11, 6, 12);
  const forge = (claims: Record<string, unknown>) => {
    const t = signToken(SECRET, { team: 'acme', role: 'agent', sub: 'a', now });
    const [header] = t.split('.');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const sig = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${sig}`;
  };

  it('refuses tokens that live longer than the maximum (24 h for agents by default)', () => {
    const claims = { team: 'acme', role: 'agent', sub: 'a', iat: now / 1000 };
    for (const exp of [now / 1000 + 100 * 365 * 86_400, 1e308]) {
      const v = verifyToken(SECRET, forge({ ...claims, exp }), now);
      expect(v).toMatchObject({ ok: false, code: 'auth_claims' });
      expect((v as { reason: string }).reason).toMatch(
        /lives longer than this server allows \(24 h\)/,
      );
    }
    expect(verifyToken(SECRET, forge({ ...claims, exp: now / 1000 + 23 * 3600 }), now).ok).toBe(
      true,
    );
    expect(
      verifyToken(SECRET, forge({ ...claims, exp: now / 1000 + 23 * 3600 }), now, {
        widgetMs: 3600_000,
        connectorMs: 3600_000,
      }).ok,
    ).toBe(false);
  });

  it('refuses a signature re-spelt to decode to the same bytes', () => {
    const token = signToken(SECRET, { team: 'acme', role: 'agent', sub: 'a', now });
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 32 bytes = 43 base64url characters: the last one carries 4 bits and 2 unused ones.
    const sameBytes = [...alphabet].filter(
      (c) => c !== last && alphabet.indexOf(c) >> 2 === alphabet.indexOf(last) >> 2,
    );
    expect(sameBytes.length).toBeGreaterThan(0);
    for (const c of sameBytes) {
      const altered = token.slice(0, -1) + c;
      expect(Buffer.from(altered.split('.')[2]!, 'base64url')).toEqual(
        Buffer.from(token.split('.')[2]!, 'base64url'),
      );
      expect(verifyToken(SECRET, altered, now)).toMatchObject({
        ok: false,
        code: 'auth_signature',
      });
    }
    expect(verifyToken(SECRET, token, now).ok).toBe(true);
  });
});
