// The QA sample: N chats per agent per month, reproducible from the seed, weighted towards
// chats with breaches or escalations.
import { describe, expect, it } from 'vitest';
import { buildReport, sampleWeight } from '../../src/report/build.ts';
import type { ReportOptions } from '../../src/report/types.ts';
import { agent, closed, customer, started } from '../support/events.ts';
import { collect } from './fixtures.ts';

/** Ten quiet chats of Ann's and one whose first response breached (60 s > 30 s). */
function transcript() {
  const events = [];
  for (let i = 0; i < 11; i++) {
    const t = i * 1000;
    const wait = i === 0 ? 60 : 5;
    events.push(
      started(`c${i}`, t),
      customer(`c${i}`, 'm1', t, 'Hello'),
      agent(`c${i}`, 'm2', t + wait, 'Hi', { agentId: 'ann' }),
      closed(`c${i}`, t + 100),
    );
  }
  return collect(events);
}

const facts = transcript();
const base: ReportOptions = { period: 'month', timeZone: 'UTC', now: 0 };
const pick = (seed: string, n = 2) =>
  buildReport(facts, { ...base, sample: { perAgentPerMonth: n, seed } }).sample;

describe('the QA sample', () => {
  it('picks N chats per agent per month, with the chat id and why it weighed more', () => {
    const sample = pick('march');
    expect(sample).toHaveLength(2);
    expect(new Set(sample.map((p) => p.chatId)).size).toBe(2);
    for (const p of sample) expect(p).toMatchObject({ agentId: 'ann', month: '2026-11' });
    expect(pick('x', 0)).toEqual([]);
    expect(pick('x', 50)).toHaveLength(11);
  });

  it('is the same for a seed, whatever the order of the chats', () => {
    const reversed = buildReport([...facts].reverse(), {
      ...base,
      sample: { perAgentPerMonth: 2, seed: 'march' },
    }).sample;
    expect(reversed).toEqual(pick('march'));
  });

  it('differs with the seed', () => {
    const picks = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((s) => JSON.stringify(pick(s))));
    expect(picks.size).toBeGreaterThan(1);
  });

  it('picks a chat with a breach more often than a quiet one', () => {
    // Weight 3 against 1: alone it would be picked about 3/13 of the time, a quiet one 1/13.
    expect(sampleWeight(1, false)).toBe(3);
    expect(sampleWeight(0, true)).toBe(4);
    expect(sampleWeight(9, true)).toBe(10);
    let breached = 0;
    let quiet = 0;
    for (let s = 0; s < 400; s++) {
      const [only] = pick(`seed-${s}`, 1);
      if (only?.chatId === 'c0') breached += 1;
      if (only?.chatId === 'c5') quiet += 1;
    }
    expect(pick('z', 11).find((p) => p.chatId === 'c0')).toMatchObject({ breaches: 1 });
    expect(breached).toBeGreaterThan(2 * quiet);
  });
});
