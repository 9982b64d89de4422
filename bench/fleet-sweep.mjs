// The fleet's curve: bench/load.mjs on Redis for N = 1, 2, 4 serve processes, three shapes of
// contact centre (200 widgets in teams of 20, 2,000 in teams of 20, and the worst case of one
// team of 200 where every event reaches every widget), at rising event rates until p99
// ingest→widget passes 100 ms or something fails. Each point runs in a fresh set of
// processes. Writes the `## Fleet` section of docs/performance.md and its chart,
// docs/fleet-p99.svg (Vega-Lite, as the team report's charts).
//
//   node bench/fleet-sweep.mjs [--seconds 20] [--processes 1,2,4] [--rates 200,1000,2000,4000]
//                              [--shapes 200x10,2000x100,200x1] [--route team|round-robin]
//                              [--no-doc]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { ROOT } from './fleet.mjs';
import { writeSection } from './perf-doc.mjs';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    processes: { type: 'string', default: '1,2,4' },
    rates: { type: 'string', default: '200,1000,2000,4000' },
    shapes: { type: 'string', default: '200x10,2000x100,200x1' },
    route: { type: 'string', default: 'team' },
    doc: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const list = (text, name) => {
  const values = text.split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new Error(`--${name} must be a comma-separated list of positive integers`);
  }
  return values;
};
if (!['team', 'round-robin'].includes(flags.route)) {
  throw new Error('--route must be team or round-robin');
}
const processCounts = list(flags.processes, 'processes');
const rates = list(flags.rates, 'rates').sort((a, b) => a - b);
const shapes = flags.shapes.split(',').map((text) => {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m) throw new Error(`--shapes: '${text}' is not WIDGETSxTEAMS`);
  return { widgets: Number(m[1]), teams: Number(m[2]) };
});
const P99_LIMIT_MS = 100;

const dir = mkdtempSync(join(tmpdir(), 'playbook-sweep-'));
const points = [];
try {
  for (const shape of shapes) {
    for (const processes of processCounts) {
      for (const rate of rates) {
        const out = join(dir, `${shape.widgets}-${shape.teams}-${processes}-${rate}.json`);
        const label = `${processes} process${processes > 1 ? 'es' : ''}, ${shape.widgets} widgets in ${shape.teams} team${shape.teams > 1 ? 's' : ''}, ${rate} events/s`;
        process.stdout.write(`${label} … `);
        const run = spawnSync(
          process.execPath,
          [
            'bench/load.mjs',
            '--storage',
            'redis',
            '--processes',
            String(processes),
            '--widgets',
            String(shape.widgets),
            '--teams',
            String(shape.teams),
            '--rate',
            String(rate),
            '--seconds',
            flags.seconds,
            '--route',
            flags.route,
            '--json',
            out,
          ],
          { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 },
        );
        let result = null;
        try {
          result = JSON.parse(readFileSync(out, 'utf8'));
        } catch {
          // the run broke before printing its result
        }
        const failed = run.status !== 0;
        const point = { ...shape, processes, rate, result, failed };
        points.push(point);
        if (!result) {
          console.log(`broke: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
          break;
        }
        console.log(
          `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, lost ${result.lost}, duplicates ${result.duplicatesApplied}${result.killed ? `, back ${result.killed.backWithinSeconds} s after kill -9` : ''}${failed ? ` (FAILED: ${(result.failed ?? []).join('; ')})` : ''}`,
        );
        if (failed || result.p99Ms > P99_LIMIT_MS) break;
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n) => (n === null || n === undefined || Number.isNaN(n) ? '–' : String(n));
const rows = points.map(({ widgets, teams, processes, rate, result: r, failed }) => {
  if (!r) return `| ${processes} | ${widgets} / ${teams} | ${rate} | broke | | | | | | | | |`;
  const rss = r.serverRssMiB.map((s) => s.peak).join(', ');
  const cpu = r.cpuCores.serve.map((c) => fmt(c)).join(', ');
  const kill = r.killed
    ? `${r.killed.backWithinSeconds} s (${r.killed.widgetsCut} cut; p99 ${r.killed.p99Ms} ms)`
    : '–';
  const read = processes > 1 ? (r.teamsReadPerProcess ?? []).map((n) => fmt(n)).join(', ') : '–';
  return `| ${processes} | ${widgets} / ${teams} | ${r.eventsPerSecond}${failed ? ' ✗' : ''} | ${r.p50Ms} / **${r.p99Ms}** | ${r.lost} | ${r.duplicatesApplied} | ${rss} | ${cpu} | ${read} | ${r.cpuCores.loadGenerator} (${Math.round(r.loadGeneratorShare * 100)} %) | ${fmt(r.redisMiB)} | ${kill} |`;
});
const failures = points
  .filter((p) => p.failed && p.result)
  .map(
    (p) =>
      `- ✗ ${p.processes} process${p.processes > 1 ? 'es' : ''}, ${p.widgets} widgets in ${p.teams} team${p.teams > 1 ? 's' : ''}, ${p.rate} events/s: ${(p.result.failed ?? []).join('; ')}.`,
  );
console.log([...rows, ...failures].join('\n'));

if (flags.doc) {
  const { renderSvg } = await tsImport('../src/cli/commands/report-charts.ts', import.meta.url);
  const data = points
    .filter((p) => p.result)
    .map((p) => ({
      shape: `${p.widgets} widgets, ${p.teams === 1 ? 'one team' : `${p.teams} teams`}`,
      order: shapes.findIndex((s) => s.widgets === p.widgets && s.teams === p.teams),
      processes: `${p.processes} process${p.processes > 1 ? 'es' : ''}`,
      rate: p.rate,
      p99: Math.max(0.1, p.result.p99Ms),
    }));
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'p99 ingest-to-widget latency against the event rate, by fleet size and shape',
    data: { values: data },
    facet: {
      column: { field: 'shape', type: 'nominal', title: null, sort: { field: 'order' } },
    },
    spec: {
      width: 220,
      height: 180,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'rate', type: 'quantitative', scale: { type: 'log' }, title: 'events/s' },
            y: {
              field: 'p99',
              type: 'quantitative',
              scale: { type: 'log' },
              title: 'p99 ingest→widget (ms)',
            },
            color: { field: 'processes', type: 'nominal', title: null },
          },
        },
        {
          mark: { type: 'rule', strokeDash: [4, 4], color: '#8a2d52' },
          encoding: { y: { datum: P99_LIMIT_MS } },
        },
      ],
    },
  });
  writeFileSync(join(ROOT, 'docs/fleet-p99.svg'), svg);
  const cores = cpus().length;
  const mem = Math.round(totalmem() / 2 ** 30);
  writeSection(
    'Fleet',
    `
\`node bench/fleet-sweep.mjs --seconds ${flags.seconds}\` (${new Date().toISOString().slice(0, 10)}; ${cores} cores, ${mem} GiB; everything on this one machine over loopback).
Each point is one \`node bench/load.mjs --storage redis --processes N --widgets W --teams T --rate R\`
in fresh processes: N \`serve\` processes (the built \`dist/cli.js\`) on one \`redis-server\`,
behind HAProxy 2.6 (Debian's package) with a health check on \`/healthz\`. ${
      flags.route === 'team'
        ? `It routes each widget by the \`team\` parameter of its URL (consistent hashing, bounded at
125 % of the average load), so a team's widgets share a process and only that process reads
the team's events, unless the team is too big for one; webhooks go round robin
(docs/realtime.md "The balancer").`
        : 'It routes round robin, so every process reads nearly every team.'
    } The widgets
and the webhooks go through HAProxy. Every widget runs the real socket transport. A series
stops at the first rate where p99 passes ${P99_LIMIT_MS} ms or a check fails (✗). With N > 1,
after the measured ${flags.seconds} s, the process holding the most widgets gets \`kill -9\`. The load then runs 10 s more,
and "back after kill -9" is the time until the last of its widgets is online again. The p99
of that window is in brackets.

![p99 ingest-to-widget latency against the event rate, one panel per shape, a line per fleet size; the dashed line is 100 ms](fleet-p99.svg)

| serve processes | widgets / teams | events/s | p50 / p99 ms | lost | duplicates applied | peak RSS per process (MiB) | CPU per process (cores) | teams read per process | load generator CPU (share) | Redis MiB | back after kill -9 |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

${failures.join('\n')}

"Lost" counts messages that the server acknowledged but that some widget of their team never
received. "Duplicates applied" counts messages a widget received twice (not counting a
webhook that was retried after its first attempt was stored; the engine drops that one by its
id). The load generator runs every widget in one Node process. Its CPU is part of every
latency figure.
`,
  );
  console.log('wrote the Fleet section of docs/performance.md and docs/fleet-p99.svg');
}
