// Every relative Markdown link in README.md and docs/**/*.md points at a file of this
// repository, so the docs read the same in a clone as on the team's machines (where the
// contracts live beside the repository, in ../shared/spec: docs/spec mirrors them).
// Anchors are not checked, only the file they are in.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The text outside fenced code blocks and code spans: what renders as Markdown. */
function prose(text: string): string {
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
}

/** Link targets: inline links and images `[t](target "title")`, and definitions `[id]: target`. */
function linkTargets(text: string): string[] {
  const body = prose(text);
  const inline = [...body.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const definitions = [...body.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map(
    (m) => m[1]!,
  );
  return [...inline, ...definitions];
}

/** Relative targets only: no scheme (https:, mailto:), no protocol-relative, not a bare anchor. */
function isRelative(target: string): boolean {
  return (
    !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//') && !target.startsWith('#')
  );
}

const SHARED_SPEC = resolve(ROOT, '../shared/spec');
const MIRRORED = ['protocol.md', 'sop-format.md', 'embed.md', 'cli.md'];

const FILES = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];

describe('Markdown links', () => {
  it('finds the links it checks (inline, images, definitions; not code)', () => {
    const sample = [
      'See [a](docs/a.md#part), ![pic](shot.png "title") and [b](<docs/b.md>).',
      '`[not](a-link.md)` and',
      '```',
      '[nor](this.md)',
      '```',
      '[ref]: docs/ref.md',
      '[web](https://example.com) [anchor](#here) [mail](mailto:a@b.c)',
    ].join('\n');
    expect(linkTargets(sample).filter(isRelative)).toEqual([
      'docs/a.md#part',
      'shot.png',
      'docs/b.md',
      'docs/ref.md',
    ]);
  });

  it('README.md and docs/ have links to check', () => {
    const all = FILES.flatMap((file) => linkTargets(readFileSync(file, 'utf8')));
    expect(all.filter(isRelative).length).toBeGreaterThan(10);
  });

  it.each(FILES.map((file) => [relative(ROOT, file), file]))(
    '%s: every relative link resolves inside the repository',
    (_name, file) => {
      const broken: string[] = [];
      for (const target of linkTargets(readFileSync(file, 'utf8')).filter(isRelative)) {
        const path = decodeURIComponent(target.split(/[?#]/)[0]!);
        if (path === '') continue;
        const resolved = resolve(dirname(file), path);
        const inside = resolved === ROOT || resolved.startsWith(ROOT + sep);
        if (!inside) broken.push(`${target} (outside the repository)`);
        else if (!existsSync(resolved)) broken.push(`${target} (no such file)`);
      }
      expect(broken).toEqual([]);
    },
  );

  it('the contracts are cited from docs/spec, which a clone has, not from ../shared/spec', () => {
    const cites: string[] = [];
    for (const file of FILES) {
      if (file.startsWith(join(ROOT, 'docs', 'spec') + sep)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/shared\/spec\//.test(line)) cites.push(`${relative(ROOT, file)}:${i + 1}`);
        });
    }
    expect(cites).toEqual([]);
  });

  it.runIf(existsSync(SHARED_SPEC))(
    'docs/spec mirrors the contracts of ../shared/spec word for word, under its note',
    () => {
      for (const name of MIRRORED) {
        const copy = readFileSync(join(ROOT, 'docs/spec', name), 'utf8');
        expect(copy.startsWith('> **A copy of the team'), name).toBe(true);
        expect(copy.endsWith(readFileSync(join(SHARED_SPEC, name), 'utf8')), name).toBe(true);
      }
    },
  );
});
