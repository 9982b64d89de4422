import { type ReadonlySignal, useComputed } from '@preact/signals';
import type { ChatReading, ChatState, ClockState } from '../core/index.ts';
import {
  CLOCK_NAMES,
  CLOCKS,
  type ClockName,
  pastBreach,
  primaryClock,
} from '../models/describe.ts';
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
 * A running clock's m:ss, bound to `now` as a text node: each second updates that text and
 * nothing else (the reading itself only changes when a state does). Prompts that quote a
 * clock use it too, so their time and the clock's agree to the second.
 */
export function Running({ since }: { since: number }) {
  const { now } = useStore().scheduler;
  return <RunningText since={since} now={now} />;
}

function RunningText({ since, now }: { since: number; now: ReadonlySignal<number> }) {
  const text = useComputed(() => mss(now.value - since));
  return <>{text}</>;
}

/**
 * One clock: colour AND icon AND words say its state. A breach that is over (answered, or
 * the chat closed) reads as history, "breached 2:47 · answered", not as a live alarm.
 * `minor`: the clock that does not matter now, drawn small and quiet beside the one that does.
 */
function ClockBadge(props: {
  clock: ClockName;
  reading: ChatReading;
  state: ChatState;
  contract?: boolean;
  minor?: boolean;
}) {
  const { clock, reading, minor } = props;
  const { state, running, elapsedMs, since } = reading[clock];
  const past = pastBreach(clock, reading, props.state);
  const time = (
    <span class="cp-time">
      {past ? (
        mss(past.ms)
      ) : running && since !== null ? (
        <Running key={since} since={since} />
      ) : (
        mss(elapsedMs)
      )}
    </span>
  );
  const idle = clock === 'gap' && !running && state === 'ok';
  return (
    <span
      class="cp-clock"
      data-cp-clock={props.contract ? clock : undefined}
      data-cp-state={state}
      data-cp-running={running}
      data-cp-past={past ? past.end : undefined}
      data-cp-minor={minor || undefined}
    >
      <span aria-hidden="true">{STATE_ICON[state]}</span>
      <span>{CLOCK_NAMES[clock]}</span>
      {past ? (
        <>
          <span>breached</span>
          {time}
          <span>· {past.end}</span>
        </>
      ) : (
        <>
          {time}
          <span class={minor ? 'cp-sr' : undefined}>{idle ? 'not waiting' : state}</span>
        </>
      )}
    </span>
  );
}

/**
 * A chat's clocks. On the focused card (big) only the one that matters now (primaryClock);
 * in the list (`contract`: the DOM-contract attribute, so each chat has exactly one of each)
 * that one first and the other small beside it.
 */
export function Clocks(props: { reading: ChatReading; state: ChatState; contract?: boolean }) {
  const first = primaryClock(props.reading);
  const clocks = props.contract ? [first, ...CLOCKS.filter((c) => c !== first)] : [first];
  return (
    <span class={props.contract ? 'cp-clocks' : 'cp-clocks cp-big'}>
      {clocks.map((clock) => (
        <ClockBadge key={clock} clock={clock} minor={clock !== first} {...props} />
      ))}
    </span>
  );
}
