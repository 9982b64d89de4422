// Timestamps at the boundary (protocol.md "Details"): ISO-8601 with an explicit offset or `Z`,
// or epoch milliseconds. Inside the engine every time is epoch milliseconds.

/** The shape of an ISO time; every field but the fraction then sits at a fixed place. */
const ISO_AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

/** The largest |epoch ms| a JavaScript Date can hold. */
const MAX_EPOCH_MS = 8.64e15;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Parses a protocol `at` value to epoch milliseconds, or null when it is not one.
 * Digits of a fraction past milliseconds are dropped (not rounded), and so is the
 * fractional part of epoch milliseconds.
 */
export function parseAt(value: unknown): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > MAX_EPOCH_MS) return null;
    return Math.trunc(value) + 0; // `+ 0` turns -0 into 0
  }
  if (typeof value !== 'string' || !ISO_AT.test(value)) return null;
  // Digits read in place: capture groups and Number() cost several times more, and this
  // runs for every event.
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const end = value.length;
  const zone = value[end - 1] === 'Z' ? end - 1 : end - 6;
  // The fraction is from 20 to the zone; its digits past the third are dropped.
  const fraction = Math.min(zone - 20, 3);
  const ms = fraction > 0 ? digits(value, 20, fraction) * 10 ** (3 - fraction) : 0;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (year < 100) {
    // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
    const date = new Date(t);
    date.setUTCFullYear(year);
    t = date.getTime();
  }
  if (zone < end - 1) {
    const offsetHours = digits(value, end - 5, 2);
    const offsetMinutes = digits(value, end - 2, 2);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    const sign = value[zone] === '-' ? -1 : 1;
    t -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return Number.isFinite(t) ? t : null;
}

/** The number that `count` digits of `text` from `from` write. */
function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/** Seconds with millisecond precision, as audit prints them. */
export function msToSeconds(ms: number): number {
  return ms / 1000;
}
