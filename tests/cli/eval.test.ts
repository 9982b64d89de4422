// `chat-playbook eval`: the exact --json shape, learning from picks, bad query lines named by
// file and line, and (when the shared BANKING77 split is present) better than plain MiniSearch.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const library = fileURLToPath(new URL('../search/fixtures/playbook.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'playbook-eval-'));
function jsonl(name: string, lines: (object | string)[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return path;
}

const queries = jsonl('queries.jsonl', [
  { id: 'q1', text: 'I want a refund', expect: ['RET-01'] },
  { id: 'q2', text: 'forgot my password', expect: ['ACC-03'] },
  '',
  { id: 'q3', text: 'the trainers are the wrong colour', expect: ['RET-01'] },
]);

describe('eval', () => {
  it('prints {"n","top1","top3","mrr"} with --json', async () => {
    const run = await runCli(['eval', '--library', library, '--queries', queries, '--json']);
    expect(run.code).toBe(0);
    expect(Object.keys(JSON.parse(run.stdout))).toEqual(['n', 'top1', 'top3', 'mrr']);
    expect(JSON.parse(run.stdout)).toEqual({ n: 3, top1: 0.667, top3: 0.667, mrr: 0.667 });
  });

  it('learns from picks first with --learn-from', async () => {
    const picks = jsonl('picks.jsonl', [
      { id: 'p1', text: 'these trainers came in the wrong colour', expect: ['RET-01'] },
    ]);
    const run = await runCli([
      'eval',
      '--library',
      library,
      '--queries',
      queries,
      '--learn-from',
      picks,
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ n: 3, top1: 1, top3: 1, mrr: 1 });
  });

  it('prints a readable summary without --json', async () => {
    const run = await runCli(['eval', '--library', library, '--queries', queries]);
    expect(run.stdout).toBe('3 queries: top-1 66.7%, top-3 66.7%, MRR 0.667\n');
  });

  it('names the file and line of a bad query (exit 1)', async () => {
    const cases: [(object | string)[], RegExp][] = [
      [[{ text: 'ok', expect: ['RET-01'] }, '{not json'], /bad\.jsonl:2: invalid JSON/],
      [[{ text: '', expect: ['RET-01'] }], /bad\.jsonl:1: field "text"/],
      [[{ text: 'refund', expect: 'RET-01' }], /bad\.jsonl:1: field "expect"/],
      [
        [{ text: 'refund', expect: ['NOPE'] }],
        /bad\.jsonl:1: field "expect": no SOP with id 'NOPE'/,
      ],
      [['[1,2]'], /bad\.jsonl:1: expected a JSON object/],
    ];
    for (const [lines, message] of cases) {
      const bad = jsonl('bad.jsonl', lines);
      const run = await runCli(['eval', '--library', library, '--queries', bad, '--json']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    }
    const badPicks = jsonl('badpicks.jsonl', ['nope']);
    const run = await runCli([
      'eval',
      '--library',
      library,
      '--queries',
      queries,
      '--learn-from',
      badPicks,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/badpicks\.jsonl:1: invalid JSON/);
  });

  it('exits 1 on a missing queries file, 2 on wrong usage', async () => {
    const missing = await runCli([
      'eval',
      '--library',
      library,
      '--queries',
      join(dir, 'none.jsonl'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/none\.jsonl: cannot read/);
    for (const args of [
      ['eval', '--library', library],
      ['eval', '--queries', queries],
      ['eval', '--library', library, '--queries', queries, 'extra'],
      ['eval', '--library', '-', '--queries', '-'],
    ]) {
      expect((await runCli(args)).code, args.join(' ')).toBe(2);
    }
  });

  const banking = fileURLToPath(new URL('../../../shared/eval/banking77', import.meta.url));
  const hasBanking = existsSync(join(banking, 'sops.json'));
  if (!hasBanking) console.warn(`skipping the BANKING77 check: ${banking} is missing`);
  it.skipIf(!hasBanking)('beats plain MiniSearch on BANKING77 (top-1 0.415)', async () => {
    const run = await runCli([
      'eval',
      '--library',
      join(banking, 'sops.json'),
      '--queries',
      join(banking, 'queries.public.jsonl'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.n).toBe(1155);
    expect(result.top1).toBeGreaterThanOrEqual(0.415);
  });
});
