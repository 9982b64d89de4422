// The live demo's helpdesk simulator: opens chats from the scripted scenarios
// (demo/scenarios/*.jsonl) at realistic intervals, re-timed to now and with the customers'
// names varied, and writes their messages at the scripts' human pace through the server's
// ingest, so clocks warn and breach while you watch.
//
// Two kinds of chat:
// - "yours" (unassigned): only the customer writes — the opening messages, up to where the
//   script's agent first answered — and the chat waits for you to answer from the demo page;
// - "colleague": the whole script plays, agent lines included (by colleagues, never by you),
//   so the team's other chats breach, recover and close on their own.
//
// `planSimulation` is pure (a seeded random source, times in, events out); `startSimulator`
// is the thin runner: one timer to the next due instant, each due batch handed to `ingest`.
// It stops by itself after `maxChats` chats or `durationMs`, and at once on `close()`.

import { escapeRegExp } from '../core/guards.ts';
export interface SimScenario {
  /** Where it came from (diagnostics). */
  name: string;
  /** Events with `after`: ms from the scenario's first event. */
  events: Array<{ after: number; event: Record<string, unknown> & { type: string } }>;
}

export type ChatKind = 'yours' | 'colleague';

export interface PlannedEvent {
  /** Epoch ms at which the event is due (it is also its `at`). */
  at: number;
  event: Record<string, unknown> & { type: string; chatId: string; at: string };
}

export interface PlannedChat {
  chatId: string;
  kind: ChatKind;
  scenario: string;
  customer: string;
  startAt: number;
}

export interface SimulationPlan {
  chats: PlannedChat[];
  /** Every event, ordered by `at` (ties keep the script's order). */
  events: PlannedEvent[];
  /** Nothing is sent at or after this instant. */
  endsAt: number;
}

export interface PlanOptions {
  /** The simulation's start, epoch ms. */
  startAt: number;
  /** Chats to open in all (default 12). */
  maxChats?: number;
  /** How long the simulation runs, ms (default 15 minutes). */
  durationMs?: number;
  /** Mean gap between new chats, ms (default 45 s); gaps are exponential, clamped. */
  meanGapMs?: number;
  minGapMs?: number;
  maxGapMs?: number;
  /** Share of chats left for you to answer (default 0.5; the first chat is always yours). */
  yoursShare?: number;
  /** Number of the first chat id: `c-<n>` (default random 3000–8999, in hundreds). */
  firstChatNumber?: number;
  /** Seeded random source in [0, 1) (default: `seededRandom(startAt)`). */
  random?: () => number;
  /** The demo agent (you): colleagues' scripted lines never use this id. */
  agentId?: string;
}

/** Customers' names the simulator gives its chats (the scripts' own are used too). */
export const CUSTOMER_NAMES = [
  'Priya Nair',
  'Jonas Weber',
  'Chloé Martin',
  'Mateo García',
  'Hannah Schmidt',
  'Kwame Mensah',
  'Yuki Tanaka',
  'Olivia Brown',
  'Emre Yılmaz',
  'Sara Conti',
  'Liam Murphy',
  'Ana Souza',
  'Noah Fischer',
  'Leila Haddad',
  'Oskar Nilsson',
  'Grace Chen',
];

/** Colleagues who handle the "colleague" chats: id → name. */
export const COLLEAGUES: Record<string, string> = {
  'a-5': 'Alex',
  'a-7': 'Jordan',
  'a-12': 'Chris',
};

/** Mulberry32: a small deterministic random source. */
export function seededRandom(seed: number): () => number {
  let a = Math.floor(seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses one JSONL scenario (protocol events with `at`); unusable lines are skipped. */
export function parseScenario(name: string, text: string): SimScenario | null {
  const rows: Array<{ at: number; event: Record<string, unknown> & { type: string } }> = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    try {
      const event = JSON.parse(trimmed) as Record<string, unknown>;
      const at = typeof event.at === 'number' ? event.at : Date.parse(String(event.at));
      if (typeof event.type !== 'string' || typeof event.chatId !== 'string') continue;
      if (!Number.isFinite(at)) continue;
      rows.push({ at, event: event as Record<string, unknown> & { type: string } });
    } catch {
      // not JSON: skipped
    }
  }
  if (rows.length === 0) return null;
  const order = rows.map((row, i) => ({ ...row, i })).sort((a, b) => a.at - b.at || a.i - b.i);
  const start = order[0]!.at;
  return { name, events: order.map(({ at, event }) => ({ after: at - start, event })) };
}

function firstName(name: string): string {
  return name.split(/\s+/)[0] ?? name;
}

function gap(random: () => number, mean: number, min: number, max: number): number {
  const exponential = -Math.log(1 - random()) * mean;
  return Math.round(Math.min(max, Math.max(min, exponential)));
}

/**
 * When each chat opens, relative to the start: two right away so the page is never empty —
 * one of yours whose customer has just started writing and a colleague's already under way —
 * then exponential gaps (clamped) until `maxChats` or the end.
 */
function arrivals(
  o: Required<Pick<PlanOptions, 'maxChats' | 'durationMs' | 'meanGapMs' | 'minGapMs' | 'maxGapMs'>>,
  random: () => number,
): number[] {
  const offsets = [-4_000, -40_000];
  let t = 0;
  while (offsets.length < o.maxChats) {
    t += gap(random, o.meanGapMs, o.minGapMs, o.maxGapMs);
    if (t >= o.durationMs) break;
    offsets.push(t);
  }
  return offsets.slice(0, Math.max(0, o.maxChats));
}

/** The whole simulation as data: which chats open when, and every event they send. */
export function planSimulation(
  scenarios: readonly SimScenario[],
  options: PlanOptions,
): SimulationPlan {
  const random = options.random ?? seededRandom(options.startAt);
  const o = {
    maxChats: options.maxChats ?? 12,
    durationMs: options.durationMs ?? 15 * 60_000,
    meanGapMs: options.meanGapMs ?? 45_000,
    minGapMs: options.minGapMs ?? 15_000,
    maxGapMs: options.maxGapMs ?? 100_000,
  };
  const yoursShare = options.yoursShare ?? 0.5;
  const you = options.agentId ?? 'a-3';
  const endsAt = options.startAt + o.durationMs;
  const firstNumber = options.firstChatNumber ?? 3000 + Math.floor(random() * 60) * 100;
  const chats: PlannedChat[] = [];
  const events: Array<PlannedEvent & { seq: number }> = [];
  if (scenarios.length === 0) return { chats, events: [], endsAt };

  // Scenarios in a shuffled cycle, so consecutive chats differ; names likewise.
  const deck: number[] = [];
  const nextScenario = (want?: (s: SimScenario) => boolean): SimScenario => {
    if (deck.length === 0) {
      const fresh = scenarios.map((_, i) => i);
      for (let i = fresh.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!];
      }
      deck.push(...fresh);
    }
    const pick = want ? deck.findIndex((i) => want(scenarios[i]!)) : 0;
    const [index] = deck.splice(Math.max(0, pick), 1);
    return scenarios[index!]!;
  };
  const names = [...CUSTOMER_NAMES];
  const colleagueIds = Object.keys(COLLEAGUES);
  const hasAgent = (s: SimScenario) =>
    s.events.some((e) => e.event.type === 'message' && e.event.author === 'agent');

  let seq = 0;
  arrivals(o, random).forEach((offset, n) => {
    // The first chat is yours, the second a colleague's chat under way (when a script has
    // agent lines); after that, chance decides.
    const kind: ChatKind =
      n === 0 ? 'yours' : n === 1 ? 'colleague' : random() < yoursShare ? 'yours' : 'colleague';
    const scenario = nextScenario(kind === 'colleague' ? hasAgent : undefined);
    const chatKind: ChatKind = kind === 'colleague' && !hasAgent(scenario) ? 'yours' : kind;
    const chatId = `c-${firstNumber + n}`;
    const startAt = options.startAt + offset;
    const name = names.splice(Math.floor(random() * names.length), 1)[0] ?? `Customer ${n + 1}`;
    const started = scenario.events.find((e) => e.event.type === 'chat.started')?.event;
    const scriptedName = String(
      (started?.customer as { name?: unknown } | undefined)?.name ?? '',
    ).trim();
    const renameCustomer = scriptedName
      ? new RegExp(`\\b${escapeRegExp(firstName(scriptedName))}\\b`, 'g')
      : null;
    const colleague = colleagueIds[Math.floor(random() * colleagueIds.length)]!;
    const firstAgentAfter =
      scenario.events.find((e) => e.event.type === 'message' && e.event.author === 'agent')
        ?.after ?? Number.POSITIVE_INFINITY;

    chats.push({ chatId, kind: chatKind, scenario: scenario.name, customer: name, startAt });
    for (const { after, event } of scenario.events) {
      const at = startAt + after;
      if (at >= endsAt) continue;
      const isAgent = event.type === 'message' && event.author === 'agent';
      if (chatKind === 'yours') {
        // Yours: the customer's side only, and only until the script's agent answered.
        if (isAgent || after >= firstAgentAfter || event.type === 'chat.closed') continue;
        if (event.type.startsWith('playbook.')) continue;
      }
      const copy: Record<string, unknown> & { type: string } = { ...event };
      if (event.type === 'chat.started') {
        const customer = { ...(event.customer as Record<string, unknown> | undefined) };
        customer.name = name;
        customer.id = `u-${firstNumber + n}`;
        copy.customer = customer;
        copy.caseRef = `CS-${50000 + ((firstNumber + n) % 10000)}`;
      }
      if (typeof copy.text === 'string' && renameCustomer) {
        copy.text = copy.text.replace(renameCustomer, firstName(name));
      }
      if (isAgent && (copy.agentId === you || copy.agentId === undefined)) {
        // A colleague's chat: "you" never write on your own.
        copy.agentId = colleague;
        if (typeof copy.text === 'string') {
          copy.text = copy.text.replace(/\bSam\b/g, COLLEAGUES[colleague]!);
        }
      }
      if (typeof copy.by === 'string' && copy.by === you) copy.by = colleague;
      events.push({
        at,
        seq: seq++,
        event: { ...copy, chatId, at: new Date(at).toISOString() },
      });
    }
  });
  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return { chats, events: events.map(({ at, event }) => ({ at, event })), endsAt };
}

/** Events due at `now` from `cursor` on: the batch and the new cursor. Pure. */
export function takeDue(
  events: readonly PlannedEvent[],
  cursor: number,
  now: number,
): { batch: PlannedEvent[]; cursor: number } {
  let end = cursor;
  while (end < events.length && events[end]!.at <= now) end += 1;
  return { batch: events.slice(cursor, end), cursor: end };
}

export interface SimulatorTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface SimulatorOptions extends Omit<PlanOptions, 'startAt' | 'random'> {
  scenarios: readonly SimScenario[];
  /** The server's in-process ingest (`RunningServer.ingest`). */
  ingest(events: PlannedEvent['event'][]): Promise<unknown>;
  /** Seed of the random source (default: the start time). */
  seed?: number;
  /** Clock and timers (default: the real ones); tests pass a fake. */
  timers?: SimulatorTimers;
  /** Called when a chat opens (the demo prints it). */
  onChat?(chat: PlannedChat): void;
  /** Diagnostics (an ingest that failed). */
  warn?(message: string): void;
}

export interface SimulatorStats {
  chats: number;
  events: number;
  /** Why it stopped. */
  reason: 'finished' | 'closed';
}

export interface Simulator {
  plan: SimulationPlan;
  /** Resolves when the simulation ends (by itself or by `close()`). */
  done: Promise<SimulatorStats>;
  /** Stops at once: nothing more is sent; waits for an ingest in flight. */
  close(): Promise<SimulatorStats>;
}

const realTimers: SimulatorTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** Plans the simulation from now and plays it: each due batch goes to `ingest`, in order. */
export function startSimulator(options: SimulatorOptions): Simulator {
  const timers = options.timers ?? realTimers;
  const startAt = timers.now();
  const plan = planSimulation(options.scenarios, {
    ...options,
    startAt,
    random: seededRandom(options.seed ?? startAt),
  });
  const warn = options.warn ?? (() => {});
  const opened = new Set<string>();
  let cursor = 0;
  let sent = 0;
  let timer: unknown = null;
  let stopped = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  let finish!: (stats: SimulatorStats) => void;
  const done = new Promise<SimulatorStats>((resolve) => {
    finish = resolve;
  });

  const stop = (reason: SimulatorStats['reason']) => {
    if (stopped) return;
    stopped = true;
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    const stats: SimulatorStats = { chats: opened.size, events: sent, reason };
    void inFlight.then(() => finish(stats));
  };

  const tick = () => {
    timer = null;
    if (stopped) return;
    const now = timers.now();
    const due = takeDue(plan.events, cursor, Math.min(now, plan.endsAt - 1));
    cursor = due.cursor;
    if (due.batch.length > 0) {
      for (const { event } of due.batch) {
        if (event.type === 'chat.started' && !opened.has(event.chatId)) {
          opened.add(event.chatId);
          const chat = plan.chats.find((c) => c.chatId === event.chatId);
          if (chat) options.onChat?.(chat);
        }
      }
      sent += due.batch.length;
      const batch = due.batch.map((p) => p.event);
      // Batches go out one after another, so the server sees them in order.
      inFlight = inFlight
        .then(() => options.ingest(batch))
        .then(
          (outcome) => {
            const rejected = (outcome as { rejected?: unknown[] } | undefined)?.rejected;
            if (Array.isArray(rejected) && rejected.length > 0) {
              warn(`simulator: ${rejected.length} event(s) rejected: ${JSON.stringify(rejected)}`);
            }
          },
          (err: unknown) => warn(`simulator: ingest failed: ${(err as Error).message}`),
        );
    }
    const next = plan.events[cursor];
    if (!next || next.at >= plan.endsAt) {
      stop('finished');
      return;
    }
    timer = timers.setTimeout(tick, Math.max(0, next.at - timers.now()));
  };
  tick();

  return {
    plan,
    done,
    close() {
      stop('closed');
      return done;
    },
  };
}
