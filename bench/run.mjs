// npm run bench: every benchmark in turn, each in its own process so figures do not mix.
// Each writes its own section of docs/performance.md. Pass names to run a subset:
//   npm run bench -- audit search
// The fleet sweep (about 25 minutes: 3 fleet sizes × 3 shapes × rising rates) runs only
// when named: npm run bench -- fleet
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  { name: 'audit', args: ['--import', 'tsx', 'bench/audit.ts'] },
  { name: 'search', args: ['--expose-gc', 'bench/search.mjs'] },
  { name: 'widget', args: ['--import', 'tsx', 'bench/widget.ts'] },
  { name: 'load', args: ['bench/load.mjs'] },
  { name: 'connectors', args: ['--import', 'tsx', 'bench/connectors.ts'] },
  { name: 'report', args: ['bench/report.mjs'] },
  { name: 'fleet', args: ['bench/fleet-sweep.mjs'], onlyWhenNamed: true },
];

const wanted = process.argv.slice(2);
let failed = 0;
for (const bench of benches) {
  if (wanted.length > 0 ? !wanted.includes(bench.name) : bench.onlyWhenNamed) continue;
  const script = bench.args.find((a) => a.startsWith('bench/'));
  if (!existsSync(script)) {
    console.log(`\n— ${bench.name}: ${script} not present, skipped`);
    continue;
  }
  console.log(`\n— ${bench.name} (${script})`);
  const run = spawnSync(process.execPath, bench.args, { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    console.error(`${bench.name} failed with exit code ${run.status}`);
  }
}
console.log('\nFigures written to docs/performance.md');
process.exitCode = failed > 0 ? 1 : 0;
