// Suggestions for the focused chat: one query from what the agent types and (unless the agent
// turned it off) the conversation, debounced, latest result wins (a slow answer to an old
// query never overwrites a newer one). Also the keyboard cursor over the results, the SOP
// opened in full, and the list held still while the agent moves through it: suggestions that
// new messages bring wait behind a "New suggestions" cue instead of reordering under the cursor.
import { batch, computed, effect, type ReadonlySignal, signal, untracked } from '@preact/signals';
import type { Clock, TimerId } from '../adapters/clock.ts';
import type { Suggestion, SuggestionQuery, SuggestionSource } from '../adapters/search.ts';
import type { KeyValueStore } from '../adapters/storage.ts';

export type { Suggestion };

import type { SopReply } from '../search/types.ts';
import type { ChatModel } from './chats.ts';

export type SuggestionOption =
  | { kind: 'sop'; key: string; sopId: string }
  | { kind: 'reply'; key: string; sopId: string; reply: SopReply };

export interface SuggestionsModel {
  readonly typed: ReadonlySignal<string>;
  readonly hits: ReadonlySignal<Suggestion[]>;
  readonly pending: ReadonlySignal<boolean>;
  /** Everything ↑/↓ moves through, in display order. */
  readonly options: ReadonlySignal<SuggestionOption[]>;
  readonly activeKey: ReadonlySignal<string | null>;
  /** The SOP shown in full, or null. */
  readonly opened: ReadonlySignal<string | null>;
  /** Whether the conversation joins what the agent types (kept in storage). */
  readonly useConversation: ReadonlySignal<boolean>;
  /** Newer suggestions wait while the agent moves through the list: show the cue. */
  readonly held: ReadonlySignal<boolean>;
  setTyped(text: string): void;
  setUseConversation(on: boolean): void;
  move(delta: 1 | -1): void;
  open(sopId: string | null): void;
  /** Where the agent's focus is: the search box, the result list, or elsewhere. */
  setFocus(where: 'search' | 'list' | null): void;
  /** Shows the suggestions that were held back. */
  showHeld(): void;
  /**
   * Esc, one step back: clears the typed text; when there is none, closes the opened SOP;
   * else ends the keyboard navigation (showing held suggestions). False when there was
   * nothing to undo.
   */
  clear(): boolean;
  dispose(): void;
}

const SUGGESTION_LIMIT = 5;
const DEBOUNCE_MS = 150;
/** Replies shown under one suggestion. */
const REPLIES_SHOWN = 3;
/** Only the latest messages make the query (the engine weighs recent ones more). */
const CONVERSATION_LINES = 8;
/** Storage key of the "Use the conversation" choice: "0" off, anything else on. */
export const USE_CONVERSATION_KEY = 'chat-playbook:search:use-conversation';

/** The replies offered under a hit: the matching ones, else the SOP's first ones. */
export function shownReplies(hit: Suggestion): SopReply[] {
  const ranked = hit.replies.map((r) => r.reply);
  return (ranked.length > 0 ? ranked : hit.sop.replies).slice(0, REPLIES_SHOWN);
}

export function optionKey(sopId: string, replyId?: string): string {
  return replyId === undefined ? `sop\u0000${sopId}` : `reply\u0000${sopId}\u0000${replyId}`;
}

/** What ↑/↓ move through for these hits, in display order. */
function optionsOf(hits: Suggestion[]): SuggestionOption[] {
  return hits.flatMap((hit): SuggestionOption[] => {
    const sopId = hit.sop.id;
    return [
      { kind: 'sop', key: optionKey(sopId), sopId },
      ...shownReplies(hit).map((reply) => ({
        kind: 'reply' as const,
        key: optionKey(sopId, reply.id),
        sopId,
        reply,
      })),
    ];
  });
}

/** The options' keys in order: the same for two lists when showing one for the other moves nothing. */
const optionKeys = (hits: Suggestion[]) =>
  optionsOf(hits)
    .map((o) => o.key)
    .join('\n');

export function createSuggestions(deps: {
  source: ReadonlySignal<SuggestionSource | null>;
  chat: ReadonlySignal<ChatModel | undefined>;
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  onError: (message: string) => void;
  /** Where the "Use the conversation" choice is kept; memory only without it. */
  storage?: KeyValueStore;
}): SuggestionsModel {
  const { clock, storage } = deps;
  const typed = signal('');
  const hits = signal<Suggestion[]>([]);
  const held = signal<Suggestion[] | null>(null);
  const pending = signal(false);
  const activeKey = signal<string | null>(null);
  const opened = signal<string | null>(null);
  const useConversation = signal(storage?.get(USE_CONVERSATION_KEY) !== '0');
  const focus = signal<'search' | 'list' | null>(null);
  let timer: TimerId | null = null;
  let ticket = 0;
  let last = { source: null as SuggestionSource | null, signature: '' };
  /** What the agent asked for (typed text, conversation on or off) of the hits shown. */
  let shownAsk = '';

  const options = computed(() => optionsOf(hits.value));
  const active = computed(() => {
    const key = activeKey.value;
    return options.value.some((o) => o.key === key) ? key : null;
  });
  // Moving through the list: the cursor is in the search box, or focus is in the list.
  const navigating = computed(
    () => focus.value === 'list' || (focus.value === 'search' && active.value !== null),
  );

  function show(result: Suggestion[], ask: string): void {
    hits.value = result;
    held.value = null;
    shownAsk = ask;
  }

  // The agent's own change (typing, the toggle) shows at once; a new message's waits while
  // the agent navigates, unless it leaves the list as it is.
  const settle = (result: Suggestion[], ask: string) =>
    batch(() => {
      pending.value = false;
      const mayHold = ask === shownAsk && navigating.peek();
      if (mayHold && optionKeys(result) !== optionKeys(hits.peek())) held.value = result;
      else show(result, ask);
    });

  function cancel(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    // Answers to earlier searches are no longer wanted.
    ticket++;
  }

  function run(source: SuggestionSource, query: SuggestionQuery, ask: string): void {
    const mine = ticket;
    const current = () => mine === ticket;
    const failed = (err: unknown) => {
      if (!current()) return;
      pending.value = false;
      deps.onError(`search failed: ${(err as Error)?.message ?? String(err)}`);
    };
    try {
      const result = source.search(query, SUGGESTION_LIMIT);
      if (Array.isArray(result)) settle(result, ask);
      else result.then((answer) => current() && settle(answer, ask), failed);
    } catch (err) {
      failed(err);
    }
  }

  const stop = effect(() => {
    const source = deps.source.value;
    const text = typed.value.trim();
    // With nothing typed the conversation is the query, whatever the toggle says.
    const withConversation = !text || useConversation.value;
    const conversation = withConversation
      ? (deps.chat.value?.conversation.value ?? [])
          .slice(-CONVERSATION_LINES)
          .map(({ author, text }) => ({ author, text }))
      : [];
    // The widget serves live chat: SOPs for the chat channel rank first.
    const query: SuggestionQuery = text
      ? { conversation, channel: 'chat', text: typed.value, typing: true }
      : { conversation, channel: 'chat' };
    const ask = JSON.stringify([typed.value, withConversation]);
    // A tick or a note changes the chat but not the words: no new search for those.
    const signature = JSON.stringify(query);
    if (last.source === source && last.signature === signature) return;
    last = { source, signature };
    untracked(() => {
      cancel();
      if (!source || (!text && conversation.length === 0)) {
        settle([], ask);
        return;
      }
      pending.value = true;
      timer = clock.setTimeout(() => {
        timer = null;
        run(source, query, ask);
      }, DEBOUNCE_MS);
    });
  });

  function setTyped(text: string): void {
    batch(() => {
      typed.value = text;
      // The answer to what was typed replaces the list: what waited is stale.
      held.value = null;
    });
  }

  function showHeld(): void {
    const waiting = held.peek();
    if (waiting) show(waiting, shownAsk);
  }

  return {
    typed,
    hits,
    pending,
    options,
    activeKey: active,
    opened,
    useConversation,
    held: computed(() => held.value !== null),
    setTyped,
    setUseConversation(on) {
      useConversation.value = on;
      storage?.set(USE_CONVERSATION_KEY, on ? '1' : '0');
    },
    move(delta) {
      const list = options.peek();
      const index = list.findIndex((o) => o.key === activeKey.peek());
      const next = index === -1 ? (delta > 0 ? 0 : list.length - 1) : index + delta;
      activeKey.value = list[next]?.key ?? null;
    },
    open(sopId) {
      opened.value = sopId;
    },
    setFocus(where) {
      focus.value = where;
    },
    showHeld,
    clear() {
      const hadText = typed.peek() !== '';
      const undone = hadText || opened.peek() !== null || active.peek() !== null || held.peek();
      batch(() => {
        if (hadText) setTyped('');
        else {
          opened.value = null;
          showHeld();
        }
        activeKey.value = null;
      });
      return Boolean(undone);
    },
    dispose() {
      stop();
      cancel();
    },
  };
}
