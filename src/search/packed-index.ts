// The compact form of the library's MiniSearch index inside a prebuilt index file
// (`sop-index/2`, docs/search.md "Prebuilt index"). MiniSearch's own toJSON() nests every
// posting in objects (`{term: {field: {doc: freq}}}`), which JSON.parse and loadJS turn into
// ~1 million short-lived strings, objects and Maps for a 10,000-SOP library; here the terms
// are one string and the postings another, in a varint code, and a term's Maps are only made
// when a search first reads them. SOP ids are not repeated: document i is `library.sops[i]`.
//
// The file is untrusted input: unpacking checks every count, field, document number and
// frequency up front and throws an Error naming the problem, so nothing fails later.
import MiniSearch, { type Options } from 'minisearch';

export interface PackedIndex {
  /** The indexed fields, in MiniSearch's field-id order. */
  fields: string[];
  /** Number of documents; document i is the library's SOP i. */
  documents: number;
  /** Per document, the length of each field (documents × fields numbers). */
  fieldLengths: number[];
  /** Per field, the average length MiniSearch scores with (kept exactly as built). */
  averageFieldLengths: number[];
  /** Every index term, separated by single spaces, in code-unit order. */
  terms: string;
  /**
   * Per term: its number of fields; per field: field id, number of documents, then per
   * document `2 × (gap from the previous document) + (frequency > 1)`, followed by the
   * frequency when that bit is set. Each number is a varint of DIGITS (below).
   */
  postings: string;
}

/**
 * Varint digits: 90 printable ASCII characters that JSON writes as themselves (no `"` or
 * `\`). The first 45 end a number, the other 45 continue it (little-endian, base 45).
 */
const DIGITS = Array.from({ length: 92 }, (_, i) => String.fromCharCode(0x23 + i))
  .filter((c) => c !== '\\')
  .slice(0, 90)
  .join('');
const BASE = 45;
/** Char code → digit value (terminal 0–44, continuing 45–89), or -1. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

function writeVarint(out: string[], n: number): void {
  let v = n;
  while (v >= BASE) {
    out.push(DIGITS[BASE + (v % BASE)]!);
    v = Math.floor(v / BASE);
  }
  out.push(DIGITS[v]!);
}

type Postings = Map<number, Map<number, number>>;

// MiniSearch's private state that packing reads and unpacking sets (see engine.ts: the
// round-trip tests fail loudly if an upgrade changes it).
interface Internals {
  _index: Iterable<[string, Postings]>;
  _documentIds: Map<number, string>;
  _idToShortId: Map<string, number>;
  _documentCount: number;
  _nextId: number;
  _dirtCount: number;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
}

/** The compact form of an index built by `addAll` over the library's SOPs, in order. */
export function packIndex(index: MiniSearch, fields: readonly string[]): PackedIndex {
  const m = index as unknown as Internals;
  const n = m._documentCount;
  if (m._nextId !== n || m._dirtCount !== 0) {
    throw new Error('packIndex: the index must hold exactly the library, added in order');
  }
  fields.forEach((field, i) => {
    if (m._fieldIds[field] !== i) throw new Error(`packIndex: field ${field} is not field ${i}`);
  });
  const fieldLengths: number[] = [];
  for (let doc = 0; doc < n; doc++) {
    const lengths = m._fieldLength.get(doc);
    for (let f = 0; f < fields.length; f++) fieldLengths.push(lengths?.[f] ?? 0);
  }
  const terms: string[] = [];
  const out: string[] = [];
  // In code-unit order: a tree filled in that order iterates in it, so a loaded index packs
  // to the same file again (the order of MiniSearch's tree depends on how it was filled).
  const entries = [...m._index].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [term, data] of entries) {
    if (term === '' || /\s/.test(term)) throw new Error(`packIndex: unusable term ${term}`);
    terms.push(term);
    writeVarint(out, data.size);
    for (const [fieldId, docs] of data) {
      writeVarint(out, fieldId);
      writeVarint(out, docs.size);
      // Documents in ascending order (addAll adds them so), as gaps from the previous one.
      const sorted = [...docs].sort((a, b) => a[0] - b[0]);
      let previous = -1;
      for (const [doc, freq] of sorted) {
        writeVarint(out, 2 * (doc - previous - 1) + (freq > 1 ? 1 : 0));
        if (freq > 1) writeVarint(out, freq);
        previous = doc;
      }
    }
  }
  return {
    fields: [...fields],
    documents: n,
    fieldLengths,
    averageFieldLengths: [...m._avgFieldLength],
    terms: terms.join(' '),
    postings: out.join(''),
  };
}

const fail = (problem: string): never => {
  throw new Error(`prebuilt index: ${problem}`);
};

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** A node of MiniSearch's radix tree (SearchableMap): edge label → child, '' → the value. */
type RadixNode = Map<string, RadixNode | PackedPostings>;

/**
 * The radix tree of `terms[lo, hi)` (sorted, distinct, sharing their first `depth` code
 * units), as SearchableMap keeps it: a node's value under '' first, then one edge per next
 * code unit, labelled with what the terms below it share.
 */
function radixTree(
  terms: readonly string[],
  values: readonly PackedPostings[],
  lo: number,
  hi: number,
  depth: number,
): RadixNode {
  const node: RadixNode = new Map();
  let i = lo;
  if (i < hi && terms[i]!.length === depth) node.set('', values[i++]!);
  while (i < hi) {
    const first = terms[i]!;
    const unit = first.charCodeAt(depth);
    let j = i + 1;
    while (j < hi && terms[j]!.charCodeAt(depth) === unit) j++;
    // Sorted: what the first and the last of the group share, all of them share.
    const last = terms[j - 1]!;
    let end = depth + 1;
    while (end < first.length && end < last.length && first[end] === last[end]) end++;
    node.set(first.slice(depth, end), radixTree(terms, values, i, j, end));
    i = j;
  }
  return node;
}

/** Reads the varints of `text` from `pos`; past the end or on a foreign character it throws. */
class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  read(): number {
    const { text } = this;
    let v = 0;
    let scale = 1;
    for (;;) {
      const c = text.charCodeAt(this.pos++);
      const digit = c < 128 ? VALUE[c]! : -1; // NaN past the end: -1
      if (digit < 0) return fail(`index.postings is corrupt at character ${this.pos - 1}`);
      if (digit < BASE) return v + digit * scale;
      v += (digit - BASE) * scale;
      scale *= BASE;
      if (scale > 2 ** 40) return fail(`index.postings is corrupt at character ${this.pos - 1}`);
    }
  }
}

/**
 * One term's postings as MiniSearch keeps them (field id → document → frequency), decoded
 * from the packed string the first time anything reads them. Most terms of a big library
 * are never searched, and building ~100,000 Maps up front is what made loading slow (the
 * garbage collector copying them). `df` (the most documents of any field: the document
 * frequency the engine ranks by) is known without decoding.
 */
export class PackedPostings extends Map<number, Map<number, number>> {
  private source: string | null;
  private readonly start: number;
  readonly df: number;

  constructor(source: string, start: number, df: number) {
    super();
    this.source = source;
    this.start = start;
    this.df = df;
  }

  private decode(): void {
    const source = this.source;
    if (source === null) return;
    this.source = null;
    // Checked when the index was loaded: no failure is possible here.
    const reader = new Reader(source);
    reader.pos = this.start;
    const fieldCount = reader.read();
    for (let i = 0; i < fieldCount; i++) {
      const fieldId = reader.read();
      const count = reader.read();
      const docs = new Map<number, number>();
      let doc = -1;
      for (let k = 0; k < count; k++) {
        const code = reader.read();
        doc += 1 + (code - (code % 2)) / 2;
        docs.set(doc, code % 2 === 1 ? reader.read() : 1);
      }
      super.set(fieldId, docs);
    }
  }

  override get size(): number {
    this.decode();
    return super.size;
  }
  override get(key: number) {
    this.decode();
    return super.get(key);
  }
  override has(key: number): boolean {
    this.decode();
    return super.has(key);
  }
  override set(key: number, value: Map<number, number>): this {
    this.decode();
    return super.set(key, value);
  }
  override delete(key: number): boolean {
    this.decode();
    return super.delete(key);
  }
  override clear(): void {
    this.source = null;
    super.clear();
  }
  override forEach(
    fn: (value: Map<number, number>, key: number, map: Map<number, Map<number, number>>) => void,
    thisArg?: unknown,
  ): void {
    this.decode();
    super.forEach(fn, thisArg);
  }
  override keys() {
    this.decode();
    return super.keys();
  }
  override values() {
    this.decode();
    return super.values();
  }
  override entries() {
    this.decode();
    return super.entries();
  }
  override [Symbol.iterator]() {
    this.decode();
    return super[Symbol.iterator]();
  }
}

/**
 * The MiniSearch index (made with `options`, the engine's) from its packed form; document i
 * gets the id `ids[i]`. Throws an Error naming the problem when `packed` is malformed.
 */
export function unpackIndex<T>(
  packed: unknown,
  options: Options<T>,
  ids: readonly string[],
): MiniSearch<T> {
  const fields = options.fields;
  const p = packed as Partial<PackedIndex> | null;
  if (!p || typeof p !== 'object') fail('index must be an object');
  const { documents, fieldLengths, averageFieldLengths, terms, postings } = p as PackedIndex;
  if (
    !Array.isArray(p!.fields) ||
    p!.fields.length !== fields.length ||
    p!.fields.some((f, i) => f !== fields[i])
  ) {
    fail(`index.fields must be ${JSON.stringify(fields)}`);
  }
  const nf = fields.length;
  if (documents !== ids.length) {
    fail(`index.documents must be the number of SOPs in the library (${ids.length})`);
  }
  if (!Array.isArray(fieldLengths) || fieldLengths.length !== documents * nf) {
    fail('index.fieldLengths must hold a length per document and field');
  }
  if (
    !Array.isArray(averageFieldLengths) ||
    averageFieldLengths.length !== nf ||
    !averageFieldLengths.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)
  ) {
    fail('index.averageFieldLengths must hold a number per field');
  }
  if (typeof terms !== 'string' || typeof postings !== 'string') {
    fail('index.terms and index.postings must be strings');
  }

  // MiniSearch's loadJS would take this as objects keyed by document number and convert
  // them back to Maps; at 10,000 SOPs that alone cost ~30 ms, so the state is set directly
  // (the same private fields loadJS sets; the round-trip tests fail if an upgrade renames them).
  const index = new MiniSearch<T>(options);
  const m = index as unknown as Internals;
  const documentIds = new Map<number, string>();
  const idToShortId = new Map<string, number>();
  const lengths = new Map<number, number[]>();
  for (let doc = 0; doc < documents; doc++) {
    const row = fieldLengths.slice(doc * nf, doc * nf + nf);
    for (const v of row) if (!isCount(v)) fail('index.fieldLengths must be whole numbers');
    const id = ids[doc]!;
    documentIds.set(doc, id);
    idToShortId.set(id, doc);
    lengths.set(doc, row);
  }
  m._documentCount = documents;
  m._nextId = documents;
  m._documentIds = documentIds;
  m._idToShortId = idToShortId;
  m._fieldLength = lengths;
  m._avgFieldLength = [...averageFieldLengths];

  // One pass checks every number of the postings (so nothing fails later, inside a search)
  // and notes where each term's postings start; a term's Maps are built when first read.
  const reader = new Reader(postings);
  const list = terms === '' ? [] : terms.split(' ');
  const values: PackedPostings[] = [];
  let previous = '';
  for (const term of list) {
    if (term === '') fail('index.terms has an empty term');
    if (term <= previous) fail(`index.terms must be sorted, each once (${term} after ${previous})`);
    previous = term;
    const start = reader.pos;
    const fieldCount = reader.read();
    if (fieldCount < 1 || fieldCount > nf) fail(`index.postings: term ${term} has no fields`);
    let seen = 0;
    let df = 0;
    for (let i = 0; i < fieldCount; i++) {
      const fieldId = reader.read();
      const count = reader.read();
      if (fieldId >= nf || seen & (1 << fieldId) || count < 1 || count > documents) {
        fail(`index.postings: term ${term} has a wrong field entry`);
      }
      seen |= 1 << fieldId;
      df = Math.max(df, count);
      let doc = -1;
      for (let k = 0; k < count; k++) {
        const code = reader.read();
        doc += 1 + (code - (code % 2)) / 2;
        if (code % 2 === 1 && reader.read() < 2) {
          fail(`index.postings: term ${term} has a wrong frequency`);
        }
      }
      if (doc >= documents) fail(`index.postings: term ${term} names a document past the last`);
    }
    values.push(new PackedPostings(postings, start, df));
  }
  if (reader.pos !== postings.length) fail('index.postings is longer than its terms');
  // The term tree, built in one pass over the sorted terms: the same radix tree (and order)
  // that inserting them one by one would make, without searching it for every insertion.
  const Tree = m._index.constructor as new (tree: RadixNode) => Internals['_index'];
  m._index = new Tree(radixTree(list, values, 0, list.length, 0));
  return index;
}
