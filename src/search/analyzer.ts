// Text → index terms, the same way for SOPs, customer messages and learned examples:
// case and accent folding, apostrophes ("don't" → "dont"), stop words, light stemming,
// compounds ("top-up" = "top up" = "topup", "log in" = "login") and synonym groups
// ("money back" also yields the term of the refund group, "~refund").
// Every term keeps the span of text it came from, for highlighting.
import { LONE_PARTICLES, PARTICLES, STOP_WORDS, SYNONYMS } from './lexicon.ts';
import { stem } from './stemmer.ts';

/** Bump when analysis changes: prebuilt indexes made by another version are rebuilt. */
export const ANALYZER_VERSION = 1;

export interface Token {
  term: string;
  /** Span in the analysed text (UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
  kind: 'word' | 'compound' | 'synonym';
}

interface Word {
  norm: string;
  stem: string;
  start: number;
  end: number;
  /** Whether a phrase may continue into the next word (only spaces or a hyphen between). */
  joinsNext: boolean;
  /** A single hyphen between this word and the next ("top-up"). */
  hyphenNext: boolean;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
const MAX_PHRASE = 4;

/** Lower case, accents removed, apostrophes and a trailing possessive 's dropped. */
export function normalizeWord(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/['’]s$/, '')
    .replace(/['’]/g, '');
}

function splitWords(text: string): Word[] {
  const words: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const norm = normalizeWord(m[0]);
    const start = m.index;
    const prev = words[words.length - 1];
    if (prev) {
      const gap = text.slice(prev.end, start);
      prev.joinsNext = /^[\s\-–]+$/.test(gap);
      prev.hyphenNext = gap === '-';
    }
    words.push({
      norm,
      stem: stem(norm),
      start,
      end: start + m[0].length,
      joinsNext: false,
      hyphenNext: false,
    });
  }
  return words;
}

/** Synonym phrases (stems joined by spaces) → the group terms they yield. */
function compileSynonyms(groups: readonly (readonly string[])[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  const names = new Set<string>();
  for (const group of groups) {
    const first = splitWords(group[0] ?? '').map((w) => w.stem);
    let name = `~${first.join('_')}`;
    while (names.has(name)) name += '+';
    names.add(name);
    for (const member of group) {
      const stems = splitWords(member).map((w) => w.stem);
      const keys = [stems.join(' ')];
      // "top up" is also written "topup".
      if (stems.length === 2 && PARTICLES.has(stems[1]!)) keys.push(stems.join(''));
      for (const key of keys) {
        const list = byKey.get(key) ?? [];
        if (!list.includes(name)) list.push(name);
        byKey.set(key, list);
      }
    }
  }
  return byKey;
}

const synonymKeys = compileSynonyms(SYNONYMS);
/** Stop words are matched on the stem too, so "getting" and "wondering" are dropped. */
const STOP_STEMS = new Set([...STOP_WORDS].map(stem));

function isStop(w: Word): boolean {
  return STOP_WORDS.has(w.norm) || STOP_STEMS.has(w.stem) || LONE_PARTICLES.has(w.norm);
}

/** Whether an analysed term is a synonym-group term rather than a word of the text. */
export function isGroupTerm(term: string): boolean {
  return term.startsWith('~');
}

/** All index terms of a text with their spans, in text order. */
export function analyze(text: string): Token[] {
  const words = splitWords(text);
  const tokens: Token[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const stop = isStop(w);
    if (!stop && w.stem.length >= 2)
      tokens.push({ term: w.stem, start: w.start, end: w.end, kind: 'word' });

    const next = words[i + 1];
    if (
      next &&
      !STOP_WORDS.has(w.norm) &&
      (w.hyphenNext || (w.joinsNext && PARTICLES.has(next.norm)))
    ) {
      const term = w.stem + (PARTICLES.has(next.norm) ? next.norm : next.stem);
      if (term.length >= 3) tokens.push({ term, start: w.start, end: next.end, kind: 'compound' });
    }

    let key = '';
    for (let n = 1; n <= MAX_PHRASE && i + n <= words.length; n++) {
      const part = words[i + n - 1]!;
      key = n === 1 ? part.stem : `${key} ${part.stem}`;
      const groups = synonymKeys.get(key);
      if (groups) {
        for (const term of groups)
          tokens.push({ term, start: w.start, end: part.end, kind: 'synonym' });
      }
      if (!part.joinsNext) break;
    }
  }
  return tokens;
}

/** The index terms of a text (with repeats, as term frequency counts them). */
export function analyzeTerms(text: string): string[] {
  return analyze(text).map((t) => t.term);
}
