// Timestamps at the boundary (protocol.md "Details"): ISO-8601 with an explicit offset or `Z`,
// or epoch milliseconds. Inside the engine every time is epoch milliseconds.

const ISO_AT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

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
  if (typeof value !== 'string') return null;
  const m = ISO_AT.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (year < 100) {
    // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
    const date = new Date(t);
    date.setUTCFullYear(year);
    t = date.getTime();
  }
  if (!m[8]) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    const sign = m[9] === '-' ? -1 : 1;
    t -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return Number.isFinite(t) ? t : null;
}

/** Seconds with millisecond precision, as audit prints them. */
export function msToSeconds(ms: number): number {
  return ms / 1000;
}
