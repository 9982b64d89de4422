// The team report on a small hand-checked transcript: two agents, a transfer, an escalation,
// a stale SOP and unanswered questions. Every expected number is worked out by hand below.
import { describe, expect, it } from 'vitest';
import { buildReport, buildReportInTurns, percentile } from '../../src/report/build.ts';
import type { PeriodFigures, ReportOptions } from '../../src/report/types.ts';
import type { SopLibrary } from '../../src/search/types.ts';
import { agent, check, closed, customer, ms, reply, started } from '../support/events.ts';
import { assigned, collect, opened, sop, suggested } from './fixtures.ts';

// Times are seconds after Monday 2026-11-23 10:00 UTC (ISO week 2026-W48).
const WEEK = 7 * 86_400;
const events = [
  // c1, Ann: first response 20 s greeting Dana; the customer then waits 30 → 200 = 170 s.
  started('c1', 0, { name: 'Dana Lee' }),
  customer('c1', 'm1', 0, 'My package never arrived'),
  suggested('c1', 5, ['sop-delivery', 'sop-refund']),
  opened('c1', 10, 'sop-delivery'),
  reply('c1', 15, 'sop-delivery', 'r1', true, 'We are sorry your package is late'),
  agent('c1', 'm2', 20, 'Hi Dana, we are sorry your package is late', { agentId: 'ann' }),
  customer('c1', 'm3', 30, 'When will it come?'),
  agent('c1', 'm4', 200, 'Tomorrow.', { agentId: 'ann' }),
  closed('c1', 300),
  // c2, the transfer: Ann answers after 40 s (no name), the chat goes to Bob; the customer
  // asked for a manager (an escalation) and the escalation SOP is opened. Waits: 1110 → 1200.
  started('c2', 1000, { name: 'Zoë' }),
  customer('c2', 'm1', 1000, 'I want to speak to a manager'),
  agent('c2', 'm2', 1040, 'Hello there', { agentId: 'ann' }),
  assigned('c2', 1050, 'bob'),
  opened('c2', 1060, 'sop-escalation'),
  agent('c2', 'm3', 1100, 'Bob here, I can help', { agentId: 'bob' }),
  customer('c2', 'm4', 1110, 'ok'),
  agent('c2', 'm5', 1200, 'Done', { agentId: 'bob' }),
  check('c2', 1300, 'qa', true, { reason: 'complaint' }),
  closed('c2', 1400),
  // c3, no agent ever wrote: the team's only; first response breached (no answer, 100 s).
  started('c3', 5000),
  customer('c3', 'm1', 5000, 'How do I change my billing address?'),
  closed('c3', 5100),
  // c4 the week after, Bob: 10 s, greets Sam.
  started('c4', WEEK, { name: 'Sam' }),
  customer('c4', 'm1', WEEK, 'Hi'),
  agent('c4', 'm2', WEEK + 10, 'Hi Sam', { agentId: 'bob' }),
  closed('c4', WEEK + 60),
];

const library: SopLibrary = {
  format: 'sop-library/1',
  sops: [
    sop('sop-delivery', { title: 'Late delivery', lastReviewed: '2026-06-01' }),
    // Reviewed 2025-01-10, every 12 months: due 2026-01-10, stale on 2026-12-01.
    sop('sop-escalation', { title: 'Escalate', tags: ['escalation'], lastReviewed: '2025-01-10' }),
    sop('sop-old', { title: 'Old', lastReviewed: '2024-01-01' }),
  ],
};

const options: ReportOptions = {
  period: 'week',
  timeZone: 'UTC',
  now: Date.UTC(2026, 11, 1),
};
const report = buildReport(collect(events), options, {
  library,
  unanswered: [
    { chatId: 'c3', at: ms(5000), text: 'How do I change my billing address?' },
    { chatId: 'c1', at: ms(30), text: 'Can I change the billing email?' },
    { chatId: 'c2', at: ms(1110), text: 'Where is the parcel?' },
  ],
});

function row(agentId: string | null, period: string): PeriodFigures {
  const rows = agentId === null ? report.team : report.agents;
  const found = rows.find((r) => r.agentId === agentId && r.period === period);
  if (!found) throw new Error(`no row ${agentId} ${period}`);
  return found;
}

describe('the team report on a hand-checked transcript', () => {
  it('rows per agent and week, agents by id, weeks in time order', () => {
    expect(report.agents.map((r) => `${r.agentId} ${r.period}`)).toEqual([
      'ann 2026-W48',
      'bob 2026-W48',
      'bob 2026-W49',
    ]);
    expect(report.team.map((r) => r.period)).toEqual(['2026-W48', '2026-W49']);
    expect(row(null, '2026-W48').start).toBe(Date.UTC(2026, 10, 23));
    expect(row(null, '2026-W48').end).toBe(Date.UTC(2026, 10, 30));
  });

  it('Ann: both chats she wrote in, both first responses hers', () => {
    expect(row('ann', '2026-W48')).toMatchObject({
      chats: 2,
      firstResponses: 2,
      firstResponseInTimePct: 50, // 20 s in time, 40 s over 30 s: 1 of 2
      firstResponseMedianS: 20, // nearest rank of [20, 40]: ceil(0.5·2) = 1st
      firstResponseP90S: 40, // ceil(0.9·2) = 2nd
      longestWaitS: 170, // c1 200 − 30; c2 1200 − 1110 = 90
      gapBreachesPerChat: 0.5, // 1 breach (170 > 120) over 2 chats
      greetedByNamePct: 50, // "Hi Dana" yes, "Hello there" no
      handlingMedianS: 300, // [300, 400]
      handlingP90S: 400,
      escalations: 1, // c2: "speak to a manager"
      escalationsWithSopOpened: 1, // sop-escalation (tagged) opened in c2
      qaTags: { Complaint: 1 }, // 'complaint' is the team tag 'Complaint'
    });
    expect(row('ann', '2026-W48').checklistPct.greet).toBe(50);
  });

  it('Bob after the transfer: the chat counts for him, its first response does not', () => {
    expect(row('bob', '2026-W48')).toMatchObject({
      chats: 1,
      firstResponses: 0,
      firstResponseInTimePct: null,
      firstResponseMedianS: null,
      longestWaitS: 90,
      gapBreachesPerChat: 0,
      greetedByNamePct: null,
      handlingMedianS: 400,
      escalations: 1,
      escalationsWithSopOpened: 1,
    });
    expect(row('bob', '2026-W49')).toMatchObject({
      chats: 1,
      firstResponses: 1,
      firstResponseInTimePct: 100,
      firstResponseMedianS: 10,
      greetedByNamePct: 100,
      handlingMedianS: 60,
    });
  });

  it('the team counts the chat no agent wrote in', () => {
    expect(row(null, '2026-W48')).toMatchObject({
      chats: 3,
      firstResponses: 2, // c3 has none
      firstResponseInTimePct: 50,
      longestWaitS: 170,
      gapBreachesPerChat: 0.33, // 1 / 3
      handlingMedianS: 300, // sorted [100, 300, 400]: ceil(1.5) = 2nd
      handlingP90S: 400, // ceil(2.7) = 3rd
      escalations: 1,
    });
  });

  it('trends against the previous week of the same row', () => {
    const trend = (agentId: string | null, figure: string) =>
      report.trends.find(
        (t) => t.agentId === agentId && t.period === '2026-W49' && t.figure === figure,
      );
    expect(trend('bob', 'firstResponses')).toMatchObject({ value: 1, previous: 0, change: 1 });
    expect(trend(null, 'chats')).toMatchObject({ value: 1, previous: 3, change: -2 });
    expect(trend(null, 'handlingMedianS')).toMatchObject({
      value: 60,
      previous: 300,
      change: -240,
    });
    const first = report.trends.find((t) => t.period === '2026-W48' && t.figure === 'chats');
    expect(first).toMatchObject({ previous: null, change: null });
  });

  it('breaches by the hour their threshold passed, and the first-response buckets', () => {
    const hours = Object.fromEntries(report.breachesByHour.map((h) => [h.hour, h]));
    // c1's wait 10:00:30 + 120 s; c2's 10:16:40 + 30 s; c3's 11:23:20 + 30 s.
    expect(hours[10]).toEqual({ hour: 10, firstResponse: 1, gap: 1 });
    expect(hours[11]).toEqual({ hour: 11, firstResponse: 1, gap: 0 });
    const total = report.breachesByHour.reduce((n, h) => n + h.firstResponse + h.gap, 0);
    expect(total).toBe(3);
    const filled = report.firstResponseDistribution.filter((b) => b.chats > 0);
    expect(filled).toEqual([
      { fromS: 10, toS: 20, chats: 1 }, // c4 10 s
      { fromS: 20, toS: 30, chats: 1 }, // c1 20 s
      { fromS: 40, toS: 50, chats: 1 }, // c2 40 s
    ]);
    expect(report.firstResponseDistribution.at(-1)).toEqual({ fromS: 120, toS: null, chats: 0 });
  });

  it('SOP usage, the most used first, with the stale ones of the library', () => {
    expect(report.sops.map((s) => [s.sopId, s.suggested, s.opened, s.inserted, s.stale])).toEqual([
      ['sop-delivery', 1, 1, 1, false],
      ['sop-escalation', 0, 1, 0, true],
      ['sop-refund', 1, 0, 0, false],
      ['sop-old', 0, 0, 0, true],
    ]);
    expect(report.sops[1]).toMatchObject({ title: 'Escalate', reviewDue: '2026-01-10' });
  });

  it('groups unanswered questions by shared words', () => {
    expect(report.unanswered).toEqual([
      {
        words: ['billing', 'change'],
        count: 2,
        examples: [
          { chatId: 'c1', at: ms(30), text: 'Can I change the billing email?' },
          { chatId: 'c3', at: ms(5000), text: 'How do I change my billing address?' },
        ],
      },
      {
        words: ['parcel'],
        count: 1,
        examples: [{ chatId: 'c2', at: ms(1110), text: 'Where is the parcel?' }],
      },
    ]);
  });

  it("an agent's report holds only the chats that agent wrote in", () => {
    const bobs = buildReport(collect(events), { ...options, agent: 'bob' });
    expect(bobs.agents.every((r) => r.agentId === 'bob')).toBe(true);
    expect(bobs.team.map((r) => r.chats)).toEqual([1, 1]); // c2, c4
    expect(bobs.sops.map((s) => s.sopId)).toEqual(['sop-escalation']);
  });

  it('since/until keep the chats whose Start is in [since, until)', () => {
    const second = buildReport(collect(events), { ...options, since: ms(WEEK) });
    expect(second.team.map((r) => r.period)).toEqual(['2026-W49']);
    const first = buildReport(collect(events), { ...options, until: ms(WEEK) });
    expect(first.team.map((r) => r.chats)).toEqual([3]);
  });

  it('percentiles are nearest-rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  it('refuses an unknown time zone, naming the field', () => {
    expect(() => buildReport([], { ...options, timeZone: 'Mars/Base' })).toThrow(/timeZone/);
  });
});

describe('the report made a slice at a time (serve)', () => {
  it('is the same report, and yields between slices', async () => {
    const extra = {
      library,
      unanswered: [{ chatId: 'c3', at: ms(5000), text: 'How do I change my billing address?' }],
    };
    const facts = collect(events);
    let turns = 0;
    const inTurns = await buildReportInTurns(
      facts,
      options,
      extra,
      async () => {
        turns += 1;
      },
      1,
    );
    expect(inTurns).toEqual(buildReport(facts, options, extra));
    expect(turns).toBe(facts.length);
  });
});
