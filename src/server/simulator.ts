// The live demo's helpdesk simulator: opens chats from the scripted scenarios
// (demo/scenarios/*.jsonl) at realistic intervals, re-timed to now and with the customers'
// names varied, and writes their messages at the scripts' human pace through the server's
// ingest, so clocks warn and breach while you watch. It keeps going for as long as it runs:
// new chats keep arriving, old ones close, and no more than `maxOpen` are open at once.
//
// Two kinds of chat:
// - "yours" (unassigned): only the customer writes — the opening messages, up to where the
//   script's agent first answered — and the chat waits for you to answer from the demo page.
//   A customer's patience runs out after `patienceMs`: they say goodbye and the chat closes
//   (unless it was closed before);
// - "colleague": the whole script plays, agent lines included (by colleagues, never by you),
//   so the team's other chats breach, recover and close on their own.
//
// `planChats` is pure (a seeded random source, times in, chats and their events out, one chat
// at a time and without end unless bounded); `planSimulation` collects a stretch of it as data.
// `startSimulator` is the thin runner: it plans a minute ahead, keeps one timer to the next
// due instant and hands each due batch to `ingest`. It stops by itself only when bounded
// (`maxChats`, `durationMs`), and at once on `close()`.

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
  /** Sent only while the chat is still open (a customer leaving a chat nobody closed). */
  ifOpen?: true;
}

export interface PlannedChat {
  chatId: string;
  kind: ChatKind;
  scenario: string;
  customer: string;
  startAt: number;
  /** When the plan closes it (a colleague's script ends, or a customer of yours leaves). */
  closeAt: number;
}

export interface SimulationPlan {
  chats: PlannedChat[];
  /** Every event, ordered by `at` (ties keep the script's order). */
  events: PlannedEvent[];
  /** Nothing of this plan is due at or after this instant. */
  endsAt: number;
}

export interface PlanOptions {
  /** The simulation's start, epoch ms. */
  startAt: number;
  /** Chats to open in all (default: no limit). */
  maxChats?: number;
  /** How long the simulation runs, ms (default: no end). */
  durationMs?: number;
  /** Most chats open at once (default 8): a new chat arrives when one has closed. */
  maxOpen?: number;
  /** Mean gap between new chats, ms (default 45 s); gaps are exponential, clamped. */
  meanGapMs?: number;
  minGapMs?: number;
  maxGapMs?: number;
  /** How long a customer of yours stays before leaving, ms (default 6 minutes). */
  patienceMs?: number;
  /** Plays the scripts, the arrivals and the customers' patience this many times faster (default 1). */
  speed?: number;
  /** Share of chats left for you to answer (default 0.5; the first chat is always yours). */
  yoursShare?: number;
  /** Number of the first chat id: `c-<n>`, then one up for each chat (default 3001). */
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

/** What a customer of yours says when their patience runs out, before the chat closes. */
export const LEAVING_TEXT =
  "I have to go now, thanks. I'll get back in touch if I still need help.";

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

/** Draws from `items` in shuffled rounds, so consecutive draws differ. */
function shuffledCycle<T>(items: readonly T[], random: () => number) {
  const deck: T[] = [];
  return (want?: (item: T) => boolean): T => {
    if (deck.length === 0) {
      const fresh = [...items];
      for (let i = fresh.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!];
      }
      deck.push(...fresh);
    }
    const pick = want ? deck.findIndex(want) : 0;
    return deck.splice(Math.max(0, pick), 1)[0]!;
  };
}

/** One planned chat and every event it sends, in order. */
export interface ChatPlan {
  chat: PlannedChat;
  events: PlannedEvent[];
}

/**
 * The simulation as data, one chat at a time in arrival order: two right away so the page is
 * never empty — one of yours whose customer has just started writing and a colleague's
 * already under way — then one after each exponential gap (clamped), later while `maxOpen`
 * chats are open. Endless unless `maxChats` or `durationMs` bound it.
 */
export function* planChats(
  scenarios: readonly SimScenario[],
  options: PlanOptions,
): Generator<ChatPlan, void, undefined> {
  const random = options.random ?? seededRandom(options.startAt);
  const speed = options.speed !== undefined && options.speed > 0 ? options.speed : 1;
  const scaled = (ms: number) => Math.round(ms / speed);
  const maxChats = options.maxChats ?? Number.POSITIVE_INFINITY;
  const endsAt = options.startAt + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const maxOpen = Math.max(1, options.maxOpen ?? 8);
  const meanGap = options.meanGapMs ?? 45_000;
  const minGap = options.minGapMs ?? 15_000;
  const maxGap = options.maxGapMs ?? 100_000;
  const patience = scaled(options.patienceMs ?? 6 * 60_000);
  const yoursShare = options.yoursShare ?? 0.5;
  const you = options.agentId ?? 'a-3';
  const firstNumber = options.firstChatNumber ?? 3001;
  if (scenarios.length === 0) return;

  const nextScenario = shuffledCycle(scenarios, random);
  const nextName = shuffledCycle(CUSTOMER_NAMES, random);
  const colleagueIds = Object.keys(COLLEAGUES);
  const hasAgent = (s: SimScenario) =>
    s.events.some((e) => e.event.type === 'message' && e.event.author === 'agent');
  /** When the chats planned so far close (those still open at the last arrival). */
  let closing: number[] = [];
  let clock = options.startAt;

  for (let n = 0; n < maxChats; n += 1) {
    let startAt: number;
    if (n < 2) startAt = options.startAt - scaled(n === 0 ? 4_000 : 40_000);
    else {
      clock += scaled(gap(random, meanGap, minGap, maxGap));
      // Full: the next chat arrives as the first of the open ones closes.
      for (;;) {
        closing = closing.filter((at) => at > clock);
        if (closing.length < maxOpen) break;
        clock = Math.min(...closing);
      }
      startAt = clock;
    }
    if (startAt >= endsAt) return;

    // The first chat is yours, the second a colleague's chat under way (when a script has
    // agent lines); after that, chance decides.
    const kind: ChatKind =
      n === 0 ? 'yours' : n === 1 ? 'colleague' : random() < yoursShare ? 'yours' : 'colleague';
    const scenario = nextScenario(kind === 'colleague' ? hasAgent : undefined);
    const chatKind: ChatKind = kind === 'colleague' && !hasAgent(scenario) ? 'yours' : kind;
    const number = firstNumber + n;
    const chatId = `c-${number}`;
    const name = nextName();
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

    const events: PlannedEvent[] = [];
    const add = (at: number, event: Record<string, unknown> & { type: string }, ifOpen = false) => {
      if (at >= endsAt) return;
      events.push({
        at,
        event: { ...event, chatId, at: new Date(at).toISOString() },
        ...(ifOpen ? { ifOpen: true as const } : {}),
      });
    };
    let scriptEnd = startAt;
    for (const { after, event } of scenario.events) {
      const at = startAt + scaled(after);
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
        customer.id = `u-${number}`;
        copy.customer = customer;
        copy.caseRef = `CS-${50000 + (number % 10000)}`;
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
      scriptEnd = at;
      add(at, copy);
    }
    const closedInScript = events.some((e) => e.event.type === 'chat.closed');
    // A chat whose script does not close it (yours, always): the customer leaves in time.
    const closeAt = closedInScript
      ? scriptEnd
      : Math.max(startAt + patience, scriptEnd + scaled(minGap));
    if (!closedInScript) {
      add(
        closeAt - scaled(5_000),
        {
          type: 'message',
          id: `leave-${number}`,
          author: 'customer',
          text: LEAVING_TEXT,
        },
        true,
      );
      add(closeAt, { type: 'chat.closed' }, true);
    }
    closing.push(closeAt);
    yield {
      chat: { chatId, kind: chatKind, scenario: scenario.name, customer: name, startAt, closeAt },
      events,
    };
  }
}

/**
 * The chats that open before `until` (default: the end of a bounded run, else 15 minutes in)
 * and every event of theirs due before it, as one plan.
 */
export function planSimulation(
  scenarios: readonly SimScenario[],
  options: PlanOptions & { until?: number },
): SimulationPlan {
  const endsAt =
    options.until ??
    (options.durationMs !== undefined
      ? options.startAt + options.durationMs
      : options.startAt + 15 * 60_000);
  const chats: PlannedChat[] = [];
  const events: PlannedEvent[] = [];
  for (const plan of planChats(scenarios, options)) {
    if (plan.chat.startAt >= endsAt) break;
    chats.push(plan.chat);
    events.push(...plan.events.filter((e) => e.at < endsAt));
  }
  return { chats, events: byTime(events), endsAt };
}

/** Ordered by `at`; ties keep their order (Array#sort is stable). */
function byTime(events: PlannedEvent[]): PlannedEvent[] {
  return events.sort((a, b) => a.at - b.at);
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
  /**
   * Whether a chat is still open (the agent may have closed it): a customer leaves only an
   * open chat. Default: always.
   */
  isOpen?(chatId: string): Promise<boolean>;
  /** Seed of the random source (default: the start time). */
  seed?: number;
  /** Starts this long ago, ms: what was due meanwhile goes out at once (default 0). */
  skipMs?: number;
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
  /** Why it stopped: a bounded run came to its end, or `close()`. */
  reason: 'finished' | 'closed';
}

export interface Simulator {
  /** The simulation's start (now, or `skipMs` ago). */
  startAt: number;
  /** The chats planned so far, in arrival order (a minute ahead of now at least). */
  chats(): readonly PlannedChat[];
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

/** How far ahead the runner plans, and so the longest it sleeps. */
const LOOKAHEAD_MS = 60_000;

/** Plays the simulation from now (or `skipMs` ago): each due batch goes to `ingest`, in order. */
export function startSimulator(options: SimulatorOptions): Simulator {
  const timers = options.timers ?? realTimers;
  const startAt = timers.now() - Math.max(0, options.skipMs ?? 0);
  const plans = planChats(options.scenarios, {
    ...options,
    startAt,
    random: seededRandom(options.seed ?? startAt),
  });
  const warn = options.warn ?? (() => {});
  const isOpen = options.isOpen ?? (async () => true);
  const planned: PlannedChat[] = [];
  const opened = new Set<string>();
  /** Planned events not sent yet, by time. */
  let queue: PlannedEvent[] = [];
  let exhausted = false;
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
    void inFlight.then(() => finish({ chats: opened.size, events: sent, reason }));
  };

  /** Plans chats until one starts past `until` (or the plan ends). */
  const planUntil = (until: number) => {
    let added = false;
    while (!exhausted && (planned.length === 0 || planned[planned.length - 1]!.startAt <= until)) {
      const next = plans.next();
      if (next.done) exhausted = true;
      else {
        planned.push(next.value.chat);
        queue.push(...next.value.events);
        added = true;
      }
    }
    if (added) queue = byTime(queue);
  };

  const send = (batch: PlannedEvent[]) => {
    // Batches go out one after another, so the server sees them in order.
    inFlight = inFlight
      .then(async () => {
        const closed = new Set<string>();
        for (const { ifOpen, event } of batch) {
          if (ifOpen && !closed.has(event.chatId) && !(await isOpen(event.chatId))) {
            closed.add(event.chatId);
          }
        }
        const events = batch.filter((p) => !closed.has(p.event.chatId)).map((p) => p.event);
        if (events.length === 0) return undefined;
        sent += events.length;
        return options.ingest(events);
      })
      .then(
        (outcome) => {
          const rejected = (outcome as { rejected?: unknown[] } | undefined)?.rejected;
          if (Array.isArray(rejected) && rejected.length > 0) {
            warn(`simulator: ${rejected.length} event(s) rejected: ${JSON.stringify(rejected)}`);
          }
        },
        (err: unknown) => warn(`simulator: ingest failed: ${(err as Error).message}`),
      );
  };

  const tick = () => {
    timer = null;
    if (stopped) return;
    const now = timers.now();
    planUntil(now + LOOKAHEAD_MS);
    const due = takeDue(queue, 0, now);
    queue = queue.slice(due.cursor);
    if (due.batch.length > 0) {
      for (const { event } of due.batch) {
        if (event.type === 'chat.started' && !opened.has(event.chatId)) {
          opened.add(event.chatId);
          const chat = planned.find((c) => c.chatId === event.chatId);
          if (chat) options.onChat?.(chat);
        }
      }
      send(due.batch);
    }
    if (exhausted && queue.length === 0) {
      stop('finished');
      return;
    }
    const wake = Math.min(queue[0]?.at ?? Number.POSITIVE_INFINITY, now + LOOKAHEAD_MS);
    timer = timers.setTimeout(tick, Math.max(0, wake - timers.now()));
  };
  tick();

  return {
    startAt,
    chats: () => planned,
    done,
    close() {
      stop('closed');
      return done;
    },
  };
}
