#!/usr/bin/env node
// `npm run build`: every named build of vite.config.ts in order, in one process, then the
// helpdesk apps (build/hosts.mjs) and the ESM API's TypeScript declarations (dist/types).
//   node build/build.mjs [name…]   only these builds (e.g. `cli widget`); no hosts or types
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
const ORDER = ['cli', 'widget', 'search', 'socket', 'supervisor', 'reply', 'esm', 'demo'];
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!ORDER.includes(name)) {
    console.error(`build: unknown build '${name}' (${ORDER.join(', ')})`);
    process.exit(2);
  }
}
const names = wanted.length > 0 ? wanted : ORDER;

const started = performance.now();
for (const name of names) {
  // The CLI's command chunks are content-hashed: drop the previous build's.
  if (name === 'cli') rmSync(join(ROOT, 'dist/cli'), { recursive: true, force: true });
  process.stdout.write(`build ${name}…\n`);
  await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    mode: name === 'demo' ? 'production' : name,
    logLevel: 'warn',
  });
}
if (wanted.length === 0) {
  execFileSync(process.execPath, [join(ROOT, 'build/hosts.mjs')], { stdio: 'inherit' });
  process.stdout.write('build types…\n');
  rmSync(join(ROOT, 'dist/types'), { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'build/tsconfig.types.json')],
    {
      stdio: 'inherit',
    },
  );
}
console.log(`built ${names.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
