// Display formats. Times come from the models (server-corrected), never from Date.now().

// A reply's fill-in fields are named by the library module, which also writes their blanks.
export { fieldLabel } from '../search/placeholders.ts';

/** Elapsed time as m:ss (minutes keep counting past an hour: 75:03). */
export function mss(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Local wall-clock time of day, e.g. 10:42 (toTimeString starts with "HH:mm:ss"). */
export function timeOfDay(at: number): string {
  return new Date(at).toTimeString().slice(0, 5);
}

/**
 * A stable ref callback that focuses its element once, when mounted. (No useEffect: Preact
 * schedules effects with a timer, and the widget must leave none behind.)
 */
export function focusOnMount(el: HTMLElement | null): void {
  el?.focus();
}
