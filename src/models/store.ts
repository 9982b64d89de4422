// Wires the models together: one place that knows which model feeds which. The UI gets the
// Store; the app shell (src/app.ts) gets the Store plus the host-facing commands.
import {
  computed,
  effect,
  type ReadonlySignal,
  type Signal,
  signal,
  untracked,
} from '@preact/signals';
import type { WidgetAdapters } from '../adapters/index.ts';
import type { Transport, TransportStatus } from '../adapters/transport.ts';
import type { SopReply } from '../search/types.ts';
import { type AttentionModel, createAttention } from './attention.ts';
import { type ChatModel, type ChatsModel, createChats } from './chats.ts';
import { BUILTIN_SOP_ID, type CommandsModel, createCommands } from './commands.ts';
import { type ConfigModel, createConfigModel } from './config.ts';
import type { ClockPayload, OpenPayload, ReplyPayload } from './emitter.ts';
import { createLibraryModel, type LibraryModel } from './library.ts';
import type { WidgetOptions } from './options.ts';
import { createPicks, picksKey } from './picks.ts';
import { createRole, type RoleModel } from './role.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { createSuggestions, type SuggestionsModel } from './suggestions.ts';
import { createView, type ViewModel } from './view.ts';

export interface OfferedReply {
  sopId: string;
  reply: SopReply;
}

export interface Store {
  readonly options: WidgetOptions;
  /** `now` to the hour: for dates (review status) without a redraw every second. */
  readonly hour: ReadonlySignal<number>;
  readonly scheduler: Scheduler;
  readonly config: ConfigModel;
  readonly chats: ChatsModel;
  readonly library: LibraryModel;
  readonly suggestions: SuggestionsModel;
  readonly commands: CommandsModel;
  readonly attention: AttentionModel;
  /** Who the server says the user is: the supervisor's views are offered on its word. */
  readonly role: RoleModel;
  /** Whose chats are listed and what is folded. */
  readonly view: ViewModel;
  /** Set by the app shell from the transport. */
  readonly transportStatus: Signal<TransportStatus>;
  /** The chat on screen: the host's choice, else the first chat that arrived. */
  readonly focusedId: ReadonlySignal<string | null>;
  readonly focused: ReadonlySignal<ChatModel | undefined>;
  /** The reply offered when the customer has been waiting too long. */
  readonly expectationsReply: ReadonlySignal<OfferedReply>;
  /** The reply the "greet" prompt offers: the library's greeting, else a built-in one. */
  readonly greetingReply: ReadonlySignal<OfferedReply>;
  focus(chatId: string): void;
  /**
   * The agent picked a chat in the list: the host is asked to open it (`open`) and answers
   * with `focus`, so the sidebar and the helpdesk never show different chats; without a host
   * handler the widget shows it itself.
   */
  openChat(chatId: string): void;
  /** Fills in a reply for the chat on screen. */
  chooseReply(sopId: string, reply: SopReply): void;
  dispose(): void;
}

export interface StoreDeps {
  options: WidgetOptions;
  adapters: WidgetAdapters;
  transport: Transport;
  onClock: (payload: ClockPayload) => void;
  emitReply: (payload: ReplyPayload) => boolean;
  /** Fires the host's 'open' handlers; false when there are none. */
  emitOpen?: (payload: OpenPayload) => boolean;
  onError: (message: string) => void;
}

const BUILTIN_EXPECTATIONS: SopReply = {
  id: 'set-expectations',
  title: 'Set expectations',
  text: "Thanks for bearing with me, {customer.firstName}. I'm still on it and will have an update for you within {timeframe}.",
};

const BUILTIN_GREETING: SopReply = {
  id: 'greeting',
  title: 'Greeting',
  text: "Hi {customer.firstName}, thanks for getting in touch! I'm {agent.name} and I'll be looking after you today.",
};

export function createStore(deps: StoreDeps): Store {
  const { options, adapters, transport, onError } = deps;
  const config = createConfigModel(options.config);
  const scheduler = createScheduler(adapters.clock, () => transport.now());
  const requestedFocus = signal<string | null>(null);

  const chats = createChats({
    config: config.config,
    now: scheduler.now,
    focusedId: () => focusedId.peek(),
  });
  const focusedId = computed(() => requestedFocus.value ?? chats.list.value[0]?.id ?? null);
  const focused = computed(() => chats.list.value.find((c) => c.id === focusedId.value));
  scheduler.watch(chats.ordered);
  // Whatever is on screen is read, including a chat focused by default.
  const stopFocusRead = effect(() => {
    const id = focusedId.value;
    if (id !== null) chats.markRead(id);
  });

  // Each new pick (this agent's, or a teammate's pushed by the server) is taught once to the
  // search of the moment; a new search is taught all kept picks by the library model.
  const picks = createPicks(adapters.storage, picksKey(options.transport), (p) =>
    library.source.peek()?.learn(p.text, p.sopId),
  );
  const library = createLibraryModel({ ...adapters, picks });
  const stopPicks = transport.onPicks?.((shared) => picks.add(shared));
  const suggestions = createSuggestions({
    source: library.source,
    chat: focused,
    clock: adapters.clock,
    onError,
    storage: adapters.storage,
  });
  const commands = createCommands({
    transport,
    agent: options.agent,
    chats,
    picks,
    clipboard: adapters.clipboard,
    emitReply: deps.emitReply,
    onError,
  });
  // The team report's SOP usage (issue 15): each new suggestion list and each SOP opened in
  // full, for the focused chat (read untracked: a focus change alone records nothing).
  let suggestedKey = '';
  const stopSuggested = effect(() => {
    const sopIds = suggestions.hits.value.map((hit) => hit.sop.id);
    const chatId = focusedId.peek();
    const key = `${chatId} ${sopIds}`;
    if (chatId === null || sopIds.length === 0 || key === suggestedKey) return;
    suggestedKey = key;
    untracked(() => commands.record({ type: 'playbook.suggested', chatId, sopIds }));
  });
  const stopOpened = effect(() => {
    const sopId = suggestions.opened.value;
    const chatId = focusedId.peek();
    if (sopId && chatId)
      untracked(() => commands.record({ type: 'playbook.opened', chatId, sopId }));
  });
  const view = createView({
    chats: chats.ordered,
    agentId: options.agent.id,
    storage: adapters.storage,
  });
  const attention = createAttention({
    chats: chats.list,
    attention: view.attention,
    notifier: adapters.notifier,
    onClock: deps.onClock,
  });

  const store: Store = {
    options,
    hour: computed(() => Math.floor(scheduler.now.value / 3_600_000) * 3_600_000),
    scheduler,
    config,
    chats,
    library,
    suggestions,
    commands,
    attention,
    view,
    role: createRole(transport, options.role),
    transportStatus: signal<TransportStatus>('connecting'),
    focusedId,
    focused,
    expectationsReply: computed(
      () =>
        library.summary.value?.expectations ?? {
          sopId: BUILTIN_SOP_ID,
          reply: BUILTIN_EXPECTATIONS,
        },
    ),
    greetingReply: computed(
      () => library.summary.value?.greeting ?? { sopId: BUILTIN_SOP_ID, reply: BUILTIN_GREETING },
    ),
    focus(chatId) {
      requestedFocus.value = chatId;
      chats.markRead(chatId);
    },
    openChat(chatId) {
      if (!deps.emitOpen?.({ chatId })) store.focus(chatId);
    },
    chooseReply(sopId, reply) {
      const chat = focused.peek();
      if (chat) commands.chooseReply(chat.id, sopId, reply);
      else commands.inform('error', 'Open a chat first: replies are filled in for a chat.');
    },
    dispose() {
      stopPicks?.();
      stopFocusRead();
      stopSuggested();
      stopOpened();
      attention.dispose();
      suggestions.dispose();
      library.dispose();
      scheduler.dispose();
      chats.dispose();
    },
  };
  return store;
}
