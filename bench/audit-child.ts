// One measurement in a fresh process (so resident memory is the run's own):
//   audit <file>  — the real audit pipeline (auditTranscript)
//   parse <file>  — baseline: the same streaming read, JSON.parse per line, nothing else
import { createReadStream } from 'node:fs';
import { auditTranscript } from '../src/cli/commands/audit.ts';
import { DEFAULT_CONFIG } from '../src/core/index.ts';

async function parseOnly(path: string): Promise<number> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  let rest = '';
  let parsed = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = rest + chunk;
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      try {
        JSON.parse(text.slice(start, nl));
        parsed++;
      } catch {
        // broken line
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
  }
  return parsed;
}

const [mode, path] = process.argv.slice(2);
const started = performance.now();
let chats = 0;
if (mode === 'audit') {
  const report = await auditTranscript(path!, DEFAULT_CONFIG);
  chats = report.summary.chats;
} else {
  await parseOnly(path!);
}
const ms = performance.now() - started;
process.stdout.write(
  JSON.stringify({ mode, ms, chats, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
