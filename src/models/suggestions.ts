// Suggestions for the focused chat: one query from the conversation plus what the agent
// types, debounced, latest result wins (a slow answer to an old query never overwrites a
// newer one). Also the keyboard cursor over the results and the SOP opened in full.
import { batch, computed, effect, type ReadonlySignal, signal, untracked } from '@preact/signals';
import type { Clock, TimerId } from '../adapters/clock.ts';
import type { Suggestion, SuggestionQuery, SuggestionSource } from '../adapters/search.ts';
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
  setTyped(text: string): void;
  move(delta: 1 | -1): void;
  setActive(key: string | null): void;
  open(sopId: string | null): void;
  /** Esc: clears the typed text; when there is none, closes the opened SOP. */
  clear(): void;
  dispose(): void;
}

export const SUGGESTION_LIMIT = 5;
export const DEBOUNCE_MS = 150;
/** Replies shown under one suggestion. */
export const REPLIES_SHOWN = 3;
/** Only the latest messages make the query (the engine weighs recent ones more). */
const CONVERSATION_LINES = 8;

/** The replies offered under a hit: the matching ones, else the SOP's first ones. */
export function shownReplies(hit: Suggestion): SopReply[] {
  const ranked = hit.replies.map((r) => r.reply);
  return (ranked.length > 0 ? ranked : hit.sop.replies).slice(0, REPLIES_SHOWN);
}

export function optionKey(sopId: string, replyId?: string): string {
  return replyId === undefined ? `sop\u0000${sopId}` : `reply\u0000${sopId}\u0000${replyId}`;
}

export function createSuggestions(deps: {
  source: ReadonlySignal<SuggestionSource | null>;
  chat: ReadonlySignal<ChatModel | undefined>;
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  onError: (message: string) => void;
  debounceMs?: number;
  limit?: number;
}): SuggestionsModel {
  const debounceMs = deps.debounceMs ?? DEBOUNCE_MS;
  const limit = deps.limit ?? SUGGESTION_LIMIT;
  const typed = signal('');
  const hits = signal<Suggestion[]>([]);
  const pending = signal(false);
  const activeKey = signal<string | null>(null);
  const opened = signal<string | null>(null);
  let timer: TimerId | null = null;
  let ticket = 0;
  let disposed = false;
  let last: { source: SuggestionSource | null; signature: string } | null = null;

  const request = computed(() => {
    const source = deps.source.value;
    const chat = deps.chat.value;
    const text = typed.value.trim();
    const conversation = (chat?.conversation.value ?? [])
      .slice(-CONVERSATION_LINES)
      .map(({ author, text }) => ({ author, text }));
    // The widget serves live chat: SOPs for the chat channel rank first.
    const query: SuggestionQuery = { conversation, channel: 'chat' };
    if (text !== '') {
      query.text = typed.value;
      query.typing = true;
    }
    return { source, query, empty: text === '' && conversation.length === 0 };
  });

  function cancel(): void {
    if (timer !== null) deps.clock.clearTimeout(timer);
    timer = null;
  }

  function run(source: SuggestionSource, query: SuggestionQuery): void {
    const mine = ++ticket;
    const done = (result: Suggestion[]) => {
      if (disposed || mine !== ticket) return;
      batch(() => {
        hits.value = result;
        pending.value = false;
      });
    };
    const failed = (err: unknown) => {
      if (disposed || mine !== ticket) return;
      pending.value = false;
      deps.onError(`search failed: ${(err as Error)?.message ?? String(err)}`);
    };
    try {
      const result = source.search(query, limit);
      if (Array.isArray(result)) done(result);
      else Promise.resolve(result).then(done, failed);
    } catch (err) {
      failed(err);
    }
  }

  const stop = effect(() => {
    const { source, query, empty } = request.value;
    // A tick or a note changes the chat but not the words: no new search for those.
    const signature = JSON.stringify(query);
    if (last && last.source === source && last.signature === signature) return;
    last = { source, signature };
    untracked(() => {
      cancel();
      ticket++;
      if (!source || empty) {
        batch(() => {
          hits.value = [];
          pending.value = false;
        });
        return;
      }
      pending.value = true;
      timer = deps.clock.setTimeout(() => {
        timer = null;
        run(source, query);
      }, debounceMs);
    });
  });

  const options = computed(() => {
    const list: SuggestionOption[] = [];
    for (const hit of hits.value) {
      list.push({ kind: 'sop', key: optionKey(hit.sop.id), sopId: hit.sop.id });
      for (const reply of shownReplies(hit)) {
        list.push({
          kind: 'reply',
          key: optionKey(hit.sop.id, reply.id),
          sopId: hit.sop.id,
          reply,
        });
      }
    }
    return list;
  });

  return {
    typed,
    hits,
    pending,
    options,
    activeKey: computed(() => {
      const key = activeKey.value;
      return key !== null && options.value.some((o) => o.key === key) ? key : null;
    }),
    opened,
    setTyped(text) {
      typed.value = text;
    },
    move(delta) {
      const list = options.peek();
      if (list.length === 0) return;
      const index = list.findIndex((o) => o.key === activeKey.peek());
      const next = index === -1 ? (delta > 0 ? 0 : list.length - 1) : index + delta;
      activeKey.value = next < 0 || next >= list.length ? null : list[next]!.key;
    },
    setActive(key) {
      activeKey.value = key;
    },
    open(sopId) {
      opened.value = sopId;
    },
    clear() {
      if (typed.peek() !== '') typed.value = '';
      else opened.value = null;
      activeKey.value = null;
    },
    dispose() {
      disposed = true;
      stop();
      cancel();
    },
  };
}
