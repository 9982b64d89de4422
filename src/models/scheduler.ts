// The one scheduler: it owns the `now` signal and a single timer. The timer is set for the
// earliest instant any chat's reading changes state (`nextChangeAt`) and, while a running
// clock is on screen, for that clock's next whole second: at most one redraw a second. While
// the page is hidden it does nothing at all; on return it reads the time at once, and
// because clocks are `now − event time`, a long sleep shows the right values immediately.
import { batch, computed, effect, type ReadonlySignal, signal } from '@preact/signals';
import type { Clock, TimerId } from '../adapters/clock.ts';
import type { ChatModel } from './chats.ts';

export interface Scheduler {
  /** Server-corrected now, epoch ms. */
  readonly now: ReadonlySignal<number>;
  /** Connects the chats whose readings drive the timer (they depend on `now`). */
  watch(chats: ReadonlySignal<readonly ChatModel[]>): void;
  /** Reads the time now (e.g. after the transport corrected its offset). */
  refresh(): void;
  dispose(): void;
}

const SECOND = 1000;

/** `time` is the server-corrected time (transport.now()). */
export function createScheduler(clock: Clock, time: () => number): Scheduler {
  const now = signal(time());
  const visible = signal(!clock.isHidden());
  let timer: TimerId | null = null;
  let armedFor: number | null = null;
  let disposed = false;
  let plan: ReadonlySignal<number | null> = signal(null);
  let stopPlan = () => {};

  function arm(at: number | null): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    armedFor = at;
    if (at !== null && !disposed) timer = clock.setTimeout(fire, Math.max(1, at - now.peek()));
  }

  function fire(): void {
    timer = null;
    if (disposed || !visible.peek()) return;
    now.value = time();
    // When the plan did not change (same instant, or the timer fired early) no effect re-arms.
    if (timer === null) arm(plan.peek());
  }

  const refresh = () => {
    if (!disposed && visible.peek()) now.value = time();
  };
  const stopVisibility = clock.onVisibilityChange(() =>
    batch(() => {
      visible.value = !clock.isHidden();
      refresh();
    }),
  );

  return {
    now,
    watch(chats) {
      plan = computed(() => {
        // Reading nothing else while hidden means no work at all until the page returns.
        if (!visible.value) return null;
        const t = now.value;
        let next = Infinity;
        let beat: number | null = null;
        for (const chat of chats.value) {
          const reading = chat.reading.value;
          if (!reading) continue;
          if (reading.nextChangeAt !== null && reading.nextChangeAt > t) {
            next = Math.min(next, reading.nextChangeAt);
          }
          // The first running clock in display order sets the one-second beat.
          for (const c of [reading.firstResponse, reading.gap]) {
            if (beat === null && c.running && c.since !== null) {
              beat = t + SECOND - (Math.max(0, t - c.since) % SECOND);
            }
          }
        }
        next = Math.min(next, beat ?? Infinity);
        return next < Infinity ? next : null;
      });
      stopPlan();
      stopPlan = effect(() => {
        const at = plan.value;
        if (timer === null || armedFor !== at) arm(at);
      });
    },
    refresh,
    dispose() {
      if (disposed) return;
      disposed = true;
      stopPlan();
      stopVisibility();
      arm(null);
    },
  };
}
