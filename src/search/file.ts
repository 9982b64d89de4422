// A library file as fetched (bytes or text) → the search over it: a prebuilt index
// (`build-index`, loaded without re-indexing) or a sop-library/1 library (validated, then
// indexed). The search worker runs this on what the widget fetched, so the page never parses
// a big file; errors are Errors whose message the widget shows.
import { isObject } from '../core/guards.ts';
import { createSearch, loadSerialized, type PlaybookSearch, type SearchOptions } from './engine.ts';
import { invalidLibraryMessage, validateLibrary } from './library.ts';

export function loadLibraryFile(
  file: ArrayBuffer | ArrayBufferView | string,
  options?: SearchOptions,
): PlaybookSearch {
  // TextDecoder drops a leading byte-order mark, as JSON.parse would not.
  const text = typeof file === 'string' ? file : new TextDecoder().decode(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message})`);
  }
  if (isObject(data) && typeof data.format === 'string' && data.format.startsWith('sop-index/')) {
    return loadSerialized(data, options);
  }
  const result = validateLibrary(data);
  if (!result.ok) throw new Error(invalidLibraryMessage(result.issues));
  return createSearch(result.library, options);
}
