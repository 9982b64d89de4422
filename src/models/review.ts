// Review status of an SOP for the stale badge. Same rule as src/search/library.ts
// `reviewStatus` (due = lastReviewed or effective + reviewEveryMonths; stale once the
// calendar day is past it), without date-fns `format` and its locale: that alone would
// take a seventh of the widget's 40 kB budget.
import { addMonths } from 'date-fns/addMonths';
import { differenceInCalendarMonths } from 'date-fns/differenceInCalendarMonths';
import { isBefore } from 'date-fns/isBefore';
import { lightFormat } from 'date-fns/lightFormat';
import { startOfDay } from 'date-fns/startOfDay';
import { parseIsoDate } from '../search/library.ts';
import type { Sop } from '../search/types.ts';

export interface Review {
  stale: boolean;
  dueOn: string | null;
  monthsSinceReview: number | null;
}

export function reviewOf(sop: Sop, now: number): Review {
  const reviewedOn = parseIsoDate(sop.lastReviewed ?? sop.effective ?? '');
  if (!reviewedOn) return { stale: false, dueOn: null, monthsSinceReview: null };
  const due = addMonths(reviewedOn, sop.reviewEveryMonths);
  if (Number.isNaN(due.getTime())) return { stale: false, dueOn: null, monthsSinceReview: null };
  return {
    stale: isBefore(due, startOfDay(now)),
    dueOn: lightFormat(due, 'yyyy-MM-dd'),
    monthsSinceReview: differenceInCalendarMonths(now, reviewedOn),
  };
}
