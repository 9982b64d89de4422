// The search engine from its chunk (chunks.ts). It runs in a Worker made from the same file
// when the page allows one (same origin; `worker-src` falls back to `script-src 'self'`), so
// validating and indexing a big library never blocks the page; otherwise the chunk loads into
// the page. Either way the library is validated there, not by the bundle, and the widget sees
// a SuggestionSource whose searches resolve later. A library fetched by URL goes to the
// worker as bytes (lazyFileSearch): the page never parses it.
import { createWorkerSearch, WorkerLoadError, type WorkerSearch } from '../search/worker-client.ts';
import type { WorkerResponse, WorkerSource } from '../search/worker-protocol.ts';
import { loadChunk, SEARCH_KEY, trustedScriptUrl } from './chunks.ts';
import { type FileSourceFactory, SearchElsewhere } from './file-source.ts';
import type { LoadedLibrary, SourceFactory, SuggestionSource } from './search.ts';

/** What the chunk registers when loaded into the page (src/search-entry.ts). */
export interface SearchChunk {
  createSource: SourceFactory;
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
 * Hands `init` to `worker` and resolves once the worker has loaded it; on failure the worker
 * is terminated and the error is a WorkerLoadError when the data is at fault.
 */
async function loadInWorker(worker: Worker, init: WorkerSource): Promise<LoadedLibrary> {
  let search: WorkerSearch;
  try {
    search = createWorkerSearch(worker, init);
  } catch (err) {
    // The data could not be posted (not cloneable).
    worker.terminate();
    throw err;
  }
  try {
    const { summary, library } = await search.ready;
    const source: SuggestionSource = {
      // A search a newer one made stale answers null; the widget keeps only the newest.
      search: async (query, limit) => (await search.search(query, limit)) ?? [],
      learn: (text, sopId) => search.learn(text, sopId),
      dispose: () => search.dispose(),
    };
    return { source, library, summary };
  } catch (err) {
    search.dispose();
    throw err;
  }
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
    return loadInWorker(worker, { file });
  };
}

/**
 * Library data (an object: the `library` option, or a file the page parsed) is validated and
 * indexed in the search Worker, which sends the validated library back, else by the chunk in
 * the page.
 */
export function lazySearch(
  url: string,
  doc: Document,
  warn: (message: string) => void,
): SourceFactory {
  const inPage = (data: unknown) =>
    loadChunk<SearchChunk>(url, SEARCH_KEY, doc).then(
      (chunk) => chunk.createSource(data),
      (err: Error) => {
        throw new Error(`could not load the search engine: ${err.message}`);
      },
    );

  return async (data) => {
    if (!canUseWorker(url, doc)) return inPage(data);
    try {
      return await loadInWorker(new Worker(trustedScriptUrl(url), { name: WORKER_NAME }), {
        data,
      });
    } catch (err) {
      // The data is at fault: the page would find the same.
      if (err instanceof WorkerLoadError) throw err;
      warn(`search worker unavailable (${(err as Error).message}); searching in the page`);
      return inPage(data);
    }
  };
}
