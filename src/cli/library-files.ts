// Reads an SOP library from disk (or stdin) for the commands: one JSON file, a built index
// that embeds one, or a folder of Markdown SOPs (docs/library-format.md). All or nothing:
// any problem throws a LibraryError listing every issue, never a partly loaded library.

import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isObject } from '../core/guards.ts';
import { formatIssue, LIBRARY_FORMAT, validateLibrary } from '../search/library.ts';
import { parseMarkdownSop } from '../search/markdown.ts';
import type { LibraryIssue, SopLibrary } from '../search/types.ts';
import { InputError, openInput, progress } from './io.ts';

export const MAX_LISTED_ISSUES = 50;
const STDIN_NAME = '<stdin>';
/** Folders bigger than this show a progress line while they are read. */
const PROGRESS_FROM_FILES = 100;
const READ_BATCH = 32;

/** An invalid or unreadable library; `issues` keeps the structured problems for `--json`. */
export class LibraryError extends InputError {
  readonly issues: LibraryIssue[];

  constructor(issues: LibraryIssue[], source?: string) {
    super(describeIssues(issues, source));
    this.issues = issues;
  }
}

/** One issue per line (capped), after a count when there are several. */
export function describeIssues(issues: readonly LibraryIssue[], source?: string): string {
  const lines = issues.slice(0, MAX_LISTED_ISSUES).map(formatIssue);
  if (issues.length > MAX_LISTED_ISSUES) {
    lines.push(`…and ${issues.length - MAX_LISTED_ISSUES} more`);
  }
  if (issues.length <= 1) return lines.join('\n');
  const where = source === undefined ? 'the library' : source;
  return [`${issues.length} problems in ${where}:`, ...lines].join('\n');
}

export async function loadLibraryFromPath(path: string): Promise<SopLibrary> {
  if (path === '-') {
    const text = await readStdin();
    return looksLikeJson(text)
      ? libraryFromJson(text, STDIN_NAME)
      : libraryFromMarkdown([{ file: STDIN_NAME, text }], STDIN_NAME);
  }
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    throw unreadable(path, err);
  }
  if (isDirectory) return libraryFromFolder(path);
  const text = await readText(path);
  if (/\.(md|markdown)$/i.test(path)) return libraryFromMarkdown([{ file: path, text }], path);
  return libraryFromJson(text, path);
}

function libraryFromJson(text: string, file: string): SopLibrary {
  let data: unknown;
  try {
    data = JSON.parse(stripBom(text));
  } catch (err) {
    throw new LibraryError([jsonSyntaxIssue(text, file, err as Error)], file);
  }
  // A built index (`sop-index/1`) carries the validated library under `library`.
  if (isObject(data) && data.format !== LIBRARY_FORMAT && isObject(data.library)) {
    data = data.library;
  }
  const result = validateLibrary(data, file);
  if (!result.ok) throw new LibraryError(result.issues, file);
  return result.library;
}

async function libraryFromFolder(dir: string): Promise<SopLibrary> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw unreadable(dir, err);
  }
  const names = entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => entry.name)
    .filter(isSopFileName)
    .sort();
  if (names.length === 0) {
    throw new LibraryError(
      [{ file: dir, field: '', message: 'no SOP files (*.md) in this folder' }],
      dir,
    );
  }

  const files: { file: string; text: string }[] = [];
  const bar = names.length >= PROGRESS_FROM_FILES ? progress(`reading ${dir}`) : undefined;
  try {
    for (let start = 0; start < names.length; start += READ_BATCH) {
      const batch = names.slice(start, start + READ_BATCH).map((name) => join(dir, name));
      const texts = await Promise.all(batch.map(readText));
      batch.forEach((file, i) => {
        files.push({ file, text: texts[i]! });
      });
      bar?.update(`${files.length}/${names.length} files`);
    }
  } finally {
    bar?.done();
  }
  return libraryFromMarkdown(files, dir);
}

function libraryFromMarkdown(
  files: readonly { file: string; text: string }[],
  source: string,
): SopLibrary {
  const issues: LibraryIssue[] = [];
  const parsed: { file: string; sop: Record<string, unknown>; lines: Record<string, number> }[] =
    [];
  for (const { file, text } of files) {
    const result = parseMarkdownSop(text, file);
    if (result.ok) {
      parsed.push({ file, sop: result.sop, lines: result.lines });
    } else {
      issues.push(...result.issues);
      // Field rules run on what could be read, so one run reports every problem.
      if (result.partial) parsed.push({ file, ...result.partial });
    }
  }
  const sopFiles = parsed.map((p) => p.file);
  const result = validateLibrary(
    { format: LIBRARY_FORMAT, sops: parsed.map((p) => p.sop) },
    undefined,
    { sopFiles },
  );
  if (!result.ok) {
    const linesByFile = new Map(parsed.map((p) => [p.file, p.lines]));
    for (const issue of result.issues) {
      const lines = issue.file === undefined ? undefined : linesByFile.get(issue.file);
      issues.push(lines ? withLine(issue, lines) : issue);
    }
  }
  if (result.ok && issues.length === 0) return result.library;

  const order = new Map(files.map(({ file }, i) => [file, i]));
  const fileOrder = (issue: LibraryIssue) => order.get(issue.file ?? '') ?? files.length;
  // Each file's issues together, in file order, then by line (unlined ones first: they are
  // about the SOP as a whole, like a missing id).
  const lineOrder = (issue: LibraryIssue) => issue.line ?? 0;
  issues.sort((a, b) => fileOrder(a) - fileOrder(b) || lineOrder(a) - lineOrder(b));
  throw new LibraryError(issues, source);
}

/** The source line of the nearest enclosing field that has one (`steps[2].replies[0]` → …). */
function withLine(issue: LibraryIssue, lines: Record<string, number>): LibraryIssue {
  let field = issue.field;
  for (;;) {
    const line = Object.hasOwn(lines, field) ? lines[field] : undefined;
    if (line !== undefined) {
      const { file, ...rest } = issue;
      return { file, line, ...rest };
    }
    const parent = field.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (parent === field) return issue;
    field = parent;
  }
}

function isSopFileName(name: string): boolean {
  return (
    /\.md$/i.test(name) &&
    name.toLowerCase() !== 'readme.md' &&
    !name.startsWith('_') &&
    !name.startsWith('.')
  );
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw unreadable(file, err);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of openInput('-')) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function unreadable(file: string, err: unknown): LibraryError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file or folder'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : (err as Error).message;
  return new LibraryError([{ file, field: '', message: `cannot read: ${reason}` }], file);
}

function jsonSyntaxIssue(text: string, file: string, err: Error): LibraryIssue {
  const source = stripBom(text);
  if (source.trim() === '') return { file, field: '', message: 'is empty (expected JSON)' };
  // V8 names the offset in most messages ("… in JSON at position 42") but not for
  // "Unexpected token ',', …snippet… is not valid JSON"; then we find it ourselves.
  const match = /\s*in JSON at position (\d+)(?: \(line \d+ column \d+\))?/.exec(err.message);
  const reason = match
    ? err.message.replace(match[0], '')
    : err.message.replace(/^(Unexpected token .+?), ".*$/s, '$1');
  const position = match ? Number(match[1]) : jsonErrorOffset(source);
  if (position === undefined) return { file, field: '', message: `invalid JSON: ${reason}` };
  const before = source.slice(0, position).split(/\r\n|\r|\n/);
  const column = (before.at(-1)?.length ?? 0) + 1;
  return {
    file,
    line: before.length,
    field: '',
    message: `invalid JSON at column ${column}: ${reason}`,
  };
}

/** Where a JSON text stops being valid JSON, by a plain scan; undefined if it never does. */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const literal = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (ch: string) => {
    space();
    if (text[i] !== ch) throw new SyntaxAt(i);
    i++;
  };
  const string = () => {
    expect('"');
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) throw new SyntaxAt(i);
      i += text[i] === '\\' ? 2 : 1;
    }
    expect('"');
  };
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      expect(',');
    }
  };
  const value = (): void => {
    space();
    if (text[i] === '{') {
      list('}', () => {
        string();
        expect(':');
        value();
      });
    } else if (text[i] === '[') {
      list(']', value);
    } else if (text[i] === '"') {
      string();
    } else {
      literal.lastIndex = i;
      const found = literal.exec(text);
      if (!found) throw new SyntaxAt(i);
      i += found[0].length;
    }
  };
  try {
    value();
    space();
    return i < text.length ? i : undefined;
  } catch (err) {
    if (err instanceof SyntaxAt) return err.offset;
    return undefined; // Nested too deep to scan: no position, just V8's message.
  }
}

class SyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}

function looksLikeJson(text: string): boolean {
  return /^[{[]/.test(stripBom(text).trimStart());
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
