// Loading the SOP library: by URL (through the fetch adapter) or as an object, either a
// `sop-library/1` library or a built `sop-index/1` index (loaded without re-indexing).
// Only a fully valid library replaces what is there; failures become a message and a state.
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import type { Fetcher } from '../adapters/fetch.ts';
import type { SourceFactory, SuggestionSource } from '../adapters/search.ts';
import { isObject } from '../core/guards.ts';
import { formatIssue, validateLibrary } from '../search/library.ts';
import type { Sop, SopLibrary } from '../search/types.ts';
import type { LibrarySpec } from './options.ts';
import type { PicksModel } from './picks.ts';

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
  find(sopId: string): Sop | undefined;
  dispose(): void;
}

const MAX_SHOWN_ISSUES = 3;

export function createLibraryModel(deps: {
  fetch: Fetcher;
  createSource: SourceFactory;
  /** What the team taught earlier: replayed into every new source. */
  picks: PicksModel;
}): LibraryModel {
  const status = signal<LibraryStatus>('none');
  const error = signal<string | null>(null);
  const library = signal<SopLibrary | null>(null);
  const source = signal<SuggestionSource | null>(null);
  let abort: AbortController | undefined;
  let generation = 0;

  function fail(message: string): string {
    status.value = 'error';
    error.value = message;
    return message;
  }

  function accept(data: unknown): string | null {
    const prebuilt = isObject(data) && data.format === 'sop-index/1' ? data : undefined;
    const result = validateLibrary(prebuilt ? prebuilt.library : data);
    if (!result.ok) {
      const { issues } = result;
      const more = issues.length - MAX_SHOWN_ISSUES;
      return fail(
        `invalid SOP library: ${issues.slice(0, MAX_SHOWN_ISSUES).map(formatIssue).join('; ')}${more > 0 ? ` (+${more} more)` : ''}`,
      );
    }
    try {
      const next = deps.createSource(result.library, prebuilt);
      for (const pick of deps.picks.all()) next.learn(pick.text, pick.sopId);
      source.peek()?.dispose?.();
      source.value = next;
    } catch (err) {
      return fail(`could not index the SOP library: ${(err as Error).message}`);
    }
    library.value = result.library;
    error.value = null;
    status.value = 'ready';
    return null;
  }

  const sops = () => library.value?.sops ?? [];
  const escalationTag = (sop: Sop) => sop.tags.some((t) => t.toLowerCase() === 'escalation');
  const mentionsEscalation = (text: string) => /escalat/i.test(text);

  return {
    status,
    error,
    library,
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
        data = await response.json();
      } catch (err) {
        const message = `could not load the SOP library from ${spec.url}: ${(err as Error).message}`;
        return current() ? fail(message) : null;
      }
      return current() ? accept(data) : null;
    },
    escalationSop: computed(
      () =>
        sops().find(escalationTag) ??
        sops().find((s) => mentionsEscalation(s.title)) ??
        sops().find((s) => s.tags.some(mentionsEscalation)) ??
        null,
    ),
    find: (sopId) => sops().find((s) => s.id === sopId),
    dispose() {
      generation++;
      abort?.abort();
      source.peek()?.dispose?.();
      source.value = null;
    },
  };
}
