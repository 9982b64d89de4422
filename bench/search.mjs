// Search speed on synthetic libraries of 1,000 / 10,000 / 50,000 SOPs (seeded, so every run
// measures the same libraries): per-keystroke latency, index build, prebuilt-index load,
// index size and heap, each beside plain MiniSearch with default options in the same run.
// Writes the `## Search` section of docs/performance.md.
//
//   node --expose-gc bench/search.mjs [--sizes 1000,10000,50000] [--seed 7] [--no-write]

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import MiniSearch from 'minisearch';
import { loadTs } from './load-ts.mjs';
import { writeSection } from './perf-doc.mjs';
import { mulberry32, syntheticLibrary, typingSessions } from './synthetic-library.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,50000' },
    seed: { type: 'string', default: '7' },
    sessions: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const { createSearch, loadSerialized } = await loadTs('src/search/engine.ts');

const gc = globalThis.gc ?? (() => {});
const now = () => performance.now();
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(a / b < 1 ? 2 : 1)}×` : '–');

const PLAIN_FIELDS = ['title', 'purpose', 'tags', 'steps', 'replies'];
const plainDoc = (s) => ({
  id: s.id,
  title: s.title,
  purpose: s.purpose ?? '',
  tags: s.tags.join(' '),
  steps: s.steps.map((x) => x.text).join(' '),
  replies: s.replies.map((r) => `${r.title} ${r.text}`).join(' '),
});

function time(fn) {
  const start = now();
  const value = fn();
  return { value, ms: now() - start };
}

/** Per-keystroke latencies: every prefix of every typed message, as the widget searches. */
function keystrokes(search, sessions) {
  const times = [];
  for (const text of sessions) {
    for (let i = 1; i <= text.length; i++) {
      const start = now();
      search(text.slice(0, i));
      times.push(now() - start);
    }
  }
  return times.sort((a, b) => a - b);
}

const rows = [];
const load = [];
for (const size of values.sizes.split(',').map(Number)) {
  const rand = mulberry32(Number(values.seed) + size);
  const library = syntheticLibrary(size, rand);
  // Fewer typed messages for bigger libraries, where plain MiniSearch takes long per keystroke.
  const sessionCount = Number(
    values.sessions ?? Math.max(10, Math.round(60 / Math.sqrt(size / 1000))),
  );
  const sessions = typingSessions(library, sessionCount, rand);
  console.log(`${size} SOPs…`);
  load.push(loadavg()[0]);

  // Build (each with the heap it keeps).
  let base = heap();
  const built = time(() => createSearch(library));
  const ours = built.value;
  const oursHeap = heap() - base;
  base = heap();
  const plainBuilt = time(() => {
    const m = new MiniSearch({ fields: PLAIN_FIELDS });
    m.addAll(library.sops.map(plainDoc));
    return m;
  });
  const plain = plainBuilt.value;
  const plainHeap = heap() - base;

  // Per keystroke: ours with typing (prefix on the last word), plain with default options.
  for (const text of sessions.slice(0, 5)) ours.search({ text, typing: true }); // warm-up
  for (const text of sessions.slice(0, 5)) plain.search(text);
  const oursKeys = keystrokes((text) => ours.search({ text, typing: true }, 5), sessions);
  const plainKeys = keystrokes((text) => plain.search(text).slice(0, 5), sessions);

  // Prebuilt index: the JSON text the widget fetches, parsed and loaded without re-indexing.
  const oursJson = JSON.stringify(ours.serialize());
  const plainJson = JSON.stringify(plain);
  // Plain MiniSearch keeps no SOPs, so a widget using it would fetch the library beside its
  // index: its load is the library parsed plus the index loaded (its file: both).
  const libraryJson = JSON.stringify(library);
  const oursLoad = time(() => loadSerialized(JSON.parse(oursJson)));
  const plainLoad = time(() => {
    JSON.parse(libraryJson);
    return MiniSearch.loadJSON(plainJson, { fields: PLAIN_FIELDS });
  });
  const libraryBytes = libraryJson.length;

  const row = {
    size,
    p50: [pct(oursKeys, 50), pct(plainKeys, 50)],
    p95: [pct(oursKeys, 95), pct(plainKeys, 95)],
    keystrokes: oursKeys.length,
    sessions: sessionCount,
    build: [built.ms, plainBuilt.ms],
    load: [oursLoad.ms, plainLoad.ms],
    bytes: [oursJson.length, plainJson.length + libraryBytes],
    gzip: [gzipSync(oursJson).length, gzipSync(plainJson).length + gzipSync(libraryJson).length],
    libraryBytes,
    heap: [oursHeap, plainHeap],
  };
  rows.push(row);
  console.log(
    `  keystroke p50 ${ms(row.p50[0])} ms (plain ${ms(row.p50[1])}), p95 ${ms(row.p95[0])} ms (plain ${ms(row.p95[1])}); ` +
      `build ${ms(row.build[0])} ms (plain ${ms(row.build[1])}); load ${ms(row.load[0])} ms (plain ${ms(row.load[1])}); ` +
      `index ${mb(row.bytes[0])} MB (plain ${mb(row.bytes[1])}); heap ${mb(row.heap[0])} MB (plain ${mb(row.heap[1])})`,
  );
}

const table = [
  '| SOPs | keystroke p50 | keystroke p95 | index build | prebuilt load (parse + load) | index file (gzip) | heap kept |',
  '|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.size.toLocaleString('en')} | ${ms(r.p50[0])} ms (plain ${ms(r.p50[1])}, ${ratio(r.p50[0], r.p50[1])}) ` +
      `| ${ms(r.p95[0])} ms (plain ${ms(r.p95[1])}, ${ratio(r.p95[0], r.p95[1])}) ` +
      `| ${ms(r.build[0])} ms (plain ${ms(r.build[1])}, ${ratio(r.build[0], r.build[1])}) ` +
      `| ${ms(r.load[0])} ms (plain ${ms(r.load[1])}, ${ratio(r.load[0], r.load[1])}) ` +
      `| ${mb(r.bytes[0])} MB, ${mb(r.gzip[0])} MB gz (plain ${mb(r.bytes[1])} MB, ${mb(r.gzip[1])} MB gz) ` +
      `| ${mb(r.heap[0])} MB (plain ${mb(r.heap[1])} MB, ${ratio(r.heap[0], r.heap[1])}) |`,
  ),
];

const body = `Measured by \`node --expose-gc bench/search.mjs\` (part of \`npm run bench\`) on seeded synthetic
libraries (\`bench/synthetic-library.mjs\`, seed ${values.seed}: titles, tags, triggers, purpose, scope,
3–8 steps and 1–3 replies per SOP drawn from a Zipf-distributed support vocabulary; the
50,000-SOP library is ${mb(rows.at(-1)?.libraryBytes ?? 0)} MB of JSON). "Plain" is MiniSearch with default options
over title, purpose, tags, steps and replies, in the same run. Keystroke latency: simulated
customer messages typed one character at a time (${rows.map((r) => `${r.sessions} messages, ${r.keystrokes} searches at ${r.size.toLocaleString('en')}`).join('; ')}), ours with
\`typing: true\` (prefix on the last word, fuzzy for unknown words, synonyms, top 5 with ranked
steps and replies), plain with its defaults. Our index file includes the library (the widget
shows SOPs from it); plain MiniSearch keeps no documents, so its "file" and "load" count its
index plus the library JSON beside it.

${table.join('\n')}

The machine's 1-minute load average during the run: ${load.map((l) => l.toFixed(1)).join(' / ')} on
2 cores (other work shares it), so absolute times vary between runs; the ratios to plain
MiniSearch, measured side by side, are the stable part.

Aims: p95 ≤ 2 ms at 1,000 SOPs, ≤ 16 ms at 10,000, a 10,000-SOP prebuilt index loaded in ≤ 300 ms.
See docs/search.md for what the extra work buys.`;

if (!values['no-write']) {
  writeSection('Search', body);
  console.log('wrote the Search section of docs/performance.md');
} else {
  console.log(body);
}
