// Plays the re-timed scenario events: those already due at load go out at once as one batch,
// the rest each at its own time. Every event goes to the helpdesk's state and to the widget.
import type { TimedEvent } from './scenarios.ts';

export interface Player {
  stop(): void;
}

export function play(
  timeline: readonly TimedEvent[],
  send: (events: TimedEvent['event'][]) => void,
  now: () => number = Date.now,
): Player {
  const start = now();
  const due = timeline.filter((t) => t.at <= start).map((t) => t.event);
  if (due.length > 0) send(due);
  const timers = timeline
    .filter((t) => t.at > start)
    .map((t) => setTimeout(() => send([t.event]), t.at - start));
  return {
    stop() {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
