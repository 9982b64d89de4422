import type { ClockReading } from '../core/index.ts';
import { CLOCK_NAMES } from '../models/describe.ts';
import { mss, STATE_ICON, STATE_TEXT } from './format.ts';

/**
 * One SLA clock: colour AND icon AND words say its state. `contract` adds the DOM-contract
 * attribute (only the chat list's clocks carry it, so each chat has exactly one of each).
 */
export function ClockView({
  clock,
  reading,
  contract,
}: {
  clock: 'firstResponse' | 'gap';
  reading: ClockReading;
  contract: boolean;
}) {
  const idle = clock === 'gap' && !reading.running && reading.state === 'ok';
  return (
    <span
      class="cp-clock"
      data-cp-clock={contract ? clock : undefined}
      data-cp-state={reading.state}
      data-cp-running={reading.running ? 'true' : 'false'}
    >
      <span aria-hidden="true">{STATE_ICON[reading.state]}</span>
      <span>{CLOCK_NAMES[clock]}</span>
      <span class="cp-time">{mss(reading.elapsedMs)}</span>
      <span>{idle ? 'not waiting' : STATE_TEXT[reading.state]}</span>
    </span>
  );
}
