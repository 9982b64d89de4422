// `chat-playbook build-index`: writes a sop-index/2 file that loads without re-indexing and
// searches like the library it came from; its version is a content hash.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSearch, loadSerialized } from '../../src/search/engine.ts';
import { runCli } from '../support/cli.ts';

const library = fileURLToPath(new URL('../search/fixtures/playbook.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'playbook-index-'));

describe('build-index', () => {
  it('writes the library with a prebuilt index that searches the same', async () => {
    const out = join(dir, 'index.json');
    const run = await runCli(['build-index', '--library', library, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/index\.json: 9 SOPs, version [0-9a-f]{16}, \d+ kB/);
    const data = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(data)).toEqual([
      'format',
      'version',
      'builtAt',
      'analyzer',
      'library',
      'index',
    ]);
    expect(data.format).toBe('sop-index/2');
    expect(new Date(data.builtAt).toISOString()).toBe(data.builtAt);
    expect(data.library.format).toBe('sop-library/1');
    const fresh = createSearch(data.library);
    expect(data.version).toBe(fresh.version);
    const query = { text: 'my package never arrived, can I get a refund' };
    expect(loadSerialized(data).search(query)).toEqual(fresh.search(query));
  });

  it('gives the same version for the same content, another for changed content', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await runCli(['build-index', '--library', library, '--out', a]);
    await runCli(['build-index', '--library', a, '--out', b]); // an index is a valid input too
    const version = (f: string) => JSON.parse(readFileSync(f, 'utf8')).version;
    expect(version(b)).toBe(version(a));
    const changed = JSON.parse(readFileSync(library, 'utf8'));
    changed.sops[0].title = 'Returns';
    const changedPath = join(dir, 'changed.json');
    writeFileSync(changedPath, JSON.stringify(changed));
    const c = join(dir, 'c.json');
    await runCli(['build-index', '--library', changedPath, '--out', c]);
    expect(version(c)).not.toBe(version(a));
  });

  it('exits 1 on an invalid library or an unwritable output, 2 on wrong usage', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'sop-library/1', sops: [{ title: 'no id' }] }));
    const invalid = await runCli(['build-index', '--library', bad, '--out', join(dir, 'x.json')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/bad\.json/);
    const unwritable = await runCli([
      'build-index',
      '--library',
      library,
      '--out',
      join(dir, 'no/such/dir/x.json'),
    ]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/cannot write/);
    for (const args of [
      ['build-index', '--library', library],
      ['build-index', '--out', join(dir, 'y.json')],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/Usage: chat-playbook build-index/);
    }
  });
});
