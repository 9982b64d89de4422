// Calendar periods in an IANA time zone, with plain Intl and Date math (no date library):
// a day, an ISO week (Monday start) or a month, named and bounded in the zone's wall clock,
// so a period across a DST change is 23 or 25 hours long.
import type { Period } from './types.ts';

export interface PeriodSpan {
  /** '2026-11-30' (day), '2026-W49' (ISO week), '2026-11' (month). */
  key: string;
  /** First instant and last instant + 1 (epoch ms). */
  start: number;
  end: number;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone when it is not an IANA zone the runtime knows. */
export function checkTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(`timeZone: '${timeZone}' is not a known IANA time zone`);
  }
}

/** The wall clock of `at` in the zone, as if it were UTC (epoch ms), asking Intl. */
function wallAsUtcSlow(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const year = parts.year ?? 1970;
  const utc = Date.UTC(
    year,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  // Date.UTC maps years 0–99 to 1900–1999; the report's years are never there.
  return utc + (at - Math.floor(at / 1000) * 1000);
}

/**
 * Zone offsets by quarter hour: offsets only change on a quarter hour (UTC) in every zone of
 * today's tz database, so one Intl call serves every instant in it. Intl is the report's
 * costliest step on a million events without this.
 */
const QUARTER_MS = 900_000;
/** Per zone, its offset (ms) by quarter-hour number; a report asks of one zone at a time. */
const offsets = new Map<string, Map<number, number>>();
/** Offsets kept over every zone: past this many they are all dropped (a server runs long). */
const MAX_CACHED_OFFSETS = 200_000;
let cachedOffsets = 0;
let lastZone = '';
let lastOffsets = new Map<number, number>();

function wallAsUtc(at: number, timeZone: string): number {
  if (timeZone !== lastZone) {
    lastOffsets = offsets.get(timeZone) ?? new Map();
    lastZone = timeZone;
  }
  const quarter = Math.floor(at / QUARTER_MS);
  let offset = lastOffsets.get(quarter);
  if (offset === undefined) {
    if (cachedOffsets >= MAX_CACHED_OFFSETS) {
      offsets.clear();
      lastOffsets = new Map();
      cachedOffsets = 0;
    }
    // Intl throws for an unknown zone here, before the zone is kept.
    offset = wallAsUtcSlow(quarter * QUARTER_MS, timeZone) - quarter * QUARTER_MS;
    if (lastOffsets.size === 0) offsets.set(timeZone, lastOffsets);
    lastOffsets.set(quarter, offset);
    cachedOffsets += 1;
  }
  return at + offset;
}

export function wallClock(at: number, timeZone: string): WallClock {
  const d = new Date(wallAsUtc(at, timeZone));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
  };
}

/** The instant of a wall-clock midnight in the zone (the later one if a gap skips it). */
function midnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let at = wall;
  // Two corrections settle the offset, including on the day it changes.
  for (let i = 0; i < 3; i++) at = wall - (wallAsUtc(at, timeZone) - at);
  // A midnight skipped by a DST gap: the day starts at the first instant after it.
  if (wallAsUtc(at, timeZone) < wall) at += 3_600_000;
  return at;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const spans = new Map<string, PeriodSpan>();

/** The period `at` falls in, in the zone (spans kept by wall-clock day: many chats a day). */
export function periodOf(at: number, period: Period, timeZone: string): PeriodSpan {
  const { year, month, day } = wallClock(at, timeZone);
  const key = `${timeZone}|${period}|${year}-${month}-${day}`;
  let span = spans.get(key);
  if (!span) {
    if (spans.size >= 100_000) spans.clear();
    span = spanOf(year, month, day, period, timeZone);
    spans.set(key, span);
  }
  return span;
}

function spanOf(
  year: number,
  month: number,
  day: number,
  period: Period,
  timeZone: string,
): PeriodSpan {
  if (period === 'month') {
    const next = month === 12 ? [year + 1, 1] : [year, month + 1];
    return {
      key: `${pad(year, 4)}-${pad(month)}`,
      start: midnight(year, month, 1, timeZone),
      end: midnight(next[0]!, next[1]!, 1, timeZone),
    };
  }
  const civil = Date.UTC(year, month - 1, day);
  if (period === 'day') {
    const next = new Date(civil + DAY_MS);
    return {
      key: `${pad(year, 4)}-${pad(month)}-${pad(day)}`,
      start: midnight(year, month, day, timeZone),
      end: midnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone),
    };
  }
  // ISO week: Monday start; the week belongs to the year of its Thursday.
  const weekday = (new Date(civil).getUTCDay() + 6) % 7;
  const monday = new Date(civil - weekday * DAY_MS);
  const nextMonday = new Date(monday.getTime() + 7 * DAY_MS);
  const thursday = new Date(monday.getTime() + 3 * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / DAY_MS / 7) + 1;
  const at0 = (d: Date) =>
    midnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), timeZone);
  return { key: `${pad(isoYear, 4)}-W${pad(week)}`, start: at0(monday), end: at0(nextMonday) };
}

/** The hour of day (0–23) of `at` in the zone. */
export function hourOf(at: number, timeZone: string): number {
  // getUTCHours of the wall clock, without a Date per call (the report asks per breach).
  const hours = Math.floor(wallAsUtc(at, timeZone) / 3_600_000) % 24;
  return hours < 0 ? hours + 24 : hours;
}
