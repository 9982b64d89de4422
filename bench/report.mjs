// The team report from `serve` (issue 15): one `serve --data DIR` child process whose log
// holds 1,000,000 stored events of one team (the audit bench's seeded transcript, spread
// over six agents and moved to the last hours so compaction keeps it), then
// `GET /v1/report` with a supervisor's token: cold (a fresh pass over the log) and kept (the
// same log, another period). While a cold report runs, another client asks `/healthz`
// every 20 ms: the longest answer shows how long the pass holds up everyone else.
// Baseline in the same run: reading the log file and `JSON.parse` of each line. Writes the
// `## Team report` section of docs/performance.md.
//
//   node bench/report.mjs [--events 1000000] [--runs 3] [--no-doc]
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { spawnServe } from './fleet.mjs';
import { writeSection } from './perf-doc.mjs';

const _root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    'no-doc': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(flags.events);
const RUNS = Number(flags.runs);
if (!(EVENTS > 0) || !(RUNS > 0)) throw new Error('--events and --runs must be positive');

const { generateTranscript, mulberry32 } = await tsImport('./transcript.ts', import.meta.url);
const { validateEvent } = await tsImport('../src/core/index.ts', import.meta.url);
const { signToken } = await tsImport('../src/server/auth.ts', import.meta.url);

const SECRET = randomBytes(32).toString('hex');
const TEAM = 'bench';
const AGENTS = ['ana', 'ben', 'chloe', 'dev', 'emil', 'fatou'];
const hardStop = setTimeout(() => {
  console.error('report: hard time limit reached, aborting');
  process.exit(1);
}, 15 * 60_000);
hardStop.unref();

// --- the stored log ----------------------------------------------------------
// The transcript's valid events, each chat's agent messages by one or two agents (a
// transfer in one chat of five), shifted so the last ends an hour ago.
const dataDir = mkdtempSync(join(tmpdir(), 'playbook-report-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const logPath = join(dataDir, 'teams', TEAM, 'events.jsonl');
{
  const random = mulberry32(7);
  const lines = generateTranscript({ events: Math.ceil(EVENTS * 1.01) });
  const events = [];
  const agentsOf = new Map();
  for (const line of lines) {
    let raw;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    if (raw.type === 'message' && raw.author === 'agent') {
      let agents = agentsOf.get(raw.chatId);
      if (!agents) {
        const first = AGENTS[Math.floor(random() * AGENTS.length)];
        const second = AGENTS[Math.floor(random() * AGENTS.length)];
        agents = random() < 0.2 ? [first, second] : [first];
        agentsOf.set(raw.chatId, agents);
      }
      raw.agentId = agents[Number(raw.id.slice(1)) > 12 ? agents.length - 1 : 0];
    }
    const v = validateEvent(raw);
    if (v.kind === 'event') events.push(v.event);
    if (events.length === EVENTS) break;
  }
  const last = events.reduce((max, e) => Math.max(max, e.at), 0);
  const shift = Date.now() - 3600_000 - last;
  mkdirSync(dirname(logPath), { recursive: true });
  const out = events.map((e, i) => {
    e.at += shift;
    return `${JSON.stringify({ o: i + 1, t: e.at, e })}\n`;
  });
  writeFileSync(logPath, out.join(''));
  if (events.length < EVENTS) throw new Error(`only ${events.length} valid events generated`);
}
const logBytes = statSync(logPath).size;

// --- baseline: read the file and parse every line ----------------------------
function baselineMs() {
  const t = performance.now();
  const text = readFileSync(logPath, 'utf8');
  let pos = 0;
  let n = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    JSON.parse(text.slice(pos, nl));
    n += 1;
    pos = nl + 1;
  }
  if (n !== EVENTS) throw new Error(`baseline read ${n} lines`);
  return performance.now() - t;
}
const baseline = Math.min(...Array.from({ length: RUNS }, baselineMs));

// --- the server --------------------------------------------------------------
const startedAt = performance.now();
const server = await spawnServe({
  args: ['--rate', '0', '--retention', '30d', '--data', dataDir],
  env: { PLAYBOOK_SECRET: SECRET },
});
process.on('exit', () => {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
});
const { url } = server;
const startupMs = performance.now() - startedAt;
const peakRssMiB = () => server.stats().peakRssMiB;
const rssBefore = peakRssMiB();

const token = signToken(SECRET, { team: TEAM, role: 'supervisor', sub: 'bench' });
async function report(query) {
  const t = performance.now();
  const res = await fetch(`${url}/v1/report${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`report answered ${res.status}: ${text}`);
  // Server-Timing: pass;dur=…, facts;dur=…, report;dur=… (ms)
  const timing = Object.fromEntries(
    (res.headers.get('server-timing') ?? '')
      .split(',')
      .map((part) => /(\w+);dur=(\d+)/.exec(part))
      .filter(Boolean)
      .map((m) => [m[1], Number(m[2])]),
  );
  return { ms: performance.now() - t, bytes: text.length, report: JSON.parse(text), timing };
}

/** One new event, so the next report reads the log again. */
async function touch(i) {
  const body = JSON.stringify({
    type: 'chat.started',
    chatId: `touch-${i}`,
    at: new Date().toISOString(),
  });
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const res = await fetch(`${url}/v1/teams/${TEAM}/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Signature-256': signature },
    body,
  });
  if (res.status !== 200) throw new Error(`touch answered ${res.status}`);
}

/** Asks /healthz every 20 ms while `work` runs; the slowest answer. */
async function probeDuring(work) {
  let done = false;
  const answers = [];
  const probe = (async () => {
    while (!done) {
      const t = performance.now();
      await (await fetch(`${url}/healthz`)).text();
      answers.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const result = await work();
  done = true;
  await probe;
  return { result, slowest: Math.max(...answers), probes: answers.length };
}

const cold = [];
let slowestProbe = 0;
let last;
let bestTiming;
for (let i = 0; i < RUNS; i++) {
  await touch(i);
  const { result, slowest } = await probeDuring(() => report('?period=week'));
  if (cold.every((ms) => result.ms < ms)) bestTiming = result.timing;
  cold.push(result.ms);
  slowestProbe = Math.max(slowestProbe, slowest);
  last = result;
}
const kept = [];
for (const period of ['month', 'day', 'week']) kept.push((await report(`?period=${period}`)).ms);
const peakRss = peakRssMiB();
await server.kill('SIGTERM');

const chats = last.report.team.reduce((n, p) => n + p.chats, 0);
const best = Math.min(...cold);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const secs = (ms) => (ms / 1000).toFixed(2);
const summary = {
  events: EVENTS,
  chats,
  agents: new Set(last.report.agents.map((a) => a.agentId)).size,
  coldMs: cold.map(Math.round),
  bestColdTiming: bestTiming,
  keptMs: kept.map(Math.round),
  baselineMs: Math.round(baseline),
  slowestHealthzMs: Math.round(slowestProbe),
  startupMs: Math.round(startupMs),
  rssMiB: { afterStart: Math.round(rssBefore), peak: Math.round(peakRss) },
};
console.log(JSON.stringify(summary, null, 2));

if (!flags['no-doc']) {
  writeSection(
    'Team report',
    `Command: \`node bench/report.mjs\` (in \`npm run bench\`). One \`serve --data DIR\` child
process whose log holds ${fmt(EVENTS)} stored events of one team (${(logBytes / 1e6).toFixed(1)} MB
on disk; the audit bench's seeded transcript, ${fmt(chats)} chats over ${summary.agents} agents), and
\`GET /v1/report\` with a supervisor's token; best of ${RUNS} cold runs, each after one new event
so the log is read again. Baseline in the same run: reading the log file and \`JSON.parse\` of
each line, in the benchmark's own process.

| what | figure | baseline in the same run | ratio |
|---|---|---|---|
| \`GET /v1/report\`, cold: a pass over ${fmt(EVENTS)} events, report, JSON | ${secs(best)} s (runs: ${cold.map(secs).join(', ')} s) | ${secs(baseline)} s: read + \`JSON.parse\` per line | ${(best / baseline).toFixed(2)}× |
| of which, in the server: the pass (reading pages, yielding between them) / each chat's facts / the report | ${fmt(bestTiming.pass)} ms / ${fmt(bestTiming.facts)} ms / ${fmt(bestTiming.report)} ms | | |
| \`GET /v1/report\`, log unchanged (another period from the kept pass) | ${kept.map((ms) => `${fmt(ms)} ms`).join(', ')} | | |
| slowest \`/healthz\` answer while a cold report runs (asked every 20 ms) | ${fmt(slowestProbe)} ms | | |
| report body (week) | ${(last.bytes / 1024).toFixed(0)} KiB | | |
| server resident memory: after start / peak | ${summary.rssMiB.afterStart} MiB / ${summary.rssMiB.peak} MiB | | |

The route reads the stored log in pages of 2,000 events and yields to the event loop between
pages, keeping only each chat's state (as \`audit\` does; a chat with an out-of-order event
is derived again in a second pass), and it measures the chats 2,000 at a time, yielding between
slices (\`buildReportInTurns\`), so other teams' webhooks and widgets are served meanwhile.
What still holds the loop at once is the facts step and the report's final assembly (sorting
and grouping all the chats), which is what the slowest \`/healthz\` answer measures. The
pass's facts are kept while the log's head and the team's configuration are unchanged (at most
30 s), so switching between week and month costs only the report itself. Each answer carries
a \`Server-Timing\` header with the three parts.`,
  );
}
