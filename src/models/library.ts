// Loading the SOP library: by URL (through the fetch adapter) or as an object, either a
// `sop-library/1` library or a built `sop-index/1` index (loaded without re-indexing).
// Only a fully valid library replaces what is there; failures become a message and a state.
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import type { Fetcher } from '../adapters/fetch.ts';
import type { SourceFactory, SuggestionSource } from '../adapters/search.ts';
import { formatIssue, validateLibrary } from '../search/library.ts';
import type { Sop, SopLibrary } from '../search/types.ts';
import type { LibrarySpec } from './options.ts';

export type LibraryStatus = 'none' | 'loading' | 'ready' | 'error';

export interface LibraryModel {
  readonly status: ReadonlySignal<LibraryStatus>;
  readonly error: ReadonlySignal<string | null>;
  readonly library: ReadonlySignal<SopLibrary | null>;
  readonly source: ReadonlySignal<SuggestionSource | null>;
  /** Resolves to null when loaded (or nothing to load), else the error message. */
  load(spec: LibrarySpec): Promise<string | null>;
  /** The SOP to open from an escalation prompt: tagged or titled "escalation". */
  readonly escalationSop: ReadonlySignal<Sop | null>;
  find(sopId: string): Sop | null;
  dispose(): void;
}

const MAX_SHOWN_ISSUES = 3;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function createLibraryModel(deps: {
  fetch: Fetcher;
  createSource: SourceFactory;
}): LibraryModel {
  const status = signal<LibraryStatus>('none');
  const error = signal<string | null>(null);
  const library = signal<SopLibrary | null>(null);
  const source = signal<SuggestionSource | null>(null);
  let abort: AbortController | null = null;
  let disposed = false;
  let generation = 0;

  function fail(message: string): string {
    status.value = 'error';
    error.value = message;
    return message;
  }

  function accept(data: unknown): string | null {
    const prebuilt = isObject(data) && data.format === 'sop-index/1' ? data : undefined;
    const raw = prebuilt ? prebuilt.library : data;
    const result = validateLibrary(raw);
    if (!result.ok) {
      const shown = result.issues.slice(0, MAX_SHOWN_ISSUES).map(formatIssue).join('; ');
      const more =
        result.issues.length > MAX_SHOWN_ISSUES
          ? ` (+${result.issues.length - MAX_SHOWN_ISSUES} more)`
          : '';
      return fail(`invalid SOP library: ${shown}${more}`);
    }
    let built: SuggestionSource;
    try {
      built = deps.createSource(result.library, prebuilt);
    } catch (err) {
      return fail(`could not index the SOP library: ${(err as Error).message}`);
    }
    library.value = result.library;
    source.value = built;
    error.value = null;
    status.value = 'ready';
    return null;
  }

  return {
    status,
    error,
    library,
    source,
    async load(spec) {
      const mine = ++generation;
      abort?.abort();
      abort = null;
      if (spec.kind === 'none') return null;
      if (spec.kind === 'object') return accept(spec.data);
      status.value = 'loading';
      error.value = null;
      const controller = typeof AbortController === 'function' ? new AbortController() : null;
      abort = controller;
      let data: unknown;
      try {
        const response = await deps.fetch(
          spec.url,
          controller ? { signal: controller.signal } : undefined,
        );
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        data = await response.json();
      } catch (err) {
        if (disposed || mine !== generation) return null;
        return fail(`could not load the SOP library from ${spec.url}: ${(err as Error).message}`);
      }
      if (disposed || mine !== generation) return null;
      return accept(data);
    },
    escalationSop: computed(() => {
      const sops = library.value?.sops ?? [];
      return (
        sops.find((s) => s.tags.some((t) => t.toLowerCase() === 'escalation')) ??
        sops.find((s) => /escalat/i.test(s.title)) ??
        sops.find((s) => s.tags.some((t) => /escalat/i.test(t))) ??
        null
      );
    }),
    find(sopId) {
      return library.value?.sops.find((s) => s.id === sopId) ?? null;
    },
    dispose() {
      disposed = true;
      abort?.abort();
    },
  };
}
