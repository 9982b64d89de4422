// Loading a library fetched by URL where the search runs (the script-tag bundle's search
// Worker), so the page never parses or holds a big library. Kept apart from search.ts, which
// imports the engine: the models use this, and the script-tag bundle must not carry MiniSearch.
import type { LoadedLibrary } from './search.ts';

/**
 * Loads a fetched library file (a sop-library/1 library or a `build-index` file, as bytes)
 * in the search Worker: the page gets a source and the summary it needs of the library (no
 * library: it stays in the worker). Rejects with a SearchElsewhere when no worker can run it
 * (the caller then parses the file in the page; the bytes are still the caller's), else with
 * an Error naming what is wrong with the file.
 */
export type FileSourceFactory = (file: ArrayBuffer) => Promise<LoadedLibrary>;

/** A FileSourceFactory cannot load here (no worker): load the file in the page instead. */
export class SearchElsewhere extends Error {
  override name = 'SearchElsewhere';
}
