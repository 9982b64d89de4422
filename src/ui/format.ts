// Display formats. Times come from the models (server-corrected), never from Date.now().

/** Elapsed time as m:ss (minutes keep counting past an hour: 75:03). */
export function mss(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Local wall-clock time of day, e.g. 10:42 (toTimeString starts with "HH:mm:ss"). */
export function timeOfDay(at: number): string {
  return new Date(at).toTimeString().slice(0, 5);
}

/** `currentAction` → "Current action", `order_number` → "Order number". */
export function fieldLabel(name: string): string {
  const words = name
    .replace(/[._-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A stable ref callback that focuses its element once, when mounted. (No useEffect: Preact
 * schedules effects with a timer, and the widget must leave none behind.)
 */
export function focusOnMount(el: HTMLElement | null): void {
  el?.focus();
}
