// The demo helpdesk's own state: conversations built from the same protocol events the
// widget gets, the selected conversation, drafts, and the SLA states the widget reports
// through its `clock` event. A tiny observable store; no framework.

export type ClockState = 'ok' | 'warning' | 'breached' | 'met' | 'stopped';

export interface Message {
  id: string;
  at: number;
  author: 'customer' | 'agent' | 'bot' | 'system';
  text: string;
  internal: boolean;
  agentId?: string;
}

export interface Conversation {
  chatId: string;
  customer: { name: string; tier?: string };
  channel?: string;
  caseRef: string;
  startedAt: number;
  messages: Message[];
  closedAt: number | null;
  unread: number;
  clocks: { firstResponse?: ClockState; gap?: ClockState };
  draft: string;
}

export interface DeskState {
  conversations: Conversation[];
  selected: string | null;
}

export interface Desk {
  get(): DeskState;
  subscribe(listener: () => void): () => void;
  apply(event: Record<string, unknown>): void;
  select(chatId: string): void;
  setDraft(chatId: string, text: string): void;
  setClock(chatId: string, clock: 'firstResponse' | 'gap', state: ClockState): void;
}

export const AGENT_NAMES: Record<string, string> = {
  'a-3': 'Sam',
  'a-5': 'Alex',
  'a-7': 'Jordan',
  'a-12': 'Chris',
  's-1': 'Riley',
};

export function createDesk(): Desk {
  let state: DeskState = { conversations: [], selected: null };
  const listeners = new Set<() => void>();
  const set = (next: DeskState) => {
    state = next;
    for (const listener of [...listeners]) listener();
  };
  const update = (chatId: string, change: (c: Conversation) => Conversation) => {
    set({
      ...state,
      conversations: state.conversations.map((c) => (c.chatId === chatId ? change(c) : c)),
    });
  };
  const find = (chatId: string) => state.conversations.find((c) => c.chatId === chatId);

  // The widget's clock events can come before the desk's own feed has shown the chat (two
  // connections): they wait here, and the chat starts with them.
  const early = new Map<string, Conversation['clocks']>();

  const ensure = (chatId: string, at: number): Conversation => {
    const existing = find(chatId);
    if (existing) return existing;
    const created: Conversation = {
      chatId,
      customer: { name: 'Visitor' },
      caseRef: chatId.toUpperCase(),
      startedAt: at,
      messages: [],
      closedAt: null,
      unread: 0,
      clocks: early.get(chatId) ?? {},
      draft: '',
    };
    early.delete(chatId);
    set({ ...state, conversations: [created, ...state.conversations] });
    return created;
  };

  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    apply(event) {
      const chatId = String(event.chatId);
      const at = typeof event.at === 'number' ? event.at : Date.parse(String(event.at));
      if (event.type === 'chat.started') {
        ensure(chatId, at);
        const customer = (event.customer ?? {}) as { name?: string; tier?: string };
        update(chatId, (c) => ({
          ...c,
          customer: { name: customer.name ?? c.customer.name, tier: customer.tier },
          channel: typeof event.channel === 'string' ? event.channel : c.channel,
          caseRef: typeof event.caseRef === 'string' ? event.caseRef : c.caseRef,
          startedAt: Math.min(c.startedAt, at),
        }));
      } else if (event.type === 'message') {
        ensure(chatId, at);
        const message: Message = {
          id: String(event.id),
          at,
          author: event.author as Message['author'],
          text: String(event.text ?? ''),
          internal: event.internal === true,
          ...(typeof event.agentId === 'string' ? { agentId: event.agentId } : {}),
        };
        update(chatId, (c) =>
          c.messages.some((m) => m.id === message.id)
            ? c
            : {
                ...c,
                messages: [...c.messages, message].sort((a, b) => a.at - b.at),
                unread:
                  state.selected !== chatId && message.author === 'customer'
                    ? c.unread + 1
                    : c.unread,
              },
        );
        // The newest activity goes to the top of the inbox.
        set({
          ...state,
          conversations: [find(chatId)!, ...state.conversations.filter((c) => c.chatId !== chatId)],
        });
      } else if (event.type === 'chat.closed') {
        if (find(chatId)) update(chatId, (c) => ({ ...c, closedAt: c.closedAt ?? at }));
      }
      if (state.selected === null && find(chatId)) set({ ...state, selected: chatId });
    },
    select(chatId) {
      if (!find(chatId)) return;
      set({ ...state, selected: chatId });
      update(chatId, (c) => ({ ...c, unread: 0 }));
    },
    setDraft(chatId, text) {
      update(chatId, (c) => ({ ...c, draft: text }));
    },
    setClock(chatId, clock, clockState) {
      if (find(chatId)) {
        update(chatId, (c) => ({ ...c, clocks: { ...c.clocks, [clock]: clockState } }));
      } else if (early.size < 1000) {
        early.set(chatId, { ...early.get(chatId), [clock]: clockState });
      }
    },
  };
}

/** The state that needs the agent's attention most, for the inbox badge. */
export function attention(c: Conversation): 'breached' | 'warning' | null {
  const states = [c.clocks.firstResponse, c.clocks.gap];
  if (states.includes('breached') && c.closedAt === null) return 'breached';
  if (states.includes('warning')) return 'warning';
  return null;
}
