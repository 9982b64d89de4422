// Builds the demo's SOP library from Markdown sources (demo/library/*.md), the same way the
// CLI reads a folder: parse each file, then validate the whole library. Used by the demo page
// (sources imported with Vite `?raw`) and by the browser tests (sources read from disk).
import { formatIssue, LIBRARY_FORMAT, validateLibrary } from '../src/search/library.ts';
import { parseMarkdownSop } from '../src/search/markdown.ts';
import type { LibraryIssue, SopLibrary } from '../src/search/types.ts';

export interface SourceFile {
  file: string;
  text: string;
}

export type LibraryBuild = { ok: true; library: SopLibrary } | { ok: false; problems: string[] };

/** Skips README.md and `_`/`.`-prefixed files, like the CLI's folder loader. */
export function isSopFileName(path: string): boolean {
  const name = path.split('/').pop() ?? path;
  return (
    /\.md$/i.test(name) &&
    name.toLowerCase() !== 'readme.md' &&
    !name.startsWith('_') &&
    !name.startsWith('.')
  );
}

export function buildLibrary(sources: readonly SourceFile[]): LibraryBuild {
  const files = sources
    .filter(({ file }) => isSopFileName(file))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const issues: LibraryIssue[] = [];
  const sops: Record<string, unknown>[] = [];
  const sopFiles: string[] = [];
  for (const { file, text } of files) {
    const parsed = parseMarkdownSop(text, file);
    if (parsed.ok) {
      sops.push(parsed.sop);
      sopFiles.push(file);
    } else {
      issues.push(...parsed.issues);
    }
  }
  if (issues.length === 0) {
    const result = validateLibrary({ format: LIBRARY_FORMAT, sops }, undefined, { sopFiles });
    if (result.ok) return { ok: true, library: result.library };
    issues.push(...result.issues);
  }
  return { ok: false, problems: issues.map(formatIssue) };
}
