import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/cli/io.ts';
import { LibraryError, loadLibraryFromPath } from '../../src/cli/library-files.ts';
import { main } from '../../src/cli/main.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// Relative paths, as a user would type them, so messages read naturally.
const fixtures = relative(process.cwd(), fileURLToPath(new URL('fixtures', import.meta.url)));
const markdownLibrary = join(fixtures, 'library-md');
const jsonLibrary = join(fixtures, 'library.json');
const banking77 = join(repoRoot, '../shared/eval/banking77/sops.json');

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'check-library-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function writeFiles(dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const sopMd = (id: string, extra = '') =>
  `---\nid: ${id}\ntitle: SOP ${id}\n${extra}---\n\n## Steps\n1. Do the thing\n`;

describe('check-library usage', () => {
  it('prints usage on --help and exits 0', async () => {
    expect(await main(['check-library', '--help'])).toBe(0);
    expect(stdout).toContain(
      'Usage: chat-playbook check-library <file|dir|-> [--json] [--now YYYY-MM-DD]',
    );
  });

  it.each([
    [[], 'missing the library'],
    [[jsonLibrary, 'other.json'], 'expected one library, got also: other.json'],
    [[jsonLibrary, '--verbose'], "Unknown option '--verbose'"],
    [[jsonLibrary, '--now', '2026-02-30'], '--now must be a real date written YYYY-MM-DD'],
    [[jsonLibrary, '--now', 'yesterday'], '--now must be a real date written YYYY-MM-DD'],
  ])('exits 2 for %j with the reason and usage on stderr', async (args, reason) => {
    expect(await main(['check-library', ...args])).toBe(2);
    expect(stderr).toContain(reason);
    expect(stderr).toContain('Usage: chat-playbook check-library');
    expect(stdout).toBe('');
  });
});

describe('check-library on a valid library', () => {
  it('summarises and lists stale SOPs, the longest overdue first', async () => {
    expect(await main(['check-library', markdownLibrary, '--now', '2027-11-02'])).toBe(0);
    expect(stdout).toBe(
      [
        'OK: 3 SOPs, 4 steps, 3 replies',
        '2 SOPs past the review date:',
        '  CARD-002 Card has not arrived — review was due 2025-12-15 (29 months since review)',
        '  CS-PR-001 Product returns — review was due 2027-03-01 (20 months since review)',
        '1 SOP without an effective or lastReviewed date (never flagged as stale).',
        '',
      ].join('\n'),
    );
    expect(stderr).toBe('');
  });

  it('flags an SOP only after its due day', async () => {
    expect(await main(['check-library', jsonLibrary, '--now', '2027-03-01'])).toBe(0);
    expect(stdout).not.toContain('CS-PR-001 Product returns');
    stdout = '';
    expect(await main(['check-library', jsonLibrary, '--now', '2027-03-02'])).toBe(0);
    expect(stdout).toContain(
      'CS-PR-001 Product returns — review was due 2027-03-01 (12 months since review)',
    );
  });

  it('says so when nothing is stale', async () => {
    expect(await main(['check-library', jsonLibrary, '--now', '2025-07-01'])).toBe(0);
    expect(stdout).toContain('No SOPs are past their review date.');
  });

  it('prints machine-readable JSON with --json', async () => {
    expect(await main(['check-library', '--json', markdownLibrary, '--now', '2027-11-02'])).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      ok: true,
      sops: 3,
      stale: [
        { id: 'CARD-002', title: 'Card has not arrived', dueOn: '2025-12-15' },
        { id: 'CS-PR-001', title: 'Product returns', dueOn: '2027-03-01' },
      ],
    });
  });

  it('reads a JSON library or one Markdown SOP from standard input with -', async () => {
    const json = await readFile(jsonLibrary, 'utf8');
    expect(
      await withStdin(json, () => main(['check-library', '-', '--json', '--now', '2025-07-01'])),
    ).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ ok: true, sops: 3, stale: [] });

    stdout = '';
    const markdown = await readFile(join(markdownLibrary, 'c-greeting.md'), 'utf8');
    expect(await withStdin(markdown, () => main(['check-library', '-']))).toBe(0);
    expect(stdout).toContain('OK: 1 SOP, 0 steps, 1 reply');
  });

  it('names standard input in problems', async () => {
    expect(
      await withStdin('{"format":"sop-library/1","sops":[{"id":"A"}]}', () =>
        main(['check-library', '-']),
      ),
    ).toBe(1);
    expect(stderr).toBe('chat-playbook check-library: <stdin>: SOP A: title: is required\n');
  });
});

describe('check-library on a bad library', () => {
  it('lists every problem with file, line, SOP and field, and exits 1', async () => {
    const dir = await writeFiles(join(scratch, 'lib'), {
      'a.md': sopMd('CS-1'),
      'b.md': [
        '---',
        'id: CS-1',
        'title:',
        'lastReviewed: 2026-02-30',
        '---',
        '',
        '## Procedure',
        '',
        '## Steps',
        '1. Ask',
        '   - replies: r-x',
        '',
        '## Replies',
        '### Hello',
        'Hi {customer.firstName',
        '',
      ].join('\n'),
    });
    const file = join(dir, 'b.md');
    expect(await main(['check-library', dir])).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        `chat-playbook check-library: 6 problems in ${dir}:`,
        `${file}:2: SOP CS-1: id: duplicate SOP id 'CS-1' (also used by ${join(dir, 'a.md')})`,
        `${file}:3: SOP CS-1: title: must not be empty`,
        `${file}:4: SOP CS-1: lastReviewed: 2026-02-30 is not a real date`,
        `${file}:7: SOP CS-1: unknown section '## Procedure' (expected Purpose, Scope, Steps, Escalation, Replies, Fields or Notes)`,
        `${file}:11: SOP CS-1: steps[0].replies[0]: reply 'r-x' is not defined`,
        `${file}:15: SOP CS-1: replies[0].text: unclosed '{' at character 4: "Hi {customer.first…"`,
        '',
      ].join('\n'),
    );
  });

  it('prints the problems as JSON with --json', async () => {
    const path = join(scratch, 'lib.json');
    await writeFile(
      path,
      JSON.stringify({ format: 'sop-library/1', sops: [{ id: 'A', title: 'A' }, { title: 'B' }] }),
    );
    expect(await main(['check-library', path, '--json'])).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      errors: [{ file: path, sopIndex: 1, field: 'id', message: 'is required' }],
    });
  });

  it('names a file that cannot be read', async () => {
    const missing = join(scratch, 'missing.json');
    expect(await main(['check-library', missing])).toBe(1);
    expect(stderr).toBe(
      `chat-playbook check-library: ${missing}: cannot read: no such file or folder\n`,
    );
  });

  it('names the line and column of a JSON syntax error', async () => {
    const path = join(scratch, 'lib.json');
    await writeFile(path, '{\n  "format": "sop-library/1",\n  "sops": [,]\n}\n');
    expect(await main(['check-library', path])).toBe(1);
    expect(stderr).toMatch(new RegExp(`${escapeRegExp(path)}:3: invalid JSON at column 12: `));
  });

  it('rejects a folder without SOP files', async () => {
    const dir = await writeFiles(join(scratch, 'empty'), { 'README.md': '# hi', 'x.txt': '' });
    expect(await main(['check-library', dir])).toBe(1);
    expect(stderr).toContain(`${dir}: no SOP files (*.md) in this folder`);
  });
});

describe('loadLibraryFromPath', () => {
  it('loads the Markdown folder and the JSON file to the same library', async () => {
    const fromMarkdown = await loadLibraryFromPath(markdownLibrary);
    expect(fromMarkdown.sops.map((sop) => sop.id)).toEqual(['CS-PR-001', 'CARD-002', 'GEN-001']);
    expect(fromMarkdown).toEqual(await loadLibraryFromPath(jsonLibrary));
  });

  it('loads a single Markdown file', async () => {
    const library = await loadLibraryFromPath(join(markdownLibrary, 'c-greeting.md'));
    expect(library.sops[0]!.replies[0]).toEqual({
      id: 'r-hello',
      title: 'Hello',
      shortcut: ';hi',
      text: "Hi {customer.firstName}, I'm {agent.name}. How can I help?",
    });
  });

  it('reads Markdown files in name order, skipping README.md, _drafts and other files', async () => {
    const dir = await writeFiles(join(scratch, 'lib'), {
      'b.md': sopMd('B'),
      '10.md': sopMd('TEN'),
      'a.MD': sopMd('A'),
      'readme.md': 'not an SOP',
      '_wip.md': 'not an SOP',
      '.hidden.md': 'not an SOP',
      'c.txt': 'not an SOP',
    });
    await mkdir(join(dir, 'sub.md'));
    const library = await loadLibraryFromPath(dir);
    expect(library.sops.map((sop) => sop.id)).toEqual(['TEN', 'A', 'B']);
  });

  it('accepts an index written by build-index', async () => {
    const library = JSON.parse(await readFile(jsonLibrary, 'utf8'));
    const path = join(scratch, 'index.json');
    await writeFile(path, JSON.stringify({ format: 'sop-index/1', library, index: { any: 1 } }));
    expect(await loadLibraryFromPath(path)).toEqual(await loadLibraryFromPath(jsonLibrary));
  });

  it('never half-loads: one bad file rejects the whole folder', async () => {
    const dir = await writeFiles(join(scratch, 'lib'), {
      'a.md': sopMd('A'),
      'b.md': sopMd('B', 'reviewEveryMonths: 0\n'),
      'c.md': sopMd('C'),
    });
    const error = await loadLibraryFromPath(dir).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LibraryError);
    expect(error).toBeInstanceOf(InputError);
    expect((error as LibraryError).issues).toEqual([
      {
        file: join(dir, 'b.md'),
        line: 4,
        sopId: 'B',
        field: 'reviewEveryMonths',
        message: 'must be a whole number greater than 0 (found number 0)',
      },
    ]);
  });

  it('lists at most 50 problems, then how many more', async () => {
    const path = join(scratch, 'lib.json');
    const sops = Array.from({ length: 60 }, (_, i) => ({ id: `S${i}` }));
    await writeFile(path, JSON.stringify({ format: 'sop-library/1', sops }));
    const error = (await loadLibraryFromPath(path).catch((err: unknown) => err)) as LibraryError;
    expect(error.issues).toHaveLength(60);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`60 problems in ${path}:`);
    expect(lines.slice(1, 51).every((line) => line.endsWith('title: is required'))).toBe(true);
    expect(lines[51]).toBe('…and 10 more');
    expect(lines).toHaveLength(52);
  });

  it.skipIf(!existsSync(banking77))('loads the BANKING77 evaluation library', async () => {
    const library = await loadLibraryFromPath(banking77);
    expect(library.sops).toHaveLength(77);
    expect(library.sops.every((sop) => sop.steps.length > 0 && sop.replies.length > 0)).toBe(true);
  });

  if (!existsSync(banking77)) {
    it('notes that the BANKING77 library is missing', () => {
      console.warn(`skipped: ${banking77} not found`);
    });
  }
});

async function withStdin<T>(text: string, run: () => Promise<T>): Promise<T> {
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([text]), configurable: true });
  try {
    return await run();
  } finally {
    Object.defineProperty(process, 'stdin', stdin);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
