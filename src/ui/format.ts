// Display formats. Times come from the models (server-corrected), never from Date.now().
import { lightFormat } from 'date-fns/lightFormat';
import type { ClockState } from '../core/index.ts';

/** Elapsed time as m:ss (minutes keep counting past an hour: 75:03). */
export function mss(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const seconds = total % 60;
  return `${Math.floor(total / 60)}:${seconds < 10 ? '0' : ''}${seconds}`;
}

/** Wall-clock time of day, e.g. 10:42. */
export function timeOfDay(at: number): string {
  return lightFormat(at, 'HH:mm');
}

export const STATE_ICON: Record<ClockState, string> = {
  ok: '●',
  warning: '▲',
  breached: '✖',
  met: '✔',
  stopped: '■',
};

export const STATE_TEXT: Record<ClockState, string> = {
  ok: 'ok',
  warning: 'warning',
  breached: 'breached',
  met: 'met',
  stopped: 'stopped',
};

export function reviewedText(monthsSinceReview: number | null): string | null {
  if (monthsSinceReview === null) return null;
  if (monthsSinceReview <= 0) return 'reviewed this month';
  return `reviewed ${monthsSinceReview} month${monthsSinceReview === 1 ? '' : 's'} ago`;
}

/** `currentAction` → "current action", `order_number` → "order number". */
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
