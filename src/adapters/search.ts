// The port between the widget and the SOP search. The models only know SuggestionSource, so
// tests use a fake and a worker-backed search can return promises later; `playbookSearch`
// wires in the real engine (src/search), loading a prebuilt index without re-indexing.
import { createSearch, loadSerialized } from '../search/engine.ts';
import { withMarks } from '../search/highlight.ts';
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

/**
 * Builds a source over a validated library; `prebuilt` is the `sop-index/1` object when the
 * library came as a built index (loaded as is), else undefined. Throws on unusable data.
 */
export type SourceFactory = (library: SopLibrary, prebuilt?: unknown) => SuggestionSource;

export const playbookSearch: SourceFactory = (library, prebuilt) => {
  const engine =
    prebuilt === undefined
      ? createSearch(library)
      : loadSerialized({ ...(prebuilt as object), library });
  return {
    search: (query, limit) => engine.search(query, limit).map(withMarks),
    learn: (text, sopId) => {
      engine.learn(text, sopId);
    },
  };
};
