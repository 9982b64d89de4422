// Suggestions for the focused chat: one query from the conversation plus what the agent
// types, debounced, latest result wins (a slow answer to an old query never overwrites a
// newer one). Also the keyboard cursor over the results and the SOP opened in full.
import { batch, computed, effect, type ReadonlySignal, signal, untracked } from '@preact/signals';
import type { Clock, TimerId } from '../adapters/clock.ts';
import type { Suggestion, SuggestionQuery, SuggestionSource } from '../adapters/search.ts';

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
  setTyped(text: string): void;
  move(delta: 1 | -1): void;
  open(sopId: string | null): void;
  /** Esc: clears the typed text; when there is none, closes the opened SOP. */
  clear(): void;
  dispose(): void;
}

const SUGGESTION_LIMIT = 5;
const DEBOUNCE_MS = 150;
/** Replies shown under one suggestion. */
const REPLIES_SHOWN = 3;
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
}): SuggestionsModel {
  const { clock } = deps;
  const typed = signal('');
  const hits = signal<Suggestion[]>([]);
  const pending = signal(false);
  const activeKey = signal<string | null>(null);
  const opened = signal<string | null>(null);
  let timer: TimerId | null = null;
  let ticket = 0;
  let last = { source: null as SuggestionSource | null, signature: '' };

  const settle = (result: Suggestion[]) =>
    batch(() => {
      hits.value = result;
      pending.value = false;
    });

  function cancel(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    // Answers to earlier searches are no longer wanted.
    ticket++;
  }

  function run(source: SuggestionSource, query: SuggestionQuery): void {
    const mine = ticket;
    const current = () => mine === ticket;
    const failed = (err: unknown) => {
      if (!current()) return;
      pending.value = false;
      deps.onError(`search failed: ${(err as Error)?.message ?? String(err)}`);
    };
    try {
      const result = source.search(query, SUGGESTION_LIMIT);
      if (Array.isArray(result)) settle(result);
      else result.then((answer) => current() && settle(answer), failed);
    } catch (err) {
      failed(err);
    }
  }

  const stop = effect(() => {
    const source = deps.source.value;
    const text = typed.value.trim();
    const conversation = (deps.chat.value?.conversation.value ?? [])
      .slice(-CONVERSATION_LINES)
      .map(({ author, text }) => ({ author, text }));
    // The widget serves live chat: SOPs for the chat channel rank first.
    const query: SuggestionQuery = text
      ? { conversation, channel: 'chat', text: typed.value, typing: true }
      : { conversation, channel: 'chat' };
    // A tick or a note changes the chat but not the words: no new search for those.
    const signature = JSON.stringify(query);
    if (last.source === source && last.signature === signature) return;
    last = { source, signature };
    untracked(() => {
      cancel();
      if (!source || (!text && conversation.length === 0)) {
        settle([]);
        return;
      }
      pending.value = true;
      timer = clock.setTimeout(() => {
        timer = null;
        run(source, query);
      }, DEBOUNCE_MS);
    });
  });

  const options = computed(() =>
    hits.value.flatMap((hit): SuggestionOption[] => {
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
    }),
  );

  return {
    typed,
    hits,
    pending,
    options,
    activeKey: computed(() => {
      const key = activeKey.value;
      return options.value.some((o) => o.key === key) ? key : null;
    }),
    opened,
    setTyped(text) {
      typed.value = text;
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
    clear() {
      if (typed.peek() !== '') typed.value = '';
      else opened.value = null;
      activeKey.value = null;
    },
    dispose() {
      stop();
      cancel();
    },
  };
}
