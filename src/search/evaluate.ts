// Ranking quality over labelled queries (shared/spec/sop-format.md, "Search queries for
// evaluation"): top-1, top-3 and mean reciprocal rank, as fractions rounded to 3 decimals.
import type { PlaybookSearch } from './engine.ts';

export interface EvalQuery {
  id: string;
  text: string;
  expect: string[];
}

export interface EvalResult {
  n: number;
  top1: number;
  top3: number;
  mrr: number;
}

/** Ranks are looked for among the first MRR_DEPTH results; a miss counts 0. */
export const MRR_DEPTH = 100;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function evaluate(
  search: PlaybookSearch,
  queries: readonly EvalQuery[],
  onProgress?: (done: number, total: number) => void,
): EvalResult {
  let top1 = 0;
  let top3 = 0;
  let rr = 0;
  queries.forEach((q, i) => {
    const hits = search.search({ text: q.text }, MRR_DEPTH);
    const rank = hits.findIndex((h) => q.expect.includes(h.sop.id));
    if (rank === 0) top1++;
    if (rank >= 0 && rank < 3) top3++;
    if (rank >= 0) rr += 1 / (rank + 1);
    onProgress?.(i + 1, queries.length);
  });
  const n = queries.length;
  if (n === 0) return { n, top1: 0, top3: 0, mrr: 0 };
  return { n, top1: round3(top1 / n), top3: round3(top3 / n), mrr: round3(rr / n) };
}
