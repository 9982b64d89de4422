// Generators for the boundary fuzzing of issue #13: values shaped like each input (events,
// configurations, libraries, Markdown SOPs, JSONL transcripts, webhook requests) whose every
// field may also be any JSON at all, so runs reach deep into each validator as well as its
// first check. Plus the hostile JavaScript values a host page can pass that JSON cannot
// express (throwing getters and proxies, cycles, symbols, BigInt, null prototypes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { BUILTIN_CHECKLIST } from '../../../src/core/config.ts';
import type { HostName } from '../../../src/server/connectors/types.ts';

export const json = fc.jsonValue({ maxDepth: 3 });
export const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u202E',
    'Dana Lee',
    '<img src=x onerror=alert(1)>',
    '__proto__',
    // Longer once lower-cased ('İ' → 'i̇'): a length checked before normalising lies.
    'İ'.repeat(60),
    'BİR DAKİKA LÜTFEN',
  ),
);
const orJson = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, json);
const optional = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) =>
  fc.record(shape, { requiredKeys: [] });

/** An `at`: ISO strings with and without offsets, epoch ms, near-misses. */
export const at = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
  fc.double({ noNaN: false }),
  fc
    .date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-11-23T10:00:00Z',
    '2026-11-23T10:00:00.123456+05:30',
    '2026-11-23 10:00:00',
    '2026-02-30T10:00:00Z',
    '2026-11-23T10:00:00',
    '',
  ),
  json,
);

const TYPES = [
  'chat.started',
  'message',
  'chat.closed',
  'chat.assigned',
  'agent.typing',
  'playbook.check',
  'playbook.note',
  'playbook.reply',
];

/** Something like a protocol event, every field possibly wrong. */
export const eventLike = optional({
  type: orJson(fc.oneof(fc.constantFrom(...TYPES), text)),
  chatId: orJson(fc.oneof(fc.constantFrom('c-1', 'c-2'), text)),
  at: at,
  id: orJson(fc.oneof(fc.constantFrom('m1', 'm2'), text)),
  author: orJson(fc.oneof(fc.constantFrom('customer', 'agent', 'bot', 'system'), text)),
  text: orJson(text),
  internal: orJson(fc.boolean()),
  hold: orJson(fc.boolean()),
  agentId: orJson(text),
  assignee: orJson(text),
  customer: orJson(optional({ id: orJson(text), name: orJson(text), tier: orJson(text) })),
  channel: orJson(text),
  caseRef: orJson(text),
  item: orJson(fc.oneof(fc.constantFrom(...BUILTIN_CHECKLIST.map((i) => i.id)), text)),
  checked: orJson(fc.boolean()),
  reason: orJson(text),
  sopId: orJson(text),
  replyId: orJson(text),
  filled: orJson(fc.boolean()),
  by: orJson(text),
});

/** Events the server takes: a chat's start, messages both ways, its close. */
export const validEvent = fc.oneof(
  fc.record({
    type: fc.constant('chat.started'),
    chatId: fc.constantFrom('c-1', 'c-2', 'c-3'),
    at: fc.integer({ min: 1_790_000_000_000, max: 1_800_000_000_000 }),
    customer: fc.record({
      name: fc.constantFrom('Dana Lee', 'İlkay'),
      tier: fc.constantFrom('vip', 'std'),
    }),
    channel: fc.constantFrom('web', 'mobile'),
  }),
  fc.record({
    type: fc.constant('message'),
    chatId: fc.constantFrom('c-1', 'c-2', 'c-3'),
    id: fc.string({ minLength: 1, maxLength: 8 }),
    at: fc.integer({ min: 1_790_000_000_000, max: 1_800_000_000_000 }),
    author: fc.constantFrom('customer', 'agent', 'bot', 'system'),
    text: fc.string({ unit: 'grapheme', maxLength: 60 }),
  }),
  fc.record({
    type: fc.constant('chat.closed'),
    chatId: fc.constantFrom('c-1', 'c-2', 'c-3'),
    at: fc.integer({ min: 1_790_000_000_000, max: 1_800_000_000_000 }),
  }),
);

/** A widget's action as the server takes it (for chat `c-1` of the fuzzing team). */
export const validAction = fc.record({
  id: fc.string({ minLength: 1, maxLength: 20 }),
  event: fc.oneof(
    fc.record({
      type: fc.constant('playbook.note'),
      chatId: fc.constant('c-1'),
      at: fc.integer({ min: 1_790_000_000_000, max: 1_800_000_000_000 }),
      text: fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
        .filter((t) => t.trim() !== ''),
    }),
    fc.record({
      type: fc.constant('playbook.check'),
      chatId: fc.constant('c-1'),
      at: fc.integer({ min: 1_790_000_000_000, max: 1_800_000_000_000 }),
      item: fc.constantFrom(...BUILTIN_CHECKLIST.map((i) => i.id).filter((id) => id !== 'qa')),
      checked: fc.boolean(),
    }),
    fc.record({
      type: fc.constant('playbook.reply'),
      chatId: fc.constant('c-1'),
      at: fc.integer({ min: 1_790_000_000_000, max: 1_800_000_000_000 }),
      sopId: fc.constantFrom('CS-1', 'CS-2'),
      replyId: fc.constantFrom('r1', 'r2'),
      filled: fc.boolean(),
    }),
  ),
});

const FIXTURES = join(import.meta.dirname, '../../server/connectors/fixtures');

function fixture(host: HostName, name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, host, name), 'utf8'));
}

/** Every path into a JSON value (the root included). */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

/** A copy of `base` with the value at `path` replaced. */
function replaced(base: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(base) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

/**
 * A real payload of the host (the connector tests' fixtures, written from each host's
 * documentation) as it is, or with one value anywhere in it replaced by any JSON.
 */
export function hostPayload(host: HostName, file: string): fc.Arbitrary<unknown> {
  const data = fixture(host, file);
  const payloads = Array.isArray(data) ? data : [data];
  return fc.integer({ min: 0, max: payloads.length - 1 }).chain((i) => {
    const base = payloads[i];
    return fc.oneof(
      fc.constant(base),
      fc.tuple(fc.constantFrom(...paths(base)), json).map(([path, v]) => replaced(base, path, v)),
    );
  });
}

/** One JSONL line: an event, any JSON, broken JSON, blank, with `\r` or not. */
export const eventLine = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: eventLike.map((e) => JSON.stringify(e)) },
      json.map((v) => JSON.stringify(v)),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc
        .tuple(
          eventLike.map((e) => JSON.stringify(e)),
          fc.nat(),
        )
        .map(([s, cut]) => s.slice(0, cut % (s.length + 1))),
      fc.constantFrom('', '   ', '\t', '{}', '[]', 'null', '"x"'),
    ),
    fc.boolean(),
  )
  .map(([line, cr]) => (cr ? `${line}\r` : line));

const seconds = orJson(
  fc.oneof(
    fc.double({ min: -10, max: 100_000, noNaN: false }),
    fc.integer({ min: -5, max: 90_000 }),
    fc.constantFrom(0, 1, 15, 20, 30, 86_400, 86_401, Number.MAX_VALUE, -0),
  ),
);

/** Something like a team configuration (protocol.md "Threshold configuration"). */
export const configLike = optional({
  firstResponseS: seconds,
  firstResponseWarnS: seconds,
  maxGapS: seconds,
  gapWarnS: seconds,
  holdPhrases: orJson(fc.array(orJson(text), { maxLength: 5 })),
  overrides: orJson(
    fc.array(
      orJson(
        optional({
          when: orJson(optional({ tier: orJson(text), channel: orJson(text), other: text })),
          firstResponseS: seconds,
          firstResponseWarnS: seconds,
          maxGapS: seconds,
          gapWarnS: seconds,
        }),
      ),
      { maxLength: 4 },
    ),
  ),
  checklist: orJson(
    fc.array(
      fc.oneof(
        fc.constantFrom(...BUILTIN_CHECKLIST.map((i) => i.id)),
        optional({ id: orJson(text), label: orJson(text) }),
        json,
      ),
      { maxLength: 5 },
    ),
  ),
  escalation: orJson(
    optional({ tiers: orJson(fc.array(orJson(text), { maxLength: 3 })), maxOpenS: seconds }),
  ),
  unknownSetting: json,
});

const template = orJson(
  fc.oneof(
    text,
    fc.constantFrom(
      'Hi {customer.firstName}, order {orderNumber}.',
      '{{x}}',
      '{a b}',
      'x}',
      '{',
      '{}',
      '{__proto__} {constructor}',
    ),
  ),
);
const date = orJson(fc.constantFrom('2026-03-01', '2026-02-30', '2026-3-1', '', '1999-12-31'));
const list = orJson(fc.array(orJson(text), { maxLength: 3 }));

/** Something like one SOP of sop-library/1. */
export const sopLike = optional({
  id: orJson(fc.oneof(fc.constantFrom('CS-1', 'CS-2', 'CS-3'), text)),
  title: orJson(text),
  version: orJson(text),
  owner: orJson(text),
  effective: date,
  lastReviewed: date,
  reviewEveryMonths: orJson(fc.oneof(fc.integer({ min: -2, max: 10_000_000 }), fc.double())),
  channels: list,
  purpose: orJson(text),
  scope: orJson(text),
  tags: list,
  triggers: list,
  steps: orJson(
    fc.array(
      optional({
        id: orJson(fc.constantFrom('s1', 's2')),
        text: orJson(text),
        role: orJson(text),
        within: orJson(text),
        replies: orJson(fc.array(fc.constantFrom('r1', 'r2', 'r9'), { maxLength: 2 })),
      }),
      { maxLength: 3 },
    ),
  ),
  escalation: orJson(optional({ triggers: list, to: orJson(text) })),
  replies: orJson(
    fc.array(
      optional({
        id: orJson(fc.constantFrom('r1', 'r2')),
        title: orJson(text),
        shortcut: orJson(text),
        text: template,
      }),
      { maxLength: 3 },
    ),
  ),
  notes: orJson(text),
  extra: json,
});

export const libraryLike = fc.oneof(
  {
    weight: 5,
    arbitrary: optional({
      format: orJson(fc.constant('sop-library/1')),
      sops: orJson(fc.array(sopLike, { maxLength: 4 })),
      extra: json,
    }),
  },
  json,
);

/** Markdown SOP files: front matter, sections, list items and noise, line by line. */
export const markdownLike = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.constantFrom(
          '---',
          '...',
          '## Purpose',
          '## Steps',
          '## Replies',
          '## Escalation',
          '## Notes',
          '## Scope',
          '## Other',
          '# Title',
          '```',
          '',
          'tags: [a, b',
          'tags:',
          'triggers: [x, "y, z"]',
          '- ',
          '   - replies: r-a, r-b',
          '- id: r-a',
        ),
        fc
          .tuple(
            fc.constantFrom(
              'id',
              'title',
              'version',
              'reviewEveryMonths',
              'effective',
              'lastReviewed',
              'tags',
              'channels',
              '  nested',
            ),
            text,
          )
          .map(([k, v]) => `${k}: ${v}`),
        text.map((t) => `1. ${t}`),
        text.map((t) => `   - role: ${t}`),
        text.map((t) => `   - within: ${t}`),
        text.map((t) => `### ${t}`),
        text.map((t) => `- trigger: ${t}`),
        text,
      ),
      { maxLength: 30 },
    ),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.boolean(),
  )
  .map(([lines, eol, bom]) => `${bom ? '\uFEFF' : ''}${lines.join(eol)}`);

/**
 * A hostile value, made only when the test passes it on: fast-check itself inspects the values
 * it generates (to print and clone them), and a throwing proxy would break fast-check first.
 */
export class Hostile {
  constructor(
    readonly name: string,
    readonly make: () => unknown,
  ) {}
  toString(): string {
    return `Hostile(${this.name})`;
  }
}

/** The value a generated argument stands for. */
export const unwrap = (value: unknown): unknown =>
  value instanceof Hostile ? value.make() : value;

/** JavaScript values JSON cannot carry, each a way a careless reader crashes. */
export const HOSTILE: Hostile[] = [
  new Hostile('cycle', () => {
    const cyclic: Record<string, unknown> = { type: 'message', chatId: 'c-1' };
    cyclic.self = cyclic;
    return cyclic;
  }),
  new Hostile('throwing getter', () =>
    Object.defineProperty({}, 'type', {
      enumerable: true,
      get() {
        throw new Error('getter says no');
      },
    }),
  ),
  new Hostile('throwing proxy', () => {
    const trap = () => {
      throw new Error('proxy says no');
    };
    return new Proxy(
      {},
      { get: trap, ownKeys: trap, has: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap },
    );
  }),
  new Hostile('null prototype', () => Object.create(null)),
  new Hostile('throwing toString', () => ({
    toString() {
      throw new Error('no string');
    },
    valueOf() {
      throw new Error('no value');
    },
  })),
  new Hostile('symbol', () => Symbol('s')),
  new Hostile('bigint', () => 10n ** 30n),
  new Hostile('invalid date', () => new Date(Number.NaN)),
  new Hostile('map', () => new Map([['type', 'message']])),
  new Hostile('typed array', () => new Uint8Array(8)),
  new Hostile('sparse array', () => {
    const sparse: unknown[] = [1];
    sparse[3] = 3;
    return sparse;
  }),
  new Hostile('frozen event', () => Object.freeze({ type: 'chat.started' })),
  new Hostile('function', () => () => 'not data'),
  new Hostile('100k string', () => 'x'.repeat(100_000)),
  new Hostile('NaN', () => Number.NaN),
  new Hostile('Infinity', () => Number.POSITIVE_INFINITY),
];

/** Any argument a host page can pass, JSON or not (unwrap it before passing it on). */
export const hostValue = fc.oneof(
  { weight: 6, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true }) },
  { weight: 2, arbitrary: eventLike },
  fc.constantFrom(...HOSTILE),
);

export { signWebhook as signedFor } from '../../support/webhooks.ts';

/** Header names fetch accepts and the server does not need for framing. */
export const headerName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,14}$/)
  .filter(
    (name) =>
      ![
        'host',
        'connection',
        'content-length',
        'transfer-encoding',
        'keep-alive',
        'upgrade',
        'expect',
        'te',
        'trailer',
      ].includes(name),
  );
export const headerValue = fc
  .string({ maxLength: 40 })
  .map((v) => v.replace(/[^\x20-\x7e]/g, '').trim());
