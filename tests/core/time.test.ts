// parseAt reads ISO times character by character (it runs for every event); the regular
// expression it replaced is kept here as the reference: both must accept and reject the same
// values and agree on every time.
import fc from 'fast-check';
import { parseAt } from '../../src/core/index.ts';

const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);

// The previous implementation, verbatim.
const ISO_AT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}
function referenceParseIso(value: string): number | null {
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

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
/** Mostly a digit, sometimes something that only looks close. */
const digit = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...'0123456789') },
  { weight: 1, arbitrary: fc.constantFrom('a', ' ', '-', '٣', '/', ':', '.') },
);
const anyField = (n: number) =>
  fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));
const EDGES = ['00', '01', '09', '12', '13', '23', '24', '28', '29', '30', '31', '32', '59', '60'];
/** Two digits: mostly within 0…max, often at the edges of the ranges, sometimes anything. */
const field2 = (max: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0')) },
    { weight: 3, arbitrary: fc.constantFrom(...EDGES) },
    { weight: 1, arbitrary: anyField(2) },
  );
const year = fc.oneof(
  fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
  fc.constantFrom('0000', '0050', '0099', '0100', '1900', '2000', '2024', '2100'),
  anyField(4),
);
const separator = (usual: string) =>
  fc.oneof({ weight: 30, arbitrary: fc.constant(usual) }, fc.constantFrom('-', 'T', ':', 't', ' '));
const zone = fc.oneof(
  fc.constant('Z'),
  fc
    .tuple(fc.constantFrom('+', '-'), field2(23), separator(':'), field2(59))
    .map((p) => p.join('')),
  fc.constantFrom('', 'z', '+0100', '+01', 'Z ', '+01:00Z', 'UTC'),
);
/** Near-ISO text: the right shape most of the time, with every field's range exercised. */
const nearIso = fc
  .tuple(
    year,
    separator('-'),
    field2(12),
    separator('-'),
    field2(31),
    separator('T'),
    field2(23),
    separator(':'),
    field2(59),
    separator(':'),
    field2(59),
    fc.option(
      digits(0, 7).map((d) => `.${d}`),
      { nil: '' },
    ),
    zone,
  )
  .map((parts) => parts.join(''));

describe('parseAt', () => {
  it('reads ISO times with Z or an offset, and epoch milliseconds', () => {
    expect(parseAt('2026-11-23T10:00:04.250Z')).toBe(Date.UTC(2026, 10, 23, 10, 0, 4, 250));
    expect(parseAt('2026-11-23T11:00:00+01:00')).toBe(Date.UTC(2026, 10, 23, 10));
    expect(parseAt('2026-11-23T09:30:00.1-00:30')).toBe(Date.UTC(2026, 10, 23, 10, 0, 0, 100));
    expect(parseAt('2026-11-23T10:00:00.9999Z')).toBe(Date.UTC(2026, 10, 23, 10, 0, 0, 999));
    // Year 50, not 1950 (Date.UTC's reading of two-digit years).
    expect(new Date(parseAt('0050-03-01T00:00:00Z')!).getUTCFullYear()).toBe(50);
    expect(parseAt(1795428019000.7)).toBe(1795428019000);
  });

  it('refuses what is not one, whatever the field', () => {
    for (const bad of [
      '2026-11-23T10:00:00',
      '2026-11-23 10:00:00Z',
      '2026-02-29T10:00:00Z',
      '2026-11-23T24:00:00Z',
      '2026-11-23T10:00:00.Z',
      '2026-11-23T10:00:00+24:00',
      '2026-11-23T10:00:00z',
      '٢٠٢٦-11-23T10:00:00Z',
      '',
    ]) {
      expect(parseAt(bad)).toBeNull();
    }
    expect(parseAt(Number.NaN)).toBeNull();
    expect(parseAt(null)).toBeNull();
  });

  it('agrees with the regular expression it replaced on near-ISO and random text', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: nearIso }, fc.string()), (text) => {
        expect(parseAt(text)).toBe(referenceParseIso(text));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
