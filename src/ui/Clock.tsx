import { type ReadonlySignal, useComputed } from '@preact/signals';
import type { ChatReading, ClockState } from '../core/index.ts';
import { CLOCK_NAMES, CLOCKS } from '../models/describe.ts';
import { useStore } from './context.ts';
import { mss } from './format.ts';

const STATE_ICON: Record<ClockState, string> = {
  ok: '●',
  warning: '▲',
  breached: '✖',
  met: '✔',
  stopped: '■',
};

/**
 * A chat's two SLA clocks: colour AND icon AND words say each one's state. `contract` adds
 * the DOM-contract attribute (only the chat list's clocks carry it, so each chat has exactly
 * one of each); without it they are the focused chat's big clocks.
 */
/**
 * A running clock's m:ss, bound to `now` as a text node: each second updates that text and
 * nothing else (the reading itself only changes when a state does).
 */
function Running({ since, now }: { since: number; now: ReadonlySignal<number> }) {
  const text = useComputed(() => mss(now.value - since));
  return <>{text}</>;
}

export function Clocks({ reading, contract }: { reading: ChatReading; contract?: boolean }) {
  const { now } = useStore().scheduler;
  return (
    <span class={contract ? 'cp-clocks' : 'cp-clocks cp-big'}>
      {CLOCKS.map((clock) => {
        const { state, running, elapsedMs, since } = reading[clock];
        return (
          <span
            key={clock}
            class="cp-clock"
            data-cp-clock={contract ? clock : undefined}
            data-cp-state={state}
            data-cp-running={running}
          >
            <span aria-hidden="true">{STATE_ICON[state]}</span>
            <span>{CLOCK_NAMES[clock]}</span>
            <span class="cp-time">
              {running && since !== null ? (
                <Running key={since} since={since} now={now} />
              ) : (
                mss(elapsedMs)
              )}
            </span>
            <span>{clock === 'gap' && !running && state === 'ok' ? 'not waiting' : state}</span>
          </span>
        );
      })}
    </span>
  );
}
