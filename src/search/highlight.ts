// Splits a text into plain and matched segments for a hit's `terms`, using the same
// analysis as the index: "Refunds" is marked for the term "refund", "money back" for the
// synonym term "~refund". The widget renders matched segments in <mark>; the CLI in bold.
import { analyze } from './analyzer.ts';
import type { SearchHit } from './engine.ts';

export interface Segment {
  text: string;
  match: boolean;
}

export function highlight(text: string, terms: readonly string[]): Segment[] {
  if (terms.length === 0 || text === '') return text === '' ? [] : [{ text, match: false }];
  const wanted = new Set(terms);
  const spans = analyze(text)
    .filter((t) => wanted.has(t.term))
    .map((t) => [t.start, t.end] as const)
    .sort((a, b) => a[0] - b[0]);
  const segments: Segment[] = [];
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    if (from > at) segments.push({ text: text.slice(at, from), match: false });
    const last = segments[segments.length - 1];
    if (last?.match && from === at) last.text += text.slice(from, end);
    else segments.push({ text: text.slice(from, end), match: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), match: false });
  return segments;
}

/** The words of `text` that match, as written (for "matched: …" lists). */
export function matchedWords(text: string, terms: readonly string[]): string[] {
  const words = highlight(text, terms)
    .filter((s) => s.match)
    .map((s) => s.text.toLowerCase());
  return [...new Set(words)];
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/**
 * The words of a hit's SOP that match its terms, as written and lower-cased. The widget marks
 * these by plain word comparison, so its bundle needs no analyzer: the search side (worker or
 * search chunk) attaches them to each hit.
 */
export function markedWords(hit: SearchHit): string[] {
  const { sop, terms } = hit;
  const texts = [
    sop.title,
    sop.purpose ?? '',
    ...sop.steps.map((step) => step.text),
    ...sop.replies.flatMap((reply) => [reply.title, reply.text]),
  ];
  const words = new Set<string>();
  for (const text of texts) {
    for (const match of matchedWords(text, terms)) {
      for (const word of match.match(WORD) ?? []) words.add(word.toLowerCase());
    }
  }
  return [...words];
}

/** A hit as the widget receives it: with the words to mark. */
export type MarkedHit = SearchHit & { marks: string[] };

export function withMarks(hit: SearchHit): MarkedHit {
  return { ...hit, marks: markedWords(hit) };
}
