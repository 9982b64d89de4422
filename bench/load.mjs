// Realtime load: one `chat-playbook serve` child process on 127.0.0.1, N widgets connected
// through the real socket transport (src/adapters/socket-transport.ts), a helpdesk posting
// signed webhooks at a steady rate into a pool of open chats. Measures ingest-to-widget
// latency, events lost, duplicates applied and the server's memory; writes the
// `## Realtime` section of docs/performance.md. Bounded: stops by itself.
//
//   node bench/load.mjs [--seconds 60] [--widgets 200] [--chats 2000] [--rate 200]
//                       [--batch 10] [--storage file|memory] [--no-doc]
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { writeSection } from './perf-doc.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    widgets: { type: 'string', default: '200' },
    chats: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '200' },
    batch: { type: 'string', default: '10' },
    storage: { type: 'string', default: 'file' },
    'no-doc': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(flags.seconds);
const WIDGETS = Number(flags.widgets);
const CHATS = Number(flags.chats);
const RATE = Number(flags.rate);
const BATCH = Number(flags.batch);
const ENGINE_WIDGETS = Math.min(5, WIDGETS); // widgets that also run the full engine
for (const [k, v] of Object.entries({ SECONDS, WIDGETS, CHATS, RATE, BATCH })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k.toLowerCase()} must be positive`);
}
if (!['file', 'memory'].includes(flags.storage)) throw new Error('--storage file|memory');

const { createSocketTransport } = await tsImport(
  '../src/adapters/socket-transport.ts',
  import.meta.url,
);
const { addEvent, createTimeline } = await tsImport('../src/core/index.ts', import.meta.url);
const { signToken } = await tsImport('../src/server/auth.ts', import.meta.url);

const SECRET = randomBytes(32).toString('hex');
const hardStop = setTimeout(
  () => {
    console.error('load: hard time limit reached, aborting');
    cleanup();
    process.exit(1);
  },
  (SECONDS + 120) * 1000,
);
hardStop.unref();

// --- the server --------------------------------------------------------------
const dataDir = flags.storage === 'file' ? mkdtempSync(join(tmpdir(), 'playbook-load-')) : null;
const server = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    join(root, 'src/cli/main.ts'),
    'serve',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--rate',
    '0',
    ...(dataDir ? ['--data', dataDir] : []),
  ],
  {
    cwd: root,
    env: { ...process.env, PLAYBOOK_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
let serverErr = '';
server.stderr.on('data', (d) => {
  serverErr += d;
});
function cleanup() {
  if (server.exitCode === null) server.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
process.on('exit', cleanup);

const url = await new Promise((resolveUrl, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolveUrl(m[1]);
  });
  server.once('exit', (code) => reject(new Error(`serve exited (${code}): ${serverErr}`)));
});

function rssMiB() {
  try {
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

// --- the helpdesk ---------------------------------------------------------------
let nextChat = 0;
let nextMessage = 0;
const open = [];
/** message number → local post time (ms, performance.now) */
const sentAt = new Map();
let acked = { messages: 0, starts: 0, closes: 0 };
const ingestMs = [];
let inFlight = 0;
let failedPosts = 0;

async function post(events, onOk) {
  const body = JSON.stringify(events);
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  inFlight += 1;
  const t = performance.now();
  try {
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature-256': signature },
      body,
    });
    await res.text();
    if (res.status === 200) {
      ingestMs.push(performance.now() - t);
      onOk();
    } else failedPosts += 1;
  } catch {
    failedPosts += 1;
  } finally {
    inFlight -= 1;
  }
}

function startChat() {
  const chatId = `c${nextChat++}`;
  open.push(chatId);
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
const LAT_BUCKET_MS = 0.1;
const latency = new Uint32Array(200_000); // 0.1 ms buckets up to 20 s
let latencyOverflow = 0;
let latencySamples = 0;
const widgets = [];

function makeWidget(i) {
  const token = signToken(SECRET, { team: 'default', role: 'agent', sub: `agent-${i}` });
  const w = {
    seen: new Uint8Array(1 << 20), // message numbers delivered (bitmap as bytes)
    messages: 0,
    duplicateMessages: 0,
    others: 0,
    online: false,
    timelines: i < ENGINE_WIDGETS ? new Map() : null,
    seq: 0,
  };
  const transport = createSocketTransport(
    { url, token, ioOptions: { transports: ['websocket'] } },
    clock,
  );
  transport.start({
    events(events) {
      const now = performance.now();
      for (const e of events) {
        if (w.timelines) {
          let t = w.timelines.get(e.chatId);
          if (!t) {
            t = createTimeline(e.chatId);
            w.timelines.set(e.chatId, t);
          }
          addEvent(t, e, ++w.seq, []);
        }
        if (e.type !== 'message') {
          w.others += 1;
          continue;
        }
        const n = Number(e.id.slice(1));
        if (w.seen[n]) {
          w.duplicateMessages += 1;
          continue;
        }
        w.seen[n] = 1;
        w.messages += 1;
        const t0 = sentAt.get(n);
        if (t0 !== undefined) {
          const bucket = Math.floor((now - t0) / LAT_BUCKET_MS);
          if (bucket < latency.length) latency[bucket] += 1;
          else latencyOverflow += 1;
          latencySamples += 1;
        }
      }
    },
    status(s) {
      w.online = s === 'online';
    },
    config() {},
  });
  w.transport = transport;
  return w;
}

function percentile(p) {
  const target = Math.ceil(latencySamples * p);
  let sum = 0;
  for (let i = 0; i < latency.length; i++) {
    sum += latency[i];
    if (sum >= target) return (i + 1) * LAT_BUCKET_MS;
  }
  return Number.POSITIVE_INFINITY;
}

function quantile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- run -----------------------------------------------------------------------------
console.log(`server ${url} (${flags.storage} storage), RSS ${rssMiB().toFixed(0)} MiB at start`);
const rssStart = rssMiB();

// 1. Open the chats (before the widgets: they get them in their snapshot).
for (let i = 0; i < CHATS; i += 200) {
  const batch = [];
  for (let k = i; k < Math.min(CHATS, i + 200); k++) batch.push(startChat());
  await post(batch, () => {
    acked.starts += batch.length;
  });
}
console.log(`${open.length} chats open`);

// 2. Connect the widgets, 20 at a time.
const connectStart = performance.now();
for (let i = 0; i < WIDGETS; i += 20) {
  for (let k = i; k < Math.min(WIDGETS, i + 20); k++) widgets.push(makeWidget(k));
  const want = widgets.length;
  while (widgets.slice(0, want).some((w) => !w.online || w.others < CHATS)) await sleep(10);
}
const connectSeconds = (performance.now() - connectStart) / 1000;
console.log(
  `${widgets.length} widgets online with ${CHATS} chats each in ${connectSeconds.toFixed(1)} s`,
);
const rssConnected = rssMiB();

// 3. Steady load: every tick, one batch; now and then a chat closes and a new one opens.
acked = { messages: 0, starts: acked.starts, closes: 0 };
const tickMs = (1000 * BATCH) / RATE;
const runStart = performance.now();
let posted = 0;
let rssPeak = rssConnected;
let nextTick = runStart;
let lastReport = runStart;
while (performance.now() - runStart < SECONDS * 1000) {
  const batch = [];
  const numbers = [];
  let starts = 0;
  let closes = 0;
  for (let k = 0; k < BATCH; k++) {
    if (nextMessage % 100 === 99 && open.length > 0) {
      const idx = Math.floor(Math.random() * open.length);
      const [chatId] = open.splice(idx, 1);
      batch.push({ type: 'chat.closed', chatId, at: new Date().toISOString() });
      batch.push(startChat());
      closes += 1;
      starts += 1;
      nextMessage += 1;
      continue;
    }
    const n = nextMessage++;
    const chatId = open[Math.floor(Math.random() * open.length)];
    const author = n % 2 === 0 ? 'customer' : 'agent';
    batch.push({
      type: 'message',
      chatId,
      id: `m${n}`,
      at: new Date().toISOString(),
      author,
      text: `message ${n} about my order`,
    });
    numbers.push(n);
  }
  const t = performance.now();
  for (const n of numbers) sentAt.set(n, t);
  posted += batch.length;
  if (inFlight < 100) {
    void post(batch, () => {
      acked.messages += numbers.length;
      acked.starts += starts;
      acked.closes += closes;
    });
  } else failedPosts += 1;
  if (t - lastReport > 5000) {
    lastReport = t;
    const rss = rssMiB();
    rssPeak = Math.max(rssPeak, rss);
    const elapsed = (t - runStart) / 1000;
    console.log(
      `${elapsed.toFixed(0)} s: ${(posted / elapsed).toFixed(0)} events/s posted, p50 ${percentile(0.5).toFixed(1)} ms, p99 ${percentile(0.99).toFixed(1)} ms, server RSS ${rss.toFixed(0)} MiB`,
    );
  }
  nextTick += tickMs;
  const wait = nextTick - performance.now();
  if (wait > 0) await sleep(wait);
}
const runSeconds = (performance.now() - runStart) / 1000;

// 4. Drain: every widget must have every acknowledged message.
while (inFlight > 0) await sleep(10);
const drainStart = performance.now();
while (
  widgets.some((w) => w.messages < acked.messages) &&
  performance.now() - drainStart < 15_000
) {
  await sleep(20);
}
const rssEnd = rssMiB();
rssPeak = Math.max(rssPeak, rssEnd);

let lost = 0;
let duplicates = 0;
let engineDuplicates = 0;
for (const w of widgets) {
  lost += Math.max(0, acked.messages - w.messages);
  duplicates += w.duplicateMessages;
  if (w.timelines) for (const t of w.timelines.values()) engineDuplicates += t.duplicates;
}
const result = {
  storage: flags.storage,
  seconds: Math.round(runSeconds),
  widgets: WIDGETS,
  openChats: CHATS,
  eventsPerSecond: Math.round(posted / runSeconds),
  ackedEvents: acked.messages + acked.closes * 2,
  failedPosts,
  deliveries: latencySamples,
  p50Ms: Number(percentile(0.5).toFixed(1)),
  p99Ms: Number(percentile(0.99).toFixed(1)),
  maxBucketOverflow: latencyOverflow,
  ingestP50Ms: Number(quantile(ingestMs, 0.5).toFixed(1)),
  ingestP99Ms: Number(quantile(ingestMs, 0.99).toFixed(1)),
  lost,
  duplicatesApplied: duplicates + engineDuplicates,
  connectSeconds: Number(connectSeconds.toFixed(1)),
  loadAverage: Number(loadavg()[1].toFixed(1)),
  serverRssMiB: {
    start: Math.round(rssStart),
    connected: Math.round(rssConnected),
    peak: Math.round(rssPeak),
    end: Math.round(rssEnd),
  },
};
console.log(JSON.stringify(result, null, 2));

for (const w of widgets) w.transport.dispose();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
cleanup();

if (!flags['no-doc']) {
  const cores = cpus().length;
  const mem = Math.round(totalmem() / 2 ** 30);
  writeSection(
    'Realtime',
    `
\`node bench/load.mjs --seconds ${result.seconds}\` (${new Date().toISOString().slice(0, 10)}; ${cores} cores, ${mem} GiB;
server and load generator on the same machine over loopback). One \`serve\` process with
\`--${flags.storage === 'file' ? 'data DIR' : 'memory store'}\`${flags.storage === 'file' ? " (fsync'd log)" : ''}; ${result.widgets} widgets on the real socket
transport, all in one team (every event fans out to every widget); ${result.openChats} open
chats (1 in 100 events closes a chat and opens another); signed JSON webhooks of ${BATCH} events.

| measure | value |
|---|---|
| duration | ${result.seconds} s |
| events ingested | ${result.eventsPerSecond} /s (${result.ackedEvents} acknowledged, ${result.failedPosts} failed posts) |
| deliveries measured | ${result.deliveries} (message events × widgets) |
| ingest-to-widget latency p50 / p99 | ${result.p50Ms} ms / ${result.p99Ms} ms |
| webhook response (durably stored) p50 / p99 | ${result.ingestP50Ms} ms / ${result.ingestP99Ms} ms |
| events lost | ${result.lost} |
| duplicates applied | ${result.duplicatesApplied} (by offset in every widget; (chatId, id) in the engine of ${ENGINE_WIDGETS}) |
| ${result.widgets} widgets connected and caught up | ${result.connectSeconds} s |
| server RSS: start / widgets connected / peak / end | ${result.serverRssMiB.start} / ${result.serverRssMiB.connected} / ${result.serverRssMiB.peak} / ${result.serverRssMiB.end} MiB |
| machine load average (5 min) at the end | ${result.loadAverage} on ${cores} cores |

Latency runs from just before the POST to the widget's \`events\` callback, so it includes
the HMAC check, validation, the fsync, the broadcast and the client decoding 200 sockets in
one process (the load generator's own CPU is part of the figure).
`,
  );
  console.log('wrote the Realtime section of docs/performance.md');
}

const ok =
  result.lost === 0 && result.duplicatesApplied === 0 && result.eventsPerSecond >= RATE * 0.95;
if (!ok) console.error('load: FAILED (lost, duplicated, or below the target rate)');
process.exitCode = ok ? 0 : 1;
