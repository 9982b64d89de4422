// Batch audit over a stream of events. Memory grows with the number of chats, not with the
// transcript: each chat keeps only its reduced state, never its events. Transcripts arrive
// in order per chat almost always, so each event is applied as it comes. An event older
// than one already applied to its chat marks the chat for a second pass, in which the
// caller feeds that chat's events again into an ordered timeline
// (see src/cli/commands/audit.ts), giving exactly the result of a sorted transcript.
import { isProtocolEvent, reduceInPlace } from './chat.ts';
import { rulesFor } from './config.ts';
import { auditChat } from './read.ts';
import { addEvent, type ChatTimeline, createTimeline } from './timeline.ts';
import type {
  AuditChat,
  AuditReport,
  ChatEvent,
  ChatRules,
  ChatState,
  TeamConfig,
} from './types.ts';

interface ChatRun {
  /** Undefined until an event that starts the chat (a lone close starts nothing). */
  state: ChatState | undefined;
  /** Greatest `at` applied: an event before it is out of order. */
  lastAt: number;
  /**
   * Message ids applied, for duplicates; dropped once the chat is closed. A list while short
   * (scanning a chat's few ids is cheaper than hashing each), a set beyond that.
   */
  messageIds: string[] | Set<string> | null;
  duplicates: number;
}

/** Ids a chat keeps as a list before it switches to a set. */
const MESSAGE_ID_LIST_LIMIT = 32;

/** Whether the chat applied a message with this id already; remembers the id if not. */
function seenBefore(chat: ChatRun, id: string): boolean {
  const ids = chat.messageIds!;
  if (!Array.isArray(ids)) {
    if (ids.has(id)) return true;
    ids.add(id);
    return false;
  }
  if (ids.includes(id)) return true;
  if (ids.length < MESSAGE_ID_LIST_LIMIT) ids.push(id);
  else chat.messageIds = new Set([...ids, id]);
  return false;
}

/**
 * One batch audit. It owns its chats' states and updates them in place as events arrive
 * (`reduceInPlace`): read them, through `auditStates` or `auditReport`, after the last event.
 */
export interface AuditRun {
  config: TeamConfig;
  chats: Map<string, ChatRun>;
  /** Chats that received an event out of order: the caller replays them. */
  needsReplay: Set<string>;
  invalidLines: number;
}

export function createAuditRun(config: TeamConfig): AuditRun {
  return { config, chats: new Map(), needsReplay: new Set(), invalidLines: 0 };
}

export function auditInvalidLine(run: AuditRun): void {
  run.invalidLines += 1;
}

export function auditEvent(run: AuditRun, event: ChatEvent): void {
  const { chatId } = event;
  if (run.needsReplay.has(chatId)) return;
  let chat = run.chats.get(chatId);
  if (!chat) {
    chat = { state: undefined, lastAt: event.at, messageIds: [], duplicates: 0 };
    run.chats.set(chatId, chat);
  }
  if (event.at < chat.lastAt) {
    // Out of order for this chat: it is derived again from all its lines after the pass.
    run.needsReplay.add(chatId);
    run.chats.delete(chatId);
    return;
  }
  chat.lastAt = event.at;
  const closed = chat.state?.closedAt != null;
  // After close the timers ignore protocol events, and a copy after close is no duplicate.
  if (closed && isProtocolEvent(event)) return;
  if (event.type === 'message' && chat.messageIds && seenBefore(chat, event.id)) {
    chat.duplicates += 1;
    return;
  }
  chat.state = reduceInPlace(chat.state, event, run.config.holdPhrases);
  if (!closed && chat.state?.closedAt != null) chat.messageIds = null;
}

/**
 * Holds the latest `size` events and passes them on to `release` in processing order (`at`,
 * then arrival), so that an event delivered up to `size` events late still reaches
 * `auditEvent` in order and its chat needs no replay. Exact: a chat whose events all come
 * out in order is reduced in the order a sorted transcript gives, and one that does not is
 * marked for the replay as before. Transcripts are nearly sorted, so an event almost always
 * goes at the end.
 */
export function createReorderWindow(size: number, release: (event: ChatEvent) => void) {
  let held: ChatEvent[] = [];
  /** Index of the oldest event still held (those before it are released; dropped in batches). */
  let head = 0;
  return {
    add(event: ChatEvent): void {
      let at = held.length;
      while (at > head && held[at - 1]!.at > event.at) at -= 1;
      if (at === held.length) held.push(event);
      else held.splice(at, 0, event);
      if (held.length - head <= size) return;
      const oldest = held[head]!;
      head += 1;
      if (head >= size) {
        held = held.slice(head);
        head = 0;
      }
      release(oldest);
    },
    /** Releases every event still held (at the end of the input). */
    drain(): void {
      const rest = held.slice(head);
      held = [];
      head = 0;
      for (const event of rest) release(event);
    },
  };
}

/**
 * `rulesFor` a chat's tier and channel, worked out once per pair: a batch reads thousands of
 * chats of a few kinds, and they share one rules record.
 */
export function createRulesLookup(config: TeamConfig): (state: ChatState) => ChatRules {
  const known = new Map<string, ChatRules>();
  return (state) => {
    const { tier } = state.customer;
    const { channel } = state;
    // `=` marks a value, so a missing field and an empty one stay apart.
    const key = `${tier === undefined ? '' : `=${tier}`}\u0000${channel === undefined ? '' : `=${channel}`}`;
    let rules = known.get(key);
    if (!rules) {
      rules = rulesFor(config, { tier, channel });
      known.set(key, rules);
    }
    return rules;
  };
}

/** Sees each chat's final state with its audit line, as `auditReport` makes the line. */
export type OnAuditedChat = (state: ChatState, chat: AuditChat) => void;

/**
 * Builds the report; `replayed` holds the re-derived timelines of `needsReplay` chats.
 * `onChat` sees each chat's final state with its line, in `auditStates`' order.
 */
export function auditReport(
  run: AuditRun,
  replayed: ReadonlyMap<string, ChatTimeline> = new Map(),
  onChat?: OnAuditedChat,
): AuditReport {
  const chats: AuditChat[] = [];
  let duplicates = 0;
  const rulesOf = createRulesLookup(run.config);
  const add = (state: ChatState | undefined, dups: number) => {
    duplicates += dups;
    if (!state) return;
    const chat = auditChat(state, rulesOf(state));
    chats.push(chat);
    onChat?.(state, chat);
  };
  for (const chat of run.chats.values()) add(chat.state, chat.duplicates);
  for (const timeline of replayed.values()) add(timeline.state, timeline.duplicates);
  // JavaScript's default string order (UTF-16 code units), as protocol.md asks.
  chats.sort((a, b) => (a.chatId < b.chatId ? -1 : a.chatId > b.chatId ? 1 : 0));
  return {
    chats,
    summary: { ...countChats(chats), invalidLines: run.invalidLines, duplicates },
  };
}

/** Each chat's final state after the replay pass: what auditReport measures (the team report). */
export function* auditStates(
  run: AuditRun,
  replayed: ReadonlyMap<string, ChatTimeline> = new Map(),
): Generator<ChatState> {
  for (const chat of run.chats.values()) if (chat.state) yield chat.state;
  for (const timeline of replayed.values()) if (timeline.state) yield timeline.state;
}

/** The summary's per-chat counts. */
function countChats(chats: readonly AuditChat[]) {
  let firstResponseBreaches = 0;
  let gapBreaches = 0;
  let greetedByName = 0;
  for (const c of chats) {
    if (c.firstResponseBreached) firstResponseBreaches += 1;
    gapBreaches += c.gapBreaches;
    if (c.greetedByName) greetedByName += 1;
  }
  return { chats: chats.length, firstResponseBreaches, gapBreaches, greetedByName };
}

/** The second pass: feeds the events of the chats that need it into ordered timelines. */
export function createReplay(run: AuditRun) {
  const timelines = new Map<string, ChatTimeline>();
  let seq = 0;
  return {
    wants(chatId: string): boolean {
      return run.needsReplay.has(chatId);
    },
    add(event: ChatEvent): void {
      if (!run.needsReplay.has(event.chatId)) return;
      let timeline = timelines.get(event.chatId);
      if (!timeline) {
        timeline = createTimeline(event.chatId);
        timelines.set(event.chatId, timeline);
      }
      addEvent(timeline, event, seq++, run.config.holdPhrases);
    },
    timelines: timelines as ReadonlyMap<string, ChatTimeline>,
  };
}

/** Audits a whole in-memory list of events (tests, `audit --from`); `onChat` as `auditReport`'s. */
export function auditEvents(
  events: readonly ChatEvent[],
  config: TeamConfig,
  onChat?: OnAuditedChat,
): AuditReport {
  const run = createAuditRun(config);
  for (const event of events) auditEvent(run, event);
  const replay = createReplay(run);
  if (run.needsReplay.size > 0) for (const event of events) replay.add(event);
  return auditReport(run, replay.timelines, onChat);
}

/**
 * What filters of an audit need to know of each chat, gathered while events stream past:
 * its Start (protocol.md) and the agents who sent it a public message (protocol.md
 * "Ownership": a chat counts for every agent who sent a public message in it).
 */
export function createChatFacts() {
  const starts = new Map<string, number>();
  const agents = new Map<string, Set<string>>();
  return {
    add(event: ChatEvent): void {
      if (event.type !== 'chat.started' && event.type !== 'message') return;
      const start = starts.get(event.chatId);
      if (start === undefined || event.at < start) starts.set(event.chatId, event.at);
      if (event.type === 'message' && event.author === 'agent' && !event.internal) {
        if (event.agentId === undefined) return;
        let set = agents.get(event.chatId);
        if (!set) {
          set = new Set();
          agents.set(event.chatId, set);
        }
        set.add(event.agentId);
      }
    },
    start: (chatId: string): number | undefined => starts.get(chatId),
    agents: (chatId: string): ReadonlySet<string> => agents.get(chatId) ?? new Set(),
  };
}

export type ChatFacts = ReturnType<typeof createChatFacts>;

/** The report of only the chats `keep` accepts, its summary counted again over them. */
export function filterAuditReport(
  report: AuditReport,
  keep: (chatId: string) => boolean,
): AuditReport {
  const chats = report.chats.filter((c) => keep(c.chatId));
  return { chats, summary: { ...report.summary, ...countChats(chats) } };
}
