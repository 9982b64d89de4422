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
import { type MarkedHit, withMarks } from './highlight.ts';
import type { SearchQuery } from './query.ts';
import type { SopLibrary } from './types.ts';

export type WorkerRequest =
  | {
      type: 'init';
      /** A validated library (indexed in the worker) or a prebuilt index (loaded as is). */
      source: { library: SopLibrary } | { index: SerializedIndex };
      options?: SearchOptions;
      learned?: LearnedExample[];
    }
  | { type: 'search'; id: number; query: SearchQuery; limit: number }
  | { type: 'learn'; text: string; sopId: string }
  | { type: 'importLearned'; examples: LearnedExample[] }
  | { type: 'exportLearned'; id: number };

export type WorkerResponse =
  | { type: 'ready'; sops: number }
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
        case 'init': {
          const { source, options } = message;
          engine =
            'index' in source
              ? loadSerialized(source.index, options)
              : createSearch(source.library, options);
          if (message.learned) engine.importLearned(message.learned);
          post({ type: 'ready', sops: engine.library.sops.length });
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
