// The port between the widget and the SOP search. The models only know SourceFactory and
// SuggestionSource, so tests use a fake and a worker-backed search can return promises;
// `playbookSearch` wires in the real engine (src/search), which validates the library (the
// script-tag bundle has no validator: its search chunk runs this) and loads a prebuilt index
// without re-indexing.
import { loadLibraryData } from '../search/file.ts';
import { withMarks } from '../search/highlight.ts';
import { type LibrarySummary, summarizeLibrary } from '../search/summary.ts';
import type { Sop, SopLibrary, SopReply, SopStep } from '../search/types.ts';

export interface SuggestionQuery {
  /** What the agent typed in the search box. */
  text?: string;
  /** The chat so far, oldest first (public messages only). */
  conversation?: { author: 'customer' | 'agent'; text: string }[];
  channel?: string;
  /** The agent is still typing `text`: its last word matches as a prefix. */
  typing?: boolean;
}

export interface Suggestion {
  sop: Sop;
  score: number;
  /** Index terms that matched. */
  terms: string[];
  /** The SOP's words that matched, as written and lower-cased: what the widget marks. */
  marks: string[];
  steps: { step: SopStep; score: number }[];
  replies: { reply: SopReply; score: number }[];
}

export interface SuggestionSource {
  search(query: SuggestionQuery, limit: number): Suggestion[] | Promise<Suggestion[]>;
  /** The agent picked `sopId` for this customer text: rank it higher next time. */
  learn(text: string, sopId: string): void;
  /** Releases what the source holds (a search Worker); searches after it answer nothing. */
  dispose?(): void;
}

/** A library loaded where the search runs. */
export interface LoadedLibrary {
  source: SuggestionSource;
  /** The validated library when the page holds it; null when it stays with the search. */
  library: SopLibrary | null;
  /** What the widget needs of the library, wherever it lives. */
  summary: LibrarySummary;
}

/**
 * Validates library data as given, a sop-library/1 library or a `sop-index/…` built index,
 * and builds a source over it where the search runs. Fails (throws or rejects) with an Error
 * whose message the widget shows: `invalid SOP library: …` (invalidLibraryMessage) for
 * invalid data, `could not index the SOP library: …` when the engine cannot use it.
 */
export type SourceFactory = (data: unknown) => LoadedLibrary | Promise<LoadedLibrary>;

export const playbookSearch: SourceFactory = (data) => {
  const engine = loadLibraryData(data);
  return {
    source: {
      search: (query, limit) => engine.search(query, limit).map(withMarks),
      learn: (text, sopId) => {
        engine.learn(text, sopId);
      },
    },
    library: engine.library,
    summary: summarizeLibrary(engine.library),
  };
};
