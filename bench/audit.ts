// Audit throughput and memory, and the live event cost, each beside a baseline measured in
// the same run.
//   node --import tsx bench/audit.ts [--events 1000000] [--runs 3] [--no-doc]
// The audit measured is the shipped command, `node dist/cli.js audit FILE --json` (build it
// first: `npm run bench` does); its baseline is bench/audit-baseline.mjs. Both run as plain
// JavaScript in fresh processes, timed alike by bench/audit-probe.mjs.
// Writes bench/out/audit.json and the "Audit" section of docs/performance.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { build } from 'vite';
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

function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const EVENTS = numberArg('--events', 1_000_000);
const RUNS = numberArg('--runs', 3);
mkdirSync('bench/out', { recursive: true });
/** The seeded transcript of this shape, generated once into bench/out. */
function transcriptFile(widget: boolean): string {
  const file = `bench/out/transcript-${widget ? 'widget-' : ''}${EVENTS}.jsonl`;
  if (!existsSync(file)) {
    process.stderr.write(`generating ${EVENTS.toLocaleString('en')} events → ${file}\n`);
    const lines = generateTranscript({ events: EVENTS, seed: 7, widget });
    writeFileSync(file, `${lines.join('\n')}\n`);
  }
  return file;
}
// The protocol's events alone (the shape issue 16's figures were measured on), and the same
// traffic as our server logs it: agent ids, assignments and the widget's own events.
const transcript = transcriptFile(false);
const widgetTranscript = transcriptFile(true);
if (!existsSync('dist/cli.js')) {
  throw new Error('dist/cli.js is missing: npm run bench builds it (or node build/build.mjs cli)');
}

interface Measured {
  ms: number;
  maxRssMb: number;
}

/** One fresh process under the probe; its figures come back on file descriptor 3. */
function measure(args: string[]): Measured {
  const run = spawnSync(process.execPath, ['--import', './bench/audit-probe.mjs', ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0) {
    throw new Error(
      `${args.join(' ')} exited ${run.status}: ${String(run.output[2]).slice(-2000)}`,
    );
  }
  return JSON.parse(String(run.output[3])) as Measured;
}

// The floor, bundled like the CLI: the engine's boundary alone (bench/audit-floor.ts).
await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: 'bench/audit-floor.ts',
    target: 'node20',
    outDir: 'bench/out',
    emptyOutDir: false,
    minify: false,
    rollupOptions: { output: { entryFileNames: 'audit-floor.mjs' } },
  },
});

const baselineArgs = ['bench/audit-baseline.mjs', transcript];
const floorArgs = ['bench/out/audit-floor.mjs', transcript];
const auditArgs = ['dist/cli.js', 'audit', transcript, '--json'];
// Alternating, so all three see the same machine load; the best of each counts.
const baselineRuns: Measured[] = [];
const floorRuns: Measured[] = [];
const auditRuns: Measured[] = [];
const load = loadavg()[0]!;
for (let i = 0; i < RUNS; i++) {
  baselineRuns.push(measure(baselineArgs));
  floorRuns.push(measure(floorArgs));
  auditRuns.push(measure(auditArgs));
}
const baselineMs = Math.min(...baselineRuns.map((r) => r.ms));
const floorMs = Math.min(...floorRuns.map((r) => r.ms));
const auditMs = Math.min(...auditRuns.map((r) => r.ms));
const pairRatios = auditRuns.map((r, i) => r.ms / baselineRuns[i]!.ms);

// The widget-shaped transcript: the audit against its own baseline, alternating likewise.
const widgetRuns: Array<{ baseline: Measured; audit: Measured }> = [];
for (let i = 0; i < RUNS; i++) {
  widgetRuns.push({
    baseline: measure(['bench/audit-baseline.mjs', widgetTranscript]),
    audit: measure(['dist/cli.js', 'audit', widgetTranscript, '--json']),
  });
}
const widgetBaselineMs = Math.min(...widgetRuns.map((r) => r.baseline.ms));
const widgetAuditMs = Math.min(...widgetRuns.map((r) => r.audit.ms));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

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
  transcriptMb: Math.round(statSync(transcript).size / 1e5) / 10,
  loadAverage: load,
  baseline: {
    ms: baselineMs,
    eventsPerS: EVENTS / (baselineMs / 1000),
    maxRssMb: Math.min(...baselineRuns.map((r) => r.maxRssMb)),
  },
  floor: {
    ms: floorMs,
    eventsPerS: EVENTS / (floorMs / 1000),
    maxRssMb: Math.min(...floorRuns.map((r) => r.maxRssMb)),
  },
  audit: {
    ms: auditMs,
    eventsPerS: EVENTS / (auditMs / 1000),
    maxRssMb: Math.min(...auditRuns.map((r) => r.maxRssMb)),
  },
  ratio: auditMs / baselineMs,
  pairRatios,
  widget: {
    transcriptMb: Math.round(statSync(widgetTranscript).size / 1e5) / 10,
    baselineMs: widgetBaselineMs,
    auditMs: widgetAuditMs,
    ratio: widgetAuditMs / widgetBaselineMs,
    maxRssMb: Math.min(...widgetRuns.map((r) => r.audit.maxRssMb)),
  },
  live: { nsPerEvent: median(liveNs), parseNsPerEvent: median(parseNs) },
};
writeFileSync('bench/out/audit.json', `${JSON.stringify(result, null, 2)}\n`);
const f = (n: number) => Math.round(n).toLocaleString('en');
const x = (n: number) => `${n.toFixed(2)}×`;
console.log(
  `audit ${f(EVENTS)} events (${result.transcriptMb} MB), load average ${load.toFixed(2)}`,
);
console.log(
  `  baseline (read + JSON.parse): ${f(baselineMs)} ms, ${f(result.baseline.maxRssMb)} MB peak RSS`,
);
console.log(
  `  floor (+ engine boundary):    ${f(floorMs)} ms, ${f(result.floor.maxRssMb)} MB peak RSS (${x(floorMs / baselineMs)})`,
);
console.log(
  `  dist/cli.js audit --json:     ${f(auditMs)} ms, ${f(result.audit.maxRssMb)} MB peak RSS (${x(result.ratio)} the baseline's time; runs ${pairRatios.map(x).join(' ')})`,
);
console.log(
  `  as our server logs it (${result.widget.transcriptMb} MB): ${f(widgetAuditMs)} ms, ${f(result.widget.maxRssMb)} MB peak RSS (${x(result.widget.ratio)} its baseline's ${f(widgetBaselineMs)} ms)`,
);
console.log(
  `  live event: ${f(result.live.nsPerEvent)} ns (apply + read) vs ${f(result.live.parseNsPerEvent)} ns JSON.parse (${x(result.live.nsPerEvent / result.live.parseNsPerEvent)})`,
);
if (process.argv.includes('--no-doc')) process.exit(0);

const mb = (n: number) => `${f(n)} MB`;
writeSection(
  'Audit',
  `Command: \`npm run bench -- audit\` (bench/audit.ts). A seeded transcript of ${f(EVENTS)} events
(${result.transcriptMb} MB; ~${f(EVENTS / 21)} chats overlapping over 8 hours, 1% of lines
late, 0.5% duplicated, 0.1% broken). The audit is the shipped command, \`node dist/cli.js audit
FILE --json\`: engine, audit lines and team report, output to /dev/null. The baseline,
bench/audit-baseline.mjs, is what any reader of the file must do: it streams the same file in
64 KiB UTF-8 chunks, splits the lines and \`JSON.parse\`s each, keeping nothing. The floor,
bench/audit-floor.ts (bundled like the CLI), also passes each line through the engine's
boundary, \`parseEventLine\` (JSON.parse and the event's validation), and keeps nothing: what
any audit pays before its engine runs. All three are plain JavaScript in fresh processes,
timed from start-up to exit (bench/audit-probe.mjs); ${RUNS} runs each, alternating, the best
of each (load average ${load.toFixed(1)} on 2 cores; this shared machine's speed varies by up to
a fifth between runs, so compare ratios within one run).

| what | audit | floor (boundary only) | baseline in the same run | audit / baseline |
|---|---|---|---|---|
| time for ${f(EVENTS)} events | ${f(auditMs)} ms (${f(result.audit.eventsPerS)} events/s) | ${f(floorMs)} ms (${x(floorMs / baselineMs)}) | ${f(baselineMs)} ms (${f(result.baseline.eventsPerS)} events/s) | ${x(result.ratio)} the time (run by run: ${pairRatios.map(x).join(', ')}) |
| peak resident memory | ${mb(result.audit.maxRssMb)} | ${mb(result.floor.maxRssMb)} | ${mb(result.baseline.maxRssMb)} | ${x(result.audit.maxRssMb / result.baseline.maxRssMb)} |
| the same traffic as our server logs it (${result.widget.transcriptMb} MB, below) | ${f(widgetAuditMs)} ms, ${mb(result.widget.maxRssMb)} | | ${f(widgetBaselineMs)} ms | ${x(result.widget.ratio)} the time |
| one live event (apply + read at now) | ${f(result.live.nsPerEvent)} ns | | ${f(result.live.parseNsPerEvent)} ns: \`JSON.parse\` of the line | ${x(result.live.nsPerEvent / result.live.parseNsPerEvent)} |

The first transcript has the protocol's events alone, the shape issue 16's figures were
measured on: no agent ids, so the report has no per-agent rows, and no widget events. The
second is the same traffic as our own server logs it (\`generateTranscript({ widget: true })\`):
agents' messages carry ids from a team of 40, 60% of chats start assigned and 2% of agent
turns hand the chat over, and the sidebar's events are in it (suggestions, SOPs opened, a reply
inserted before 30% of agent messages, notes and QA tags after some closes), so the
report's per-agent rows, ownership and SOP usage do their real work.

Issue 16 aims at 2× the baseline's time and under 100 MB. The build before that work measured
5.98× and 379 MB in this same harness, and 4.4–4.6× and 225 MB before the second round
below. **Neither aim is met**, and the floor row says why they are far: reading and validating
alone take ${x(floorMs / baselineMs)} and peak at ${mb(result.floor.maxRssMb)} (Node itself ~42 MB, V8's young
generation and the read buffers the rest). Under 100 MB leaves under 10 MB for everything an
audit of ~47,000 chats keeps, and 2× leaves about 0.6 µs an event for the engine, the audit
lines and the team report together. Where the time above the floor goes now (\`node
--cpu-prof dist/cli.js audit … --json\`):

- the engine, ~1.2 µs an event: finding the chat and its message ids ~0.4 µs; the text
  detectors ~0.3 µs (escalation words, promise, hold and closing patterns), the product's own
  work on every message; the rest updating ~47,000 states scattered over ~57 MB;
- garbage collection, ~0.45 s: ~137 MB is promoted over the run (a chat's data lives as long
  as the chat), ~57 MB of it live at the end;
- the audit lines, the team report and the JSON, ~0.45 s together.

Using the second core does not reach 2× either: two processes, each reading the whole file
and auditing the half of the chats whose id hashes to it, took 2.6–2.7 s against the
baseline's 1.2–1.4 s (1.9–2.2×), before merging, the team report and the JSON (~0.4 s more),
and with twice Node's own memory.

Peak memory is set by V8's heap growth: it lets the old generation reach about four times
what was live at its last full collection before collecting again, and the pass's garbage is
collected only at the end. Two V8 flags trade time for it, and neither is the default:
\`--heap-growing-percent=20\` peaks at ~188 MB for ~15% more CPU, \`--optimize-for-size\`
at ~138 MB for 2.4× the CPU.

What paid (alternating runs against the build before it): each chat's state updated in place
by the batch instead of copied per event; ISO times read without a regular expression; the
reorder window (the seeded transcript's late lines no longer cost a second read of the file);
a tier and channel's rules worked out once; the report's escalations without a full reading,
and its chats' audit lines taken from the audit; one frozen empty list for every new chat;
\`--json\` written in slices. Second round: a chat's waits as one flat list of numbers,
appended in place by the batch (was a two-element array per wait: ~0.7 s); no depth walk for
a line with too few brackets to nest past the limit; a chat's message ids in a list while it
has few (a set past 32: ~0.3 s of CPU); the batch leaves out the live-only restate hint, the
key words of every early message, which no audit line or report reads (~0.5 s); the report's
percentiles from one sort per list, and the hour of a breach by arithmetic on the zone's
cached offset (the report 238 → 187 ms).
What did not, and was left out: 1 MiB read chunks (more memory, no time); looking the replay
mark up only for unknown chats; flat waits copied rather than appended (~0.4 s more CPU);
report figures that keep no chat state, with each state let go as it is measured (the same
peak: the garbage of the pass is what V8 holds); finishing a chat an hour after its close,
its state replaced by its audit line and report figures and a later event sending it to the
replay (24 MB less at the peak, but 0.3–0.6 s more CPU: the lines and figures made amid the
pass cost about three times what they cost at its end); key words found by a matching
expression rather than a split; detection records of one fixed shape.`,
);
