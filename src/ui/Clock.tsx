import type { ChatReading, ClockState } from '../core/index.ts';
import { CLOCK_NAMES, CLOCKS } from '../models/describe.ts';
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
export function Clocks({ reading, contract }: { reading: ChatReading; contract?: boolean }) {
  return (
    <span class={contract ? 'cp-clocks' : 'cp-clocks cp-big'}>
      {CLOCKS.map((clock) => {
        const { state, running, elapsedMs } = reading[clock];
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
            <span class="cp-time">{mss(elapsedMs)}</span>
            <span>{clock === 'gap' && !running && state === 'ok' ? 'not waiting' : state}</span>
          </span>
        );
      })}
    </span>
  );
}
