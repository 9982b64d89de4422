// The widget's side of a search worker. Latest query wins: at most one search is in the
// worker at a time and at most one waits behind it; a newer search replaces the waiting one,
// whose promise resolves to null at once, so a keystroke waits for at most the one search
// already running. A search whose answer arrives after a newer search was asked also
// resolves to null. dispose() terminates the worker and settles everything pending.
import type { LearnedExample, SearchOptions } from './engine.ts';
import type { MarkedHit } from './highlight.ts';
import type { SearchQuery } from './query.ts';
import type { LibrarySummary } from './summary.ts';
import type { SopLibrary } from './types.ts';
import type { WorkerRequest, WorkerResponse, WorkerSource } from './worker-protocol.ts';

/** What the client needs of a Worker (a real one, or a fake in tests). */
export interface WorkerLike {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  terminate(): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerResponse>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  removeEventListener(
    type: 'message',
    listener: (event: MessageEvent<WorkerResponse>) => void,
  ): void;
  removeEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
}

/**
 * The worker answered that it cannot load the library (invalid, corrupt or not one): the
 * data is at fault, not the worker, so loading it in the page would fail the same way.
 */
export class WorkerLoadError extends Error {
  override name = 'WorkerLoadError';
}

/** What the page gets of a library the worker loaded. */
export interface WorkerLoaded {
  summary: LibrarySummary;
  /** The validated library for a `data` source; null for a file, whose library stays there. */
  library: SopLibrary | null;
}

export interface WorkerSearch {
  /**
   * Resolves, with what the page needs of the library, when the worker has validated and
   * indexed or loaded it; rejects if it cannot (a WorkerLoadError when the data is at fault).
   */
  readonly ready: Promise<WorkerLoaded>;
  /** The hits, or null when a newer search made this one stale (or after dispose). */
  search(query: SearchQuery, limit?: number): Promise<MarkedHit[] | null>;
  learn(text: string, sopId: string): void;
  importLearned(examples: readonly LearnedExample[]): void;
  exportLearned(): Promise<LearnedExample[]>;
  dispose(): void;
}

/**
 * From this many SOPs a search can cost a frame on a slow laptop (bench/search.mjs), so the
 * widget should search in a worker; below it, in-process search is simpler and as fast.
 */
export const WORKER_THRESHOLD_SOPS = 2000;

export function shouldUseWorker(library: SopLibrary): boolean {
  return library.sops.length >= WORKER_THRESHOLD_SOPS;
}

interface PendingSearch {
  id: number;
  query: SearchQuery;
  limit: number;
  resolve(hits: MarkedHit[] | null): void;
  reject(err: Error): void;
}

/**
 * Starts the search in `worker`. A `file` source (an ArrayBuffer) is transferred, not copied:
 * the caller's buffer is empty afterwards.
 */
export function createWorkerSearch(
  worker: WorkerLike,
  init: WorkerSource,
  options?: { search?: SearchOptions; learned?: LearnedExample[] },
): WorkerSearch {
  let nextId = 1;
  let disposed = false;
  let running: PendingSearch | null = null;
  let waiting: PendingSearch | null = null;
  /** The id of the newest search asked; older answers are stale. */
  let newest = 0;
  const exports = new Map<
    number,
    { resolve(e: LearnedExample[]): void; reject(err: Error): void }
  >();

  let settleReady!: { resolve(loaded: WorkerLoaded): void; reject(err: Error): void };
  let isReady = false;
  const ready = new Promise<WorkerLoaded>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  // A caller that never awaits `ready` still sees failures through search().
  ready.catch(() => {});

  const send = (message: WorkerRequest) => {
    if (!disposed) worker.postMessage(message);
  };

  const start = (next: PendingSearch) => {
    running = next;
    send({ type: 'search', id: next.id, query: next.query, limit: next.limit });
  };

  const finish = () => {
    running = null;
    if (waiting) {
      const next = waiting;
      waiting = null;
      start(next);
    }
  };

  const fail = (err: Error) => {
    if (!isReady) settleReady.reject(err);
    for (const p of [running, waiting]) p?.reject(err);
    running = null;
    waiting = null;
    for (const e of exports.values()) e.reject(err);
    exports.clear();
  };

  const onMessage = (event: MessageEvent<WorkerResponse>) => {
    const message = event.data;
    switch (message.type) {
      case 'ready':
        isReady = true;
        settleReady.resolve({ summary: message.summary, library: message.library });
        break;
      case 'hits':
        if (running?.id === message.id) {
          running.resolve(message.id === newest ? message.hits : null);
          finish();
        }
        break;
      case 'learned':
        exports.get(message.id)?.resolve(message.examples);
        exports.delete(message.id);
        break;
      case 'error': {
        if (message.id === undefined) {
          fail(new WorkerLoadError(message.message));
          break;
        }
        const err = new Error(message.message);
        if (running?.id === message.id) {
          running.reject(err);
          finish();
        } else {
          exports.get(message.id)?.reject(err);
          exports.delete(message.id);
        }
        break;
      }
    }
  };
  const onError = (event: ErrorEvent) => {
    fail(new Error(`search worker failed: ${event?.message || 'unknown error'}`));
  };
  worker.addEventListener('message', onMessage);
  worker.addEventListener('error', onError);

  const transfer = 'file' in init && typeof init.file !== 'string' ? [init.file] : [];
  if (!disposed) {
    worker.postMessage(
      { type: 'init', source: init, options: options?.search, learned: options?.learned },
      transfer,
    );
  }

  return {
    ready,
    search(query, limit = 5) {
      if (disposed) return Promise.resolve(null);
      return new Promise<MarkedHit[] | null>((resolve, reject) => {
        const request: PendingSearch = { id: nextId++, query, limit, resolve, reject };
        newest = request.id;
        waiting?.resolve(null);
        waiting = null;
        if (running) waiting = request;
        else start(request);
      });
    },
    learn(text, sopId) {
      send({ type: 'learn', text, sopId });
    },
    importLearned(examples) {
      send({ type: 'importLearned', examples: [...examples] });
    },
    exportLearned() {
      if (disposed) return Promise.reject(new Error('search worker disposed'));
      return new Promise<LearnedExample[]>((resolve, reject) => {
        const id = nextId++;
        exports.set(id, { resolve, reject });
        send({ type: 'exportLearned', id });
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      worker.terminate();
      for (const p of [running, waiting]) p?.resolve(null);
      running = null;
      waiting = null;
      for (const e of exports.values()) e.reject(new Error('search worker disposed'));
      exports.clear();
      if (!isReady) settleReady.reject(new Error('search worker disposed'));
    },
  };
}
