// Loading the SOP library: by URL (through the fetch adapter) or as an object, either a
// `sop-library/1` library or a built `sop-index/…` index (loaded without re-indexing).
// A URL's file goes unparsed to the search worker when there is one (createSourceFromFile):
// the page then holds only the summary it needs and the SOPs that came up in searches.
// Only a fully valid library replaces what is there; failures become a message and a state.
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import type { Fetcher } from '../adapters/fetch.ts';
import { type FileSourceFactory, SearchElsewhere } from '../adapters/file-source.ts';
import type { SourceFactory, Suggestion, SuggestionSource } from '../adapters/search.ts';
import { isObject } from '../core/guards.ts';
import { invalidLibraryMessage, validateLibrary } from '../search/library.ts';
import { type LibrarySummary, summarizeLibrary } from '../search/summary.ts';
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

  function install(next: SuggestionSource, lib: SopLibrary | null, sum: LibrarySummary) {
    for (const pick of deps.picks.all()) next.learn(pick.text, pick.sopId);
    source.peek()?.dispose?.();
    seen.clear();
    source.value = lib ? next : remembering(next);
    library.value = lib;
    summary.value = sum;
    error.value = null;
    status.value = 'ready';
    return null;
  }

  function accept(data: unknown): string | null {
    const prebuilt =
      isObject(data) && typeof data.format === 'string' && data.format.startsWith('sop-index/')
        ? data
        : undefined;
    const result = validateLibrary(prebuilt ? prebuilt.library : data);
    if (!result.ok) return fail(invalidLibraryMessage(result.issues));
    let next: SuggestionSource;
    try {
      next = deps.createSource(result.library, prebuilt);
    } catch (err) {
      return fail(`could not index the SOP library: ${(err as Error).message}`);
    }
    return install(next, result.library, summarizeLibrary(result.library));
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
      if (spec.kind === 'object') return accept(spec.data);
      status.value = 'loading';
      error.value = null;
      abort = new AbortController();
      let data: unknown;
      // Disposed, or a newer load started meanwhile: this answer is no longer wanted.
      const current = () => mine === generation;
      try {
        const response = await deps.fetch(spec.url, { signal: abort.signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const fromFile = deps.createSourceFromFile;
        if (fromFile && response.arrayBuffer) {
          const bytes = await response.arrayBuffer();
          if (!current()) return null;
          try {
            const loaded = await fromFile(bytes);
            if (!current()) {
              loaded.source.dispose?.();
              return null;
            }
            return install(loaded.source, null, loaded.summary);
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
      return current() ? accept(data) : null;
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
