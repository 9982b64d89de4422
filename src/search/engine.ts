// The playbook search: a MiniSearch index over the SOP library, queried with the weighted
// terms of what the agent typed or else of the conversation (query.ts; with both, the typed
// words rank and the conversation breaks near-ties), re-ranked by channel and by what agents
// picked before (learning), with each hit's best steps and replies. Pure: no DOM, no I/O.
// The API is described in docs/search.md.
import MiniSearch, { type Options, type SearchResult } from 'minisearch';
import { ANALYZER_VERSION, analyze, analyzeTerms } from './analyzer.ts';
import { hashHex } from './hash.ts';
import { invalidLibraryMessage, isNormalLibrary, validateLibrary } from './library.ts';
import { type PackedIndex, PackedPostings, packIndex, unpackIndex } from './packed-index.ts';
import {
  buildQueryTerms,
  QUERY_WEIGHTS,
  type QueryTerm,
  type SearchQuery,
  splitQuery,
} from './query.ts';
import type { Sop, SopLibrary, SopReply, SopStep } from './types.ts';

export type { ConversationMessage, SearchQuery } from './query.ts';

export const FIELDS = ['title', 'triggers', 'tags', 'about', 'steps', 'replies'] as const;
export type Field = (typeof FIELDS)[number];

/** How much a match in each part of an SOP counts. */
export const DEFAULT_BOOSTS: Readonly<Record<Field, number>> = {
  title: 3,
  triggers: 3,
  tags: 2,
  about: 1.5,
  steps: 1,
  replies: 1,
};

export interface SearchOptions {
  /** Field weights; missing fields keep DEFAULT_BOOSTS. */
  boosts?: Partial<Record<Field, number>>;
  /**
   * Score factor for an SOP whose channels exclude the query's channel (SOPs with no
   * channels match every channel). 1 ignores channels, 0 hides such SOPs. Default 0.5.
   */
  channelPenalty?: number;
  /** Weight of a learned example's match against the library match. Default 2. */
  learnedWeight?: number;
  /** How many nearest learned examples vote. Default 10. */
  learnedNeighbours?: number;
  /**
   * Weight of the learned term model (multinomial naive Bayes over the learned examples'
   * terms) against the library + neighbour score, both scaled so the best SOP scores 1.
   * 0 turns it off. Default 0.5.
   */
  learnedModelWeight?: number;
  /** At most this many learned examples are kept; the oldest go first. Default 20,000. */
  maxLearned?: number;
}

export interface RankedStep {
  step: SopStep;
  score: number;
}

export interface RankedReply {
  reply: SopReply;
  score: number;
}

export interface SearchHit {
  sop: Sop;
  /** Relative to the best hit of this search, which scores 1. */
  score: number;
  /**
   * Index terms of this SOP that matched (for highlight(), see highlight.ts): the typed
   * words' when the query has typed text, else the conversation's.
   */
  terms: string[];
  /** Steps that match the query, best first (empty when only the SOP as a whole matched). */
  steps: RankedStep[];
  /** Replies that match the query or belong to a matching step, best first. */
  replies: RankedReply[];
}

export interface LearnedExample {
  text: string;
  sopId: string;
}

export const INDEX_FORMAT = 'sop-index/2';
/** The first prebuilt format (MiniSearch's toJSON() as the index): still read, re-indexed. */
export const OLD_INDEX_FORMAT = 'sop-index/1';

/** The prebuilt index file (`build-index`), loadable without re-indexing. */
export interface SerializedIndex {
  format: typeof INDEX_FORMAT;
  /** Content hash of the library and the analysis: a cache key. */
  version: string;
  analyzer: number;
  builtAt?: string;
  library: SopLibrary;
  /** The library's MiniSearch index in compact form (packed-index.ts). */
  index: PackedIndex;
}

export interface PlaybookSearch {
  readonly library: SopLibrary;
  /** Content hash of the library and the analysis (the same as a prebuilt index's). */
  readonly version: string;
  search(query: SearchQuery, limit?: number): SearchHit[];
  /** Records that an agent picked this SOP for this customer text. False if not recorded. */
  learn(text: string, sopId: string): boolean;
  exportLearned(): LearnedExample[];
  /** Adds examples (e.g. from storage); returns how many were accepted. */
  importLearned(examples: readonly LearnedExample[]): number;
  /** The library and its index as plain JSON-able data (learned examples not included). */
  serialize(): SerializedIndex;
}

type IndexDoc = { id: string } & Record<Field, string>;

const PLACEHOLDER = /\{[^{}]*\}/g;
/** MiniSearch's default weight of a fuzzy match; a swapped-letters fix counts the same. */
const FUZZY_WEIGHT = 0.45;
/** MiniSearch's default weight of a prefix match. */
const PREFIX_WEIGHT = 0.375;
/** The word being typed expands to at most this many index words. */
const MAX_COMPLETIONS = 12;
/** From this many SOPs, words in more than COMMON_SHARE of them only re-rank CANDIDATES. */
const LARGE_LIBRARY = 2000;
const COMMON_SHARE = 0.05;
const CANDIDATES = 300;
/** Additive smoothing of the learned term model's per-SOP term counts. */
const MODEL_SMOOTHING = 0.1;

function indexDoc(sop: Sop): IndexDoc {
  const lines = (parts: (string | undefined)[]) => parts.filter(Boolean).join('\n');
  return {
    id: sop.id,
    title: sop.title,
    triggers: lines(sop.triggers),
    tags: lines(sop.tags),
    about: lines([sop.purpose, sop.scope, sop.notes, ...(sop.escalation?.triggers ?? [])]),
    steps: lines(sop.steps.map((s) => s.text)),
    replies: lines(sop.replies.flatMap((r) => [r.title, r.text.replace(PLACEHOLDER, ' ')])),
  };
}

const tokenize = (text: string) => analyzeTerms(text);
const keepTerm = (term: string) => term;

const libraryIndexOptions: Options<IndexDoc> = {
  fields: [...FIELDS],
  tokenize,
  processTerm: keepTerm,
};

type Example = { id: number; sop: string; text: string };
const learnedIndexOptions: Options<Example> = {
  fields: ['text'],
  storeFields: ['sop'],
  tokenize,
  processTerm: keepTerm,
};

// MiniSearch keeps its term tree private; we read it for document frequencies (the weight
// of a term when ranking steps) and to know which query words are unknown (only those get
// fuzzy matching). tests/search/engine.test.ts fails loudly if an upgrade changes it.
type Postings = Map<number, Map<number, number>>;
type TermMap = {
  get(term: string): Postings | undefined;
  atPrefix(prefix: string): Iterable<[string, Postings]>;
};
type TermTree = { _index: TermMap };
/** The index words that begin with `prefix`, with their postings. */
function completions(index: MiniSearch, prefix: string): Iterable<[string, Postings]> {
  return (index as unknown as TermTree)._index.atPrefix(prefix);
}
/** The most documents any field of a term has: the term's document frequency. */
function postingsFrequency(fields: Postings | undefined): number {
  if (!fields) return 0;
  if (fields instanceof PackedPostings) return fields.df;
  let n = 0;
  for (const docs of fields.values()) n = Math.max(n, docs.size);
  return n;
}
function docFrequency(index: MiniSearch, term: string): number {
  return postingsFrequency((index as unknown as TermTree)._index.get(term));
}

export function contentVersion(library: SopLibrary): string {
  return hashHex(`${ANALYZER_VERSION}\n${JSON.stringify(library)}`);
}

/** Builds the search over a validated library. */
export function createSearch(library: SopLibrary, options: SearchOptions = {}): PlaybookSearch {
  const index = new MiniSearch<IndexDoc>(libraryIndexOptions);
  index.addAll(library.sops.map(indexDoc));
  return new Engine(library, index, options);
}

/**
 * Loads a prebuilt index (SerializedIndex, e.g. the parsed output of `build-index`) without
 * re-indexing. The data is untrusted: anything but a sop-index/2 object with a valid library
 * and a well-formed index throws an Error naming the problem. A library that is valid but
 * not in normal form, an index made by another analyzer version, and the older sop-index/1
 * file are re-indexed from their library instead of being trusted.
 */
export function loadSerialized(data: unknown, options: SearchOptions = {}): PlaybookSearch {
  const d = data as Partial<SerializedIndex> | null;
  const format = d && typeof d === 'object' ? (d as { format?: unknown }).format : undefined;
  if (format !== INDEX_FORMAT && format !== OLD_INDEX_FORMAT) {
    throw new Error(
      `not a prebuilt index: format must be "${INDEX_FORMAT}"${format === undefined ? '' : ` (found ${JSON.stringify(format)?.slice(0, 40)})`}`,
    );
  }
  const raw = d!.library;
  const lib = raw as Partial<SopLibrary> | undefined;
  if (
    !lib ||
    typeof lib !== 'object' ||
    lib.format !== 'sop-library/1' ||
    !Array.isArray(lib.sops)
  ) {
    throw new Error('prebuilt index: library must be a sop-library/1 object');
  }
  if (!isNormalLibrary(raw)) {
    // Not as build-index writes it: validated in full, and indexed again if it is valid.
    const result = validateLibrary(raw);
    if (!result.ok) throw new Error(`prebuilt index: ${invalidLibraryMessage(result.issues)}`);
    return createSearch(result.library, options);
  }
  if (format === OLD_INDEX_FORMAT || d!.analyzer !== ANALYZER_VERSION) {
    return createSearch(raw, options);
  }
  const version = d!.version;
  if (typeof version !== 'string' || !/^[0-9a-f]{16}$/.test(version)) {
    throw new Error('prebuilt index: version must be 16 hex digits');
  }
  const index = unpackIndex<IndexDoc>(
    d!.index,
    libraryIndexOptions,
    raw.sops.map((sop) => sop.id),
  );
  return new Engine(raw, index, options, version);
}

class Engine implements PlaybookSearch {
  readonly library: SopLibrary;
  private readonly index: MiniSearch<IndexDoc>;
  private readonly sops = new Map<string, Sop>();
  private readonly boosts: Record<Field, number>;
  private readonly options: Required<Omit<SearchOptions, 'boosts'>>;
  private learned: MiniSearch<Example>;
  private examples: Example[] = [];
  private nextExampleId = 0;
  /** Learned term model: per SOP, in how many of its examples each term occurs. */
  private readonly modelCounts = new Map<string, Map<string, number>>();
  private readonly modelTotals = new Map<string, number>();
  /** In how many learned examples each term occurs (the model's vocabulary). */
  private readonly modelVocab = new Map<string, number>();
  private cachedVersion: string | undefined;
  private readonly stepTerms = new Map<string, { steps: Set<string>[]; replies: Set<string>[] }>();
  /** The last conversation's scores: typing into the search box does not score it again. */
  private context: ContextScores | undefined;

  constructor(
    library: SopLibrary,
    index: MiniSearch<IndexDoc>,
    options: SearchOptions,
    version?: string,
  ) {
    this.library = library;
    this.index = index;
    this.cachedVersion = version;
    for (const sop of library.sops) this.sops.set(sop.id, sop);
    this.boosts = { ...DEFAULT_BOOSTS, ...options.boosts };
    this.options = {
      channelPenalty: options.channelPenalty ?? 0.5,
      learnedWeight: options.learnedWeight ?? 2,
      learnedNeighbours: options.learnedNeighbours ?? 10,
      learnedModelWeight: options.learnedModelWeight ?? 0.5,
      maxLearned: options.maxLearned ?? 20_000,
    };
    this.learned = new MiniSearch<Example>(learnedIndexOptions);
  }

  get version(): string {
    this.cachedVersion ??= contentVersion(this.library);
    return this.cachedVersion;
  }

  search(query: SearchQuery, limit = 5): SearchHit[] {
    if (limit <= 0) return [];
    const parts = splitQuery(query);
    const typed = this.queryTerms(parts.typed);
    const conversation = this.queryTerms(parts.conversation);
    // The typed words lead; with nothing typed the conversation is the query.
    const terms = typed.length > 0 ? typed : conversation;
    if (terms.length === 0) return [];
    const weights = new Map(terms.map((t) => [t.term, t.weight]));
    const scores = this.scores(terms);
    const context =
      typed.length > 0 && conversation.length > 0 ? this.contextScores(conversation) : undefined;
    if (context) {
      // A factor of at most 1 + QUERY_WEIGHTS.context: only near-ties of the typed score move.
      for (const [id, entry] of scores) {
        const fit = (context.scores.get(id)?.score ?? 0) / context.top;
        entry.score *= 1 + QUERY_WEIGHTS.context * fit;
      }
    }

    // The best `limit` SOPs, best first (ties by id), without sorting every scored SOP.
    const channel = query.channel?.toLowerCase();
    const best: { sop: Sop; score: number; terms: string[][] }[] = [];
    const before = (a: { sop: Sop; score: number }, b: { sop: Sop; score: number }) =>
      a.score > b.score || (a.score === b.score && a.sop.id.localeCompare(b.sop.id) < 0);
    for (const [id, { score, terms: matched }] of scores) {
      const sop = this.sops.get(id)!;
      const factor = channel && !servesChannel(sop, channel) ? this.options.channelPenalty : 1;
      if (!(score * factor > 0)) continue;
      const entry = { sop, score: score * factor, terms: matched };
      if (best.length === limit && !before(entry, best[limit - 1]!)) continue;
      let at = best.length;
      while (at > 0 && before(entry, best[at - 1]!)) at--;
      best.splice(at, 0, entry);
      if (best.length > limit) best.pop();
    }
    const top = best[0]?.score ?? 1;
    return best.map(({ sop, score, terms: matched }) =>
      this.hit(
        sop,
        score / top,
        uniqueTerms(matched),
        weights,
        context && {
          terms: uniqueTerms(context.scores.get(sop.id)?.terms ?? []),
          weights: context.weights,
        },
      ),
    );
  }

  /** A query's weighted terms, with typo fixes and the completions of the word being typed. */
  private queryTerms(query: SearchQuery): QueryTerm[] {
    return this.withCompletions(this.withTypoFixes(buildQueryTerms(query)));
  }

  /** Library match plus what was learned, per SOP. */
  private scores(terms: QueryTerm[]): Map<string, Score> {
    const scores = this.libraryScores(terms, new Map(terms.map((t) => [t.term, t.weight])));

    // Learning: each of the nearest learned examples adds its own match score to its SOP.
    if (this.examples.length > 0) {
      const neighbours = this.learned
        .search('', this.searchOptions(terms))
        .slice(0, this.options.learnedNeighbours);
      for (const n of neighbours) {
        const sopId = n.sop as string;
        if (!this.sops.has(sopId)) continue;
        const entry = scores.get(sopId) ?? { score: 0, raw: 0, matched: 0, terms: [] };
        entry.score += this.options.learnedWeight * n.score;
        scores.set(sopId, entry);
      }
      if (this.options.learnedModelWeight > 0) this.addModelScores(terms, scores);
    }
    return scores;
  }

  /** The conversation's scores (read only), kept while the conversation stays the same. */
  private contextScores(terms: QueryTerm[]): ContextScores | undefined {
    const key = JSON.stringify(terms);
    if (this.context?.key !== key) {
      const scores = this.scores(terms);
      let top = 0;
      for (const entry of scores.values()) top = Math.max(top, entry.score);
      this.context = { key, scores, top, weights: new Map(terms.map((t) => [t.term, t.weight])) };
    }
    return this.context.top > 0 ? this.context : undefined;
  }

  private searchOptions(terms: QueryTerm[]) {
    const fuzzy = terms.map((t) => this.fuzziness(t));
    return {
      tokenize: () => terms.map((t) => t.term),
      processTerm: keepTerm,
      boostTerm: (_: string, i: number) => terms[i]!.weight,
      fuzzy: (_: string, i: number) => fuzzy[i]!,
      combineWith: 'OR' as const,
    };
  }

  /**
   * Library match: BM25 over the SOP fields. MiniSearch multiplies each score by the number
   * of query terms matched; we use the matched query *weight* instead, so a synonym or a
   * compound counts less than a word the customer wrote.
   *
   * In a large library a common word ("order", "account") is in thousands of SOPs, and
   * scoring all of them costs more than a frame. There the rarer terms pick the CANDIDATES
   * best SOPs first, and common terms only add to those (candidates, then re-ranking).
   */
  private libraryScores(terms: QueryTerm[], weights: Map<string, number>) {
    const scores = new Map<string, Score>();
    const add = (results: SearchResult[]) => {
      for (const r of results) {
        let matched = 0;
        for (const term of r.queryTerms) matched += weights.get(term) ?? 0;
        const entry = scores.get(r.id as string) ?? { score: 0, raw: 0, matched: 0, terms: [] };
        entry.raw += r.score / Math.max(1, r.queryTerms.length);
        entry.matched += matched;
        entry.score = entry.raw * entry.matched;
        // Merged into one list only for the hits shown (uniqueTerms).
        entry.terms.push(r.terms);
        scores.set(r.id as string, entry);
      }
    };
    const run = (list: QueryTerm[], boostDocument?: (id: string) => number) =>
      this.index.search('', { ...this.searchOptions(list), boost: this.boosts, boostDocument });

    const n = this.index.documentCount;
    let common: QueryTerm[] = [];
    let rare = terms;
    if (n >= LARGE_LIBRARY) {
      const df = new Map(terms.map((t) => [t, docFrequency(this.index, t.term)]));
      common = terms.filter((t) => df.get(t)! > COMMON_SHARE * n);
      rare = terms.filter((t) => df.get(t)! <= COMMON_SHARE * n);
      // Only common words: the rarest of them picks the candidates.
      if (rare.length === 0) {
        const rarest = common.reduce((a, b) => (df.get(b)! < df.get(a)! ? b : a));
        rare = [rarest];
        common = common.filter((t) => t !== rarest);
      }
    }
    if (common.length === 0) {
      add(run(terms));
    } else {
      const first = run(rare);
      add(first);
      const candidates = new Set(first.slice(0, CANDIDATES).map((r) => r.id as string));
      add(run(common, (id) => (candidates.has(id) ? 1 : 0)));
    }
    return scores;
  }

  learn(text: string, sopId: string): boolean {
    if (!this.sops.has(sopId) || analyzeTerms(text).length === 0) return false;
    const example: Example = { id: this.nextExampleId++, sop: sopId, text };
    this.context = undefined;
    this.learned.add(example);
    this.examples.push(example);
    this.countExample(example, 1);
    while (this.examples.length > this.options.maxLearned) {
      const old = this.examples.shift()!;
      this.learned.discard(old.id);
      this.countExample(old, -1);
    }
    return true;
  }

  /** Adds (sign 1) or removes (sign -1) an example's distinct terms from the term model. */
  private countExample(example: Example, sign: 1 | -1): void {
    let counts = this.modelCounts.get(example.sop);
    if (!counts) {
      counts = new Map();
      this.modelCounts.set(example.sop, counts);
    }
    const terms = new Set(analyzeTerms(example.text));
    for (const term of terms) {
      const c = (counts.get(term) ?? 0) + sign;
      if (c > 0) counts.set(term, c);
      else counts.delete(term);
      const v = (this.modelVocab.get(term) ?? 0) + sign;
      if (v > 0) this.modelVocab.set(term, v);
      else this.modelVocab.delete(term);
    }
    this.modelTotals.set(example.sop, (this.modelTotals.get(example.sop) ?? 0) + sign * terms.size);
  }

  /**
   * The learned term model: a multinomial naive Bayes over the terms of each SOP's learned
   * examples gives every SOP the log-likelihood of the weighted query terms it has seen; its
   * softmax (a probability over SOPs) is added, times learnedModelWeight, to the library +
   * neighbour score scaled so the best SOP scores 1. The neighbour vote looks at ten
   * examples; the model at every example of every SOP, so an SOP taught with many different
   * phrasings is not outvoted by a few near-duplicates of another. Only SOPs that matched or
   * whose examples share a query term are scored.
   */
  private addModelScores(terms: QueryTerm[], scores: Map<string, Score>): void {
    const known = terms.filter((t) => this.modelVocab.has(t.term));
    if (known.length === 0) return;
    const v = this.modelVocab.size;
    // An SOP without examples has the same likelihood as every other: computed once.
    let untaughtLogLik = 0;
    for (const t of known) untaughtLogLik += t.weight * Math.log(1 / v);
    const taught: { id: string; logLik: number; shares: boolean }[] = [];
    for (const [id, counts] of this.modelCounts) {
      const total = this.modelTotals.get(id) ?? 0;
      if (total <= 0) continue;
      const denominator = Math.log(total + MODEL_SMOOTHING * v);
      let logLik = 0;
      let shares = false;
      for (const t of known) {
        const c = counts.get(t.term) ?? 0;
        if (c > 0) shares = true;
        logLik += t.weight * (Math.log(c + MODEL_SMOOTHING) - denominator);
      }
      taught.push({ id, logLik, shares });
    }
    if (!taught.some((t) => t.shares)) return;
    const untaught = this.library.sops.length - taught.length;
    let best = untaught > 0 ? untaughtLogLik : Number.NEGATIVE_INFINITY;
    for (const t of taught) best = Math.max(best, t.logLik);
    let sum = untaught * Math.exp(untaughtLogLik - best);
    for (const t of taught) sum += Math.exp(t.logLik - best);
    let top = 0;
    for (const e of scores.values()) top = Math.max(top, e.score);
    const factor = (top > 0 ? top : 1) * this.options.learnedModelWeight;
    const isTaught = new Set<string>();
    for (const t of taught) {
      isTaught.add(t.id);
      if (!t.shares && !scores.has(t.id)) continue;
      const entry = scores.get(t.id) ?? { score: 0, raw: 0, matched: 0, terms: [] };
      entry.score += (factor * Math.exp(t.logLik - best)) / sum;
      scores.set(t.id, entry);
    }
    const untaughtShare = (factor * Math.exp(untaughtLogLik - best)) / sum;
    for (const [id, entry] of scores) if (!isTaught.has(id)) entry.score += untaughtShare;
  }

  exportLearned(): LearnedExample[] {
    return this.examples.map((e) => ({ text: e.text, sopId: e.sop }));
  }

  importLearned(examples: readonly LearnedExample[]): number {
    let accepted = 0;
    for (const e of examples) {
      if (
        e &&
        typeof e.text === 'string' &&
        typeof e.sopId === 'string' &&
        this.learn(e.text, e.sopId)
      ) {
        accepted++;
      }
    }
    return accepted;
  }

  serialize(): SerializedIndex {
    return {
      format: INDEX_FORMAT,
      version: this.version,
      analyzer: ANALYZER_VERSION,
      library: this.library,
      index: packIndex(this.index, FIELDS),
    };
  }

  private known(term: string): boolean {
    return (
      docFrequency(this.index, term) > 0 ||
      (this.examples.length > 0 && docFrequency(this.learned, term) > 0)
    );
  }

  /** Whether a query word may be a typo: a word of four letters or more the index lacks. */
  private unknownWord(t: QueryTerm): boolean {
    return (
      t.kind === 'word' &&
      !t.prefix &&
      t.term.length >= 4 &&
      !/\d/.test(t.term) &&
      !this.known(t.term)
    );
  }

  /**
   * Typos: an unknown word gets fuzzy matching (one edit, two from eight letters); known
   * words never do, so "card" does not also find "care".
   */
  private fuzziness(t: QueryTerm): number | false {
    if (!this.unknownWord(t)) return false;
    return t.term.length >= 8 ? 2 : 1;
  }

  /**
   * The word being typed matches the index words it begins, like an autocomplete: the
   * MAX_COMPLETIONS most frequent ones (a short prefix of a big library would otherwise
   * expand to thousands), each weighted as MiniSearch weights a prefix match.
   */
  private withCompletions(terms: QueryTerm[]): QueryTerm[] {
    const typed = terms.find((t) => t.prefix);
    if (!typed) return terms;
    const have = new Set(terms.map((t) => t.term));
    const candidates: { term: string; df: number }[] = [];
    for (const index of this.examples.length > 0 ? [this.index, this.learned] : [this.index]) {
      for (const [term, postings] of completions(index, typed.term)) {
        if (have.has(term)) continue;
        have.add(term);
        // Its frequency in both indexes (the postings at hand are the one it came from).
        const df =
          index === this.index
            ? postingsFrequency(postings) + docFrequency(this.learned, term)
            : docFrequency(this.index, term) + postingsFrequency(postings);
        candidates.push({ term, df });
      }
    }
    candidates.sort((a, b) => b.df - a.df || a.term.localeCompare(b.term));
    const n = typed.term.length;
    const added = candidates.slice(0, MAX_COMPLETIONS).map(({ term }) => ({
      term,
      weight:
        (typed.weight * PREFIX_WEIGHT * term.length) / (term.length + 0.3 * (term.length - n)),
      prefix: false,
      kind: 'word' as const,
    }));
    return [...terms.map((t) => (t === typed ? { ...t, prefix: false } : t)), ...added];
  }

  /**
   * Swapped letters ("recieve") are two edits for MiniSearch's fuzzy matching; for an unknown
   * word, each swap of two neighbouring letters that gives a known word joins the query at
   * the weight of a fuzzy match.
   */
  private withTypoFixes(terms: QueryTerm[]): QueryTerm[] {
    const fixes: QueryTerm[] = [];
    const have = new Set(terms.map((t) => t.term));
    for (const t of terms) {
      if (!this.unknownWord(t)) continue;
      const w = t.term;
      for (let i = 0; i + 1 < w.length; i++) {
        if (w[i] === w[i + 1]) continue;
        const swapped = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
        if (have.has(swapped) || !this.known(swapped)) continue;
        have.add(swapped);
        fixes.push({ term: swapped, weight: t.weight * FUZZY_WEIGHT, prefix: false, kind: 'word' });
      }
    }
    return fixes.length > 0 ? [...terms, ...fixes] : terms;
  }

  /**
   * A hit with its best steps and replies. `terms` (the SOP's matched terms, what is marked)
   * rank them; the conversation's matched terms (`context`, when the agent typed) add at
   * QUERY_WEIGHTS.context of their weight, so they order what the typed words leave equal.
   */
  private hit(
    sop: Sop,
    score: number,
    terms: string[],
    weights: Map<string, number>,
    context?: { terms: string[]; weights: Map<string, number> },
  ): SearchHit {
    // Weight of each matched index term: its query weight, or less for prefix/fuzzy matches.
    const n = Math.max(1, this.index.documentCount);
    const termScore = new Map<string, number>();
    const add = (matched: string[], from: Map<string, number>, share: number) => {
      const minor = 0.4 * Math.max(...from.values());
      for (const term of matched) {
        if (termScore.has(term)) continue;
        const idf = Math.log(1 + n / Math.max(1, docFrequency(this.index, term)));
        termScore.set(term, share * (from.get(term) ?? minor) * idf);
      }
    };
    add(terms, weights, 1);
    if (context) add(context.terms, context.weights, QUERY_WEIGHTS.context);
    if (termScore.size === 0) return { sop, score, terms, steps: [], replies: [] };
    const sets = this.termSets(sop);
    const scoreOf = (set: Set<string>) => {
      let s = 0;
      for (const [term, value] of termScore) if (set.has(term)) s += value;
      return s;
    };
    const stepScores = sop.steps.map((step, i) => ({ step, score: scoreOf(sets.steps[i]!) }));
    // A reply scores on its own words plus half the score of the best step that uses it.
    const replyScores = sop.replies.map((reply, i) => {
      let fromStep = 0;
      for (const st of stepScores)
        if (st.step.replies.includes(reply.id)) fromStep = Math.max(fromStep, st.score);
      return { reply, score: scoreOf(sets.replies[i]!) + 0.5 * fromStep };
    });
    const best = <T extends { score: number }>(list: T[]) =>
      list.filter((x) => x.score > 0).sort((a, b) => b.score - a.score);
    return { sop, score, terms, steps: best(stepScores), replies: best(replyScores) };
  }

  private termSets(sop: Sop) {
    let sets = this.stepTerms.get(sop.id);
    if (!sets) {
      const setOf = (text: string) =>
        new Set(analyze(text.replace(PLACEHOLDER, ' ')).map((t) => t.term));
      sets = {
        steps: sop.steps.map((s) => setOf(s.text)),
        replies: sop.replies.map((r) => setOf(`${r.title}\n${r.text}`)),
      };
      this.stepTerms.set(sop.id, sets);
    }
    return sets;
  }
}

/** An SOP's score so far; `terms` are the matched-term lists of its results, in order. */
type Score = { score: number; raw: number; matched: number; terms: string[][] };

/** The conversation's scores, their best, and its term weights; `key` names its terms. */
type ContextScores = {
  key: string;
  scores: ReadonlyMap<string, Score>;
  top: number;
  weights: Map<string, number>;
};

/** The matched terms of an SOP's results, each once, in the order they first matched. */
function uniqueTerms(lists: readonly string[][]): string[] {
  const terms: string[] = [];
  for (const list of lists) for (const term of list) if (!terms.includes(term)) terms.push(term);
  return terms;
}

function servesChannel(sop: Sop, channel: string): boolean {
  return sop.channels.length === 0 || sop.channels.some((c) => c.toLowerCase() === channel);
}
