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
  readonly visible: ReadonlySignal<boolean>;
  /** The instant the single timer is set for, or null when none is armed. */
  readonly armedFor: ReadonlySignal<number | null>;
  /** Reads the time now (e.g. after the transport corrected its offset). */
  refresh(): void;
  dispose(): void;
}

export interface SchedulerDeps {
  clock: Clock;
  /** Server-corrected time (transport.now()). */
  time: () => number;
}

export interface SchedulerSetup extends Scheduler {
  /** Connects the chats whose readings drive the timer (they depend on `now`). */
  watch(chats: ReadonlySignal<readonly ChatModel[]>): void;
}

const SECOND = 1000;

export function createScheduler({ clock, time }: SchedulerDeps): SchedulerSetup {
  const now = signal(time());
  const visible = signal(!clock.isHidden());
  const armedFor = signal<number | null>(null);
  let timer: TimerId | null = null;
  let disposed = false;
  let stopEffect: (() => void) | null = null;
  let plan: ReadonlySignal<number | null> = signal(null);

  function disarm(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    armedFor.value = null;
  }

  function arm(at: number | null): void {
    disarm();
    if (at === null || disposed) return;
    timer = clock.setTimeout(fire, Math.max(1, at - now.peek()));
    armedFor.value = at;
  }

  function fire(): void {
    timer = null;
    armedFor.value = null;
    if (disposed || !visible.peek()) return;
    now.value = time();
    // When the plan did not change (same instant, or the timer fired early) no effect re-arms.
    if (timer === null) arm(plan.peek());
  }

  const onVisibility = () => {
    if (disposed) return;
    batch(() => {
      visible.value = !clock.isHidden();
      if (visible.value) now.value = time();
    });
  };
  const stopVisibility = clock.onVisibilityChange(onVisibility);

  return {
    now,
    visible,
    armedFor,
    watch(chats) {
      plan = computed(() => {
        // Reading nothing else while hidden means no work at all until the page returns.
        if (!visible.value) return null;
        const t = now.value;
        let next = Number.POSITIVE_INFINITY;
        let tick: number | null = null;
        for (const chat of chats.value) {
          const reading = chat.reading.value;
          if (!reading) continue;
          if (reading.nextChangeAt !== null && reading.nextChangeAt > t) {
            next = Math.min(next, reading.nextChangeAt);
          }
          // The first running clock in display order sets the one-second beat.
          if (tick === null) {
            for (const c of [reading.firstResponse, reading.gap]) {
              if (c.running && c.since !== null && tick === null) {
                tick = t + SECOND - (Math.max(0, t - c.since) % SECOND);
              }
            }
          }
        }
        if (tick !== null) next = Math.min(next, tick);
        return next < Number.POSITIVE_INFINITY ? next : null;
      });
      stopEffect?.();
      stopEffect = effect(() => {
        const at = plan.value;
        if (timer === null || armedFor.peek() !== at) arm(at);
      });
    },
    refresh() {
      if (!disposed && visible.peek()) now.value = time();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      stopEffect?.();
      stopVisibility();
      disarm();
    },
  };
}
