// The search engine from its chunk (chunks.ts). It runs in a Worker made from the same file
// when the page allows one (same origin; `worker-src` falls back to `script-src 'self'`), so
// indexing a big library never blocks the page; otherwise the chunk loads into the page.
// Either way the widget sees a SuggestionSource whose searches resolve later.
import type { SerializedIndex } from '../search/engine.ts';
import type { SopLibrary } from '../search/types.ts';
import { createWorkerSearch } from '../search/worker-client.ts';
import { loadChunk, SEARCH_KEY } from './chunks.ts';
import type { SourceFactory, Suggestion, SuggestionQuery } from './search.ts';

/** What the chunk registers when loaded into the page (src/search-entry.ts). */
export interface SearchChunk {
  createSource: SourceFactory;
}

interface Backend {
  search(query: SuggestionQuery, limit: number): Promise<Suggestion[] | null> | Suggestion[];
  learn(text: string, sopId: string): void;
  dispose?(): void;
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
    const worker = new Worker(url, { name: 'chat-playbook-search' });
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
    const sameOrigin =
      typeof Worker !== 'undefined' && new URL(url, doc.baseURI).origin === doc.location?.origin;
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
