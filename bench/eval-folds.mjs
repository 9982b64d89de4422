// Search quality study (docs/search.md): plain MiniSearch baseline, the playbook search on
// the library alone, and learning measured by k-fold cross-validation (learn from k-1 folds,
// evaluate on the unseen fold). Reads shared/eval/banking77 (or --library/--queries);
// never copies it anywhere.
//
//   node bench/eval-folds.mjs [--folds 2,5] [--seed 1] [--options '{"learnedWeight":1}']
//        [--library F] [--queries F]

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadTs } from './load-ts.mjs';
import { plainIndex } from './plain-minisearch.mjs';
import { mulberry32 } from './random.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    library: { type: 'string', default: resolve(root, '../shared/eval/banking77/sops.json') },
    queries: {
      type: 'string',
      default: resolve(root, '../shared/eval/banking77/queries.public.jsonl'),
    },
    folds: { type: 'string', default: '2,5' },
    seed: { type: 'string', default: '1' },
    options: { type: 'string', default: '{}' },
    'no-baseline': { type: 'boolean', default: false },
  },
});

const { createSearch } = await loadTs('src/search/engine.ts');
const { evaluate } = await loadTs('src/search/evaluate.ts');
const { loadLibraryFromPath } = await loadTs('src/cli/library-files.ts');
const library = await loadLibraryFromPath(values.library);
const queries = readFileSync(values.queries, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const options = JSON.parse(values.options);
const out = (label, r) =>
  console.log(
    `${label.padEnd(34)} n=${r.n}  top1=${r.top1.toFixed(3)}  top3=${r.top3.toFixed(3)}  mrr=${r.mrr.toFixed(3)}`,
  );

if (!values['no-baseline']) {
  // The README's plain baseline: one document per SOP, default MiniSearch options.
  const plain = plainIndex(library);
  const plainSearch = {
    search: (q, limit) =>
      plain
        .search(q.text)
        .slice(0, limit)
        .map((r) => ({ sop: { id: r.id } })),
  };
  out('plain MiniSearch (defaults)', evaluate(plainSearch, queries));
}

out('playbook, library alone', evaluate(createSearch(library, options), queries));

// Deterministic stratified folds: each label's queries shuffled with a seeded PRNG and dealt
// round-robin, so every fold has about the same share of every SOP.
function foldsOf(list, k, seed) {
  const rand = mulberry32(seed);
  const byLabel = new Map();
  for (const q of list) byLabel.set(q.expect[0], [...(byLabel.get(q.expect[0]) ?? []), q]);
  const folds = Array.from({ length: k }, () => []);
  let next = 0;
  for (const group of byLabel.values()) {
    const shuffled = group.map((q) => [rand(), q]).sort((a, b) => a[0] - b[0]);
    for (const [, q] of shuffled) folds[next++ % k].push(q);
  }
  return folds;
}

for (const k of values.folds.split(',').map(Number).filter(Boolean)) {
  const folds = foldsOf(queries, k, Number(values.seed));
  let n = 0;
  const sum = { top1: 0, top3: 0, mrr: 0 };
  for (let f = 0; f < k; f++) {
    const search = createSearch(library, options);
    for (let g = 0; g < k; g++) {
      if (g === f) continue;
      for (const q of folds[g]) search.learn(q.text, q.expect[0]);
    }
    const r = evaluate(search, folds[f]);
    if (k === 2) out(`learned, tested on half ${f + 1} of 2`, r);
    n += r.n;
    for (const key of Object.keys(sum)) sum[key] += r[key] * r.n;
  }
  if (k === 2) {
    // Library alone on each half: how much the figure moves between splits of the data.
    const alone = createSearch(library, options);
    for (const [f, fold] of folds.entries())
      out(`library alone, half ${f + 1} of 2`, evaluate(alone, fold));
  }
  out(`learned, ${k}-fold (seed ${values.seed})`, {
    n,
    top1: sum.top1 / n,
    top3: sum.top3 / n,
    mrr: sum.mrr / n,
  });
}
