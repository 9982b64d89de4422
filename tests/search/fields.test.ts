import { describe, expect, it } from 'vitest';
import {
  findLatest,
  MAX_MATCHED_MESSAGES,
  MAX_MATCHED_TEXT,
  MAX_PATTERN_LENGTH,
  patternProblem,
} from '../../src/search/fields.ts';

describe('patternProblem', () => {
  it.each([
    ['\\b[A-Z]{2}-?\\d{5,}\\b'],
    ['https?://\\S+'],
    ['(?:[£$€]\\s?)?\\d+[.,]\\d{2}\\b'],
    ['card (?:ending|ends)(?: in)? (\\d{4})\\b'],
    ['(?<order>SO-\\d{6})'],
    ['[(+*]a+'],
    ['x{2,40}y{3}'],
  ])('accepts %s', (pattern) => {
    expect(patternProblem(pattern)).toBeNull();
  });

  it.each([
    ['(a+)+', /repeats a group that itself repeats/],
    ['(?:\\w+\\s?)*x', /repeats a group/],
    ['(a|ab)*c', /repeats a group that itself repeats or has alternatives/],
    ['((a)?){2,}', /repeats a group/],
    ['(?:(?:a|b)c)+', /repeats a group/],
    ['\\s*\\s*x', /more than one open-ended repeat/],
    ['\\d+-\\d{1,80}', /more than one open-ended repeat/],
    ['(a)\\1', /back-reference/],
    ['(?<n>a)\\k<n>', /back-reference/],
    ['(unclosed', /not a valid regular expression/],
    [`x{1,2}${'a'.repeat(MAX_PATTERN_LENGTH)}`, /206 characters, more than 200/],
  ])('refuses %s', (pattern, why) => {
    expect(patternProblem(pattern)).toMatch(why);
  });
});

describe('findLatest', () => {
  const order = '\\bSO-?\\d{6}\\b';

  it("finds the value in the latest message that has one, with the match's place", () => {
    const texts = ['my order is SO-111111', 'hello?', 'sorry, it is SO-222222 actually', 'thanks'];
    expect(findLatest(order, texts)).toEqual({ index: 2, value: 'SO-222222', start: 13, end: 22 });
  });

  it('takes the first capturing group when the pattern has one, trimmed', () => {
    const last4 = 'card (?:ending|ends)(?: in)? (\\d{4})\\b';
    expect(findLatest(last4, ['SO-557904, card ends 4417'])?.value).toBe('4417');
    expect(findLatest('total:(\\s?\\d{1,6} )', ['total: 42 ok'])?.value).toBe('42');
  });

  it('finds nothing when no message matches', () => {
    expect(findLatest(order, ['no number here', 'SO-12'])).toBeNull();
    expect(findLatest(order, [])).toBeNull();
  });

  it('reads only bounded text: the first characters of each recent message', () => {
    const late = `${'x'.repeat(MAX_MATCHED_TEXT)} SO-333333`;
    expect(findLatest(order, [late])).toBeNull();
    const old = ['SO-444444', ...Array.from({ length: MAX_MATCHED_MESSAGES }, () => 'hi')];
    expect(findLatest(order, old)).toBeNull();
    expect(findLatest(order, old.slice(0, -1))?.value).toBe('SO-444444');
  });

  it('finds nothing with a pattern that does not compile', () => {
    expect(findLatest('(unclosed', ['(unclosed'])).toBeNull();
  });

  it('stays fast on hostile text for an accepted pattern', () => {
    const hostile = Array.from({ length: MAX_MATCHED_MESSAGES }, () => ' '.repeat(5_000));
    const started = performance.now();
    expect(findLatest('\\s*x', hostile)).toBeNull();
    expect(
      findLatest(
        'a{0,50}\\d+z',
        hostile.map((t) => t.replace(/ /g, '1')),
      ),
    ).toBeNull();
    // Quadratic in the bounded text at worst: well under a second even on a slow machine.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
