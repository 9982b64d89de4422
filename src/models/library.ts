// Loading the SOP library: by URL (through the fetch adapter) or as an object, either a
// `sop-library/1` library or a built `sop-index/…` index (loaded without re-indexing).
// The search side validates it (createSource; the script-tag bundle has no validator).
// A URL's file goes unparsed to the search worker when there is one (createSourceFromFile):
// the page then holds only the summary it needs and the SOPs that came up in searches.
// Only a fully valid library replaces what is there; failures become a message and a state.
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import type { Fetcher } from '../adapters/fetch.ts';
import { type FileSourceFactory, SearchElsewhere } from '../adapters/file-source.ts';
import type {
  LoadedLibrary,
  SourceFactory,
  Suggestion,
  SuggestionSource,
} from '../adapters/search.ts';
import type { LibrarySummary } from '../search/summary.ts';
import type { Sop, SopLibrary } from '../search/types.ts';
import type { LibrarySpec } from './options.ts';
import type { PicksModel } from './picks.ts';

export type LibraryStatus = 'none' | 'loading' | 'ready' | 'error';

export interface LibraryModel {
  readonly status: ReadonlySignal<LibraryStatus>;
  readonly error: ReadonlySignal<string | null>;
  /** The library when it was loaded in the page; null when it lives in the search worker. */
  readonly library: ReadonlySignal<SopLibrary | null>;
  /** What the widget needs of the library, wherever it lives; null until one is loaded. */
  readonly summary: ReadonlySignal<LibrarySummary | null>;
  readonly source: ReadonlySignal<SuggestionSource | null>;
  /** Resolves to null when loaded (or nothing to load), else the error message. */
  load(spec: LibrarySpec): Promise<string | null>;
  /** The SOP to open from an escalation prompt: tagged or titled "escalation". */
  readonly escalationSop: ReadonlySignal<Sop | null>;
  /** An SOP of the library (in the worker's case: one that came up in a search). */
  find(sopId: string): Sop | undefined;
  dispose(): void;
}

/** SOPs kept from search results when the library lives in the worker (for find). */
const MAX_SEEN = 500;

export function createLibraryModel(deps: {
  fetch: Fetcher;
  createSource: SourceFactory;
  createSourceFromFile?: FileSourceFactory | null;
  /** What the team taught earlier: replayed into every new source. */
  picks: PicksModel;
}): LibraryModel {
  const status = signal<LibraryStatus>('none');
  const error = signal<string | null>(null);
  const library = signal<SopLibrary | null>(null);
  const summary = signal<LibrarySummary | null>(null);
  const source = signal<SuggestionSource | null>(null);
  let abort: AbortController | undefined;
  let generation = 0;

  function fail(message: string): string {
    status.value = 'error';
    error.value = message;
    return message;
  }

  /** SOPs seen in search results, newest last: find() when the page has no library. */
  const seen = new Map<string, Sop>();
  const remember = (hits: Suggestion[]) => {
    for (const hit of hits) {
      seen.delete(hit.sop.id);
      seen.set(hit.sop.id, hit.sop);
    }
    for (const id of seen.keys()) {
      if (seen.size <= MAX_SEEN) break;
      seen.delete(id);
    }
    return hits;
  };
  const remembering = (inner: SuggestionSource): SuggestionSource => ({
    search(query, limit) {
      const hits = inner.search(query, limit);
      return Array.isArray(hits) ? remember(hits) : hits.then(remember);
    },
    learn: (text, sopId) => inner.learn(text, sopId),
    dispose: () => inner.dispose?.(),
  });

  /** Puts a loaded library in place, unless a newer load started or the model was disposed. */
  function install(loaded: LoadedLibrary, current: () => boolean): null {
    const next = loaded.source;
    if (!current()) {
      next.dispose?.();
      return null;
    }
    for (const pick of deps.picks.all()) next.learn(pick.text, pick.sopId);
    source.peek()?.dispose?.();
    seen.clear();
    source.value = loaded.library ? next : remembering(next);
    library.value = loaded.library;
    summary.value = loaded.summary;
    error.value = null;
    status.value = 'ready';
    return null;
  }

  /** Library data (an object) to the search side, which validates and indexes it. */
  async function accept(data: unknown, current: () => boolean): Promise<string | null> {
    let loaded: LoadedLibrary;
    try {
      loaded = await deps.createSource(data);
    } catch (err) {
      // The message says what is wrong (`invalid SOP library: …`): shown as is.
      return current() ? fail((err as Error).message) : null;
    }
    return install(loaded, current);
  }

  const sops = () => library.value?.sops ?? [];

  return {
    status,
    error,
    library,
    summary,
    source,
    async load(spec) {
      const mine = ++generation;
      abort?.abort();
      if (spec.kind === 'none') return null;
      // Disposed, or a newer load started meanwhile: this answer is no longer wanted.
      const current = () => mine === generation;
      status.value = 'loading';
      error.value = null;
      if (spec.kind === 'object') return accept(spec.data, current);
      abort = new AbortController();
      let data: unknown;
      try {
        const response = await deps.fetch(spec.url, { signal: abort.signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const fromFile = deps.createSourceFromFile;
        if (fromFile && response.arrayBuffer) {
          const bytes = await response.arrayBuffer();
          if (!current()) return null;
          try {
            return install(await fromFile(bytes), current);
          } catch (err) {
            if (!(err instanceof SearchElsewhere)) throw err;
            // No worker here: the page parses the file after all.
            data = JSON.parse(new TextDecoder().decode(bytes));
          }
        } else {
          data = await response.json();
        }
      } catch (err) {
        const message = `could not load the SOP library from ${spec.url}: ${(err as Error).message}`;
        return current() ? fail(message) : null;
      }
      return current() ? accept(data, current) : null;
    },
    escalationSop: computed(() => summary.value?.escalation ?? null),
    find: (sopId) => sops().find((s) => s.id === sopId) ?? seen.get(sopId),
    dispose() {
      generation++;
      abort?.abort();
      source.peek()?.dispose?.();
      source.value = null;
    },
  };
}
