// When an SOP is due for review: what the sidebar's "Review overdue" and `check-library`
// show. Kept apart from validation (library.ts), so the script-tag bundle carries neither the
// validator nor a date library: a few lines of plain Date math do the calendar arithmetic.
import type { Sop } from './types.ts';

export interface ReviewStatus {
  /** True once the calendar day of `now` is after `dueOn`. */
  stale: boolean;
  dueOn: string | null;
  monthsSinceReview: number | null;
}

/**
 * When the SOP is next due for review: `lastReviewed` (else `effective`) plus
 * `reviewEveryMonths`. Dates are calendar days in local time; on the due day itself the SOP
 * is not yet stale. An SOP without dates is never stale.
 */
export function reviewStatus(sop: Sop, now: number): ReviewStatus {
  const reviewedOn = parseIsoDate(sop.lastReviewed ?? sop.effective ?? '');
  const due = reviewedOn && addMonths(reviewedOn, sop.reviewEveryMonths);
  // An absurd interval (beyond year 275760) gives an invalid date: treat as never due.
  if (!reviewedOn || !due || Number.isNaN(due.getTime())) {
    return { stale: false, dueOn: null, monthsSinceReview: null };
  }
  const today = new Date(now);
  const months =
    (today.getFullYear() - reviewedOn.getFullYear()) * 12 +
    today.getMonth() -
    reviewedOn.getMonth();
  today.setHours(0, 0, 0, 0);
  return { stale: due < today, dueOn: isoDay(due), monthsSinceReview: months };
}

/** A `YYYY-MM-DD` string that names a real calendar day, as local midnight; otherwise null. */
export function parseIsoDate(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  const day = Number(match[3]);
  // setFullYear, because the Date constructor maps years 0–99 to 1900–1999.
  const date = new Date(2000, 0, 1);
  date.setFullYear(year, month, day);
  date.setHours(0, 0, 0, 0);
  const real = date.getFullYear() === year && date.getMonth() === month && date.getDate() === day;
  return real ? date : null;
}

/** `date` plus `months` calendar months; a day the month lacks becomes its last (31 → 30). */
function addMonths(date: Date, months: number): Date {
  // Day 0 of the month after the target month: the target month's last day.
  const lastOfMonth = new Date(date);
  lastOfMonth.setMonth(date.getMonth() + months + 1, 0);
  const day = date.getDate();
  if (day >= lastOfMonth.getDate()) return lastOfMonth;
  const result = new Date(date);
  result.setFullYear(lastOfMonth.getFullYear(), lastOfMonth.getMonth(), day);
  return result;
}

/** `yyyy-MM-dd`; year 0 is written as 1 BC, `0001`, as the date-fns version did. */
function isoDay(date: Date): string {
  const year = date.getFullYear();
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(year > 0 ? year : 1 - year, 4)}-${pad(date.getMonth() + 1, 2)}-${pad(date.getDate(), 2)}`;
}
