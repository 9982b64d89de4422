// Periods in the team's time zone across DST changes (Europe/Berlin, 2026).
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.ts';
import { hourOf, periodOf } from '../../src/report/periods.ts';
import { agent, customer, started } from '../support/events.ts';
import { collect } from './fixtures.ts';

const BERLIN = 'Europe/Berlin';
const at = (text: string) => Date.parse(text);

describe('periods in a time zone', () => {
  it('the October change: the day is 25 hours, the week 7 days and an hour', () => {
    // 2026-10-25 03:00 CEST becomes 02:00 CET.
    expect(periodOf(at('2026-10-25T12:00:00Z'), 'day', BERLIN)).toEqual({
      key: '2026-10-25',
      start: at('2026-10-24T22:00:00Z'),
      end: at('2026-10-25T23:00:00Z'),
    });
    expect(periodOf(at('2026-10-25T12:00:00Z'), 'week', BERLIN)).toEqual({
      key: '2026-W43',
      start: at('2026-10-18T22:00:00Z'),
      end: at('2026-10-25T23:00:00Z'),
    });
    expect(periodOf(at('2026-10-15T00:00:00Z'), 'month', BERLIN)).toEqual({
      key: '2026-10',
      start: at('2026-09-30T22:00:00Z'),
      end: at('2026-10-31T23:00:00Z'),
    });
  });

  it('Sunday 23:30 after the change is still its week; 00:30 Monday the next', () => {
    expect(periodOf(at('2026-10-25T22:30:00Z'), 'week', BERLIN).key).toBe('2026-W43');
    expect(periodOf(at('2026-10-25T23:30:00Z'), 'week', BERLIN).key).toBe('2026-W44');
    // In UTC the same instant is still Sunday.
    expect(periodOf(at('2026-10-25T23:30:00Z'), 'week', 'UTC').key).toBe('2026-W43');
  });

  it('the repeated hour counts as 2 o’clock both times', () => {
    expect(hourOf(at('2026-10-25T00:30:00Z'), BERLIN)).toBe(2); // 02:30 CEST
    expect(hourOf(at('2026-10-25T01:30:00Z'), BERLIN)).toBe(2); // 02:30 CET
  });

  it('the March change: the day is 23 hours', () => {
    const day = periodOf(at('2026-03-29T12:00:00Z'), 'day', BERLIN);
    expect(day).toEqual({
      key: '2026-03-29',
      start: at('2026-03-28T23:00:00Z'),
      end: at('2026-03-29T22:00:00Z'),
    });
  });

  it('ISO weeks at a year boundary belong to the year of their Thursday', () => {
    expect(periodOf(at('2026-12-31T12:00:00Z'), 'week', 'UTC').key).toBe('2026-W53');
    expect(periodOf(at('2027-01-03T12:00:00Z'), 'week', 'UTC').key).toBe('2026-W53');
    expect(periodOf(at('2027-01-04T12:00:00Z'), 'week', 'UTC').key).toBe('2027-W01');
    expect(periodOf(at('2025-12-29T12:00:00Z'), 'week', 'UTC').key).toBe('2026-W01');
  });

  it('a report puts each chat in the Berlin day of its Start', () => {
    const chat = (id: string, iso: string) => {
      const s = (at(iso) - Date.UTC(2026, 10, 23, 10)) / 1000;
      return [
        started(id, s),
        customer(id, 'm1', s),
        agent(id, 'm2', s + 5, 'Hi', { agentId: 'a' }),
      ];
    };
    const report = buildReport(
      collect([...chat('x', '2026-10-25T22:30:00Z'), ...chat('y', '2026-10-25T23:30:00Z')]),
      { period: 'day', timeZone: BERLIN, now: at('2026-11-01T00:00:00Z') },
    );
    expect(report.team.map((r) => [r.period, r.chats, r.end - r.start])).toEqual([
      ['2026-10-25', 1, 25 * 3_600_000],
      ['2026-10-26', 1, 24 * 3_600_000],
    ]);
  });
});
