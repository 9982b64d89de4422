// Fill-in field patterns (docs/library-format.md "Fill-in fields"): a library's regular
// expression that finds a field's value in the customer's messages. Patterns run in the
// agent's browser on text anyone can type, so a pattern that could backtrack for seconds
// is refused at load (patternProblem), and matching reads bounded text only (findLatest).

/** Longest pattern accepted. */
export const MAX_PATTERN_LENGTH = 200;
/** Characters of each message a pattern reads. */
export const MAX_MATCHED_TEXT = 1_000;
/** Customer messages searched, newest first. */
export const MAX_MATCHED_MESSAGES = 20;
/** A `{n,m}` repeat wider than this counts as open-ended. */
const WIDE_REPEAT = 50;

/**
 * Why `pattern` may not be used, or null. Besides being a valid JavaScript regular
 * expression of at most MAX_PATTERN_LENGTH characters, it may not use back-references, may
 * not repeat a group that itself repeats or has alternatives (`(a+)+`, `(a|ab)*`: the
 * classic catastrophic backtracking), and has at most one open-ended repeat (`*`, `+`,
 * `{n,}`), which keeps the worst case quadratic in the bounded message length.
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `is ${pattern.length} characters, more than ${MAX_PATTERN_LENGTH}`;
  }
  try {
    new RegExp(pattern);
  } catch (err) {
    return `is not a valid regular expression (${(err as Error).message})`;
  }
  // Per open group: whether it holds a repeat or an alternative so far.
  const groups: boolean[] = [false];
  let openEnded = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    let closedRisky = false;
    if (ch === '\\') {
      if (/[1-9k]/.test(pattern[i + 1] ?? '')) {
        return 'uses a back-reference, which can make matching slow';
      }
      i++;
    } else if (ch === '[') {
      // Skip the class (JavaScript reads `[]` as an empty class, so the first `]` ends it).
      i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
    } else if (ch === '(') {
      groups.push(false);
      // `(?:`, `(?=`, `(?<name>` …: that `?` is not a repeat.
      const prefix = /^\?(?:<(?:[=!]|[A-Za-z_$][\w$]*>)|[:=!])/.exec(pattern.slice(i + 1));
      i += prefix ? prefix[0].length : 0;
      continue;
    } else if (ch === '|') {
      groups[groups.length - 1] = true;
      continue;
    } else if (ch === ')') {
      closedRisky = groups.pop()!;
    }
    const kind = repeatAfter(pattern, i + 1);
    if (!kind) {
      if (closedRisky) groups[groups.length - 1] = true;
      continue;
    }
    if (closedRisky && kind.many) {
      return 'repeats a group that itself repeats or has alternatives ((a+)+, (a|ab)*), which can hang the browser';
    }
    if (kind.open && ++openEnded > 1) {
      return 'has more than one open-ended repeat (*, + or {n,}), which can make matching slow on long messages';
    }
    groups[groups.length - 1] = true;
    i += kind.length;
    if (pattern[i + 1] === '?') i++; // lazy
  }
  return null;
}

/** The repeat written at `at`, if any: whether it allows more than one, and no fixed limit. */
function repeatAfter(
  pattern: string,
  at: number,
): { many: boolean; open: boolean; length: number } | null {
  const ch = pattern[at];
  if (ch === '?') return { many: false, open: false, length: 1 };
  if (ch === '*' || ch === '+') return { many: true, open: true, length: 1 };
  const braces = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
  if (!braces) return null;
  const min = Number(braces[1]);
  const max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
  return { many: max > 1, open: max - min > WIDE_REPEAT, length: braces[0].length };
}

export interface PatternMatch {
  /** Index in `texts` of the message it was found in. */
  index: number;
  /** The first capturing group when the pattern has one, else the whole match; trimmed. */
  value: string;
  /** The match's position in the message. */
  start: number;
  end: number;
}

/**
 * The value `pattern` finds in the latest of `texts` (oldest first) that has one, reading the
 * last MAX_MATCHED_MESSAGES texts and MAX_MATCHED_TEXT characters of each. Null when none
 * matches. Patterns come from a validated library (patternProblem ran where it was loaded,
 * which keeps this check out of the script-tag bundle); one that does not compile finds
 * nothing.
 */
export function findLatest(pattern: string, texts: readonly string[]): PatternMatch | null {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return null;
  }
  if (pattern.length > MAX_PATTERN_LENGTH) return null;
  const stop = Math.max(0, texts.length - MAX_MATCHED_MESSAGES);
  for (let index = texts.length - 1; index >= stop; index--) {
    const match = re.exec(texts[index]!.slice(0, MAX_MATCHED_TEXT));
    const value = (match?.[1] ?? match?.[0])?.trim();
    if (match && value) {
      return { index, value, start: match.index, end: match.index + match[0].length };
    }
  }
  return null;
}
