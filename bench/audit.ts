// Audit throughput and live event cost, each beside a baseline measured in the same run.
//   node --import tsx bench/audit.ts [--events 1000000]
// Writes bench/out/audit.json; bench/run.mjs folds it into docs/performance.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import {
  addEvent,
  createTimeline,
  DEFAULT_CONFIG,
  parseEventLine,
  read,
  rulesFor,
} from '../src/core/index.ts';
import { writeSection } from './perf-doc.mjs';
import { generateTranscript } from './transcript.ts';

const eventsArg = process.argv.indexOf('--events');
const EVENTS = eventsArg > 0 ? Number(process.argv[eventsArg + 1]) : 1_000_000;
mkdirSync('bench/out', { recursive: true });
const transcript = `bench/out/transcript-${EVENTS}.jsonl`;
if (!existsSync(transcript)) {
  process.stderr.write(`generating ${EVENTS.toLocaleString('en')} events → ${transcript}\n`);
  writeFileSync(transcript, `${generateTranscript({ events: EVENTS, seed: 7 }).join('\n')}\n`);
}

interface ChildResult {
  mode: string;
  ms: number;
  maxRssMb: number;
}

function child(mode: 'parse' | 'audit'): ChildResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'bench/audit-child.ts', mode, transcript],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out) as ChildResult;
}

/** The shipped command end to end: `node dist/cli.js audit FILE --json`. */
function cli(): { ms: number } | null {
  if (!existsSync('dist/cli.js')) return null;
  const started = performance.now();
  const run = spawnSync(process.execPath, ['dist/cli.js', 'audit', transcript, '--json'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  if (run.status !== 0) return null;
  return { ms: performance.now() - started };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// Best of three runs each, alternating, so both sides see the same machine load.
const parseRuns: ChildResult[] = [];
const auditRuns: ChildResult[] = [];
for (let i = 0; i < 3; i++) {
  parseRuns.push(child('parse'));
  auditRuns.push(child('audit'));
}
const parseMs = Math.min(...parseRuns.map((r) => r.ms));
const auditMs = Math.min(...auditRuns.map((r) => r.ms));
const cliRun = cli();

// Live: the cost of one more event on an open chat (apply + read at now), against a bare
// JSON.parse of the same event line.
const lines = generateTranscript({
  events: 20_000,
  seed: 11,
  lateShare: 0,
  duplicateShare: 0,
  invalidShare: 0,
});
const events = lines
  .map((l) => parseEventLine(l))
  .flatMap((p) => (p.kind === 'event' ? [p.event] : []));
const rules = rulesFor(DEFAULT_CONFIG, {});
function liveRound(): number {
  const timelines = new Map<string, ReturnType<typeof createTimeline>>();
  const started = performance.now();
  let seq = 0;
  for (const event of events) {
    let t = timelines.get(event.chatId);
    if (!t) {
      t = createTimeline(event.chatId);
      timelines.set(event.chatId, t);
    }
    addEvent(t, event, seq++, DEFAULT_CONFIG.holdPhrases);
    if (t.state) read(t.state, rules, event.at);
  }
  return ((performance.now() - started) * 1e6) / events.length;
}
function parseRound(): number {
  const started = performance.now();
  for (const line of lines) JSON.parse(line);
  return ((performance.now() - started) * 1e6) / lines.length;
}
const liveNs: number[] = [];
const parseNs: number[] = [];
for (let i = 0; i < 7; i++) {
  liveNs.push(liveRound());
  parseNs.push(parseRound());
}

const result = {
  events: EVENTS,
  transcriptMb:
    Math.round(Number(execFileSync('stat', ['-c', '%s', transcript], { encoding: 'utf8' })) / 1e5) /
    10,
  parse: {
    ms: parseMs,
    eventsPerS: EVENTS / (parseMs / 1000),
    maxRssMb: Math.max(...parseRuns.map((r) => r.maxRssMb)),
  },
  audit: {
    ms: auditMs,
    eventsPerS: EVENTS / (auditMs / 1000),
    maxRssMb: Math.max(...auditRuns.map((r) => r.maxRssMb)),
  },
  cli: cliRun && { ms: cliRun.ms, eventsPerS: EVENTS / (cliRun.ms / 1000) },
  live: { nsPerEvent: median(liveNs), parseNsPerEvent: median(parseNs) },
};
writeFileSync('bench/out/audit.json', `${JSON.stringify(result, null, 2)}\n`);
const f = (n: number) => Math.round(n).toLocaleString('en');
console.log(`audit ${f(EVENTS)} events (${result.transcriptMb} MB)`);
console.log(
  `  JSON.parse baseline: ${f(result.parse.eventsPerS)} events/s, ${f(result.parse.maxRssMb)} MB RSS`,
);
console.log(
  `  audit:               ${f(result.audit.eventsPerS)} events/s, ${f(result.audit.maxRssMb)} MB RSS (${(auditMs / parseMs).toFixed(2)}× the baseline's time)`,
);
if (result.cli)
  console.log(`  dist/cli.js audit:   ${f(result.cli.eventsPerS)} events/s end to end`);
console.log(
  `  live event: ${f(result.live.nsPerEvent)} ns (apply + read) vs ${f(result.live.parseNsPerEvent)} ns JSON.parse (${(result.live.nsPerEvent / result.live.parseNsPerEvent).toFixed(1)}×)`,
);

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
writeSection(
  'Audit',
  `Command: \`npm run bench\` (bench/audit.ts). A seeded transcript of ${f(EVENTS)} events
(${result.transcriptMb} MB; ~${f(EVENTS / 21)} chats overlapping over 8 hours, 1% of lines
late, 0.5% duplicated, 0.1% broken), best of three runs each, every run in a fresh process.

| what | figure | baseline in the same run | ratio |
|---|---|---|---|
| audit throughput (streaming, engine, report) | ${f(result.audit.eventsPerS)} events/s | ${f(result.parse.eventsPerS)} events/s: read + \`JSON.parse\` per line only | ${ratio(auditMs, parseMs)} the time |
| audit peak resident memory | ${f(result.audit.maxRssMb)} MB | ${f(result.parse.maxRssMb)} MB | ${ratio(result.audit.maxRssMb, result.parse.maxRssMb)} |
${result.cli ? `| \`node dist/cli.js audit --json\` end to end | ${f(result.cli.eventsPerS)} events/s | (includes start-up and output) | |\n` : ''}| one live event (apply + read at now) | ${f(result.live.nsPerEvent)} ns | ${f(result.live.parseNsPerEvent)} ns: \`JSON.parse\` of the line | ${ratio(result.live.nsPerEvent, result.live.parseNsPerEvent)} |

Live data retained at the end of the audit is ~20 MB for 47k chats (each chat keeps only its
reduced state); resident memory above that is garbage the collector has not yet returned.`,
);
