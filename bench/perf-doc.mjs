// Writes one `## Heading` section of docs/performance.md, leaving the others as they are,
// so each benchmark owns its section and `npm run bench` refreshes them all.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const DOC = new URL('../docs/performance.md', import.meta.url);
const INTRO = `# Performance

Figures from \`npm run bench\` on the development machine (2 cores, 24 GiB; other work may run
beside it, so each figure stands beside a baseline measured in the same run and the ratio is
what to compare). Sections are rewritten by the benchmark that owns them.
`;

export function writeSection(heading, body) {
  let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : INTRO;
  const title = `## ${heading}`;
  const section = `${title}\n\n${body.trim()}\n`;
  const start = doc.indexOf(`${title}\n`);
  if (start === -1) {
    doc = `${doc.trimEnd()}\n\n${section}`;
  } else {
    const next = doc.indexOf('\n## ', start + title.length);
    doc = `${doc.slice(0, start)}${section}${next === -1 ? '' : `\n${doc.slice(next + 1)}`}`;
  }
  writeFileSync(DOC, `${doc.trimEnd()}\n`);
}
