// Time and visibility as one small adapter, so the scheduler can be driven by fakes in tests
// and nothing else in the widget touches timers or `document.hidden` directly.

export type TimerId = unknown;

export interface Clock {
  /** Local wall-clock time, epoch ms (the transport corrects it to server time). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId): void;
  /** True while the page is in a background tab or minimised. */
  isHidden(): boolean;
  /** Calls `listener` on every visibility change; returns the unsubscribe function. */
  onVisibilityChange(listener: () => void): () => void;
}

/** The browser's clock. Timers go through globalThis at call time (so fake timers apply). */
export function browserClock(doc: Document | undefined = globalThis.document): Clock {
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
    isHidden: () => doc?.hidden === true,
    onVisibilityChange(listener) {
      if (!doc) return () => {};
      doc.addEventListener('visibilitychange', listener);
      return () => doc.removeEventListener('visibilitychange', listener);
    },
  };
}
