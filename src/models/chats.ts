// Every open chat as signals: the engine's timeline and state, and a reading derived from
// state + the team's rules + the shared `now`. Nothing here counts time: a reading is always
// `read(state, rules, now)`, so a late or re-delivered event, a new configuration or a long
// sleep gives the right clocks at once.
import { batch, computed, effect, type ReadonlySignal, signal } from '@preact/signals';
import {
  addEvent,
  type ChatEvent,
  type ChatReading,
  type ChatRules,
  type ChatState,
  type ChatTimeline,
  createTimeline,
  read,
  rederive,
  rulesFor,
  type TeamConfig,
} from '../core/index.ts';

export interface ConversationLine {
  id: string;
  /** Arrival sequence (for unread counts). */
  seq: number;
  author: 'customer' | 'agent';
  text: string;
  at: number;
}

export interface ChatModel {
  readonly id: string;
  readonly state: ReadonlySignal<ChatState | undefined>;
  readonly rules: ReadonlySignal<ChatRules>;
  /** Null until the chat has a state (e.g. only a `chat.closed` for an unknown chat). */
  readonly reading: ReadonlySignal<ChatReading | null>;
  /** Public customer and agent messages in processing order, duplicates dropped. */
  readonly conversation: ReadonlySignal<ConversationLine[]>;
  /** Customer messages since the agent's last reply that arrived while the chat was not shown. */
  readonly unread: ReadonlySignal<number>;
  /** Who works the chat (null: nobody, i.e. the queue); `isMine` (core) decides the "mine" view. */
  readonly owner: ReadonlySignal<string | null>;
}

export interface ChatsModel {
  /** Chats that have a state, in order of arrival. */
  readonly list: ReadonlySignal<ChatModel[]>;
  /** Most urgent first: breached, then nearest deadline, then open, then closed. */
  readonly ordered: ReadonlySignal<ChatModel[]>;
  get(chatId: string): ChatModel | undefined;
  ingest(events: readonly ChatEvent[]): void;
  /** The agent is looking at this chat: its customer messages so far are read. */
  markRead(chatId: string): void;
  dispose(): void;
}

export interface ChatsDeps {
  config: ReadonlySignal<TeamConfig>;
  now: ReadonlySignal<number>;
  /** The chat on screen (its new messages count as read). Not tracked. */
  focusedId: () => string | null;
}

/** Sort key, lower first: [0, breach] breached, [1, deadline], [2, -last] open, [3, -closed]. */
/** Two readings of one chat that differ only in the time on its running clocks. */
function sameButTime(a: ChatReading, b: ChatReading): boolean {
  for (const clock of ['firstResponse', 'gap'] as const) {
    const x = a[clock];
    const y = b[clock];
    if (x.state !== y.state || x.running !== y.running || x.since !== y.since) return false;
    if (x.breached !== y.breached || (!x.running && x.elapsedMs !== y.elapsedMs)) return false;
  }
  return a.nextChangeAt === b.nextChangeAt && a.escalations.length === b.escalations.length;
}

/**
 * The chat's reading at `now`, as the same object for as long as only the time on its running
 * clocks moves: nothing downstream (list order, checklist, announcements) recomputes or
 * re-renders every second. The clocks' m:ss follows `now` on its own (ui/Clock.tsx).
 */
function stableReading(
  state: ReadonlySignal<ChatState | undefined>,
  rules: ReadonlySignal<ChatRules>,
  now: ReadonlySignal<number>,
): ReadonlySignal<ChatReading | null> {
  let last: { state: ChatState; rules: ChatRules; reading: ChatReading; at: number } | null = null;
  return computed(() => {
    const s = state.value;
    if (!s) return null;
    const r = rules.value;
    const t = now.value;
    // `now` can move back (the server's clock corrected a fast local one): read again then.
    const same = last !== null && last.state === s && last.rules === r && t >= last.at;
    // The engine says when the reading next changes: until then there is nothing to read.
    const due = last?.reading.nextChangeAt;
    if (same && (due === null || (due !== undefined && t < due))) return last!.reading;
    const next = read(s, r, t);
    if (same && sameButTime(last!.reading, next)) return last!.reading;
    last = { state: s, rules: r, reading: next, at: t };
    return next;
  });
}

function urgencyOf(reading: ChatReading, state: ChatState): [number, number] {
  if (state.closedAt !== null) return [3, -state.closedAt];
  let breached = Infinity;
  let deadline = Infinity;
  for (const clock of [reading.firstResponse, reading.gap]) {
    if (!clock.running || clock.since === null) continue;
    const due = clock.since + clock.limitMs;
    if (clock.state === 'breached') breached = Math.min(breached, due);
    else deadline = Math.min(deadline, due);
  }
  if (breached < Infinity) return [0, breached];
  return deadline < Infinity ? [1, deadline] : [2, -state.lastAt];
}

function conversationOf(timeline: ChatTimeline, closedAt: number | null): ConversationLine[] {
  const seen = new Set<string>();
  const lines: ConversationLine[] = [];
  for (const { seq, event } of timeline.events) {
    if (event.type !== 'message' || seen.has(event.id)) continue;
    seen.add(event.id);
    if ((closedAt !== null && event.at > closedAt) || event.internal) continue;
    if (event.author === 'customer' || event.author === 'agent') {
      lines.push({ id: event.id, seq, author: event.author, text: event.text, at: event.at });
    }
  }
  return lines;
}

interface ChatEntry extends ChatModel {
  readonly timeline: ChatTimeline;
  /** Takes the timeline's state; true when the chat just got its first one. */
  publish(): boolean;
  markRead(): void;
}

export function createChats({ config, now, focusedId }: ChatsDeps): ChatsModel {
  const entries = new Map<string, ChatEntry>();
  const list = signal<ChatModel[]>([]);
  /** The next arrival sequence number; `seq - 1` is the latest event's. */
  let seq = 0;
  let holdPhrases = config.peek().holdPhrases;

  function entryFor(id: string): ChatEntry {
    let entry = entries.get(id);
    if (entry) return entry;
    const timeline = createTimeline(id);
    const state = signal<ChatState | undefined>(undefined);
    // Bumps on every change: a duplicate or late message can change the conversation only.
    const revision = signal(0);
    const readUpTo = signal(-1);
    const rules = computed(() => {
      const s = state.value;
      return rulesFor(config.value, { tier: s?.customer.tier, channel: s?.channel });
    });
    const markRead = () => {
      readUpTo.value = seq - 1;
    };
    const conversation = computed(() => {
      revision.value;
      return conversationOf(timeline, state.value?.closedAt ?? null);
    });
    entry = {
      id,
      timeline,
      state,
      rules,
      reading: stableReading(state, rules, now),
      conversation,
      owner: computed(() => state.value?.owner ?? null),
      unread: computed(() => {
        const lines = conversation.value;
        let count = 0;
        for (let i = lines.length - 1; i >= 0 && lines[i]!.author === 'customer'; i--) {
          if (lines[i]!.seq > readUpTo.value) count++;
        }
        return count;
      }),
      publish() {
        const first = !state.peek() && !!timeline.state;
        state.value = timeline.state;
        revision.value = revision.peek() + 1;
        if (focusedId() === id) markRead();
        return first;
      },
      markRead,
    };
    entries.set(id, entry);
    return entry;
  }

  /** Publishes the chats' new states; those that got their first state join the list. */
  function publish(touched: Iterable<ChatEntry>): void {
    batch(() => {
      const added = [...touched].filter((entry) => entry.publish());
      if (added.length > 0) list.value = [...list.peek(), ...added];
    });
  }

  // New hold phrases change which messages are holds: re-derive every chat from its events.
  const stopHoldEffect = effect(() => {
    const phrases = config.value.holdPhrases;
    if (phrases === holdPhrases) return;
    holdPhrases = phrases;
    for (const entry of entries.values()) rederive(entry.timeline, phrases);
    publish(entries.values());
  });

  return {
    list,
    ordered: computed(() => {
      const keyed = list.value.map((chat) => ({
        chat,
        key: urgencyOf(chat.reading.value!, chat.state.value!),
      }));
      keyed.sort(
        (a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || (a.chat.id < b.chat.id ? -1 : 1),
      );
      return keyed.map((k) => k.chat);
    }),
    get: (chatId) => {
      const entry = entries.get(chatId);
      return entry?.state.peek() ? entry : undefined;
    },
    ingest(events) {
      const touched = new Set<ChatEntry>();
      for (const event of events) {
        const entry = entryFor(event.chatId);
        addEvent(entry.timeline, event, seq++, holdPhrases);
        touched.add(entry);
      }
      publish(touched);
    },
    markRead: (chatId) => entries.get(chatId)?.markRead(),
    dispose: stopHoldEffect,
  };
}
