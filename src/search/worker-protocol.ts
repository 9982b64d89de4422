// Messages between the widget and a search worker (worker.ts), and the worker's handler,
// kept free of `self` so tests can run it with a fake worker.
import type { LearnedExample, PlaybookSearch, SearchOptions } from './engine.ts';
import { loadLibraryData, loadLibraryFile } from './file.ts';
import { type MarkedHit, withMarks } from './highlight.ts';
import type { SearchQuery } from './query.ts';
import { type LibrarySummary, summarizeLibrary } from './summary.ts';
import type { SopLibrary } from './types.ts';

/**
 * What the worker loads, a library or a prebuilt index, validated and loaded there (the page
 * holds no validator): as an object (`data`, loadLibraryData; the ready answer carries the
 * validated library back, which the page then holds), or as a fetched file, bytes or text
 * (loadLibraryFile: the page never parses it, and the library stays in the worker).
 */
export type WorkerSource = { data: unknown } | { file: ArrayBuffer | string };

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
  /** Loaded: what the page needs of the library; the library itself for a `data` source. */
  | { type: 'ready'; sops: number; summary: LibrarySummary; library: SopLibrary | null }
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
              : loadLibraryData(source.data, options);
          if (message.learned) engine.importLearned(message.learned);
          post({
            type: 'ready',
            sops: engine.library.sops.length,
            summary: summarizeLibrary(engine.library),
            library: 'file' in source ? null : engine.library,
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
