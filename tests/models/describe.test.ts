// How a breach that is over reads (src/models/describe.ts `pastBreach`): once the chat is
// closed, the waiting-gap clock names its longest wait and how that wait ended, read from the
// chat's flat list of waits.
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/core/index.ts';
import { pastBreach } from '../../src/models/describe.ts';
import { agent, closed, customer, liveRead, ms, started, timelineOf } from '../support/events.ts';

/** First response at 10 s, then waits of `waits` seconds, each answered by the agent. */
function chatWithWaits(waits: number[]): { events: ChatEvent[]; end: number } {
  const events: ChatEvent[] = [
    started('c-1', 0, { name: 'Ana Silva' }),
    customer('c-1', 'm0', 1),
    agent('c-1', 'a0', 10, 'Hi Ana'),
  ];
  let t = 20;
  waits.forEach((wait, i) => {
    events.push(customer('c-1', `m${i + 1}`, t));
    events.push(agent('c-1', `a${i + 1}`, t + wait));
    t += wait + 5;
  });
  return { events, end: t };
}

function gapPast(events: ChatEvent[], now: number) {
  const state = timelineOf(events).state!;
  return pastBreach('gap', liveRead(events, now), state);
}

describe('pastBreach of the waiting gap', () => {
  it('names the longest answered wait, wherever it falls among the waits', () => {
    for (const waits of [
      [200, 30, 40],
      [30, 200, 40],
      [30, 40, 200],
    ]) {
      const { events, end } = chatWithWaits(waits);
      events.push(closed('c-1', end));
      expect(gapPast(events, ms(end + 10))).toEqual({ ms: 200_000, end: 'answered' });
    }
  });

  it('says closed when the longest wait ended with the close', () => {
    const { events, end } = chatWithWaits([150, 30]);
    events.push(customer('c-1', 'late', end), closed('c-1', end + 300));
    expect(gapPast(events, ms(end + 400))).toEqual({ ms: 300_000, end: 'closed' });
  });

  it('is null while the chat is open, and after a close with no wait breached', () => {
    const breached = chatWithWaits([200, 30]);
    expect(gapPast(breached.events, ms(breached.end))).toBeNull();
    const calm = chatWithWaits([30, 40]);
    calm.events.push(closed('c-1', calm.end));
    expect(gapPast(calm.events, ms(calm.end + 10))).toBeNull();
  });
});
