// Issue #13 "Prove it", the attacks: property-based fuzzing (fast-check) of every parser at the
// boundary — events and JSONL lines, team configurations, SOP libraries (JSON and Markdown) and
// reply templates, every socket event of a real server on 127.0.0.1, the HTTP routes, the host
// page's command queue (the built script-tag bundle in jsdom) and the CLI's `audit` — plus
// JSON nested 20,000 deep and 1 MB strings at each of them.
//
// Properties, everywhere: never a crash, never a hang (each run is timed and bounded), and a
// refusal is always a clear one: a message that names the field or says what is wrong. Where an
// independent reading exists, the answer must agree with it (the CLI's invalid-line count with
// parseEventLine, the embed's error events with the validators, a valid result re-validating to
// itself). Runs are seeded (FUZZ_SEED, default below) so a failure replays exactly.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_CHECKLIST,
  CONFIG_LIMITS,
  DEFAULT_CONFIG,
  MAX_SECONDS,
  validateConfig,
} from '../../src/core/config.ts';
import { parseEventLine, validateEvent } from '../../src/core/events.ts';
import type { TeamConfig } from '../../src/core/types.ts';
import { thresholdErrors, validateOptions } from '../../src/models/options.ts';
import {
  formatIssue,
  isNormalLibrary,
  LIBRARY_FORMAT,
  validateLibrary,
} from '../../src/search/library.ts';
import { parseMarkdownSop } from '../../src/search/markdown.ts';
import { isValidTemplate, parseTemplate } from '../../src/search/placeholders.ts';
import { signBody } from '../../src/server/auth.ts';
import type { ConnectorEntry } from '../../src/server/connectors/registry.ts';
import { HOSTS } from '../../src/server/connectors/types.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { deepJson, rawSocket, SECRET, serve } from '../server/helpers.ts';
import { runCli } from '../support/cli.ts';
import {
  configLike,
  eventLike,
  eventLine,
  headerName,
  headerValue,
  hostPayload,
  hostValue,
  json,
  libraryLike,
  markdownLike,
  signedFor,
  text,
  unwrap,
  validAction,
  validEvent,
} from './support/attacks-arbitraries.ts';

/** Each host's exported conversation (the connector tests' fixtures), for `audit --from`. */
const EXPORTS = {
  chatwoot: 'conversation-export.json',
  zendesk: 'export-ticket.json',
  livechat: 'get_chat.json',
  front: 'export-conversation.json',
} as const;

/** The part of jsdom used here (it ships no types, and @types/jsdom is not a dependency). */
interface JsdomApi {
  JSDOM: new (
    html: string,
    options: Record<string, unknown>,
  ) => { window: Window & { eval(code: string): unknown; close(): void } };
  VirtualConsole: new () => { on(event: string, listener: (...args: unknown[]) => void): void };
}
const { JSDOM, VirtualConsole } = createRequire(import.meta.url)('jsdom') as JsdomApi;

const SEED = Number(process.env.FUZZ_SEED ?? 20261313);
/** A single input of a pure parser taking longer than this is a hang. */
const PURE_BOUND_MS = 2000;
/** A request, socket message or CLI run answering later than this is a hang. */
const IO_BOUND_MS = 5000;
const DEEP = deepJson(20_000);
const MB = 1_000_000;

interface ParserStats {
  runs: number;
  crashes: number;
  slowestMs: number;
}
const stats: Record<string, ParserStats> = {};
/** How the answers were spread (accepted, refused, by status), per boundary. */
const outcomes: Record<string, Record<string, number>> = {};
function tally(boundary: string, outcome: string): void {
  outcomes[boundary] ??= {};
  outcomes[boundary][outcome] = (outcomes[boundary][outcome] ?? 0) + 1;
}

function statsOf(parser: string): ParserStats {
  stats[parser] ??= { runs: 0, crashes: 0, slowestMs: 0 };
  return stats[parser]!;
}

/** Runs one input through a pure parser: timed, bounded, a throw counted as a crash. */
function timed<T>(parser: string, run: () => T): T {
  const s = statsOf(parser);
  const start = performance.now();
  let result: T;
  try {
    result = run();
  } catch (err) {
    s.crashes += 1;
    throw err;
  }
  const ms = performance.now() - start;
  s.runs += 1;
  s.slowestMs = Math.max(s.slowestMs, ms);
  expect(ms, `${parser}: one input took ${ms.toFixed(0)} ms`).toBeLessThan(PURE_BOUND_MS);
  return result;
}

/** The same for I/O: a run that does not settle within the bound fails as a hang. */
async function timedAsync<T>(parser: string, run: () => Promise<T>): Promise<T> {
  const s = statsOf(parser);
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${parser}: no answer within ${IO_BOUND_MS} ms (a hang)`)),
      IO_BOUND_MS,
    );
  });
  try {
    return await Promise.race([run(), hang]);
  } catch (err) {
    s.crashes += 1;
    throw err;
  } finally {
    clearTimeout(timer);
    s.runs += 1;
    s.slowestMs = Math.max(s.slowestMs, performance.now() - start);
  }
}

const check = (runs: number) => ({ numRuns: runs, seed: SEED, endOnFailure: true });

/** A field-naming message (`customer.name: is …`), or one of the whole-value ones. */
const FIELD_MESSAGE = /^(?:[A-Za-z_][\w.[\]-]*|\([a-z]+\)): \S/;

afterAll(() => {
  const rounded = Object.fromEntries(
    Object.entries(stats).map(([k, v]) => [k, { ...v, slowestMs: Math.round(v.slowestMs) }]),
  );
  const total = Object.values(stats).reduce((n, s) => n + s.runs, 0);
  const crashes = Object.values(stats).reduce((n, s) => n + s.crashes, 0);
  console.log(
    '[e2e-figures]',
    JSON.stringify({ fuzz: { seed: SEED, runs: total, crashes, parsers: rounded, outcomes } }),
  );
  expect(crashes).toBe(0);
});

describe('pure parsers', () => {
  it('validateEvent: a typed event that re-validates to itself, or an error naming the field', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 3, arbitrary: eventLike }, json), (value) => {
        const r = timed('validateEvent', () => validateEvent(value));
        if (r.kind === 'invalid') {
          expect(r.error === 'not a JSON object' || FIELD_MESSAGE.test(r.error), r.error).toBe(
            true,
          );
        } else if (r.kind === 'event') {
          expect(r.event.chatId.length).toBeGreaterThan(0);
          expect(Number.isSafeInteger(r.event.at)).toBe(true);
          expect(validateEvent(JSON.parse(JSON.stringify(r.event)))).toEqual(r);
        } else {
          expect(r.kind).toBe('ignored');
        }
      }),
      check(5000),
    );
    for (const value of [
      JSON.parse(DEEP),
      JSON.parse(`{"type":"message","chatId":"c","at":1,"id":"m","author":"agent","text":${DEEP}}`),
      { type: 'message', chatId: 'c', at: 1, id: 'm', author: 'agent', text: 'x'.repeat(MB) },
      { type: 'x'.repeat(MB) },
    ]) {
      const r = timed('validateEvent', () => validateEvent(value));
      expect(r.kind).toBe('invalid');
      expect((r as { error: string }).error).toMatch(
        /^(not a JSON object|\(event\): nested|text: is 1000000|type: is 1000000)/,
      );
    }
  });

  it('parseEventLine: blank, or exactly what validateEvent says of the parsed line, or bad JSON', () => {
    fc.assert(
      fc.property(eventLine, (line) => {
        const r = timed('parseEventLine', () => parseEventLine(line));
        const body = line.endsWith('\r') ? line.slice(0, -1) : line;
        if (body.trim() === '') {
          expect(r.kind).toBe('blank');
          return;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          expect(r.kind).toBe('invalid');
          expect((r as { error: string }).error).toMatch(/^not valid JSON \(.+\)$/);
          return;
        }
        expect(r).toEqual(validateEvent(parsed));
      }),
      check(5000),
    );
    for (const line of [DEEP, `{"type":"message","text":"${'x'.repeat(MB)}"}`, '{'.repeat(MB)]) {
      expect(timed('parseEventLine', () => parseEventLine(line)).kind).toBe('invalid');
    }
  });

  it('validateConfig: a configuration within every rule that re-validates to itself, or named errors', () => {
    // The base a partial update lands on: the defaults, or another valid configuration.
    const base = fc.oneof(
      fc.constant(DEFAULT_CONFIG),
      fc
        .record({
          firstResponseS: fc.integer({ min: 2, max: 600 }),
          maxGapS: fc.integer({ min: 2, max: 3600 }),
          holdPhrases: fc.array(fc.constantFrom('one moment', 'let me see'), { maxLength: 2 }),
          overrides: fc.array(
            fc.record({
              when: fc.record({ tier: fc.constantFrom('vip', 'gold') }),
              maxGapS: fc.integer({ min: 2, max: 9000 }),
            }),
            { maxLength: 2 },
          ),
        })
        .map((c) => {
          const r = validateConfig({ ...c, firstResponseWarnS: 1, gapWarnS: 1 });
          if (!r.ok) throw new Error(JSON.stringify(r.errors));
          return r.config;
        }),
    );
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: configLike }, json), base, (input, from) => {
        const r = timed('validateConfig', () => validateConfig(input, from));
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) {
            expect(e.field).toMatch(
              /^(\(config\)|firstResponseS|firstResponseWarnS|maxGapS|gapWarnS|holdPhrases|overrides|checklist|escalation)/,
            );
            expect(e.message.length).toBeGreaterThan(3);
          }
          return;
        }
        const c = r.config;
        for (const key of [
          'firstResponseS',
          'firstResponseWarnS',
          'maxGapS',
          'gapWarnS',
        ] as const) {
          expect(c[key] > 0 && c[key] <= MAX_SECONDS && Number.isFinite(c[key])).toBe(true);
        }
        expect(c.firstResponseWarnS).toBeLessThan(c.firstResponseS);
        expect(c.gapWarnS).toBeLessThan(c.maxGapS);
        expect(c.holdPhrases.length).toBeLessThanOrEqual(CONFIG_LIMITS.holdPhrases);
        for (const p of c.holdPhrases) expect(p.trim()).not.toBe('');
        expect(new Set(c.checklist.map((i) => i.id)).size).toBe(c.checklist.length);
        const again = validateConfig(JSON.parse(JSON.stringify(c)), DEFAULT_CONFIG);
        expect(again).toMatchObject({ ok: true, config: c });
      }),
      check(4000),
    );
    for (const text of [
      `{"holdPhrases":${DEEP}}`,
      `{"overrides":${DEEP}}`,
      `{"checklist":${DEEP}}`,
      `{"escalation":{"tiers":${DEEP}}}`,
      DEEP,
    ]) {
      const r = timed('validateConfig', () => validateConfig(JSON.parse(text)));
      expect(r.ok).toBe(false);
    }
    // The lists alone, on valid thresholds: whatever is kept of them validates again.
    fc.assert(
      fc.property(
        fc.record(
          {
            holdPhrases: fc.array(text, { maxLength: 6 }),
            checklist: fc.array(
              fc.oneof(
                fc.constantFrom(...BUILTIN_CHECKLIST.map((i) => i.id)),
                fc.record({ id: text, label: text }),
              ),
              { maxLength: 6 },
            ),
            overrides: fc.array(
              fc.record({
                when: fc.record({ tier: text }, { requiredKeys: [] }),
                maxGapS: fc.constant(100),
              }),
              { maxLength: 3 },
            ),
            escalation: fc.record({ tiers: fc.array(text, { maxLength: 4 }) }),
          },
          { requiredKeys: [] },
        ),
        (input) => {
          const r = timed('validateConfig', () => validateConfig(input));
          if (r.ok) expect(validateConfig(JSON.parse(JSON.stringify(r.config)))).toEqual(r);
        },
      ),
      check(3000),
    );
    // Found by the idempotence property: a phrase that lower-cases longer than the limit
    // ('İ' → 'i̇') was kept, and the kept configuration then failed its own validation.
    const dotted = validateConfig({ holdPhrases: ['İ'.repeat(60), 'BİR DAKİKA'] });
    expect(dotted).toMatchObject({ ok: false, errors: [{ field: 'holdPhrases[0]' }] });
    const kept = validateConfig({ holdPhrases: ['İ'.repeat(50)] });
    expect(kept.ok && validateConfig(kept.config).ok).toBe(true);
    const long = timed('validateConfig', () => validateConfig({ holdPhrases: ['x'.repeat(MB)] }));
    expect(long).toMatchObject({ ok: false, errors: [{ field: 'holdPhrases[0]' }] });
  });

  it('validateLibrary: a normal-form library that re-validates to itself, or issues that say where', () => {
    fc.assert(
      fc.property(libraryLike, (input) => {
        const r = timed('validateLibrary', () => validateLibrary(input, 'lib.json'));
        if (r.ok) {
          expect(isNormalLibrary(r.library)).toBe(true);
          expect(validateLibrary(JSON.parse(JSON.stringify(r.library)))).toEqual(r);
          return;
        }
        expect(r.issues.length).toBeGreaterThan(0);
        for (const issue of r.issues) {
          expect(issue.message.length).toBeGreaterThan(3);
          expect(issue.file).toBe('lib.json');
          // An SOP's issue says which SOP (id or position); the library's names its field.
          const located =
            issue.sopId !== undefined || issue.sopIndex !== undefined || issue.field !== '';
          expect(
            located || /library must be an object/.test(issue.message),
            formatIssue(issue),
          ).toBe(true);
        }
      }),
      check(2500),
    );
    const huge = validateLibrary({
      format: LIBRARY_FORMAT,
      sops: [{ id: 'A', title: 'x'.repeat(MB), steps: [], replies: [] }],
    });
    expect(huge.ok).toBe(true);
    for (const text of [
      `{"format":"sop-library/1","sops":${DEEP}}`,
      `{"format":"sop-library/1","sops":[{"id":"A","title":"t","steps":${DEEP},"replies":${DEEP}}]}`,
      `{"format":"sop-library/1","sops":[{"id":"A","title":"t","replies":[{"id":"r","title":"t","text":${DEEP}}]}]}`,
    ]) {
      const r = timed('validateLibrary', () => validateLibrary(JSON.parse(text), 'deep.json'));
      expect(r.ok).toBe(false);
    }
    const template = timed('validateLibrary', () =>
      validateLibrary({
        format: LIBRARY_FORMAT,
        sops: [
          { id: 'A', title: 't', replies: [{ id: 'r', title: 't', text: `{${'a'.repeat(MB)}` }] },
        ],
      }),
    );
    expect(template.ok).toBe(false);
  });

  it('parseMarkdownSop: an SOP the validator can judge, or issues with the file and a real line', () => {
    fc.assert(
      fc.property(markdownLike, (source) => {
        const r = timed('parseMarkdownSop', () => parseMarkdownSop(source, 'sop.md'));
        const lines = source.split(/\r\n|\r|\n/).length;
        if (!r.ok) {
          expect(r.issues.length).toBeGreaterThan(0);
          for (const issue of r.issues) {
            expect(issue.file).toBe('sop.md');
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.line).toBeLessThanOrEqual(lines + 1);
            expect(issue.message.length).toBeGreaterThan(3);
          }
          return;
        }
        const v = timed('validateLibrary', () =>
          validateLibrary({ format: LIBRARY_FORMAT, sops: [r.sop] }, 'sop.md'),
        );
        if (!v.ok) for (const issue of v.issues) expect(formatIssue(issue)).toMatch(/^sop\.md: /);
      }),
      check(4000),
    );
    const front = (body: string) => `---\nid: A\ntitle: T\n---\n${body}`;
    for (const source of [
      front(`## Purpose\n${'x'.repeat(MB)}`),
      front(
        `## Steps\n${Array.from({ length: 20_000 }, (_, i) => `${' '.repeat(i % 40)}- x`).join('\n')}`,
      ),
      `---\ntags: [${'['.repeat(20_000)}]\n---\n`,
      `---\n${'a: b\n'.repeat(20_000)}`,
      front(`## Replies\n${'### t\n{'.repeat(20_000)}`),
      DEEP,
    ]) {
      timed('parseMarkdownSop', () => parseMarkdownSop(source, 'big.md'));
    }
  });

  it('parseTemplate: agrees with isValidTemplate; parts give back the text; errors say where', () => {
    const templateText = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .array(
          fc.oneof(
            fc.constantFrom('{', '}', '{a}', '{a.b-c_d}', '{{', '{ }', '\n'),
            fc.string({ maxLength: 5 }),
          ),
          {
            maxLength: 10,
          },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(templateText, (t) => {
        const r = timed('parseTemplate', () => parseTemplate(t));
        expect(r.ok).toBe(isValidTemplate(t));
        if (r.ok) {
          expect(r.parts.map((p) => (p.kind === 'text' ? p.text : `{${p.name}}`)).join('')).toBe(t);
        } else {
          expect(r.position).toBeGreaterThanOrEqual(0);
          expect(r.position).toBeLessThan(t.length);
          expect(r.error).toMatch(/ at character \d+: "/);
        }
      }),
      check(5000),
    );
    for (const t of [
      '{'.repeat(MB),
      `{${'a'.repeat(MB)}`,
      `${'a}'.repeat(MB / 2)}`,
      'x'.repeat(MB),
    ]) {
      timed('parseTemplate', () => parseTemplate(t));
    }
  });
});

describe('the realtime server at its boundary (real server on 127.0.0.1)', () => {
  let server: RunningServer;
  const sockets: Socket[] = [];
  const connectors: ConnectorEntry[] = HOSTS.map((host) => ({
    team: 'acme',
    host,
    secret: `${host}-acme-signing-secret-0123456789`,
  }));

  beforeAll(async () => {
    server = await serve({ rateLimit: false, connectors: { entries: connectors } });
    await server.ingest([{ type: 'chat.started', chatId: 'c-1', at: Date.now() }], 'acme');
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.close();
  });

  function connect(auth: Record<string, unknown>, namespace = ''): Promise<Socket> {
    const socket = io(`${server.url}${namespace}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth,
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  const token = (sub: string, role: 'agent' | 'supervisor' = 'agent') =>
    server.token({ team: 'acme', role, sub });

  const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
  const fieldErrors = (errors: unknown) =>
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => nonEmpty(e?.field) && nonEmpty(e?.message));

  /** What a clear answer to each socket event looks like (docs/realtime.md). */
  const clear: Record<string, (ack: unknown) => boolean> = {
    action: (a) => {
      const x = a as Record<string, unknown>;
      return x.ok === true
        ? Number.isInteger(x.offset)
        : x.ok === false && nonEmpty(x.error) && typeof x.retry === 'boolean';
    },
    pick: (a) => {
      const x = a as Record<string, unknown>;
      return x.ok === true || (x.ok === false && nonEmpty(x.error) && typeof x.retry === 'boolean');
    },
    replay: (a) => {
      const x = a as Record<string, unknown>;
      return x.ok === true ? Number.isInteger(x.head) : x.ok === false && nonEmpty(x.error);
    },
    head: (a) => {
      const x = a as Record<string, unknown>;
      return x.ok === true && nonEmpty(x.log) && Number.isInteger(x.head);
    },
    time: (a) => typeof a === 'number' && Number.isFinite(a),
    'config:save': (a) => {
      const x = a as Record<string, unknown>;
      return x.ok === true ? Number.isInteger(x.version) : x.ok === false && fieldErrors(x.errors);
    },
    'config:revert': (a) => clear['config:save']!(a),
    'config:history': (a) => {
      const x = a as Record<string, unknown>;
      return x.ok === true && Array.isArray(x.versions);
    },
    events: (a) => {
      const x = a as Record<string, unknown>;
      if (x.ok === true) {
        return (
          x.status === 200 &&
          Number.isInteger(x.accepted) &&
          Array.isArray(x.rejected) &&
          (x.rejected as { index: unknown; error: unknown }[]).every(
            (r) => Number.isInteger(r.index) && nonEmpty(r.error),
          )
        );
      }
      return x.ok === false && Number.isInteger(x.status) && nonEmpty(x.error);
    },
  };

  /** Arbitrary arguments, and arguments shaped like each event's request. */
  const shaped: Record<string, fc.Arbitrary<unknown>> = {
    action: fc.oneof(
      validAction,
      fc.record(
        {
          id: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), json),
          event: fc.oneof(
            eventLike.map((e) => ({ ...e, chatId: e.chatId ?? 'c-1' })),
            json,
          ),
        },
        { requiredKeys: [] },
      ),
    ),
    pick: fc.oneof(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 20 }),
        text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
        sopId: fc.constantFrom('CS-1', 'CS-2'),
      }),
      fc.record(
        {
          id: fc.oneof(fc.string(), json),
          text: fc.oneof(fc.string(), json),
          sopId: fc.oneof(fc.string(), json),
        },
        { requiredKeys: [] },
      ),
    ),
    replay: fc.record(
      {
        after: fc.oneof(fc.integer({ min: -5, max: 100 }), json),
        log: fc.oneof(fc.constant('same'), json),
      },
      { requiredKeys: [] },
    ),
    head: json,
    time: json,
    'config:save': fc.record(
      { config: fc.oneof(configLike, json), comment: fc.oneof(fc.string(), json) },
      { requiredKeys: [] },
    ),
    'config:revert': fc.record(
      {
        version: fc.oneof(fc.integer({ min: -2, max: 40 }), json),
        comment: fc.oneof(fc.string(), json),
      },
      { requiredKeys: [] },
    ),
    'config:history': json,
    events: fc.oneof(
      fc.array(eventLike, { maxLength: 4 }),
      fc.record(
        {
          team: fc.oneof(fc.constant('acme'), fc.string(), json),
          events: fc.array(eventLike, { maxLength: 4 }),
        },
        { requiredKeys: [] },
      ),
      json,
    ),
  };

  const EVENTS = [
    'action',
    'pick',
    'replay',
    'head',
    'time',
    'config:save',
    'config:revert',
    'config:history',
  ];

  it('answers every widget socket event with arbitrary JSON clearly, and stays up', async () => {
    for (const event of EVENTS) {
      const role = event.startsWith('config') ? 'supervisor' : 'agent';
      let socket = await connect({ token: token(`fz-${event}`, role) });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 3, arbitrary: shaped[event]!.map((a) => [a]) },
            fc.array(json, { maxLength: 3 }),
          ),
          async (args) => {
            // Replays are budgeted per person (5 at once), actions and picks too (60): a fresh
            // person before the budget runs out, so the runs reach the handler itself.
            const budget = event === 'replay' ? 5 : 50;
            if (++n % budget === 0) {
              socket.disconnect();
              socket = await connect({ token: token(`fz-${event}-${n}`, role) });
            }
            const fixed = (args as unknown[]).map((a) =>
              a && typeof a === 'object' && (a as { log?: unknown }).log === 'same'
                ? { ...a, log: server.hub.logId }
                : a,
            );
            const ack = await timedAsync(`socket ${event}`, () =>
              socket.timeout(IO_BOUND_MS).emitWithAck(event, ...fixed),
            );
            expect(
              clear[event]!(ack),
              `${event} ${JSON.stringify(args).slice(0, 200)} → ${JSON.stringify(ack).slice(0, 200)}`,
            ).toBe(true);
            const ok = (ack as { ok?: unknown }).ok;
            tally(`socket ${event}`, ok === false ? 'refused' : 'answered');
          },
        ),
        check(400),
      );
      expect(socket.connected).toBe(true);
    }
    // An agent's config:save is refused by role, whatever it sends.
    const agent = await connect({ token: token('fz-agent') });
    const refused = await agent.timeout(IO_BOUND_MS).emitWithAck('config:save', { config: {} });
    expect(refused).toMatchObject({ ok: false, errors: [{ field: '(role)' }] });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers the /connectors events socket with arbitrary batches clearly', async () => {
    const socket = await connect({ secret: SECRET }, '/connectors');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: shaped.events!.map((a) => [a]) },
          fc.array(json, { maxLength: 3 }),
        ),
        async (args) => {
          const ack = await timedAsync('socket /connectors events', () =>
            socket.timeout(IO_BOUND_MS).emitWithAck('events', ...(args as unknown[])),
          );
          expect(clear.events!(ack), JSON.stringify(ack).slice(0, 300)).toBe(true);
          tally('socket /connectors events', (ack as { ok: boolean }).ok ? 'answered' : 'refused');
        },
      ),
      check(200),
    );
    expect(socket.connected).toBe(true);
  });

  it('refuses JSON nested 20,000 deep and 1 MB strings on every socket event, clearly', async () => {
    const boss = await rawSocket(server.url, { token: token('fz-deep', 'supervisor') });
    const payloads = [
      `[${DEEP}]`,
      `[{"id":"d","event":${DEEP},"config":${DEEP},"after":${DEEP},"version":${DEEP},"text":${DEEP},"sopId":${DEEP}}]`,
    ];
    for (const event of EVENTS) {
      for (const args of payloads) {
        const [ack] = await timedAsync(`socket ${event}`, () => boss.emit(event, args));
        expect(clear[event]!(ack), `${event}: ${JSON.stringify(ack)}`).toBe(true);
      }
    }
    boss.close();
    const big = await connect({ token: token('fz-big', 'supervisor') });
    const long = 'x'.repeat(MB);
    const bigArgs: Record<string, unknown> = {
      action: {
        id: 'big',
        event: { type: 'playbook.note', chatId: 'c-1', at: Date.now(), text: long },
      },
      pick: { id: 'big', text: long, sopId: 'S' },
      replay: { after: 0, log: long },
      head: long,
      time: long,
      'config:save': { config: { holdPhrases: [long] }, comment: 'x' },
      'config:revert': { version: 0, comment: long },
      'config:history': long,
    };
    for (const event of EVENTS) {
      const ack = await timedAsync(`socket ${event}`, () =>
        big.timeout(IO_BOUND_MS).emitWithAck(event, bigArgs[event]),
      );
      expect(clear[event]!(ack), `${event}: ${JSON.stringify(ack).slice(0, 200)}`).toBe(true);
    }
    expect(
      (await big.timeout(IO_BOUND_MS).emitWithAck('action', bigArgs.action)) as unknown,
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^text: is 1000000 characters/),
    });
    const connector = await rawSocket(server.url, { secret: SECRET }, '/connectors');
    for (const args of [
      `[${DEEP}]`,
      `[{"team":"acme","events":${DEEP}}]`,
      `[{"team":${DEEP},"events":[]}]`,
    ]) {
      const [ack] = await timedAsync('socket /connectors events', () =>
        connector.emit('events', args),
      );
      expect(clear.events!(ack), JSON.stringify(ack)).toBe(true);
    }
    connector.close();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  const STATUSES = [200, 400, 401, 404, 413];

  async function request(path: string, body: string, headers: Record<string, string>) {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(IO_BOUND_MS),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> | null = null;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = null;
    }
    return { status: res.status, text, json: parsed };
  }

  /** A clear HTTP answer: a documented status, and JSON that says what happened. */
  function expectClear(
    res: { status: number; text: string; json: Record<string, unknown> | null },
    what: string,
  ) {
    expect(STATUSES, `${what} → ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
    expect(res.json, `${what}: ${res.text.slice(0, 200)}`).not.toBeNull();
    const body = res.json!;
    if (res.status === 200) {
      if ('accepted' in body) {
        expect(Number.isInteger(body.accepted)).toBe(true);
        // Webhooks answer `{accepted, rejected}`; a connector `{accepted, stored|ignored}`.
        for (const r of (body.rejected ?? []) as { index: number; error: string }[]) {
          expect(Number.isInteger(r.index) && nonEmpty(r.error)).toBe(true);
        }
      }
      return;
    }
    const rejected = (body.rejected ?? []) as { error: string }[];
    expect(
      nonEmpty(body.error) || (rejected.length > 0 && rejected.every((r) => nonEmpty(r.error))),
      `${what}: ${res.text.slice(0, 200)}`,
    ).toBe(true);
  }

  const bodyArb = fc.oneof(
    fc.array(validEvent, { minLength: 1, maxLength: 4 }).map((e) => JSON.stringify(e)),
    fc
      .array(fc.oneof(validEvent, eventLike), { minLength: 1, maxLength: 4 })
      .map((e) => e.map((x) => JSON.stringify(x)).join('\n')),
    fc.array(eventLike, { maxLength: 4 }).map((e) => JSON.stringify(e)),
    eventLike.map((e) => JSON.stringify(e)),
    fc.array(eventLine, { maxLength: 5 }).map((lines) => lines.join('\n')),
    json.map((v) => JSON.stringify(v)),
    fc.string({ unit: 'grapheme', maxLength: 60 }),
  );
  const headersArb = fc.record({
    contentType: fc.option(
      fc.oneof(
        fc.constantFrom(
          'application/json',
          'application/x-ndjson',
          'text/plain',
          'application/json; charset=latin1',
        ),
        headerValue,
      ),
      { nil: undefined },
    ),
    signature: fc.oneof(
      { weight: 3, arbitrary: fc.constant('good') },
      fc.constantFrom('none', 'forged', 'garbage'),
    ),
    extra: fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
  });

  it('answers POST /v1/events and /v1/teams/<team>/events with arbitrary bodies and headers clearly', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodyArb,
        headersArb,
        fc.oneof(
          fc.constant(null),
          fc.constantFrom('acme', 'a.b-c_d'),
          fc.string({ minLength: 1, maxLength: 20 }),
        ),
        async (body, h, team) => {
          const headers: Record<string, string> = { ...h.extra };
          if (h.contentType !== undefined) headers['content-type'] = h.contentType;
          if (h.signature === 'good') headers['x-signature-256'] = signBody(SECRET, body);
          if (h.signature === 'forged')
            headers['x-signature-256'] = signBody('not-the-secret', body);
          if (h.signature === 'garbage') headers['x-signature-256'] = 'sha256=zz';
          const path =
            team === null ? '/v1/events' : `/v1/teams/${encodeURIComponent(team)}/events`;
          const res = await timedAsync('HTTP events', () => request(path, body, headers));
          expectClear(res, `${path} ${JSON.stringify(headers)} ${body.slice(0, 80)}`);
          tally('HTTP events', String(res.status));
          if (h.signature !== 'good' && res.status !== 404 && res.status !== 400) {
            expect(res.status).toBe(401);
          }
        },
      ),
      check(300),
    );
    // Depth and size: a deep body per route, a 1 MB event, and one past the 1 MiB limit.
    const note = JSON.stringify({
      type: 'chat.started',
      chatId: 'c-big',
      at: Date.now(),
      caseRef: 'x'.repeat(MB - 200),
    });
    for (const [path, body, status] of [
      ['/v1/events', DEEP, 400],
      ['/v1/teams/acme/events', `[${DEEP}]`, 400],
      ['/v1/events', note, 400],
      ['/v1/events', 'x'.repeat(1024 * 1024 + 1), 413],
    ] as const) {
      const res = await timedAsync('HTTP events', () =>
        request(path, body, {
          'content-type': 'application/json',
          'x-signature-256': signBody(SECRET, body),
        }),
      );
      expectClear(res, path);
      expect(res.status).toBe(status);
    }
  });

  it("answers POST /v1/connectors/<host>/<team> with arbitrary bodies, signed each host's way or not", async () => {
    await fc.assert(
      fc.asyncProperty(
        // A host's own webhook (its fixture, maybe with one value replaced), or anything.
        fc.oneof(
          {
            weight: 3,
            arbitrary: fc.constantFrom(...HOSTS).chain((host) =>
              fc.tuple(
                fc.constant<string>(host),
                hostPayload(host, 'webhook-sequence.json').map((p) => JSON.stringify(p)),
              ),
            ),
          },
          fc.tuple(
            fc.oneof(fc.constantFrom(...HOSTS), fc.string({ minLength: 1, maxLength: 12 })),
            fc.oneof(
              json.map((v) => JSON.stringify(v)),
              fc.string({ maxLength: 60 }),
              eventLike.map((e) => JSON.stringify(e)),
            ),
          ),
        ),
        fc.oneof(
          { weight: 4, arbitrary: fc.constant('acme') },
          fc.string({ minLength: 1, maxLength: 12 }),
        ),
        fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
        fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
        async ([host, body], team, sign, extra) => {
          const entry = connectors.find((c) => c.host === host);
          const signed =
            sign && entry ? signedFor(entry.host, body, entry.secret) : { body, headers: {} };
          const path = `/v1/connectors/${encodeURIComponent(host)}/${encodeURIComponent(team)}`;
          const res = await timedAsync('HTTP connectors', () =>
            request(path, signed.body, {
              'content-type': 'application/json',
              ...extra,
              ...signed.headers,
            }),
          );
          tally('HTTP connectors', String(res.status));
          // Front's handshake answers its challenge as plain text (200).
          if (res.status === 200 && res.json === null) {
            expect(host).toBe('front');
            return;
          }
          expectClear(res, `${path} ${body.slice(0, 80)}`);
        },
      ),
      check(300),
    );
    for (const host of HOSTS) {
      const entry = connectors.find((c) => c.host === host)!;
      for (const body of [DEEP, `{"a":${DEEP}}`, JSON.stringify({ big: 'x'.repeat(MB) })]) {
        const signed = signedFor(host, body, entry.secret);
        const res = await timedAsync('HTTP connectors', () =>
          request(`/v1/connectors/${host}/acme`, signed.body, {
            'content-type': 'application/json',
            ...signed.headers,
          }),
        );
        expectClear(res, `${host} deep/big`);
      }
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe("the host page's command queue (built bundle in jsdom)", () => {
  type Command = ((...args: unknown[]) => unknown) & { loaded?: boolean };
  let dom: InstanceType<JsdomApi['JSDOM']>;
  let cp: Command;
  const errors: Array<{ command?: string; field?: string; message: string }> = [];
  const warnings: string[] = [];
  const uncaught: string[] = [];

  beforeAll(async () => {
    const console = new VirtualConsole();
    console.on('warn', (...parts: unknown[]) => warnings.push(parts.map(String).join(' ')));
    console.on('jsdomError', (err) => uncaught.push(String(err)));
    dom = new JSDOM('<!doctype html><html><body><aside id="host"></aside></body></html>', {
      runScripts: 'outside-only',
      pretendToBeVisual: true,
      url: 'http://127.0.0.1/helpdesk',
      virtualConsole: console,
    });
    const win = dom.window as unknown as { eval(code: string): unknown; ChatPlaybook: Command };
    win.eval(readFileSync(join(import.meta.dirname, '../../dist/chat-playbook.iife.js'), 'utf8'));
    cp = win.ChatPlaybook;
    expect(cp.loaded).toBe(true);
    cp('on', 'error', (e: (typeof errors)[number]) => errors.push(e));
    const ready = new Promise((resolve) => cp('on', 'ready', resolve));
    cp('init', { target: '#host', agent: { id: 'a-1', name: 'Sam' }, transport: 'local' });
    await ready;
  });
  afterAll(() => {
    cp?.('destroy');
    dom?.window.close();
  });

  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  const KNOWN = ['init', 'event', 'events', 'focus', 'configure', 'on', 'off', 'destroy'];
  const NAMES = ['ready', 'error', 'reply', 'clock', 'open'];
  let config: TeamConfig = DEFAULT_CONFIG;

  /** Warnings beyond one per error: a configuration's unknown settings. */
  let extraWarnings = 0;

  /** Error events the embed must raise for a call, by reading the inputs independently. */
  function expected(command: unknown, a: unknown, b: unknown): Array<string | undefined> | 'one' {
    extraWarnings = 0;
    const fieldOf = (message: string) => /^([\w$.[\]-]+): /.exec(message)?.[1];
    const readEvent = (value: unknown) => {
      try {
        const r = validateEvent(value);
        return r.kind === 'invalid' ? [fieldOf(r.error)] : [];
      } catch {
        return 'one' as const; // a value that throws when read: one error for the call
      }
    };
    switch (command) {
      case 'event':
        return readEvent(a);
      case 'events':
        if (!Array.isArray(a)) return ['events'];
        return a.flatMap((item) => {
          const r = readEvent(item);
          return r === 'one' ? [] : r;
        });
      case 'focus':
        return typeof a === 'string' && a !== '' ? [] : ['chatId'];
      case 'configure': {
        let r: ReturnType<typeof validateConfig>;
        try {
          r = validateConfig(a, config);
        } catch {
          return 'one';
        }
        if (r.ok) {
          config = r.config;
          extraWarnings = r.warnings.length;
          return [];
        }
        return thresholdErrors(r.errors).map((e) => e.field);
      }
      case 'on':
        if (!NAMES.includes(a as string)) return ['name'];
        return typeof b === 'function' ? [] : ['handler'];
      case 'off':
        return [];
      case 'init':
        return [undefined]; // already initialised
      default:
        return ['command'];
    }
  }

  const calls = fc.oneof(
    fc.tuple(fc.constant('event'), hostValue),
    fc.tuple(
      fc.constant('events'),
      fc.oneof(fc.array(fc.oneof(eventLike, json), { maxLength: 4 }), hostValue),
    ),
    fc.tuple(fc.constant('focus'), fc.oneof(fc.constantFrom('c-1', 'nope', ''), hostValue)),
    fc.tuple(fc.constant('configure'), fc.oneof(configLike, hostValue)),
    fc.tuple(
      fc.constant('on'),
      fc.oneof(fc.constantFrom(...NAMES, 'open', 'Ready'), hostValue),
      hostValue.filter((h) => typeof h !== 'function'),
    ),
    fc.tuple(fc.constant('off'), hostValue, hostValue),
    fc.tuple(fc.constant('init'), hostValue),
    fc.tuple(
      hostValue.filter((c) => !KNOWN.includes(c as string)),
      hostValue,
    ),
  );

  it('never throws into the page; each bad call is an error event (and a warning) naming the field', async () => {
    let calls_ = 0;
    await fc.assert(
      fc.asyncProperty(calls, async (generated) => {
        const [command, a, b] = (generated as unknown[]).map(unwrap);
        const want = expected(command, a, b);
        const before = errors.length;
        const warned = warnings.length;
        timed('embed command', () => cp(command, a, b));
        await tick();
        calls_ += 1;
        const got = errors.slice(before);
        tally('embed command', got.length > 0 ? 'error events' : 'accepted');
        if (want === 'one') expect(got).toHaveLength(1);
        else
          expect(
            got.map((e) => e.field),
            label(command),
          ).toEqual(want);
        for (const e of got) expect(nonEmptyMessage(e.message)).toBe(true);
        expect(warnings.length - warned).toBe(got.length + extraWarnings);
      }),
      check(2000),
    );
    expect(calls_).toBeGreaterThan(0);
    expect(uncaught).toEqual([]);
  });

  it('reports every bad init option by field, and depth and size abuse by field', async () => {
    const options = fc.record(
      {
        agent: fc.oneof(
          fc.record(
            { id: fc.oneof(fc.string(), json), name: fc.oneof(fc.string(), json) },
            { requiredKeys: [] },
          ),
          json,
        ),
        role: fc.oneof(fc.constantFrom('agent', 'supervisor', 'admin'), json),
        library: fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.boolean()),
        thresholds: fc.oneof(configLike, json),
        transport: fc.oneof(
          fc.constant('local'),
          fc.record({ url: json, token: json }, { requiredKeys: [] }),
          json,
        ),
        unknownOption: json,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(options, async (opts) => {
        const checked = validateOptions(opts);
        fc.pre(checked.options.transport.kind === 'local');
        cp('destroy');
        cp('on', 'error', (e: (typeof errors)[number]) => errors.push(e));
        const before = errors.length;
        timed('embed init', () => cp('init', { ...opts, target: '#host' }));
        await tick();
        await tick();
        expect(errors.slice(before).map((e) => e.field)).toEqual(
          checked.errors.map((e) => e.field),
        );
      }),
      check(400),
    );
    // Back to a plain widget for the abuse below.
    cp('destroy');
    cp('on', 'error', (e: (typeof errors)[number]) => errors.push(e));
    cp('init', { target: '#host', transport: 'local' });
    await tick();
    const abuse: Array<[string, unknown, string | undefined]> = [
      ['event', JSON.parse(DEEP), undefined],
      ['event', JSON.parse(`{"type":"message","chatId":"c","text":${DEEP}}`), undefined],
      [
        'event',
        { type: 'message', chatId: 'c', at: 1, id: 'm', author: 'agent', text: 'x'.repeat(MB) },
        'text',
      ],
      ['configure', JSON.parse(`{"holdPhrases":${DEEP}}`), 'thresholds.holdPhrases[0]'],
      ['configure', { holdPhrases: ['x'.repeat(MB)] }, 'thresholds.holdPhrases[0]'],
      ['focus', JSON.parse(DEEP), 'chatId'],
      [JSON.parse(DEEP) as unknown as string, 1, 'command'],
      ['x'.repeat(MB), 1, 'command'],
    ];
    for (const [command, value, field] of abuse) {
      const before = errors.length;
      timed('embed command', () => cp(command, value));
      await tick();
      const got = errors.slice(before);
      expect(
        got.map((e) => e.field),
        label(command),
      ).toEqual([field]);
    }
    const many = Array.from({ length: 2000 }, (_, i) => ({ type: 'message', chatId: `c${i}` }));
    const before = errors.length;
    timed('embed command', () => cp('events', many));
    expect(errors.length - before).toBe(2000);
    // Still a working widget: a valid chat shows up.
    cp('event', {
      type: 'chat.started',
      chatId: 'c-after',
      at: Date.now(),
      customer: { name: 'Dana Lee' },
    });
    cp('focus', 'c-after');
    await tick();
    const root = dom.window.document.querySelector('#host')!.shadowRoot!;
    expect(root.querySelector('[data-cp-chat="c-after"]')).not.toBeNull();
    expect(uncaught).toEqual([]);
  });
});

/** A command as a test label, whatever it is (no string conversion that could throw). */
function label(command: unknown): string {
  return typeof command === 'string' ? command.slice(0, 40) : `(${typeof command})`;
}

function nonEmptyMessage(message: unknown): boolean {
  return typeof message === 'string' && message.trim().length > 3;
}

describe('the CLI: `audit` on arbitrary transcripts, configurations and helpdesk exports', () => {
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'playbook-fuzz-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(content: string, ext = 'jsonl'): Promise<string> {
    const path = join(dir, `in-${++n}.${ext}`);
    await writeFile(path, content);
    return path;
  }

  /** Line numbers the protocol calls invalid: split on \n, a leading BOM and trailing \r dropped. */
  function invalidLines(content: string): number[] {
    return content
      .replace(/^\uFEFF/, '')
      .split('\n')
      .flatMap((line, i) => (parseEventLine(line).kind === 'invalid' ? [i + 1] : []));
  }

  it('audit: exit 0, the invalid lines counted and each reported as FILE: line N; --strict exits 1', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventLine, { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        async (lines, bom, strict) => {
          const content = `${bom ? '\uFEFF' : ''}${lines.join('\n')}`;
          const path = await file(content);
          const args = ['audit', path, '--json', ...(strict ? ['--strict'] : [])];
          const run = await timedAsync('CLI audit', () => runCli(args));
          const invalid = invalidLines(content);
          expect(run.code, run.stderr).toBe(strict && invalid.length > 0 ? 1 : 0);
          const report = JSON.parse(run.stdout) as { summary: { invalidLines: number } };
          expect(report.summary.invalidLines).toBe(invalid.length);
          tally('CLI audit', invalid.length > 0 ? 'with invalid lines' : 'all lines valid');
          for (const line of invalid) expect(run.stderr).toContain(`${path}: line ${line}: `);
        },
      ),
      check(250),
    );
    const abuse = [
      `${DEEP}\n`,
      `{"type":"message","chatId":"c","at":1,"id":"m","author":"agent","text":"${'x'.repeat(MB)}"}\n`,
      `${'{'.repeat(MB)}\n`,
    ];
    for (const content of abuse) {
      const path = await file(content);
      const run = await timedAsync('CLI audit', () => runCli(['audit', path, '--json']));
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 1: \\S`),
      );
    }
  });

  it('audit --config: exit 1 naming every bad field, else the audit', async () => {
    const transcript = await file('{"type":"chat.started","chatId":"c","at":1}\n');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: configLike.map((c) => JSON.stringify(c)) },
          fc.string({ maxLength: 30 }),
        ),
        async (text) => {
          const path = await file(text, 'json');
          const run = await timedAsync('CLI audit --config', () =>
            runCli(['audit', transcript, '--config', path, '--json']),
          );
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            expect(run.code).toBe(1);
            expect(run.stderr).toContain(path);
            return;
          }
          const r = validateConfig(value);
          if (r.ok) {
            expect(run.code, run.stderr).toBe(0);
            return;
          }
          expect(run.code).toBe(1);
          for (const e of r.errors) expect(run.stderr).toContain(`${e.field}: ${e.message}`);
        },
      ),
      check(200),
    );
    const deep = await file(`{"overrides":${DEEP}}`, 'json');
    const run = await timedAsync('CLI audit --config', () =>
      runCli(['audit', transcript, '--config', deep]),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/overrides/);
  });

  it('audit --from <host>: exit 0 with bad records reported by number, or 1 with a message', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...HOSTS).chain((host) =>
          fc.tuple(
            fc.constant(host),
            fc.oneof(
              {
                weight: 3,
                arbitrary: hostPayload(host, EXPORTS[host]).map((p) => JSON.stringify(p)),
              },
              json.map((v) => JSON.stringify(v)),
              fc.string({ maxLength: 40 }),
              fc
                .array(json, { maxLength: 3 })
                .map((v) => v.map((x) => JSON.stringify(x)).join('\n')),
            ),
          ),
        ),
        async ([host, text]) => {
          const path = await file(text, 'json');
          const run = await timedAsync('CLI audit --from', () =>
            runCli(['audit', '--from', host, path, '--json']),
          );
          expect([0, 1], run.stderr).toContain(run.code);
          if (run.code === 0) {
            const report = JSON.parse(run.stdout) as { summary: { invalidLines: number } };
            const reported = run.stderr.split('\n').filter((l) => l.startsWith(`${path}: record `));
            expect(reported.length).toBe(report.summary.invalidLines);
          } else {
            expect(run.stderr.trim().length).toBeGreaterThan(10);
          }
        },
      ),
      check(250),
    );
    for (const host of HOSTS) {
      for (const content of [
        DEEP,
        `{"id":1,"messages":${DEEP}}`,
        JSON.stringify({ id: 1, x: 'y'.repeat(MB) }),
      ]) {
        const path = await file(content, 'json');
        const run = await timedAsync('CLI audit --from', () =>
          runCli(['audit', '--from', host, path, '--json']),
        );
        expect([0, 1]).toContain(run.code);
        if (run.code === 1) expect(run.stderr).toContain(path);
      }
    }
  });
});
