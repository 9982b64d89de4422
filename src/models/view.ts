// What the agent chose to see, remembered between page loads (storage adapter): whose chats
// the list shows ("mine": the agent's and the queue's, or the whole team's) and which parts
// are folded. And what follows from it: the chats in view, those that need the agent now
// (the header's count, so it always equals the alarms on screen), and the rest, folded.
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import type { KeyValueStore } from '../adapters/storage.ts';
import { isMine } from '../core/index.ts';
import type { ChatModel } from './chats.ts';
import { needsAttention } from './describe.ts';

export type Scope = 'mine' | 'team';
/** The parts that fold; `chats`: the list beyond the chats that need attention. */
export type FoldId = 'checklist' | 'notes' | 'history' | 'chats';

export interface ViewModel {
  readonly scope: ReadonlySignal<Scope>;
  setScope(scope: Scope): void;
  /** Folded parts; the checklist and notes open by default, history and the rest of the list folded. */
  readonly folded: ReadonlySignal<ReadonlySet<FoldId>>;
  toggle(id: FoldId): void;
  /** Chats in scope, most urgent first. */
  readonly shown: ReadonlySignal<ChatModel[]>;
  /** Chats in scope with a running clock in warning or breach. */
  readonly attention: ReadonlySignal<ChatModel[]>;
  /** Colleagues' chats the "mine" scope leaves out. */
  readonly othersHidden: ReadonlySignal<number>;
  /** Whether `chat` is the agent's (or the queue's). */
  mine(chat: ChatModel): boolean;
}

const KEY = 'chat-playbook:view';
const DEFAULT_FOLDED: FoldId[] = ['history', 'chats'];
const FOLDS: readonly FoldId[] = ['checklist', 'notes', 'history', 'chats'];

interface Saved {
  scope: Scope;
  folded: FoldId[];
}

/** What storage holds, if it is ours and well formed; anything else is the defaults. */
function readSaved(storage: KeyValueStore): Saved {
  const saved: Saved = { scope: 'mine', folded: DEFAULT_FOLDED };
  try {
    const value = JSON.parse(storage.get(KEY) ?? 'null') as Partial<Saved> | null;
    if (value?.scope === 'team') saved.scope = 'team';
    if (Array.isArray(value?.folded)) saved.folded = FOLDS.filter((f) => value.folded!.includes(f));
  } catch {
    // not JSON: the defaults
  }
  return saved;
}

export function createView(deps: {
  chats: ReadonlySignal<ChatModel[]>;
  agentId: string | undefined;
  storage: KeyValueStore;
}): ViewModel {
  const saved = readSaved(deps.storage);
  const scope = signal<Scope>(saved.scope);
  const folded = signal<ReadonlySet<FoldId>>(new Set(saved.folded));
  const save = () =>
    deps.storage.set(KEY, JSON.stringify({ scope: scope.peek(), folded: [...folded.peek()] }));
  const mine = (chat: ChatModel) => {
    const state = chat.state.value;
    return !state || isMine(state, deps.agentId);
  };
  const shown = computed(() =>
    scope.value === 'team' ? deps.chats.value : deps.chats.value.filter(mine),
  );
  return {
    scope,
    setScope(next) {
      scope.value = next;
      save();
    },
    folded,
    toggle(id) {
      const next = new Set(folded.peek());
      if (!next.delete(id)) next.add(id);
      folded.value = next;
      save();
    },
    shown,
    attention: computed(() =>
      shown.value.filter((chat) => {
        const reading = chat.reading.value;
        return reading !== null && needsAttention(reading);
      }),
    ),
    othersHidden: computed(() => deps.chats.value.length - shown.value.length),
    mine,
  };
}
