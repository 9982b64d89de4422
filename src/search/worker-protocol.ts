// Messages between the widget and a search worker (worker.ts), and the worker's handler,
// kept free of `self` so tests can run it with a fake worker.
import {
  createSearch,
  type LearnedExample,
  loadSerialized,
  type PlaybookSearch,
  type SearchOptions,
  type SerializedIndex,
} from './engine.ts';
import { loadLibraryFile } from './file.ts';
import { type MarkedHit, withMarks } from './highlight.ts';
import type { SearchQuery } from './query.ts';
import { type LibrarySummary, summarizeLibrary } from './summary.ts';
import type { SopLibrary } from './types.ts';

/**
 * What the worker loads: a validated library (indexed in the worker), a prebuilt index
 * object (loaded as is), or a fetched file, library or prebuilt index, as bytes or text
 * (parsed, validated and loaded in the worker: the page never parses it).
 */
export type WorkerSource =
  | { library: SopLibrary }
  | { index: SerializedIndex }
  | { file: ArrayBuffer | string };

export type WorkerRequest =
  | {
      type: 'init';
      source: WorkerSource;
      options?: SearchOptions;
      learned?: LearnedExample[];
    }
  /** Answered with `pong` as soon as the worker runs: the page knows it may hand it a file. */
  | { type: 'ping' }
  | { type: 'search'; id: number; query: SearchQuery; limit: number }
  | { type: 'learn'; text: string; sopId: string }
  | { type: 'importLearned'; examples: LearnedExample[] }
  | { type: 'exportLearned'; id: number };

export type WorkerResponse =
  | { type: 'pong' }
  /** Loaded: what the page needs of the library (the library itself stays here). */
  | { type: 'ready'; sops: number; summary: LibrarySummary }
  | { type: 'hits'; id: number; hits: MarkedHit[] }
  | { type: 'learned'; id: number; examples: LearnedExample[] }
  /** `id` names the failed request; none for init. */
  | { type: 'error'; id?: number; message: string };

/** The worker side: one engine, one response per search or export, errors as messages. */
export function createWorkerHandler(post: (message: WorkerResponse) => void) {
  let engine: PlaybookSearch | null = null;
  const ready = (): PlaybookSearch => {
    if (!engine) throw new Error('search worker: not initialised');
    return engine;
  };
  return (message: WorkerRequest): void => {
    try {
      switch (message.type) {
        case 'ping':
          post({ type: 'pong' });
          break;
        case 'init': {
          const { source, options } = message;
          engine =
            'file' in source
              ? loadLibraryFile(source.file, options)
              : 'index' in source
                ? loadSerialized(source.index, options)
                : createSearch(source.library, options);
          if (message.learned) engine.importLearned(message.learned);
          post({
            type: 'ready',
            sops: engine.library.sops.length,
            summary: summarizeLibrary(engine.library),
          });
          break;
        }
        case 'search':
          post({
            type: 'hits',
            id: message.id,
            hits: ready().search(message.query, message.limit).map(withMarks),
          });
          break;
        case 'learn':
          ready().learn(message.text, message.sopId);
          break;
        case 'importLearned':
          ready().importLearned(message.examples);
          break;
        case 'exportLearned':
          post({ type: 'learned', id: message.id, examples: ready().exportLearned() });
          break;
      }
    } catch (err) {
      const id = 'id' in message ? message.id : undefined;
      post({ type: 'error', id, message: (err as Error).message ?? String(err) });
    }
  };
}
