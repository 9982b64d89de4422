import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLibraryFromPath } from '../../src/cli/library-files.ts';
import {
  createSearch,
  loadSerialized,
  type PlaybookSearch,
  type SearchQuery,
  type SerializedIndex,
} from '../../src/search/engine.ts';
import { loadLibraryFile } from '../../src/search/file.ts';
import { isNormalLibrary, validateLibrary } from '../../src/search/library.ts';
import type { SopLibrary } from '../../src/search/types.ts';
import { fixture } from './fixtures/playbook.ts';

const demoDir = new URL('../../demo/library', import.meta.url).pathname;

const QUERIES: SearchQuery[] = [
  { text: 'my parcel never arrived' },
  { text: 'I want my money back for the broken item' },
  { text: 'refu', typing: true },
  { text: 'can I cancel my subscr', typing: true },
  { text: 'recieve', typing: false },
  { text: 'pasword resett' },
  { text: 'promo code does not work', channel: 'email' },
  {
    conversation: [
      { author: 'customer', text: 'I was charged twice for one order' },
      { author: 'agent', text: 'Sorry about that, let me check.' },
      { author: 'customer', text: 'and the card was declined the second time??' },
    ],
    channel: 'chat',
  },
  { text: 'the customer is being abusive and threatening' },
  { text: 'data deletion request gdpr' },
];

const expectSameSearches = (a: PlaybookSearch, b: PlaybookSearch) => {
  for (const query of QUERIES) expect(a.search(query, 10)).toEqual(b.search(query, 10));
};

describe('prebuilt index round trip', () => {
  let library: SopLibrary;
  let fresh: PlaybookSearch;
  let text: string;
  beforeAll(async () => {
    library = await loadLibraryFromPath(demoDir);
    fresh = createSearch(library);
    text = JSON.stringify(fresh.serialize());
  });

  it('loads from its JSON text and searches exactly like a fresh index', () => {
    const loaded = loadSerialized(JSON.parse(text));
    expect(loaded.version).toBe(fresh.version);
    expect(loaded.library).toEqual(library);
    expectSameSearches(loaded, fresh);
    expectSameSearches(loadLibraryFile(new TextEncoder().encode(text).buffer), fresh);
  });

  it('learns the same way after loading', () => {
    const loaded = loadSerialized(JSON.parse(text));
    const again = createSearch(library);
    for (const s of [loaded, again]) {
      s.learn('the courier left it at the wrong house', 'CS-SH-002');
      s.learn('promo not applied at checkout', 'CS-BL-003');
    }
    expectSameSearches(loaded, again);
  });

  it('serializes a loaded index to the same file', () => {
    const loaded = loadSerialized(JSON.parse(text));
    expect(JSON.stringify(loaded.serialize())).toBe(text);
  });

  it('builds the term tree MiniSearch would build inserting the terms one by one', () => {
    type Node = Map<string, unknown>;
    const shape = (node: Node): unknown[] =>
      [...node].map(([edge, child]) => (edge === '' ? '' : [edge, shape(child as Node)]));
    const treeOf = (s: PlaybookSearch) =>
      (s as unknown as { index: { _index: { _tree: Node } } }).index._index._tree;
    const loaded = treeOf(loadSerialized(JSON.parse(text)));
    const terms = (JSON.parse(text) as SerializedIndex).index.terms.split(' ');
    const inserted = new MiniSearch({ fields: ['x'] }) as unknown as {
      _index: { set(term: string, value: unknown): void; _tree: Node };
    };
    for (const term of terms) inserted._index.set(term, 1);
    expect(shape(loaded)).toEqual(shape(inserted._index._tree));
  });

  it('keeps the index compact: no SOP ids or text repeated beside the library', () => {
    const data = JSON.parse(text) as SerializedIndex;
    const index = JSON.stringify(data.index);
    for (const sop of library.sops) {
      expect(index).not.toContain(sop.id);
      expect(index).not.toContain(sop.title);
    }
    expect(Object.keys(data.index).sort()).toEqual(
      ['averageFieldLengths', 'documents', 'fieldLengths', 'fields', 'postings', 'terms'].sort(),
    );
    expect(typeof data.index.postings).toBe('string');
  });
});

describe('damaged or foreign prebuilt files', () => {
  const good = createSearch(fixture()).serialize();
  const withIndex = (patch: Partial<SerializedIndex['index']>) => ({
    ...good,
    index: { ...good.index, ...patch },
  });
  const { postings, terms, fieldLengths } = good.index;
  const lastSop = good.library.sops.length - 1;

  const cases: [string, unknown, RegExp][] = [
    ['null', null, /^not a prebuilt index: format must be "sop-index\/2"$/],
    ['a number', 42, /not a prebuilt index/],
    ['a list', [good], /not a prebuilt index/],
    ['a library', good.library, /not a prebuilt index.*found "sop-library\/1"/],
    ['a newer format', { ...good, format: 'sop-index/3' }, /found "sop-index\/3"/],
    ['no library', { ...good, library: undefined }, /library must be a sop-library\/1 object/],
    [
      'an invalid library',
      { ...good, library: { ...good.library, sops: [{ ...good.library.sops[0], title: ' ' }] } },
      /^prebuilt index: invalid SOP library: SOP RET-01: title: must not be empty/,
    ],
    ['no version', { ...good, version: undefined }, /version must be 16 hex digits/],
    ['no index', { ...good, index: undefined }, /index must be an object/],
    ['other fields', withIndex({ fields: ['title', 'text'] }), /index\.fields must be/],
    ['a wrong document count', withIndex({ documents: 3 }), /index\.documents must be .* \(9\)/],
    [
      'field lengths cut short',
      withIndex({ fieldLengths: fieldLengths.slice(1) }),
      /index\.fieldLengths must hold/,
    ],
    [
      'a negative field length',
      withIndex({ fieldLengths: [-1, ...fieldLengths.slice(1)] }),
      /index\.fieldLengths must be whole numbers/,
    ],
    ['averages missing', withIndex({ averageFieldLengths: [1, 2] }), /index\.averageFieldLengths/],
    ['terms as a list', withIndex({ terms: terms.split(' ') as never }), /must be strings/],
    ['an empty term', withIndex({ terms: `${terms} ` }), /empty term/],
    ['a term too few', withIndex({ terms: terms.replace(/ \S+$/, '') }), /longer than its terms/],
    ['a term too many', withIndex({ terms: `${terms} ~~~` }), /index\.postings is corrupt/],
    [
      'terms out of order',
      withIndex({ terms: terms.split(' ').reverse().join(' ') }),
      /index\.terms must be sorted/,
    ],
    [
      'postings cut short',
      withIndex({ postings: postings.slice(0, -2) }),
      /index\.postings is corrupt/,
    ],
    [
      'a foreign character',
      withIndex({ postings: `${postings.slice(0, 5)}\\${postings.slice(6)}` }),
      /index\.postings is corrupt at character 5/,
    ],
    [
      'postings for a document that is not there',
      {
        ...good,
        library: { ...good.library, sops: good.library.sops.slice(0, lastSop) },
        index: {
          ...good.index,
          documents: lastSop,
          fieldLengths: fieldLengths.slice(0, lastSop * good.index.fields.length),
        },
      },
      /names a document past the last/,
    ],
  ];

  it.each(cases)('refuses %s, naming the problem', (_, data, message) => {
    let error: unknown;
    try {
      loadSerialized(data);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error!.constructor).toBe(Error);
    expect((error as Error).message).toMatch(message);
  });

  it('never crashes on damaged postings: refused at load, or loaded and searchable', () => {
    fc.assert(
      fc.property(fc.nat(postings.length - 1), fc.integer({ min: 0x20, max: 0x7e }), (at, code) => {
        const damaged = withIndex({
          postings: postings.slice(0, at) + String.fromCharCode(code) + postings.slice(at + 1),
        });
        let loaded: PlaybookSearch;
        try {
          loaded = loadSerialized(damaged);
        } catch (err) {
          return err instanceof Error && /^prebuilt index: index\./.test(err.message);
        }
        for (const query of QUERIES) loaded.search(query, 5);
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('a file that is not JSON, or a library that is not valid, says so', () => {
    expect(() => loadLibraryFile('{"format": "sop-index/2", ')).toThrow(/^not JSON \(/);
    expect(() => loadLibraryFile(JSON.stringify({ format: 'sop-library/1', sops: 3 }))).toThrow(
      /^invalid SOP library: sops: must be a list of SOPs/,
    );
  });
});

describe('older and hand-made prebuilt files', () => {
  const library = fixture();
  const fresh = createSearch(library);

  it('loads the older sop-index/1 file by indexing its library again', () => {
    // sop-index/1 carried MiniSearch's toJSON() as its index; it is not read any more.
    const old = { ...fresh.serialize(), format: 'sop-index/1', index: { documentCount: 9 } };
    const loaded = loadSerialized(JSON.parse(JSON.stringify(old)));
    for (const query of QUERIES) expect(loaded.search(query)).toEqual(fresh.search(query));
  });

  it('re-indexes a valid library that is not as build-index writes it', () => {
    const sops = library.sops.map((sop, i) =>
      i === 0 ? { ...sop, owner: '   ', reviewEveryMonths: undefined, extra: 1 } : sop,
    );
    const data = { ...fresh.serialize(), library: { ...library, sops } };
    expect(isNormalLibrary(data.library)).toBe(false);
    const loaded = loadSerialized(data);
    expect(loaded.library).toEqual(library);
    for (const query of QUERIES) expect(loaded.search(query)).toEqual(fresh.search(query));
  });
});

describe('isNormalLibrary', () => {
  const library = fixture();

  it('says true for what validateLibrary returns, false for anything it would change', () => {
    expect(isNormalLibrary(library)).toBe(true);
    const sop = library.sops[0]!;
    const changed = (patch: Record<string, unknown>) => ({
      ...library,
      sops: [{ ...sop, ...patch }, ...library.sops.slice(1)],
    });
    for (const variant of [
      changed({ title: '' }),
      changed({ owner: ' ' }),
      changed({ reviewEveryMonths: undefined }),
      changed({ reviewEveryMonths: 0 }),
      changed({ effective: '2024-02-30' }),
      changed({ channels: undefined }),
      changed({ tags: ['ok', ''] }),
      changed({ unknown: true }),
      changed({ steps: [{ text: 'no id', replies: [] }] }),
      changed({ steps: [{ id: 's1', text: 'x', replies: ['nope'] }] }),
      changed({ replies: [{ id: 'r', title: 't', text: 'broken {' }] }),
      changed({ replies: [...sop.replies, ...sop.replies] }),
      changed({ escalation: { to: 'lead' } }),
      { ...library, sops: [sop, sop] },
      { ...library, extra: 1 },
      { format: 'sop-library/2', sops: [] },
    ]) {
      expect(isNormalLibrary(variant)).toBe(false);
      const result = validateLibrary(variant);
      if (result.ok) expect(result.library).not.toEqual(variant);
    }
  });

  it('true only when validateLibrary accepts it unchanged', () => {
    const values = fc.constantFrom<unknown>(undefined, null, '', ' ', 'x', 0, 3, [], ['a'], {});
    const keys = fc.constantFrom('title', 'owner', 'effective', 'reviewEveryMonths', 'tags');
    fc.assert(
      fc.property(fc.nat(library.sops.length - 1), keys, values, (i, key, value) => {
        const sops = library.sops.map((s, j) => (j === i ? { ...s, [key]: value } : s));
        const variant = { ...library, sops };
        if (!isNormalLibrary(variant)) return true;
        const result = validateLibrary(JSON.parse(JSON.stringify(variant)));
        return result.ok && isDeepStrictEqual(result.library, JSON.parse(JSON.stringify(variant)));
      }),
      { numRuns: 500 },
    );
  });
});
