// Properties over generated transcripts: several chats with customer, agent, hold, bot,
// system and internal messages, widget actions, closes (or not), events after close.
// protocol.md: "a transcript whose lines arrive out of order gives the same result as a
// sorted one"; duplicates and invalid lines are skipped and counted; the widget and
// `audit` compute the same numbers from the same events.
import fc from 'fast-check';
import { reduceInPlace } from '../../src/core/chat.ts';
import {
  type AuditChat,
  addEvent,
  auditChat,
  auditEvent,
  auditEvents,
  auditReport,
  type ChatEvent,
  type ChatState,
  type ChatTimeline,
  createAuditRun,
  createReorderWindow,
  createReplay,
  createTimeline,
  DEFAULT_CONFIG,
  reduce,
  rulesFor,
  type TeamConfig,
} from '../../src/core/index.ts';
import {
  agent,
  auditLines,
  auditStreaming,
  bot,
  check,
  closed,
  config,
  customer,
  internal,
  note,
  reply,
  started,
  system,
  timing,
} from '../support/events.ts';
import { type ModelConfig, modelAudit } from '../support/model.ts';

// PROPERTY_RUNS=5000 npx vitest run tests/core/properties.test.ts for a deeper search.
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const CHAT_IDS = ['a', 'b', 'c-1', 'C', 'é'];

const CONFIGS: TeamConfig[] = [
  DEFAULT_CONFIG,
  config({
    firstResponseS: 10,
    firstResponseWarnS: 5,
    maxGapS: 60,
    gapWarnS: 30,
    overrides: [
      { when: { tier: 'vip' }, firstResponseS: 4 },
      { when: { channel: 'mobile' }, maxGapS: 90 },
      { when: { tier: 'vip', channel: 'mobile' }, maxGapS: 20 },
    ],
  }),
  config({ holdPhrases: ['hang tight', 'one moment'], maxGapS: 100, gapWarnS: 50 }),
];

const TEXTS: Record<string, string[]> = {
  customer: [
    'Hi',
    'Hello? Anyone there?',
    'My package never arrived',
    'one moment, let me check my email',
    'I want to speak to a manager',
  ],
  agent: [
    'Hi Dana!',
    'Hello zoë, welcome',
    'Hola JOSÉ',
    'Hi Danal',
    'Sure',
    'Thanks for waiting',
    "I'll have an answer within 10 minutes",
    'Is there anything else I can help with?',
    'Thanks, your case reference is a',
  ],
  hold: [
    'Let me  check',
    'ONE MOMENT please',
    'Bear with me',
    'Please hang\ttight',
    "I'll be right back",
  ],
  bot: ['Hi Dana, an agent will be with you shortly', 'one moment'],
  internal: ['Dana is VIP', 'let me check', 'one moment'],
};

type Kind =
  | 'customer'
  | 'agent'
  | 'hold-flag'
  | 'hold-text'
  | 'bot'
  | 'system'
  | 'internal'
  | 'started'
  | 'playbook';

interface Step {
  kind: Kind;
  pick: number;
  gapMs: number;
}

interface ChatPlan {
  name: string | undefined;
  tier: string | undefined;
  channel: string | undefined;
  hasStarted: boolean;
  startedPos: number;
  startedGapMs: number;
  steps: Step[];
  close: { pos: number; gapMs: number } | null;
  startMs: number;
}

function gapArb(ties: boolean) {
  const arbs = [
    fc.integer({ min: 1, max: 3_000 }),
    fc.integer({ min: 3_000, max: 200_000 }),
    fc.constantFrom(5_000, 20_000, 30_000, 30_001, 60_000, 90_000, 90_001, 120_000, 120_001),
  ];
  return ties ? fc.oneof(fc.constant(0), ...arbs) : fc.oneof(...arbs);
}

const kindArb = fc.constantFrom<Kind>(
  'customer',
  'customer',
  'customer',
  'agent',
  'agent',
  'agent',
  'hold-flag',
  'hold-text',
  'bot',
  'system',
  'internal',
  'started',
  'playbook',
);

function chatArb(ties: boolean): fc.Arbitrary<ChatPlan> {
  return fc.record({
    name: fc.constantFrom('Dana Lee', 'Zoë Kim', 'José', undefined),
    tier: fc.constantFrom(undefined, 'vip', 'standard'),
    channel: fc.constantFrom(undefined, 'web', 'mobile'),
    hasStarted: fc.boolean(),
    startedPos: fc.nat(3),
    startedGapMs: gapArb(ties),
    steps: fc.array(fc.record({ kind: kindArb, pick: fc.nat(20), gapMs: gapArb(ties) }), {
      maxLength: 12,
    }),
    close: fc.option(fc.record({ pos: fc.nat(14), gapMs: gapArb(ties) }), { nil: null }),
    startMs: fc.integer({ min: 0, max: 60_000 }),
  });
}

function pick(list: string[], n: number): string {
  return list[n % list.length]!;
}

/**
 * Turns a plan into the chat's events, in time order (ties in plan order). With `ties`
 * off every gap is ≥ 1 ms, so the chat's events have distinct times.
 */
function buildChat(chatId: string, plan: ChatPlan): ChatEvent[] {
  type Item = { kind: Kind | 'first-started' | 'close'; pick: number; gapMs: number };
  const items: Item[] = [...plan.steps];
  if (plan.hasStarted) {
    items.splice(Math.min(plan.startedPos, items.length), 0, {
      kind: 'first-started',
      pick: 0,
      gapMs: plan.startedGapMs,
    });
  }
  if (plan.close) {
    items.splice(Math.min(plan.close.pos, items.length), 0, {
      kind: 'close',
      pick: 0,
      gapMs: plan.close.gapMs,
    });
  }
  const events: ChatEvent[] = [];
  let t = plan.startMs;
  items.forEach((item, i) => {
    t += i === 0 ? 0 : item.gapMs;
    const s = t / 1000; // builders take seconds after 10:00:00 (ms precision)
    const id = `m${i}`;
    switch (item.kind) {
      case 'first-started':
        events.push(
          started(chatId, s, { name: plan.name, tier: plan.tier, channel: plan.channel }),
        );
        break;
      case 'started': // a second (or stray) chat.started with other details
        events.push(started(chatId, s, { name: 'Other Person', tier: 'vip', channel: 'mobile' }));
        break;
      case 'close':
        events.push(closed(chatId, s));
        break;
      case 'customer':
        events.push(customer(chatId, id, s, pick(TEXTS.customer!, item.pick)));
        break;
      case 'agent':
        events.push(agent(chatId, id, s, pick(TEXTS.agent!, item.pick)));
        break;
      case 'hold-flag':
        events.push(agent(chatId, id, s, 'Working on it', { hold: true }));
        break;
      case 'hold-text':
        events.push(agent(chatId, id, s, pick(TEXTS.hold!, item.pick)));
        break;
      case 'bot':
        events.push(bot(chatId, id, s, pick(TEXTS.bot!, item.pick)));
        break;
      case 'system':
        events.push(system(chatId, id, s, 'Chat assigned to Dana'));
        break;
      case 'internal':
        events.push(internal(chatId, id, s, pick(TEXTS.internal!, item.pick)));
        break;
      case 'playbook': {
        const n = item.pick % 5;
        if (n === 0) events.push(check(chatId, s, 'history', true, { by: 'a-1' }));
        else if (n === 1) events.push(check(chatId, s, 'history', false));
        else if (n === 2) events.push(check(chatId, s, 'qa', true, { reason: 'edge case' }));
        else if (n === 3) events.push(note(chatId, s, 'called the courier', 'a-1'));
        else events.push(reply(chatId, s, 'sop-1', 'r-1', item.pick % 2 === 0));
        break;
      }
    }
  });
  return events;
}

interface Transcript {
  /** Events in processing order (by `at`; ties in generation order). */
  events: ChatEvent[];
  cfg: TeamConfig;
}

function transcriptArb(ties: boolean): fc.Arbitrary<Transcript> {
  return fc
    .record({
      chats: fc.array(chatArb(ties), { minLength: 1, maxLength: CHAT_IDS.length }),
      cfg: fc.constantFrom(...CONFIGS),
    })
    .map(({ chats, cfg }) => {
      const all = chats.flatMap((plan, i) => buildChat(CHAT_IDS[i]!, plan));
      return { events: stableSortByAt(all), cfg };
    });
}

function stableSortByAt(events: readonly ChatEvent[]): ChatEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.at - y.e.at || x.i - y.i)
    .map((x) => x.e);
}

/** Reorders `permuted` so events with equal `at` keep their relative order in `original`. */
function keepTieOrder(original: readonly ChatEvent[], permuted: readonly ChatEvent[]): ChatEvent[] {
  const groups = new Map<number, ChatEvent[]>();
  for (const e of original) {
    const g = groups.get(e.at);
    if (g) g.push(e);
    else groups.set(e.at, [e]);
  }
  const used = new Map<number, number>();
  return permuted.map((e) => {
    const k = used.get(e.at) ?? 0;
    used.set(e.at, k + 1);
    return groups.get(e.at)![k]!;
  });
}

function withPermutation(ties: boolean) {
  return transcriptArb(ties).chain((t) =>
    fc
      .shuffledSubarray(t.events, { minLength: t.events.length, maxLength: t.events.length })
      .map((shuffled) => ({ ...t, shuffled })),
  );
}

function asModelConfig(cfg: TeamConfig): ModelConfig {
  return {
    firstResponseS: cfg.firstResponseS,
    firstResponseWarnS: cfg.firstResponseWarnS,
    maxGapS: cfg.maxGapS,
    gapWarnS: cfg.gapWarnS,
    holdPhrases: [...cfg.holdPhrases],
    overrides: cfg.overrides.map((o) => ({ ...o, when: { ...o.when } })),
  };
}

function toLine(e: ChatEvent): string {
  return JSON.stringify(e);
}

// ---------------------------------------------------------------------------

describe('properties', () => {
  it('the engine agrees with an independent reading of the spec (timing fields)', () => {
    fc.assert(
      fc.property(transcriptArb(true), ({ events, cfg }) => {
        const report = auditEvents(events, cfg);
        const model = modelAudit(events, asModelConfig(cfg));
        expect(report.chats.map(timing)).toEqual(model.chats);
        const { invalidLines, ...summary } = report.summary;
        expect(invalidLines).toBe(0);
        expect(summary).toEqual(model.summary);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(a) any arrival order gives the sorted order’s report (equal `at` kept in order)', () => {
    fc.assert(
      fc.property(withPermutation(true), ({ events, cfg, shuffled }) => {
        const arrival = keepTieOrder(events, shuffled);
        expect(auditEvents(arrival, cfg)).toEqual(auditEvents(events, cfg));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(a′) with distinct times per chat, a fully random order gives the same report', () => {
    fc.assert(
      fc.property(withPermutation(false), ({ events, cfg, shuffled }) => {
        expect(auditEvents(shuffled, cfg)).toEqual(auditEvents(events, cfg));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(b) exact copies inserted later change no chat, only summary.duplicates', () => {
    const arb = transcriptArb(true).chain((t) =>
      fc
        .array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 })
        .map((picks) => ({ ...t, picks })),
    );
    fc.assert(
      fc.property(arb, ({ events, cfg, picks }) => {
        const messages = events.map((e, i) => ({ e, i })).filter((x) => x.e.type === 'message');
        fc.pre(messages.length > 0);
        const list = [...events];
        for (const [which, where] of picks) {
          const { e } = messages[which % messages.length]!;
          const from = list.indexOf(e) + 1; // strictly after the original
          const pos = from + (where % (list.length - from + 1));
          list.splice(pos, 0, { ...e });
        }
        const base = auditEvents(events, cfg);
        const dup = auditEvents(list, cfg);
        expect(dup.chats).toEqual(base.chats);
        expect({ ...dup.summary, duplicates: 0 }).toEqual({ ...base.summary, duplicates: 0 });
        const expected = modelAudit(list, asModelConfig(cfg)).summary.duplicates;
        expect(dup.summary.duplicates).toBe(expected);
        expect(dup.summary.duplicates).toBeGreaterThanOrEqual(base.summary.duplicates);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(c) invalid and blank lines change no chat; invalid ones are counted', () => {
    const junk = (chatId: string) => [
      'not json {',
      '[1,2]',
      '42',
      'null',
      JSON.stringify({ type: 'message', chatId, id: 'x1', at: 1e13, author: 'robot', text: 'hi' }),
      JSON.stringify({
        type: 'message',
        chatId,
        id: 'x2',
        at: 'later',
        author: 'agent',
        text: 'hi',
      }),
      JSON.stringify({ type: 'message', chatId, at: 1e13, author: 'agent', text: 'no id' }),
      JSON.stringify({ type: 'chat.started', chatId: '', at: 0 }),
      JSON.stringify({ type: 'chat.closed', chatId, at: '2026-11-23T10:00:00' }),
      JSON.stringify({
        type: 'message',
        chatId,
        id: 'x3',
        at: 1,
        author: 'agent',
        text: 'y'.repeat(20_001),
      }),
    ];
    const arb = transcriptArb(true).chain((t) =>
      fc
        .array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 8 })
        .map((inserts) => ({ ...t, inserts })),
    );
    fc.assert(
      fc.property(arb, ({ events, cfg, inserts }) => {
        const lines = events.map(toLine);
        const clean = auditLines(lines.join('\n'), cfg);
        let invalid = 0;
        for (const [which, where, blank] of inserts) {
          const chatId = events[where % Math.max(1, events.length)]?.chatId ?? 'a';
          const pool = junk(chatId);
          const text = blank ? ['', '   ', '\r'][which % 3]! : pool[which % pool.length]!;
          if (!blank) invalid += 1;
          lines.splice(where % (lines.length + 1), 0, text);
        }
        const dirty = auditLines(lines.join('\n'), cfg);
        expect(clean).toEqual(auditEvents(events, cfg));
        expect(dirty.chats).toEqual(clean.chats);
        expect(dirty.summary).toEqual({ ...clean.summary, invalidLines: invalid });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(d) live, one event at a time in arrival order, equals the batch audit', () => {
    fc.assert(
      fc.property(withPermutation(true), ({ cfg, shuffled }) => {
        const timelines = new Map<string, ChatTimeline>();
        shuffled.forEach((e, seq) => {
          let t = timelines.get(e.chatId);
          if (!t) {
            t = createTimeline(e.chatId);
            timelines.set(e.chatId, t);
          }
          addEvent(t, e, seq, cfg.holdPhrases);
        });
        const live: AuditChat[] = [];
        let duplicates = 0;
        for (const t of timelines.values()) {
          duplicates += t.duplicates;
          const s = t.state;
          if (!s) continue;
          live.push(auditChat(s, rulesFor(cfg, { tier: s.customer.tier, channel: s.channel })));
        }
        live.sort((x, y) => (x.chatId < y.chatId ? -1 : x.chatId > y.chatId ? 1 : 0));
        const batch = auditEvents(shuffled, cfg);
        expect(live).toEqual(batch.chats);
        expect(duplicates).toBe(batch.summary.duplicates);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(e) the streaming run (with its replay) on a fully reversed order equals auditEvents', () => {
    fc.assert(
      fc.property(transcriptArb(false), ({ events, cfg }) => {
        const reversed = [...events].reverse();
        const sorted = auditEvents(events, cfg);
        expect(auditStreaming(reversed, cfg)).toEqual(sorted);
        expect(auditEvents(reversed, cfg)).toEqual(sorted);
        expect(auditLines(reversed.map(toLine).join('\n'), cfg)).toEqual(sorted);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(f) a reorder window of any size in front of the streaming run changes no report', () => {
    fc.assert(
      fc.property(withPermutation(true), fc.nat(12), ({ cfg, shuffled }, size) => {
        const run = createAuditRun(cfg);
        const window = createReorderWindow(size, (event) => auditEvent(run, event));
        for (const event of shuffled) window.add(event);
        window.drain();
        const replay = createReplay(run);
        for (const event of shuffled) replay.add(event);
        expect(auditReport(run, replay.timelines)).toEqual(auditEvents(shuffled, cfg));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(g) reduceInPlace reaches reduce’s states but the live-only restate hint, and the same audit lines; reduce never changes a state it was given', () => {
    /** A state without the restate hint, which only the live widget reads. */
    const withoutHint = (state: ChatState | undefined) => {
      if (!state) return state;
      const { restate: _, ...detected } = state.detected;
      return { ...state, detected, recentCustomerWords: '' };
    };
    fc.assert(
      fc.property(transcriptArb(true), ({ events, cfg }) => {
        const pure = new Map<string, ChatState | undefined>();
        const owned = new Map<string, ChatState | undefined>();
        const given: Array<{ state: ChatState; copy: ChatState }> = [];
        for (const event of events) {
          const before = pure.get(event.chatId);
          if (before) given.push({ state: before, copy: structuredClone(before) });
          pure.set(event.chatId, reduce(before, event, cfg.holdPhrases));
          owned.set(event.chatId, reduceInPlace(owned.get(event.chatId), event, cfg.holdPhrases));
        }
        for (const { state, copy } of given) expect(state).toEqual(copy);
        for (const [chatId, state] of pure) {
          const inPlace = owned.get(chatId);
          expect(withoutHint(inPlace)).toEqual(withoutHint(state));
          expect(inPlace?.detected.restate).toBeUndefined();
          if (state && inPlace) {
            const rules = rulesFor(cfg, { tier: state.customer.tier, channel: state.channel });
            expect(auditChat(inPlace, rules)).toEqual(auditChat(state, rules));
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
