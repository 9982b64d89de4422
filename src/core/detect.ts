// What the engine reads out of message text. Pure string functions, shared by the live
// widget and `audit` so both tick the same checklist items for the same words.
import { escapeRegExp } from './guards.ts';
import type { EscalationKind } from './types.ts';

/** Lower-case with runs of whitespace collapsed to one space (protocol.md hold messages). */
export function normalizeForMatch(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

// One compiled pattern per phrase list: a phrase's spaces match any run of whitespace, which
// is "lower-cased with whitespace collapsed, contains the phrase" without copying the text.
const holdPatterns = new WeakMap<readonly string[], RegExp | null>();

function holdPattern(holdPhrases: readonly string[]): RegExp | null {
  let pattern = holdPatterns.get(holdPhrases);
  if (pattern === undefined) {
    const alternatives = holdPhrases
      .filter((p) => p !== '')
      .map((p) => p.split(' ').map(escapeRegExp).join('\\s+'));
    pattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'i') : null;
    holdPatterns.set(holdPhrases, pattern);
  }
  return pattern;
}

export function isHoldText(text: string, holdPhrases: readonly string[]): boolean {
  return holdPattern(holdPhrases)?.test(text) ?? false;
}

/** The first whitespace-separated word of a name, or null when there is none. */
export function firstNameOf(name: string | undefined): string | null {
  if (name === undefined) return null;
  const first = name.trim().split(/\s+/)[0];
  return first ? first : null;
}

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;

function isWordCharAt(text: string, index: number, backwards: boolean): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  let char = text[index]!;
  // Take the whole code point when the neighbour is half of a surrogate pair.
  if (backwards && code >= 0xdc00 && code <= 0xdfff && index > 0)
    char = text.slice(index - 1, index + 1);
  else if (!backwards && code >= 0xd800 && code <= 0xdbff) char = text.slice(index, index + 2);
  return WORD_CHAR.test(char);
}

/**
 * True when `word` stands in `text` as a whole word: no letter, digit or `_` of any script
 * right before or after it. Case-insensitive. A scan rather than a regex built per call:
 * this runs for every agent message of every audited chat.
 */
export function containsWholeWord(text: string, word: string): boolean {
  if (word === '') return false;
  const haystack = text.toLowerCase();
  const needle = word.toLowerCase();
  if (haystack.length !== text.length || needle.length !== word.length) {
    // Lower-casing changed lengths (rare scripts): positions no longer line up.
    const pattern = new RegExp(
      `(?<![\\p{L}\\p{N}_])${escapeRegExp(word)}(?![\\p{L}\\p{N}_])`,
      'iu',
    );
    return pattern.test(text);
  }
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) {
    if (!isWordCharAt(text, i - 1, true) && !isWordCharAt(text, i + needle.length, false)) {
      return true;
    }
  }
  return false;
}

export function greetsByName(text: string, customerName: string | undefined): boolean {
  const first = firstNameOf(customerName);
  return first !== null && containsWholeWord(text, first);
}

// "I'll have an answer within 10 minutes", "back to you in an hour", "by end of day".
const AMOUNT = String.raw`(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|a few|few|a couple of|couple of)`;
const UNIT =
  '(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|(?:business |working )?days?|weeks?)';
const TIME_PROMISE = new RegExp(
  String.raw`\b(?:within|in|under|less than|no more than|inside)\s+(?:the\s+next\s+)?${AMOUNT}(?:\s*(?:-|to)\s*\d+)?\s*${UNIT}\b` +
    String.raw`|\bby\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:day|today|week|business day)|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{1,2}(?::\d{2})?\s*(?:am|pm))\b` +
    String.raw`|\b(?:answer|update|reply|response)\s+(?:for you\s+)?(?:within|in)\b`,
  'i',
);

export function promisesTime(text: string): boolean {
  return TIME_PROMISE.test(text);
}

const ANYTHING_ELSE =
  /\b(?:anything|something) else\b|\bany other (?:questions?|issues?|way|thing)\b|\bis there (?:anything|something) (?:more|further)\b/i;

export function asksAnythingElse(text: string): boolean {
  return ANYTHING_ELSE.test(text);
}

const THANKS = /\b(?:thank(?:s| you)|thx|cheers|much appreciated|appreciate (?:it|your))\b/i;
// "case 48213", "ticket #A-1042", "reference: CP-77" — a reference needs at least one digit.
const CASE_REFERENCE =
  /\b(?:case|ticket|reference|ref)\.?\s*(?:number|no\.?|id)?\s*[:#]?\s*#?[A-Za-z0-9-]*\d[A-Za-z0-9-]*/i;

/** A closing message: thanks the customer and carries the case reference. */
export function isClosingWithReference(text: string, caseRef: string): boolean {
  if (!THANKS.test(text)) return false;
  return containsWholeWord(text, caseRef) || CASE_REFERENCE.test(text);
}

const STOP_WORDS = new Set(
  (
    'about above after again against all also and any are because been before being below ' +
    'between both but can cannot could did does doing down during each few for from further ' +
    'had has have having her here hers him his how into its just like more most much must ' +
    'need not now off once only other our ours out over own please same she should some ' +
    'such than that the their theirs them then there these they this those through too ' +
    'under until very was were what when where which while who whom why will with would ' +
    'you your yours yourself hello thanks thank sorry okay sure still really want know ' +
    'get got help hi hey dear able'
  ).split(' '),
);

// Splitting on ASCII separators keeps letters of every script inside words and is several
// times cheaper than a Unicode-property regex on this per-message path.
const WORD_SEPARATORS = /[\s.,!?;:()[\]{}"“”‘’/\\|<>*+=~`@#$%^&-]+/;

/** Content words (4+ letters, not stop words, plural `s` folded) for the `restate` hint. */
export function keyWords(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(WORD_SEPARATORS)) {
    if (raw.length < 4) continue;
    const word = !raw.includes("'")
      ? raw
      : raw.endsWith("'s")
        ? raw.slice(0, -2)
        : raw.replace(/'/g, '');
    if (word.length < 4 || STOP_WORDS.has(word)) continue;
    const folded =
      word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
    if (!out.includes(folded)) out.push(folded);
  }
  return out;
}

/** Remembered customer words: ` word word … ` (space-delimited), newest first, bounded. */
export function rememberWords(recent: string, words: readonly string[], limit: number): string {
  if (words.length === 0) return recent;
  const joined = ` ${words.join(' ')}${recent === '' ? ' ' : recent}`;
  if (joined.length <= limit) return joined;
  return joined.slice(0, joined.lastIndexOf(' ', limit) + 1);
}

/** How much of an inserted reply's key words a sent message must keep to carry it. */
export const CARRIES_REPLY_SHARE = 0.6;
/** The reply's key words kept for that comparison (a long reply is judged by its first ones). */
const REPLY_WORDS_LIMIT = 40;

/** An inserted reply's key words, ` word word … `, for `carriesReply`. */
export function replyWords(text: string): string {
  const words = keyWords(text).slice(0, REPLY_WORDS_LIMIT);
  return words.length === 0 ? '' : ` ${words.join(' ')} `;
}

/**
 * Whether a sent message carries an inserted reply, allowing the agent's edits: it keeps at
 * least 60% of the reply's key words (a reply with none is carried by any message).
 */
export function carriesReply(messageText: string, words: string): boolean {
  const wanted = words.split(' ').filter((w) => w !== '');
  if (wanted.length === 0) return true;
  const sent = new Set(keyWords(messageText));
  let kept = 0;
  for (const word of wanted) if (sent.has(word)) kept += 1;
  return kept / wanted.length >= CARRIES_REPLY_SHARE;
}

/** The agent restates when their message shares at least two key words with the customer's. */
export function sharesKeyWords(agentText: string, recentCustomerWords: string): boolean {
  if (recentCustomerWords === '') return false;
  let shared = 0;
  for (const word of keyWords(agentText)) {
    if (recentCustomerWords.includes(` ${word} `) && ++shared >= 2) return true;
  }
  return false;
}

// Skip-to-escalation language in the customer's words (the seeds' escalation SOP).
const ESCALATION_WORDS: ReadonlyArray<readonly [EscalationKind, RegExp]> = [
  [
    'manager',
    /\b(?:manager|supervisor|team ?lead(?:er)?|someone (?:senior|in charge)|your boss|escalate|higher up)\b/i,
  ],
  [
    'legal',
    /\b(?:lawyers?|attorneys?|solicitors?|legal action|sue|suing|lawsuit|court|small claims|ombudsman|trading standards|regulator|report you)\b/i,
  ],
  [
    'safety',
    /\b(?:injur(?:y|ed|ies)|hurt|burn(?:ed|t|s)?|caught fire|on fire|fire hazard|smok(?:e|ing)|electric(?:al)? shock|explod(?:e|ed|ing)|dangerous|unsafe|hazard(?:ous)?|chok(?:e|ed|ing)|poison(?:ed|ing)?)\b/i,
  ],
];

/**
 * The kinds of escalation language in a customer message, with the words that raised them;
 * kinds in `skip` (already raised for the chat) are not looked for again.
 */
export function escalationLanguage(
  text: string,
  skip: ReadonlyArray<{ kind: EscalationKind }> = [],
): Array<{ kind: EscalationKind; excerpt: string }> {
  const hits: Array<{ kind: EscalationKind; excerpt: string }> = [];
  for (const [kind, pattern] of ESCALATION_WORDS) {
    if (skip.some((s) => s.kind === kind)) continue;
    const match = pattern.exec(text);
    if (match) hits.push({ kind, excerpt: excerptAround(text, match.index, match[0].length) });
  }
  return hits;
}

function excerptAround(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 40);
  const end = Math.min(text.length, index + length + 40);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}
