// Realtime load: N `chat-playbook serve` processes on 127.0.0.1 (one Redis between them when
// N > 1, behind HAProxy round robin), W widgets on the real socket transport
// (src/adapters/socket-transport.ts) spread over T teams, and a helpdesk posting signed
// webhooks at a steady rate into a pool of open chats. Measures ingest→widget latency, events
// lost, duplicates applied, each process's memory and CPU, Redis memory, and (N > 1) how long
// the widgets of a process killed with `kill -9` take to be back. Prints one JSON object;
// writes the `## Realtime` section of docs/performance.md unless --no-doc (or --json FILE,
// which writes the object there for bench/fleet-sweep.mjs). Bounded: stops by itself.
//
//   node bench/load.mjs [--storage file|memory|redis] [--processes 1] [--widgets 200]
//                       [--teams W/20] [--chats 10×W] [--rate 200] [--seconds 60]
//                       [--batch 10] [--kill|--no-kill] [--route team|round-robin]
//                       [--no-doc] [--json FILE]
// --route (N > 1): `team` (default) has HAProxy hash each widget's `team` query parameter, so a
// team's widgets share a process and only it reads the team's events; `round-robin` spreads
// them, and every process reads nearly every team.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { hasCommand, processStats, spawnServe, startFront, startRedis } from './fleet.mjs';
import { writeSection } from './perf-doc.mjs';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    widgets: { type: 'string', default: '200' },
    teams: { type: 'string' },
    chats: { type: 'string' },
    rate: { type: 'string', default: '200' },
    batch: { type: 'string', default: '10' },
    storage: { type: 'string', default: 'file' },
    processes: { type: 'string', default: '1' },
    kill: { type: 'boolean' },
    doc: { type: 'boolean', default: true },
    json: { type: 'string' },
    route: { type: 'string', default: 'team' },
  },
  allowNegative: true,
});
const SECONDS = Number(flags.seconds);
const WIDGETS = Number(flags.widgets);
const TEAMS = Number(flags.teams ?? Math.max(1, Math.round(WIDGETS / 20)));
const CHATS = Number(flags.chats ?? WIDGETS * 10);
const RATE = Number(flags.rate);
const BATCH = Number(flags.batch);
const PROCESSES = Number(flags.processes);
const KILL = flags.kill ?? PROCESSES > 1;
for (const [k, v] of Object.entries({ SECONDS, WIDGETS, TEAMS, CHATS, RATE, BATCH, PROCESSES })) {
  if (!Number.isInteger(v) || v <= 0)
    throw new Error(`--${k.toLowerCase()} must be a positive integer`);
}
if (!['file', 'memory', 'redis'].includes(flags.storage)) {
  throw new Error('--storage must be file, memory or redis');
}
if (PROCESSES > 1 && flags.storage !== 'redis') {
  throw new Error('--processes above 1 needs --storage redis (the processes share its log)');
}
if (KILL && PROCESSES < 2) throw new Error('--kill needs at least 2 processes');
if (!['team', 'round-robin'].includes(flags.route)) {
  throw new Error('--route must be team or round-robin');
}
const ROUTE = PROCESSES > 1 ? flags.route : null;
if (TEAMS > WIDGETS || TEAMS > CHATS)
  throw new Error('--teams must not exceed --widgets or --chats');
if (PROCESSES > 1 && !hasCommand('haproxy')) {
  throw new Error('the fleet needs HAProxy as its front: apt-get install -y haproxy');
}

const { createSocketTransport } = await tsImport(
  '../src/adapters/socket-transport.ts',
  import.meta.url,
);
const { signToken } = await tsImport('../src/server/auth.ts', import.meta.url);

const SECRET = randomBytes(32).toString('hex');
// Ctrl-C exits normally, so bench/fleet.mjs stops the processes it started.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
const hardStop = setTimeout(
  () => {
    console.error('load: hard time limit reached, aborting');
    void cleanup().then(() => process.exit(1));
  },
  (SECONDS + 240) * 1000,
);
hardStop.unref();

// --- the fleet ---------------------------------------------------------------
const dataDir = flags.storage === 'file' ? mkdtempSync(join(tmpdir(), 'playbook-load-')) : null;
const redis = flags.storage === 'redis' ? await startRedis() : null;
const servers = await Promise.all(
  Array.from({ length: PROCESSES }, () =>
    spawnServe({
      args: [
        '--rate',
        '0',
        ...(dataDir ? ['--data', dataDir] : []),
        ...(redis ? ['--redis', redis.url] : []),
      ],
      env: { PLAYBOOK_SECRET: SECRET },
      built: true,
    }),
  ),
);
const front =
  PROCESSES > 1
    ? await startFront(
        servers.map((s) => s.port),
        { route: ROUTE },
      )
    : null;
const url = front?.url ?? servers[0].url;
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  await front?.stop();
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

/** A process's own figures (`GET /v1/health` with the secret): widgets, teams it reads. */
async function healthOf(server) {
  try {
    const res = await fetch(`${server.url}/v1/health`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    const { process: p } = await res.json();
    return { widgets: p.widgets, tailedTeams: p.tailedTeams };
  } catch {
    return { widgets: 0, tailedTeams: undefined };
  }
}

/** Every process's memory and CPU time (the load generator is this process). */
function readings() {
  const own = process.cpuUsage();
  return {
    servers: servers.map((s) => s.stats()),
    redis: redis ? processStats(redis.pid) : null,
    front: front ? front.stats() : null,
    loadGenerator: { cpuSeconds: (own.user + own.system) / 1e6 },
  };
}

// --- the helpdesk ---------------------------------------------------------------
/** Per team: its open chats, its next message number, when each was posted, what was acked. */
const teams = Array.from({ length: TEAMS }, (_, t) => ({
  name: `t${t}`,
  open: [],
  nextMessage: 0,
  sentAt: new Map(),
  ackedMessages: 0,
  ackedStarts: 0,
  retried: new Set(),
}));
let nextChat = 0;
const ingestMs = [];
let inFlight = 0;
let failedPosts = 0;
let retriedPosts = 0;

/** Posts one webhook; a refused or failed one is retried (as a helpdesk does) up to 5 times. */
async function post(team, events, numbers, onOk) {
  const body = JSON.stringify(events);
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  inFlight += 1;
  const t = performance.now();
  try {
    for (let attempt = 0; attempt < 6; attempt++) {
      if (attempt > 0) {
        retriedPosts += 1;
        for (const n of numbers) team.retried.add(n);
        await sleep(100 * attempt);
      }
      try {
        const res = await fetch(`${url}/v1/teams/${team.name}/events`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Signature-256': signature },
          body,
        });
        await res.text();
        if (res.status === 200) {
          ingestMs.push(performance.now() - t);
          onOk();
          return;
        }
      } catch {
        // refused or reset: retried
      }
    }
    failedPosts += 1;
  } finally {
    inFlight -= 1;
  }
}

function startChat(team) {
  const chatId = `c${nextChat++}`;
  team.open.push(chatId);
  return {
    type: 'chat.started',
    chatId,
    at: new Date().toISOString(),
    customer: { name: 'Dana Lee' },
  };
}

// --- the widgets ------------------------------------------------------------------
const clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};
/** Ingest→widget latencies in 0.1 ms buckets up to 20 s. */
function histogram() {
  const buckets = new Uint32Array(200_000);
  let samples = 0;
  let overflow = 0;
  return {
    add(ms) {
      const bucket = Math.floor(ms / 0.1);
      if (bucket < buckets.length) buckets[bucket] += 1;
      else overflow += 1;
      samples += 1;
    },
    get samples() {
      return samples;
    },
    get overflow() {
      return overflow;
    },
    percentile(p) {
      const target = Math.ceil(samples * p);
      let seen = 0;
      for (let i = 0; i < buckets.length; i++) {
        seen += buckets[i];
        if (seen >= target) return Number(((i + 1) * 0.1).toFixed(1));
      }
      return Number.POSITIVE_INFINITY;
    },
  };
}
/** Where deliveries are counted: the steady phase's histogram, then the kill phase's. */
let latency = histogram();
const widgets = [];

function makeWidget(i) {
  const team = teams[i % TEAMS];
  const token = signToken(SECRET, { team: team.name, role: 'agent', sub: `agent-${i}` });
  const w = {
    team,
    seen: new Uint8Array(1024), // team message numbers delivered, grown as needed
    messages: 0,
    duplicates: 0,
    retryDuplicates: 0,
    others: 0,
    online: false,
    wentOfflineAt: null,
    backAt: null,
  };
  // A team in the URL is what the balancer routes by (docs/realtime.md "The balancer").
  const widgetUrl = ROUTE === 'team' ? `${url}/?team=${encodeURIComponent(team.name)}` : url;
  const transport = createSocketTransport(
    { url: widgetUrl, token, ioOptions: { transports: ['websocket'] } },
    clock,
  );
  transport.start({
    events(events) {
      const now = performance.now();
      for (const e of events) {
        if (e.type !== 'message') {
          w.others += 1;
          continue;
        }
        const n = Number(e.id.slice(1));
        if (n >= w.seen.length) {
          const grown = new Uint8Array(Math.max(n + 1, w.seen.length * 2));
          grown.set(w.seen);
          w.seen = grown;
        }
        if (w.seen[n]) {
          // A webhook retried after its first attempt was stored is stored twice (the engine
          // drops the second by its id); anything else is the transport's failure.
          if (team.retried.has(n)) w.retryDuplicates += 1;
          else w.duplicates += 1;
          continue;
        }
        w.seen[n] = 1;
        w.messages += 1;
        const t0 = team.sentAt.get(n);
        if (t0 !== undefined) latency.add(now - t0);
      }
    },
    status(s) {
      const online = s === 'online';
      if (w.online && !online && killedAt !== null && w.wentOfflineAt === null) {
        w.wentOfflineAt = performance.now();
      }
      if (online && w.wentOfflineAt !== null && w.backAt === null) w.backAt = performance.now();
      w.online = online;
    },
    config() {},
  });
  w.transport = transport;
  return w;
}

/** p50 and p99 of webhook answer times (ms). */
function quantiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
  return { p50: Number(at(0.5).toFixed(1)), p99: Number(at(0.99).toFixed(1)) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sum = (values) => values.reduce((a, b) => a + b, 0);

// --- run -----------------------------------------------------------------------------
let killedAt = null;
console.log(
  `${PROCESSES} serve process${PROCESSES > 1 ? 'es' : ''} (${flags.storage} storage)${front ? ` behind HAProxy ${url}` : ` at ${url}`}`,
);

// 1. Open the chats (before the widgets: they get them in their snapshot).
for (let c = 0; c < CHATS; c += 200 * TEAMS) {
  await Promise.all(
    teams.map((team, t) => {
      const batch = [];
      for (let k = c + t; k < Math.min(CHATS, c + 200 * TEAMS); k += TEAMS)
        batch.push(startChat(team));
      return batch.length === 0
        ? null
        : post(team, batch, [], () => {
            team.ackedStarts += batch.length;
          });
    }),
  );
}
console.log(`${CHATS} chats open in ${TEAMS} team${TEAMS > 1 ? 's' : ''}`);
const atStart = readings(); // what the widgets' connections add is measured from here
ingestMs.length = 0; // webhook answers are measured under the steady load only

// 2. Connect the widgets, 50 at a time, each caught up with its team's chats.
const connectStart = performance.now();
for (let i = 0; i < WIDGETS; i += 50) {
  for (let k = i; k < Math.min(WIDGETS, i + 50); k++) widgets.push(makeWidget(k));
  while (widgets.some((w) => !w.online || w.others < w.team.open.length)) await sleep(10);
}
const connectSeconds = (performance.now() - connectStart) / 1000;
console.log(`${WIDGETS} widgets online and caught up in ${connectSeconds.toFixed(1)} s`);
const connected = readings();

// 3. Steady load: every tick one webhook of BATCH events for one team (round robin); 1 event
// in 100 closes a chat and opens another.
const tickMs = (1000 * BATCH) / RATE;
let posted = 0;
let tick = 0;
let peakRss = connected.servers.map((s) => s.rssMiB);
let peakRedisBytes = redis?.memoryBytes() ?? 0;

function postTick() {
  const team = teams[tick++ % TEAMS];
  const batch = [];
  const numbers = [];
  let starts = 0;
  for (let k = 0; k < BATCH; k++) {
    if (team.nextMessage % 100 === 99 && team.open.length > 1) {
      const [chatId] = team.open.splice(Math.floor(Math.random() * team.open.length), 1);
      batch.push({ type: 'chat.closed', chatId, at: new Date().toISOString() });
      batch.push(startChat(team));
      starts += 1;
      team.nextMessage += 1;
      continue;
    }
    const n = team.nextMessage++;
    batch.push({
      type: 'message',
      chatId: team.open[Math.floor(Math.random() * team.open.length)],
      id: `m${n}`,
      at: new Date().toISOString(),
      author: n % 2 === 0 ? 'customer' : 'agent',
      text: `message ${n} about my order`,
    });
    numbers.push(n);
  }
  const t = performance.now();
  for (const n of numbers) team.sentAt.set(n, t);
  posted += batch.length;
  if (inFlight < 200) {
    void post(team, batch, numbers, () => {
      team.ackedMessages += numbers.length;
      team.ackedStarts += starts;
    });
  } else failedPosts += 1;
}

/** Posts at RATE for `seconds`, printing progress every 5 s; returns the seconds it ran. */
async function runLoad(seconds, label) {
  const start = performance.now();
  const postedBefore = posted;
  let nextTick = start;
  let lastReport = start;
  while (performance.now() - start < seconds * 1000) {
    postTick();
    const t = performance.now();
    if (t - lastReport > 5000) {
      lastReport = t;
      const now = readings();
      peakRss = peakRss.map((r, i) => Math.max(r, now.servers[i].rssMiB || 0));
      peakRedisBytes = Math.max(peakRedisBytes, redis?.memoryBytes() ?? 0);
      const elapsed = (t - start) / 1000;
      console.log(
        `${label} ${elapsed.toFixed(0)} s: ${((posted - postedBefore) / elapsed).toFixed(0)} events/s posted, p50 ${latency.percentile(0.5)} ms, p99 ${latency.percentile(0.99)} ms, serve RSS ${now.servers.map((s) => (Number.isNaN(s.rssMiB) ? '–' : s.rssMiB.toFixed(0))).join(' / ')} MiB`,
      );
    }
    nextTick += tickMs;
    const wait = nextTick - performance.now();
    if (wait > 0) await sleep(wait);
  }
  return { seconds: (performance.now() - start) / 1000, events: posted - postedBefore };
}

/** Waits (at most `ms`) until every widget is online with every acknowledged message. */
async function drain(ms) {
  while (inFlight > 0) await sleep(10);
  const start = performance.now();
  while (
    widgets.some((w) => !w.online || w.messages < w.team.ackedMessages) &&
    performance.now() - start < ms
  ) {
    await sleep(20);
  }
}

const steady = await runLoad(SECONDS, 'steady');
let steadyIngest = null;
const atEnd = readings();
await drain(20_000);
const steadyLatency = latency;
const drained = readings();

// 4. With --kill: the same load for 10 s more, one process killed with SIGKILL at its start;
// its widgets reconnect through the front to the others and catch up.
let killPhase = null;
// Each process's widgets and the teams it reads events for, from its own /v1/health.
const perProcess = await Promise.all(servers.map((s) => healthOf(s)));
// The process holding the most widgets is killed: with team routing, whole teams move.
const victim = perProcess.reduce(
  (best, p, i) => (p.widgets > perProcess[best].widgets ? i : best),
  0,
);
if (KILL) {
  latency = histogram();
  steadyIngest = quantiles(ingestMs);
  ingestMs.length = 0;
  killedAt = performance.now();
  servers[victim].child.kill('SIGKILL');
  console.log(
    `kill -9 of serve process ${victim + 1} (pid ${servers[victim].pid}, ${perProcess[victim].widgets} widgets)`,
  );
  const run = await runLoad(10, 'after the kill');
  await drain(20_000);
  killPhase = { ...run, latency };
}

let lost = 0;
let duplicates = 0;
let retryDuplicates = 0;
for (const w of widgets) {
  lost += Math.max(0, w.team.ackedMessages - w.messages);
  duplicates += w.duplicates;
  retryDuplicates += w.retryDuplicates;
}
const cut = widgets.filter((w) => w.wentOfflineAt !== null);
const notBack = cut.filter((w) => w.backAt === null).length;
const cpuCores = (pick) => Number(((pick(atEnd) - pick(connected)) / steady.seconds).toFixed(2));
const serverCpu = servers.map((_, i) => cpuCores((r) => r.servers[i].cpuSeconds));
const loadGeneratorCpu = cpuCores((r) => r.loadGenerator.cpuSeconds);
const redisCpu = redis ? cpuCores((r) => r.redis.cpuSeconds) : 0;
const frontCpu = front ? cpuCores((r) => r.front.cpuSeconds) : 0;
const allCpu = sum(serverCpu.filter(Number.isFinite)) + loadGeneratorCpu + redisCpu + frontCpu;
const serveRssGrowth = sum(connected.servers.map((s, i) => s.rssMiB - atStart.servers[i].rssMiB));
const result = {
  storage: flags.storage,
  processes: PROCESSES,
  teams: TEAMS,
  route: ROUTE,
  seconds: Math.round(steady.seconds),
  widgets: WIDGETS,
  openChats: CHATS,
  eventsPerSecond: Math.round(steady.events / steady.seconds),
  ackedEvents: sum(teams.map((t) => t.ackedMessages)),
  failedPosts,
  retriedPosts,
  deliveries: steadyLatency.samples,
  p50Ms: steadyLatency.percentile(0.5),
  p99Ms: steadyLatency.percentile(0.99),
  maxBucketOverflow: steadyLatency.overflow,
  ingestP50Ms: (steadyIngest ?? quantiles(ingestMs)).p50,
  ingestP99Ms: (steadyIngest ?? quantiles(ingestMs)).p99,
  lost,
  duplicatesApplied: duplicates,
  retryDuplicatesDropped: retryDuplicates,
  connectSeconds: Number(connectSeconds.toFixed(1)),
  widgetsPerProcess: perProcess.map((p) => p.widgets),
  teamsReadPerProcess: perProcess.map((p) => p.tailedTeams ?? null),
  killed: KILL
    ? {
        widgetsOnProcess: perProcess[victim].widgets,
        widgetsCut: cut.length,
        notBack,
        backWithinSeconds: cut.length
          ? Number(
              (Math.max(...cut.map((w) => (w.backAt ?? Number.NaN) - killedAt)) / 1000).toFixed(2),
            )
          : 0,
        // Half of them were back by then: a long tail (a few retries) or a slow crowd.
        backMedianSeconds: cut.length
          ? Number(
              (
                cut
                  .map((w) => (w.backAt ?? Number.POSITIVE_INFINITY) - killedAt)
                  .sort((x, y) => x - y)[Math.floor(cut.length / 2)] / 1000
              ).toFixed(2),
            )
          : 0,
        p50Ms: killPhase.latency.percentile(0.5),
        p99Ms: killPhase.latency.percentile(0.99),
      }
    : null,
  cpuCores: { serve: serverCpu, redis: redisCpu, front: frontCpu, loadGenerator: loadGeneratorCpu },
  loadGeneratorShare: Number((loadGeneratorCpu / allCpu).toFixed(2)),
  serverRssMiB: servers.map((_, i) => ({
    start: Math.round(atStart.servers[i].rssMiB),
    connected: Math.round(connected.servers[i].rssMiB),
    peak: Math.round(Math.max(peakRss[i], drained.servers[i].rssMiB || 0)),
  })),
  kibPerWidget: Math.round((serveRssGrowth * 1024) / WIDGETS),
  redisMiB: redis ? Math.round(peakRedisBytes / 2 ** 20) : null,
  loadAverage: Number(loadavg()[0].toFixed(1)),
};
console.log(JSON.stringify(result, null, 2));

for (const w of widgets) w.transport.dispose();
await Promise.all(servers.map((s) => s.kill('SIGTERM')));
await cleanup();

if (flags.doc && !flags.json) {
  const cores = cpus().length;
  const mem = Math.round(totalmem() / 2 ** 30);
  writeSection(
    'Realtime',
    `
\`node bench/load.mjs --seconds ${result.seconds}\` (${new Date().toISOString().slice(0, 10)}; ${cores} cores, ${mem} GiB;
server and load generator on the same machine over loopback). One \`serve\` process with
\`--${flags.storage === 'file' ? 'data DIR' : `${flags.storage} store`}\`${flags.storage === 'file' ? " (fsync'd log)" : ''}; ${result.widgets} widgets on the real socket
transport in ${result.teams} team${result.teams > 1 ? 's' : ''}; ${result.openChats} open
chats (1 in 100 events closes a chat and opens another); signed JSON webhooks of ${BATCH} events.
The fleet on Redis is measured by \`node bench/fleet-sweep.mjs\` (section "Fleet").

| measure | value |
|---|---|
| duration | ${result.seconds} s |
| events ingested | ${result.eventsPerSecond} /s (${result.ackedEvents} messages acknowledged, ${result.failedPosts} failed posts) |
| deliveries measured | ${result.deliveries} (message events × widgets of their team) |
| ingest-to-widget latency p50 / p99 | ${result.p50Ms} ms / ${result.p99Ms} ms |
| webhook response (durably stored) p50 / p99 | ${result.ingestP50Ms} ms / ${result.ingestP99Ms} ms |
| events lost | ${result.lost} |
| duplicates applied | ${result.duplicatesApplied} |
| ${result.widgets} widgets connected and caught up | ${result.connectSeconds} s |
| server RSS: start / widgets connected / peak | ${result.serverRssMiB[0].start} / ${result.serverRssMiB[0].connected} / ${result.serverRssMiB[0].peak} MiB (${result.kibPerWidget} KiB per widget) |
| CPU: serve / load generator | ${result.cpuCores.serve[0]} / ${result.cpuCores.loadGenerator} cores |

Latency runs from just before the POST to the widget's \`events\` callback, so it includes
the HMAC check, validation, the fsync, the broadcast and the client decoding every socket in
one process (the load generator's own CPU is part of the figure).
`,
  );
  console.log('wrote the Realtime section of docs/performance.md');
}

const failed = [
  result.lost > 0 && `${result.lost} messages lost`,
  result.duplicatesApplied > 0 && `${result.duplicatesApplied} duplicates applied`,
  result.failedPosts > 0 &&
    `${result.failedPosts} webhooks failed or not sent (over 200 in flight)`,
  result.eventsPerSecond < RATE * 0.95 &&
    `${result.eventsPerSecond} events/s, under 95 % of ${RATE}`,
  result.killed?.notBack > 0 && `${result.killed.notBack} widgets not back after the kill`,
  result.killed?.backWithinSeconds >= 5 &&
    `widgets back only after ${result.killed.backWithinSeconds} s`,
].filter(Boolean);
const ok = failed.length === 0;
if (!ok) console.error(`load: FAILED: ${failed.join('; ')}`);
if (flags.json) writeFileSync(flags.json, `${JSON.stringify({ ...result, failed })}\n`);
process.exitCode = ok ? 0 : 1;
