// A library as the widget got it → the search over it: a prebuilt index (`build-index`,
// loaded without re-indexing) or a sop-library/1 library (validated, then indexed), either as
// a fetched file (bytes or text: loadLibraryFile) or as an object (loadLibraryData). The
// search worker or chunk runs these, so the page never parses a big file and the script-tag
// bundle carries no validator; errors are Errors whose message the widget shows.
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
  if (isBuiltIndex(data)) return loadSerialized(data, options);
  const result = validateLibrary(data);
  if (!result.ok) throw new Error(invalidLibraryMessage(result.issues));
  return createSearch(result.library, options);
}

/**
 * A library given as an object (the widget's `library` option, or a file the page parsed):
 * fails with `invalid SOP library: …` (invalidLibraryMessage) when it, or a built index's
 * library, is not valid, and with `could not index the SOP library: …` when the engine cannot
 * use it.
 */
export function loadLibraryData(data: unknown, options?: SearchOptions): PlaybookSearch {
  const prebuilt = isBuiltIndex(data) ? data : undefined;
  const result = validateLibrary(prebuilt ? prebuilt.library : data);
  if (!result.ok) throw new Error(invalidLibraryMessage(result.issues));
  try {
    return prebuilt
      ? loadSerialized({ ...prebuilt, library: result.library }, options)
      : createSearch(result.library, options);
  } catch (err) {
    throw new Error(`could not index the SOP library: ${(err as Error).message}`);
  }
}

function isBuiltIndex(data: unknown): data is Record<string, unknown> {
  return isObject(data) && typeof data.format === 'string' && data.format.startsWith('sop-index/');
}
