// Every open chat as signals: the engine's timeline and state, and a reading derived from
// state + the team's rules + the shared `now`. Nothing here counts time: a reading is always
// `read(state, rules, now)`, so a late or re-delivered event, a new configuration or a long
// sleep gives the right clocks at once.
import { batch, computed, effect, type ReadonlySignal, type Signal, signal } from '@preact/signals';
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
  at: number;
  author: 'customer' | 'agent';
  text: string;
}

export interface ChatModel {
  readonly id: string;
  readonly timeline: ChatTimeline;
  readonly state: ReadonlySignal<ChatState | undefined>;
  readonly rules: ReadonlySignal<ChatRules>;
  /** Null until the chat has a state (e.g. only a `chat.closed` for an unknown chat). */
  readonly reading: ReadonlySignal<ChatReading | null>;
  /** Public customer and agent messages in processing order, duplicates dropped. */
  readonly conversation: ReadonlySignal<ConversationLine[]>;
  /** Customer messages since the agent's last reply that arrived while the chat was not shown. */
  readonly unread: ReadonlySignal<number>;
}

interface ChatEntry extends ChatModel {
  readonly stateSignal: Signal<ChatState | undefined>;
  readonly rev: Signal<number>;
  readonly readSeq: Signal<number>;
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

/** [rank, key]: lower sorts first. */
export function urgencyOf(
  reading: ChatReading | null,
  state: ChatState | undefined,
): [number, number] {
  if (!reading || !state) return [4, 0];
  if (state.closedAt !== null) return [3, -state.closedAt];
  let breachedDeadline = Number.POSITIVE_INFINITY;
  let deadline = Number.POSITIVE_INFINITY;
  for (const clock of [reading.firstResponse, reading.gap]) {
    if (!clock.running || clock.since === null) continue;
    const due = clock.since + clock.limitMs;
    if (clock.state === 'breached') breachedDeadline = Math.min(breachedDeadline, due);
    else deadline = Math.min(deadline, due);
  }
  if (breachedDeadline < Number.POSITIVE_INFINITY) return [0, breachedDeadline];
  if (deadline < Number.POSITIVE_INFINITY) return [1, deadline];
  return [2, -state.lastAt];
}

function conversationOf(timeline: ChatTimeline, closedAt: number | null): ConversationLine[] {
  const seen = new Set<string>();
  const lines: ConversationLine[] = [];
  for (const { seq, event } of timeline.events) {
    if (event.type !== 'message' || seen.has(event.id)) continue;
    seen.add(event.id);
    if (closedAt !== null && event.at > closedAt) continue;
    if (event.internal || (event.author !== 'customer' && event.author !== 'agent')) continue;
    lines.push({ id: event.id, seq, at: event.at, author: event.author, text: event.text });
  }
  return lines;
}

export function createChats({ config, now, focusedId }: ChatsDeps): ChatsModel {
  const entries = new Map<string, ChatEntry>();
  const list = signal<ChatModel[]>([]);
  /** The next arrival sequence number; `seq - 1` is the latest event's. */
  let seq = 0;

  function entryFor(chatId: string): ChatEntry {
    const existing = entries.get(chatId);
    if (existing) return existing;
    const timeline = createTimeline(chatId);
    const stateSignal = signal<ChatState | undefined>(undefined);
    const rev = signal(0);
    const readSeq = signal(-1);
    const rules = computed(() => {
      const s = stateSignal.value;
      return rulesFor(config.value, { tier: s?.customer.tier, channel: s?.channel });
    });
    const reading = computed(() => {
      const s = stateSignal.value;
      return s ? read(s, rules.value, now.value) : null;
    });
    const conversation = computed(() => {
      rev.value;
      return conversationOf(timeline, stateSignal.value?.closedAt ?? null);
    });
    const unread = computed(() => {
      const lines = conversation.value;
      const mark = readSeq.value;
      let count = 0;
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i]!;
        if (line.author === 'agent') break;
        if (line.seq > mark) count++;
      }
      return count;
    });
    const entry: ChatEntry = {
      id: chatId,
      timeline,
      state: stateSignal,
      stateSignal,
      rev,
      readSeq,
      rules,
      reading,
      conversation,
      unread,
    };
    entries.set(chatId, entry);
    return entry;
  }

  function publish(entry: ChatEntry, added: ChatModel[]): void {
    const wasVisible = entry.stateSignal.peek() !== undefined;
    entry.stateSignal.value = entry.timeline.state;
    entry.rev.value = entry.rev.peek() + 1;
    if (!wasVisible && entry.timeline.state !== undefined) added.push(entry);
    if (focusedId() === entry.id) entry.readSeq.value = seq - 1;
  }

  // New hold phrases change which messages are holds: re-derive every chat from its events.
  let holdPhrases = config.peek().holdPhrases;
  const stopHoldEffect = effect(() => {
    const phrases = config.value.holdPhrases;
    if (phrases === holdPhrases) return;
    holdPhrases = phrases;
    const added: ChatModel[] = [];
    batch(() => {
      for (const entry of entries.values()) {
        rederive(entry.timeline, phrases);
        publish(entry, added);
      }
      if (added.length > 0) list.value = [...list.peek(), ...added];
    });
  });

  const ordered = computed(() => {
    const keyed = list.value.map((chat) => ({
      chat,
      key: urgencyOf(chat.reading.value, chat.state.value),
    }));
    keyed.sort(
      (a, b) =>
        a.key[0] - b.key[0] ||
        a.key[1] - b.key[1] ||
        (a.chat.id < b.chat.id ? -1 : a.chat.id > b.chat.id ? 1 : 0),
    );
    return keyed.map((k) => k.chat);
  });

  return {
    list,
    ordered,
    get: (chatId) => {
      const entry = entries.get(chatId);
      return entry && entry.stateSignal.peek() !== undefined ? entry : undefined;
    },
    ingest(events) {
      if (events.length === 0) return;
      const touched = new Set<ChatEntry>();
      for (const event of events) {
        const entry = entryFor(event.chatId);
        addEvent(entry.timeline, event, seq++, holdPhrases);
        touched.add(entry);
      }
      const added: ChatModel[] = [];
      batch(() => {
        for (const entry of touched) publish(entry, added);
        if (added.length > 0) list.value = [...list.peek(), ...added];
      });
    },
    markRead(chatId) {
      const entry = entries.get(chatId);
      if (entry) entry.readSeq.value = seq - 1;
    },
    dispose() {
      stopHoldEffect();
    },
  };
}
