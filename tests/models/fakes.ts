// Fakes for the widget's adapters: a manual clock with visibility, a keyword search source,
// a notifier that records, and a small SOP library.
import type { Clock } from '../../src/adapters/clock.ts';
import type { Notifier } from '../../src/adapters/notifier.ts';
import type {
  SourceFactory,
  Suggestion,
  SuggestionQuery,
  SuggestionSource,
} from '../../src/adapters/search.ts';
import { isObject } from '../../src/core/guards.ts';
import { invalidLibraryMessage, validateLibrary } from '../../src/search/library.ts';
import { summarizeLibrary } from '../../src/search/summary.ts';
import type { SopLibrary } from '../../src/search/types.ts';

export const T0 = Date.parse('2026-11-23T10:00:00.000Z');

export interface FakeClock extends Clock {
  time: number;
  hidden: boolean;
  /** Pending timers (the scheduler must keep at most one). */
  readonly timers: Map<number, { at: number; fn: () => void }>;
  advance(ms: number): void;
  setHidden(hidden: boolean): void;
  /** Total timer callbacks run. */
  fired: number;
}

export function fakeClock(start = T0): FakeClock {
  const timers = new Map<number, { at: number; fn: () => void }>();
  const listeners = new Set<() => void>();
  let nextId = 1;
  const clock: FakeClock = {
    time: start,
    hidden: false,
    timers,
    fired: 0,
    now: () => clock.time,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: clock.time + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id as number);
    },
    isHidden: () => clock.hidden,
    onVisibilityChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    advance(ms) {
      const end = clock.time + ms;
      for (;;) {
        let first: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers) if (!first || entry[1].at < first[1].at) first = entry;
        if (!first || first[1].at > end) break;
        timers.delete(first[0]);
        clock.time = Math.max(clock.time, first[1].at);
        clock.fired++;
        first[1].fn();
      }
      clock.time = end;
    },
    setHidden(hidden) {
      clock.hidden = hidden;
      for (const listener of listeners) listener();
    },
  };
  return clock;
}

export function fakeNotifier(): Notifier & {
  shown: { title: string; body: string }[];
  sounds: string[];
  count: number;
} {
  const n = {
    shown: [] as { title: string; body: string }[],
    sounds: [] as string[],
    count: 0,
    permission: () => 'default' as const,
    request: () => Promise.resolve('granted' as const),
    show(title: string, body: string) {
      n.shown.push({ title, body });
    },
    sound(kind: string) {
      n.sounds.push(kind);
    },
    setCount(count: number) {
      n.count = count;
    },
    dispose() {
      n.count = 0;
    },
  };
  return n;
}

const WORD = /[\p{L}\p{N}]+/gu;
const STOP = new Set([
  'the',
  'and',
  'for',
  'you',
  'your',
  'with',
  'hasnt',
  'still',
  'this',
  'that',
  'have',
]);

function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).filter((w) => w.length >= 3 && !STOP.has(w));
}

/** A keyword matcher with the SuggestionSource shape; records queries and learning. */
export function fakeSource(library: SopLibrary): SuggestionSource & {
  queries: SuggestionQuery[];
  learned: { text: string; sopId: string }[];
} {
  const queries: SuggestionQuery[] = [];
  const learned: { text: string; sopId: string }[] = [];
  return {
    queries,
    learned,
    search(query, limit) {
      queries.push(query);
      const text = [query.text ?? '', ...(query.conversation ?? []).map((m) => m.text)].join(' ');
      const wanted = new Set(words(text));
      const hits: Suggestion[] = [];
      for (const sop of library.sops) {
        const own = new Set(
          words(
            [sop.title, ...sop.tags, ...sop.triggers, ...sop.steps.map((s) => s.text)].join(' '),
          ),
        );
        const terms = [...wanted].filter((w) => own.has(w));
        if (terms.length === 0) continue;
        const steps = sop.steps
          .map((step) => ({ step, score: words(step.text).filter((w) => wanted.has(w)).length }))
          .filter((s) => s.score > 0)
          .sort((a, b) => b.score - a.score);
        const replyIds = new Set(steps.flatMap((s) => s.step.replies));
        const replies = sop.replies
          .filter((r) => replyIds.has(r.id))
          .map((reply) => ({ reply, score: 1 }));
        hits.push({ sop, score: terms.length, terms, marks: terms, steps, replies });
      }
      return hits
        .sort((a, b) => b.score - a.score || a.sop.id.localeCompare(b.sop.id))
        .slice(0, limit);
    },
    learn(text, sopId) {
      learned.push({ text, sopId });
    },
  };
}

/**
 * A SourceFactory of fakeSources that validates as the engine's side does, with the same
 * messages (a built index by its library); each source it builds is pushed to `sources`.
 */
export function fakeSourceFactory(sources: ReturnType<typeof fakeSource>[] = []): SourceFactory {
  return (data) => {
    const built = isObject(data) && String(data.format).startsWith('sop-index/');
    const result = validateLibrary(built ? data.library : data);
    if (!result.ok) throw new Error(invalidLibraryMessage(result.issues));
    const source = fakeSource(result.library);
    sources.push(source);
    return { source, library: result.library, summary: summarizeLibrary(result.library) };
  };
}

export const LIBRARY: SopLibrary = {
  format: 'sop-library/1',
  sops: [
    {
      id: 'CS-SH-001',
      title: 'Shipping delays',
      lastReviewed: '2026-09-01',
      reviewEveryMonths: 12,
      channels: ['chat'],
      tags: ['shipping', 'late', 'parcel'],
      triggers: ['my order has not arrived'],
      steps: [
        { id: 's1', text: 'Ask for the **order** number', replies: ['r-ask-order'] },
        { id: 's2', text: 'Check the parcel tracking with the carrier', replies: ['r-tracking'] },
      ],
      replies: [
        {
          id: 'r-ask-order',
          title: 'Ask for order number',
          text: 'Thanks {customer.firstName}! Could you share your order number? I will have an answer within {timeframe}.',
          fields: { timeframe: { required: true } },
        },
        {
          id: 'r-tracking',
          title: 'Tracking update',
          text: 'Hi {customer.firstName}, your parcel is with the carrier. Case {case.ref}.',
        },
      ],
    },
    {
      id: 'CS-ES-001',
      title: 'Complaint escalation',
      lastReviewed: '2026-10-05',
      reviewEveryMonths: 6,
      channels: [],
      tags: ['complaint', 'escalation', 'manager'],
      triggers: ['I want to speak to a manager'],
      steps: [{ id: 's1', text: 'Hand the case to the Team Lead', replies: [] }],
      replies: [],
    },
    {
      id: 'CS-OR-001',
      title: 'Order changes',
      lastReviewed: '2025-05-19',
      reviewEveryMonths: 6,
      channels: [],
      tags: ['order', 'cancel'],
      triggers: ['cancel my order'],
      steps: [{ id: 's1', text: 'Check whether the order has shipped', replies: [] }],
      replies: [],
    },
    {
      id: 'CS-LC-001',
      title: 'Live chat standard',
      lastReviewed: '2026-09-14',
      reviewEveryMonths: 6,
      channels: ['chat'],
      tags: ['live chat'],
      triggers: ['hello is anyone there'],
      steps: [{ id: 's1', text: 'Set expectations before you investigate', replies: ['r-hold'] }],
      replies: [
        {
          id: 'r-hold',
          title: 'Set expectations',
          text: 'Thanks, {customer.firstName}. I will have an answer for you within {timeframe}.',
        },
      ],
    },
  ],
};
