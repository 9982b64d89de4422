// The search engine from its chunk (chunks.ts). It runs in a Worker made from the same file
// when the page allows one (same origin; `worker-src` falls back to `script-src 'self'`), so
// indexing a big library never blocks the page; otherwise the chunk loads into the page.
// Either way the widget sees a SuggestionSource whose searches resolve later. A library
// fetched by URL goes to the worker as bytes (lazyFileSearch): the page never parses it.
import type { SerializedIndex } from '../search/engine.ts';
import type { SopLibrary } from '../search/types.ts';
import { createWorkerSearch, WorkerLoadError } from '../search/worker-client.ts';
import type { WorkerResponse } from '../search/worker-protocol.ts';
import { loadChunk, SEARCH_KEY, trustedScriptUrl } from './chunks.ts';
import { type FileSourceFactory, SearchElsewhere } from './file-source.ts';
import type { SourceFactory, Suggestion, SuggestionQuery, SuggestionSource } from './search.ts';

/** What the chunk registers when loaded into the page (src/search-entry.ts). */
export interface SearchChunk {
  createSource: SourceFactory;
}

interface Backend {
  search(query: SuggestionQuery, limit: number): Promise<Suggestion[] | null> | Suggestion[];
  learn(text: string, sopId: string): void;
  dispose?(): void;
}

const WORKER_NAME = 'chat-playbook-search';

const canUseWorker = (url: string, doc: Document) =>
  typeof Worker !== 'undefined' && new URL(url, doc.baseURI).origin === doc.location?.origin;

/** Resolves once the worker runs (it answers a ping), rejects if it cannot start. */
function started(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
    };
    const onMessage = (event: MessageEvent<WorkerResponse>) => {
      if (event.data?.type !== 'pong') return;
      done();
      resolve();
    };
    const onError = (event: ErrorEvent) => {
      done();
      reject(new Error(event?.message || 'the search worker did not start'));
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    worker.postMessage({ type: 'ping' });
  });
}

/**
 * The fetched library file goes to the search Worker as bytes (transferred, not copied): it
 * is parsed, validated and indexed there, and the page gets only a source and the summary.
 * Where no worker can start, rejects with SearchElsewhere and the file stays with the caller.
 */
export function lazyFileSearch(url: string, doc: Document): FileSourceFactory {
  return async (file) => {
    let worker: Worker | undefined;
    try {
      if (!canUseWorker(url, doc)) throw new Error('not allowed here');
      worker = new Worker(trustedScriptUrl(url), { name: WORKER_NAME });
      await started(worker);
    } catch (err) {
      worker?.terminate();
      throw new SearchElsewhere(`search worker unavailable (${(err as Error).message})`);
    }
    // From here the file is the worker's.
    const search = createWorkerSearch(worker, { file });
    let summary: Awaited<typeof search.ready>;
    try {
      summary = await search.ready;
    } catch (err) {
      search.dispose();
      throw err instanceof WorkerLoadError ? err : new Error((err as Error).message);
    }
    const source: SuggestionSource = {
      async search(query, limit) {
        return (await search.search(query, limit)) ?? [];
      },
      learn: (text, sopId) => search.learn(text, sopId),
      dispose: () => search.dispose(),
    };
    return { source, summary };
  };
}

export function lazySearch(
  url: string,
  doc: Document,
  warn: (message: string) => void,
): SourceFactory {
  const inPage = (library: SopLibrary, prebuilt: unknown): Promise<Backend> =>
    loadChunk<SearchChunk>(url, SEARCH_KEY, doc).then((chunk) =>
      chunk.createSource(library, prebuilt),
    );

  const inWorker = (library: SopLibrary, prebuilt: unknown): Promise<Backend> => {
    const worker = new Worker(trustedScriptUrl(url), { name: WORKER_NAME });
    const search = createWorkerSearch(
      worker,
      prebuilt === undefined
        ? { library }
        : { index: { ...(prebuilt as SerializedIndex), library } },
    );
    return search.ready.then(
      () => search,
      (err: Error) => {
        search.dispose();
        throw err;
      },
    );
  };

  return (library, prebuilt) => {
    const sameOrigin = canUseWorker(url, doc);
    let backend: Promise<Backend>;
    try {
      backend = sameOrigin ? inWorker(library, prebuilt) : inPage(library, prebuilt);
    } catch {
      backend = inPage(library, prebuilt);
    }
    if (sameOrigin) {
      backend = backend.catch((err: Error) => {
        warn(`search worker unavailable (${err.message}); searching in the page`);
        return inPage(library, prebuilt);
      });
    }
    let disposed = false;
    // Disposed before the backend is ready: release it as soon as it is.
    backend.then((b) => disposed && b.dispose?.()).catch(() => {});
    return {
      async search(query, limit) {
        const b = await backend;
        if (disposed) return [];
        // A search a newer one made stale answers null; the widget keeps only the newest.
        return (await b.search(query, limit)) ?? [];
      },
      learn(text, sopId) {
        backend.then((b) => disposed || b.learn(text, sopId)).catch(() => {});
      },
      dispose() {
        if (disposed) return;
        disposed = true;
        backend.then((b) => b.dispose?.()).catch(() => {});
      },
    };
  };
}
