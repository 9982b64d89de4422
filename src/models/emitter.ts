// The widget's events for the host: ready, error, reply, clock, open. A handler that throws is
// logged and never breaks the widget or the other handlers.

export type WidgetEventName = 'ready' | 'error' | 'reply' | 'clock' | 'open';

export interface ReplyPayload {
  chatId: string;
  sopId: string;
  replyId: string;
  text: string;
}

/** The agent picked a chat in the widget's list: the host opens it and answers with `focus`. */
export interface OpenPayload {
  chatId: string;
}

export interface ClockPayload {
  chatId: string;
  clock: 'firstResponse' | 'gap';
  state: 'ok' | 'warning' | 'breached' | 'met' | 'stopped';
}

export interface ErrorPayload {
  message: string;
  field?: string;
}

export interface ReadyPayload {
  library: 'none' | 'ready' | 'error';
}

// biome-ignore lint/suspicious/noExplicitAny: host handlers receive plain payloads
export type Handler = (payload: any) => void;

export interface Emitter {
  on(name: WidgetEventName, handler: Handler): () => void;
  /** Calls the handlers; false when there were none. */
  emit(name: WidgetEventName, payload: unknown): boolean;
  clear(): void;
}

export const EVENT_NAMES: readonly WidgetEventName[] = ['ready', 'error', 'reply', 'clock', 'open'];

export function createEmitter(warn: (message: string) => void): Emitter {
  // Each subscription is its own wrapper: the same function registered twice is two
  // subscriptions, removed one by one.
  let subscriptions: { name: WidgetEventName; handler: Handler }[] = [];
  return {
    on(name, handler) {
      const subscription = { name, handler };
      subscriptions.push(subscription);
      return () => {
        subscriptions = subscriptions.filter((s) => s !== subscription);
      };
    },
    emit(name, payload) {
      const current = subscriptions.filter((s) => s.name === name);
      for (const { handler } of current) {
        try {
          handler(payload);
        } catch (err) {
          warn(`a '${name}' handler threw: ${(err as Error)?.message ?? String(err)}`);
        }
      }
      return current.length > 0;
    },
    clear() {
      subscriptions = [];
    },
  };
}
