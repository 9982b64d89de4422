import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeTerms } from '../../src/search/analyzer.ts';
import { createSearch, loadSerialized, type SearchHit } from '../../src/search/engine.ts';
import { evaluate } from '../../src/search/evaluate.ts';
import { highlight, matchedWords, withMarks } from '../../src/search/highlight.ts';
import { validateLibrary } from '../../src/search/library.ts';
import { QUERY_WEIGHTS } from '../../src/search/query.ts';
import { stem } from '../../src/search/stemmer.ts';
import { fixture } from './fixtures/playbook.ts';

const ids = (hits: SearchHit[]) => hits.map((h) => h.sop.id);
const top = (hits: SearchHit[]) => hits[0]?.sop.id;

describe('finding the SOP for a customer message', () => {
  const search = createSearch(fixture());

  it('finds the procedure among the other words of a real message', () => {
    expect(
      top(
        search.search({ text: 'Hi there, I would like a refund for the shoes I bought last week' }),
      ),
    ).toBe('RET-01');
    expect(top(search.search({ text: 'my card was charged twice for one order!!' }))).toBe(
      'BIL-04',
    );
  });

  it('matches general support synonyms: package ~ parcel, money back ~ refund, log in ~ sign in', () => {
    expect(top(search.search({ text: 'where is my package' }))).toBe('DEL-02');
    expect(top(search.search({ text: 'can I get my money back' }))).toBe('RET-01');
    expect(top(search.search({ text: "I can't log in" }))).toBe('ACC-03');
    expect(top(search.search({ text: 'please cancel my subscription' }))).toBe('SUB-05');
  });

  it('is not thrown by typos, including swapped letters', () => {
    expect(top(search.search({ text: 'I forgot my pasword' }))).toBe('ACC-03');
    expect(top(search.search({ text: 'my parcle is late' }))).toBe('DEL-02');
    expect(top(search.search({ text: 'the item came damagd' }))).toMatch(/^DMG-/);
  });

  it('folds case, accents and inflections', () => {
    expect(top(search.search({ text: 'REFUNDS' }))).toBe('RET-01');
    expect(top(search.search({ text: 'Réfund' }))).toBe('RET-01');
    expect(top(search.search({ text: 'duplicated charges' }))).toBe('BIL-04');
  });

  it('matches the word being typed as a prefix, only while typing', () => {
    expect(top(search.search({ text: 'passw', typing: true }))).toBe('ACC-03');
    expect(search.search({ text: 'passw', typing: false })).toEqual([]);
    // A finished word (followed by a space) is not a prefix any more.
    expect(search.search({ text: 'passw ', typing: true })).toEqual([]);
  });

  it('returns nothing for stop words alone or an empty query', () => {
    expect(search.search({ text: 'hello, can you help me please?' })).toEqual([]);
    expect(search.search({})).toEqual([]);
    expect(search.search({ text: 'refund' }, 0)).toEqual([]);
  });

  it('scores the best hit 1 and the rest below, best first, within the limit', () => {
    const hits = search.search({ text: 'refund for a damaged item that arrived broken' }, 3);
    expect(hits.length).toBeLessThanOrEqual(3);
    expect(hits[0]!.score).toBe(1);
    for (let i = 1; i < hits.length; i++)
      expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
  });
});

describe('context from the conversation', () => {
  const search = createSearch(fixture());

  it('weighs the latest customer message over older ones', () => {
    const conversation = [
      { author: 'customer' as const, text: 'my parcel is late' },
      { author: 'agent' as const, text: 'Let me look into that for you.' },
      { author: 'customer' as const, text: 'oh and I was charged twice' },
    ];
    expect(top(search.search({ conversation }))).toBe('BIL-04');
    const reversed = [conversation[2]!, conversation[1]!, conversation[0]!];
    expect(top(search.search({ conversation: reversed }))).toBe('DEL-02');
    // The older topic is still there, just lower.
    expect(ids(search.search({ conversation }))).toContain('DEL-02');
  });

  it("weighs agent messages less than the customer's", () => {
    const conversation = [
      { author: 'customer' as const, text: 'I forgot my password' },
      { author: 'agent' as const, text: 'Is this about a refund?' },
    ];
    expect(top(search.search({ conversation }))).toBe('ACC-03');
  });

  it('lists what the typed words match when the agent has typed, not the conversation', () => {
    const conversation = [{ author: 'customer' as const, text: 'the item arrived broken' }];
    expect(ids(search.search({ conversation }))).toEqual(
      expect.arrayContaining(['DMG-CHAT', 'DMG-EMAIL']),
    );
    expect(ids(search.search({ conversation, text: 'refund' }))).toEqual(['RET-01']);
  });

  it("puts SOPs for the chat's channel first; SOPs without channels serve every channel", () => {
    const text = 'the item arrived damaged, here is a photo';
    expect(top(search.search({ text, channel: 'chat' }))).toBe('DMG-CHAT');
    expect(top(search.search({ text, channel: 'email' }))).toBe('DMG-EMAIL');
    expect(top(search.search({ text: 'I want a refund', channel: 'phone' }))).toBe('RET-01');
    // Channel names compare without case; the other channel's SOP stays in the list.
    const hits = search.search({ text, channel: 'Chat' });
    expect(top(hits)).toBe('DMG-CHAT');
    expect(ids(hits)).toContain('DMG-EMAIL');
  });

  it('can hide SOPs of other channels (channelPenalty 0)', () => {
    const strict = createSearch(fixture(), { channelPenalty: 0 });
    expect(ids(strict.search({ text: 'damaged item photo', channel: 'chat' }))).not.toContain(
      'DMG-EMAIL',
    );
  });
});

describe('typed words lead, the conversation breaks near-ties', () => {
  const search = createSearch(fixture());
  const lateParcel = [
    { author: 'customer' as const, text: 'my parcel was due on Monday and never came' },
    { author: 'agent' as const, text: 'Sorry! Let me check the tracking with the courier.' },
    { author: 'customer' as const, text: 'the tracking has not changed in a week' },
  ];

  it('ranks by the typed words however strongly the conversation points elsewhere', () => {
    expect(top(search.search({ conversation: lateParcel }))).toBe('DEL-02');
    const text = 'customer was charged twice refund';
    const hits = search.search({ conversation: lateParcel, text, typing: true });
    expect(ids(hits).slice(0, 2)).toEqual(['BIL-04', 'RET-01']);
    // The typed words are not about delivery: the conversation's SOP is not listed at all.
    expect(ids(hits)).not.toContain('DEL-02');
  });

  // Two SOPs the word "refund" matches alike, one it matches far better, one it misses.
  const sop = (id: string, title: string, step: string, extra = {}) => ({
    id,
    title,
    steps: [{ id: 's1', text: step }],
    ...extra,
  });
  const small = validateLibrary({
    format: 'sop-library/1',
    sops: [
      sop('A', 'Refund for a late parcel', 'Check the parcel tracking'),
      sop('B', 'Refund for a cancelled subscription', 'Check the subscription renewal date'),
      sop('C', 'Refunds', 'Issue the refund to the card', {
        tags: ['refund'],
        triggers: ['I want a refund'],
      }),
      sop('D', 'Parcel tracking', 'Look up the parcel with the courier'),
    ],
  });
  if (!small.ok) throw new Error(JSON.stringify(small.issues));
  const tied = createSearch(small.library);
  const say = (text: string) => [{ author: 'customer' as const, text }];

  it('lets the conversation order SOPs the typed words match alike, and only those', () => {
    expect(ids(tied.search({ text: 'refund' }))).toEqual(['C', 'A', 'B']);
    expect(ids(tied.search({ text: 'refund', conversation: say('my parcel is late') }))).toEqual([
      'C',
      'A',
      'B',
    ]);
    expect(
      ids(tied.search({ text: 'refund', conversation: say('my subscription renewed again') })),
    ).toEqual(['C', 'B', 'A']);
    // Even a conversation all about C's rivals never lifts them over it, nor adds D.
    const rivals = say('late parcel tracking, cancelled subscription renewal date');
    const hits = tied.search({ text: 'refund', conversation: rivals });
    expect(top(hits)).toBe('C');
    expect(ids(hits)).not.toContain('D');
  });

  it('never lifts an SOP over one whose typed score is more than 1 + context higher', () => {
    const words = ['refund', 'parcel', 'charged', 'password', 'damaged', 'order', 'card', 'late'];
    const phrase = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(phrase, phrase, (typed, said) => {
        const text = typed.join(' ');
        const alone = new Map(search.search({ text }, 20).map((h) => [h.sop.id, h.score]));
        const hits = search.search({ text, conversation: say(said.join(' ')) }, 20);
        expect(new Set(ids(hits))).toEqual(new Set(alone.keys()));
        for (let i = 1; i < hits.length; i++) {
          const above = alone.get(hits[i - 1]!.sop.id)!;
          const below = alone.get(hits[i]!.sop.id)!;
          expect(below).toBeLessThanOrEqual(above * (1 + QUERY_WEIGHTS.context) + 1e-9);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it("marks the typed words' matches, not the conversation's", () => {
    const [hit] = search.search({ text: 'refund', conversation: say('the order number is 1234') });
    expect(hit!.sop.id).toBe('RET-01');
    expect(hit!.terms).toContain('refund');
    expect(hit!.terms).not.toContain('order');
    expect(withMarks(hit!).marks).toEqual(['refunds', 'refund']);
  });

  it('orders the steps by the typed words first, then by the conversation', () => {
    const [hit] = search.search({
      text: 'refund',
      conversation: say('is it in the returns window'),
    });
    expect(hit!.steps.map((s) => s.step.id)).toEqual(['s3', 's2']);
    expect(search.search({ text: 'refund' })[0]!.steps.map((s) => s.step.id)).toEqual(['s3']);
  });
});

describe('steps, replies and matched terms of a hit', () => {
  const search = createSearch(fixture());

  it('ranks the steps and replies that match, and the replies of matching steps', () => {
    const [hit] = search.search({ text: 'when will my refund show up on my card' });
    expect(hit!.sop.id).toBe('RET-01');
    expect(hit!.steps[0]!.step.id).toBe('s3');
    expect(hit!.replies[0]!.reply.id).toBe('r-refund');
    for (const list of [hit!.steps, hit!.replies]) {
      for (const entry of list) expect(entry.score).toBeGreaterThan(0);
    }
  });

  it('gives the matched terms, which highlight the words as written', () => {
    const [hit] = search.search({ text: 'my package never arrived' });
    expect(hit!.sop.id).toBe('DEL-02');
    // The synonym group's term: the SOP says "parcel", the customer "package".
    expect(hit!.terms).toContain('~parcel');
    const segments = highlight(hit!.sop.title, hit!.terms);
    // "arrived" and "delivered" are synonyms too.
    expect(segments).toEqual([
      { text: 'Parcel', match: true },
      { text: ' not ', match: false },
      { text: 'delivered', match: true },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(hit!.sop.title);
    expect(matchedWords('Look up the PARCEL; parcels', hit!.terms)).toEqual(['parcel', 'parcels']);
  });
});

describe('learning from the SOPs agents pick', () => {
  it('moves a picked SOP up for similar messages', () => {
    const search = createSearch(fixture());
    const message = 'the trainers I got are the wrong colour';
    expect(top(search.search({ text: message }))).not.toBe('RET-01');
    expect(search.learn('these trainers are the wrong colour, can I swap them', 'RET-01')).toBe(
      true,
    );
    expect(top(search.search({ text: message }))).toBe('RET-01');
    // Unrelated messages are unaffected.
    expect(top(search.search({ text: 'I forgot my password' }))).toBe('ACC-03');
  });

  it('ignores picks of unknown SOPs or of texts with no words', () => {
    const search = createSearch(fixture());
    expect(search.learn('wrong colour', 'NOPE')).toBe(false);
    expect(search.learn('hello!!', 'RET-01')).toBe(false);
    expect(search.exportLearned()).toEqual([]);
  });

  it('exports and imports what it learned, giving the same results', () => {
    const a = createSearch(fixture());
    a.learn('the trainers are the wrong colour', 'RET-01');
    a.learn('courier left it at the wrong house', 'DEL-02');
    const exported = a.exportLearned();
    expect(exported).toEqual([
      { text: 'the trainers are the wrong colour', sopId: 'RET-01' },
      { text: 'courier left it at the wrong house', sopId: 'DEL-02' },
    ]);
    const b = createSearch(fixture());
    expect(b.importLearned([...exported, { text: 'x', sopId: 'NOPE' }])).toBe(2);
    const query = { text: 'wrong colour trainers, wrong house' };
    expect(b.search(query)).toEqual(a.search(query));
  });

  it('learns through the term model alone too (no neighbour vote)', () => {
    const search = createSearch(fixture(), { learnedWeight: 0 });
    const message = 'the trainers I got are the wrong colour';
    expect(top(search.search({ text: message }))).not.toBe('RET-01');
    search.learn('these trainers are the wrong colour, can I swap them', 'RET-01');
    expect(top(search.search({ text: message }))).toBe('RET-01');
    expect(top(search.search({ text: 'I forgot my password' }))).toBe('ACC-03');
  });

  it('forgets dropped examples in the term model as well', () => {
    const capped = createSearch(fixture(), { maxLearned: 1 });
    capped.learn('these trainers are the wrong colour, can I swap them', 'RET-01');
    capped.learn('courier left it at the wrong house', 'DEL-02');
    const fresh = createSearch(fixture());
    fresh.learn('courier left it at the wrong house', 'DEL-02');
    for (const text of ['the trainers I got are the wrong colour', 'wrong house, courier']) {
      expect(capped.search({ text })).toEqual(fresh.search({ text }));
    }
  });

  it('keeps at most maxLearned examples, dropping the oldest', () => {
    const search = createSearch(fixture(), { maxLearned: 2 });
    search.learn('first wrong colour', 'RET-01');
    search.learn('second wrong house', 'DEL-02');
    search.learn('third wrong size', 'RET-01');
    expect(search.exportLearned().map((e) => e.text)).toEqual([
      'second wrong house',
      'third wrong size',
    ]);
  });
});

describe('prebuilt index', () => {
  it('loads from JSON without re-indexing and gives identical results', () => {
    const built = createSearch(fixture());
    const data = JSON.parse(JSON.stringify(built.serialize()));
    expect(data).toMatchObject({
      format: 'sop-index/2',
      version: built.version,
      analyzer: expect.any(Number),
    });
    expect(built.version).toMatch(/^[0-9a-f]{16}$/);
    const loaded = loadSerialized(data);
    expect(loaded.version).toBe(built.version);
    for (const query of [
      { text: 'refund for my parcel' },
      { text: 'pasword', typing: false },
      { text: 'charg', typing: true },
      { conversation: [{ author: 'customer' as const, text: 'broken item' }], channel: 'email' },
    ]) {
      expect(loaded.search(query, 10)).toEqual(built.search(query, 10));
    }
  });

  it('changes version when the library changes', () => {
    const library = fixture();
    const changed = structuredClone(library);
    changed.sops[0]!.title = 'Returns';
    expect(createSearch(changed).version).not.toBe(createSearch(library).version);
    expect(createSearch(fixture()).version).toBe(createSearch(library).version);
  });

  it('rebuilds an index made by another analyzer version, and rejects non-indexes', () => {
    const data = createSearch(fixture()).serialize();
    const old = loadSerialized({ ...data, analyzer: -1, index: { bogus: true } });
    expect(top(old.search({ text: 'refund' }))).toBe('RET-01');
    expect(() => loadSerialized({ format: 'sop-library/1', sops: [] })).toThrow(/sop-index\/2/);
    expect(() => loadSerialized(null)).toThrow(/sop-index\/2/);
    expect(() => loadSerialized({ format: 'sop-index/2' })).toThrow(/library/);
  });
});

describe('text analysis', () => {
  it('stems inflections and a few derivations to the same term', () => {
    const same = (...words: string[]) => expect(new Set(words.map(stem)).size).toBe(1);
    same('charge', 'charged', 'charges', 'charging');
    same('arrive', 'arrived', 'arrival', 'arriving');
    same('activate', 'activated', 'activation');
    same('verify', 'verified', 'verification');
    same('cancel', 'cancelled', 'canceled', 'cancellation');
    same('authorise', 'authorize', 'authorized');
    same('pay', 'paid');
    expect(stem('status')).toBe('status');
    expect(stem('size')).toBe('siz');
  });

  it('drops stop words and joins compounds and synonym phrases', () => {
    expect(analyzeTerms('Hi, can you help me please?')).toEqual([]);
    expect(analyzeTerms('top-up')).toEqual(analyzeTerms('top up'));
    expect(analyzeTerms('topup')).toContain('topup');
    expect(analyzeTerms('I want my money back')).toContain('~refund');
    expect(analyzeTerms('sign in')).toEqual(
      expect.arrayContaining(analyzeTerms('login').filter((t) => t.startsWith('~'))),
    );
  });
});

describe('evaluation metrics', () => {
  it('counts top-1, top-3 and reciprocal rank', () => {
    const search = createSearch(fixture());
    const result = evaluate(search, [
      { id: 'a', text: 'I want a refund', expect: ['RET-01'] },
      { id: 'b', text: 'forgot password', expect: ['ACC-03'] },
      { id: 'c', text: 'zzzz qqqq', expect: ['RET-01'] },
    ]);
    expect(result).toEqual({ n: 3, top1: 0.667, top3: 0.667, mrr: 0.667 });
    expect(evaluate(search, [])).toEqual({ n: 0, top1: 0, top3: 0, mrr: 0 });
  });
});
