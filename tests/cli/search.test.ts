// `chat-playbook search`: exit codes, the --json shape and the readable list.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatHits } from '../../src/cli/commands/search.ts';
import { createSearch } from '../../src/search/engine.ts';
import { validateLibrary } from '../../src/search/library.ts';
import { runCli, runCliProcess } from '../support/cli.ts';

const library = fileURLToPath(new URL('../search/fixtures/playbook.json', import.meta.url));

describe('search', () => {
  it('prints ranked SOPs with their best step and reply as JSON', async () => {
    const run = await runCli([
      'search',
      '--library',
      library,
      '--json',
      'I',
      'want',
      'my',
      'money',
      'back',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout);
    expect(out.query).toBe('I want my money back');
    expect(out.hits[0]).toMatchObject({
      id: 'RET-01',
      title: 'Returns and refunds',
      score: 1,
      terms: expect.arrayContaining(['~refund']),
      matched: expect.arrayContaining(['refund']),
    });
    expect(out.hits[0].steps[0]).toEqual({
      id: 's3',
      text: expect.any(String),
      score: expect.any(Number),
    });
    expect(out.hits[0].replies[0]).toMatchObject({ id: 'r-refund', title: 'Refund issued' });
  });

  it('respects --limit', async () => {
    const run = await runCli([
      'search',
      '--library',
      library,
      '--json',
      '--limit',
      '1',
      'damaged item refund',
    ]);
    expect(JSON.parse(run.stdout).hits).toHaveLength(1);
  });

  it('prints a readable list, plain when stdout is not a terminal', async () => {
    const run = await runCli(['search', '--library', library, 'forgot my password']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1\. Password reset {2}\[ACC-03\] {2}score 1\.00$/m);
    expect(run.stdout).toMatch(/matched: .*password/);
    expect(run.stdout).toMatch(/step s2: Send a password reset link/);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('marks matched words in bold on a terminal', () => {
    const result = validateLibrary(JSON.parse(readFileSync(library, 'utf8')));
    if (!result.ok) throw new Error('bad fixture');
    const hits = createSearch(result.library).search({ text: 'forgot my password' }, 1);
    expect(formatHits(hits, true)).toContain('\u001b[1mPassword\u001b[22m reset');
  });

  it('reads the text from standard input with -', () => {
    const run = runCliProcess(
      ['search', '--library', library, '--json', '-'],
      'my parcel never arrived\n',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).hits[0].id).toBe('DEL-02');
  });

  it('says so when nothing matches (still exit 0)', async () => {
    const run = await runCli(['search', '--library', library, 'zzzz']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No matching SOPs.\n');
    const json = await runCli(['search', '--library', library, '--json', 'zzzz']);
    expect(JSON.parse(json.stdout)).toEqual({ query: 'zzzz', hits: [] });
  });

  it('exits 2 on wrong usage', async () => {
    for (const args of [
      ['search', 'refund'],
      ['search', '--library', library],
      ['search', '--library', library, '--limit', '0', 'refund'],
      ['search', '--library', library, '--bogus', 'refund'],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/Usage: chat-playbook search/);
    }
  });

  it('exits 1 on a missing or invalid library', async () => {
    const run = await runCli(['search', '--library', '/nonexistent/library.json', 'refund']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/nonexistent/);
  });
});
