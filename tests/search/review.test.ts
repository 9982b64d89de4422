// Review dates, as the sidebar's "Review overdue" and check-library show them: calendar days
// in local time, months added with the day clamped to shorter months.
import { describe, expect, it } from 'vitest';
import { parseIsoDate, reviewStatus } from '../../src/search/review.ts';
import type { Sop } from '../../src/search/types.ts';

const sop = (fields: Partial<Sop>): Sop => ({
  id: 'CS-PR-001',
  title: 'Product returns',
  reviewEveryMonths: 12,
  channels: [],
  tags: [],
  triggers: [],
  steps: [],
  replies: [],
  ...fields,
});
const at = (iso: string, hours = 0, minutes = 0) => {
  const day = parseIsoDate(iso)!;
  day.setHours(hours, minutes);
  return day.getTime();
};

describe('reviewStatus', () => {
  it('is due reviewEveryMonths after the last review; stale only after the due day', () => {
    const reviewed = sop({ lastReviewed: '2026-03-01' });
    expect(reviewStatus(reviewed, at('2027-02-28', 23, 59))).toEqual({
      stale: false,
      dueOn: '2027-03-01',
      monthsSinceReview: 11,
    });
    expect(reviewStatus(reviewed, at('2027-03-01'))).toMatchObject({ stale: false });
    expect(reviewStatus(reviewed, at('2027-03-01', 23, 59))).toMatchObject({ stale: false });
    expect(reviewStatus(reviewed, at('2027-03-02'))).toEqual({
      stale: true,
      dueOn: '2027-03-01',
      monthsSinceReview: 12,
    });
    expect(reviewStatus(reviewed, at('2027-11-15'))).toMatchObject({ monthsSinceReview: 20 });
  });

  it('uses the effective date when never reviewed, and lastReviewed when both are set', () => {
    expect(reviewStatus(sop({ effective: '2025-01-10' }), at('2026-01-11'))).toMatchObject({
      stale: true,
      dueOn: '2026-01-10',
    });
    expect(
      reviewStatus(sop({ effective: '2025-01-10', lastReviewed: '2025-12-01' }), at('2026-01-11')),
    ).toMatchObject({ stale: false, dueOn: '2026-12-01' });
  });

  it('honours reviewEveryMonths and clamps to the end of shorter months', () => {
    expect(
      reviewStatus(sop({ lastReviewed: '2025-08-31', reviewEveryMonths: 6 }), at('2026-03-01')),
    ).toMatchObject({ stale: true, dueOn: '2026-02-28' });
    expect(reviewStatus(sop({ lastReviewed: '2024-02-29' }), at('2025-02-28'))).toMatchObject({
      stale: false,
      dueOn: '2025-02-28',
    });
    const dueOn = (lastReviewed: string, reviewEveryMonths: number) =>
      reviewStatus(sop({ lastReviewed, reviewEveryMonths }), at('2026-01-01')).dueOn;
    expect(dueOn('2026-01-31', 1)).toBe('2026-02-28');
    expect(dueOn('2027-01-31', 1)).toBe('2027-02-28');
    expect(dueOn('2028-01-31', 1)).toBe('2028-02-29');
    expect(dueOn('2026-03-31', 1)).toBe('2026-04-30');
    expect(dueOn('2026-01-30', 1)).toBe('2026-02-28');
    expect(dueOn('2026-01-28', 1)).toBe('2026-02-28');
    // Across years, and back to a long month: the day is kept where the month has it.
    expect(dueOn('2025-11-30', 3)).toBe('2026-02-28');
    expect(dueOn('2025-12-31', 2)).toBe('2026-02-28');
    expect(dueOn('2026-05-15', 20)).toBe('2028-01-15');
    expect(dueOn('2026-08-31', 120)).toBe('2036-08-31');
  });

  it('counts calendar months, whatever the day of the month', () => {
    const months = (lastReviewed: string, now: number) =>
      reviewStatus(sop({ lastReviewed }), now).monthsSinceReview;
    expect(months('2026-01-31', at('2026-02-01'))).toBe(1);
    expect(months('2026-01-01', at('2026-01-31', 23, 59))).toBe(0);
    expect(months('2025-12-31', at('2026-01-01'))).toBe(1);
    expect(months('2024-06-15', at('2026-03-01'))).toBe(21);
    // A review dated after `now` (a clock set wrong) counts back.
    expect(months('2026-05-01', at('2026-03-31'))).toBe(-2);
  });

  it('writes the due day with four-digit years', () => {
    expect(reviewStatus(sop({ lastReviewed: '0099-03-05' }), at('2026-01-01'))).toEqual({
      stale: true,
      dueOn: '0100-03-05',
      monthsSinceReview: (2026 - 99) * 12 - 2,
    });
    expect(
      reviewStatus(sop({ lastReviewed: '9999-12-31', reviewEveryMonths: 1 }), at('2026-01-01')),
    ).toMatchObject({ stale: false, dueOn: '10000-01-31' });
  });

  it('never flags an SOP without dates, or one due beyond what a date can hold', () => {
    const never = { stale: false, dueOn: null, monthsSinceReview: null };
    expect(reviewStatus(sop({}), at('2100-01-01'))).toEqual(never);
    const absurd = sop({ lastReviewed: '2026-01-01', reviewEveryMonths: 4_000_000 });
    expect(reviewStatus(absurd, at('2100-01-01'))).toEqual(never);
  });
});

describe('parseIsoDate', () => {
  it('reads real YYYY-MM-DD days as local midnight and nothing else', () => {
    expect(parseIsoDate('2026-03-01')?.getTime()).toBe(new Date(2026, 2, 1).getTime());
    expect(parseIsoDate('0099-01-01')?.getFullYear()).toBe(99);
    expect(parseIsoDate('2028-02-29')?.getDate()).toBe(29);
    for (const bad of ['2026-02-29', '2026-00-10', '2026-1-01', '20260301', ' 2026-03-01', '']) {
      expect(parseIsoDate(bad)).toBeNull();
    }
  });
});
