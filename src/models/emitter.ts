// The widget's events for the host: ready, error, reply, clock. A handler that throws is
// logged and never breaks the widget or the other handlers.

export type WidgetEventName = 'ready' | 'error' | 'reply' | 'clock';

export interface ReplyPayload {
  chatId: string;
  sopId: string;
  replyId: string;
  text: string;
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
  on(name: string, handler: Handler): () => void;
  /** Calls the handlers; false when there were none. */
  emit(name: WidgetEventName, payload: unknown): boolean;
  has(name: WidgetEventName): boolean;
  clear(): void;
}

export const EVENT_NAMES: readonly WidgetEventName[] = ['ready', 'error', 'reply', 'clock'];

export function createEmitter(warn: (message: string) => void): Emitter {
  const handlers = new Map<string, Set<Handler>>();
  return {
    on(name, handler) {
      let set = handlers.get(name);
      if (!set) {
        set = new Set();
        handlers.set(name, set);
      }
      // Wrap so the same function registered twice is two subscriptions, removed one by one.
      const entry: Handler = (payload) => handler(payload);
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    emit(name, payload) {
      const set = handlers.get(name);
      if (!set || set.size === 0) return false;
      for (const handler of [...set]) {
        try {
          handler(payload);
        } catch (err) {
          warn(`a '${name}' handler threw: ${(err as Error)?.message ?? String(err)}`);
        }
      }
      return true;
    },
    has: (name) => (handlers.get(name)?.size ?? 0) > 0,
    clear: () => handlers.clear(),
  };
}
