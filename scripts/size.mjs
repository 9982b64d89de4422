#!/usr/bin/env node
// Size budget of the script-tag bundle: prints the gzip size of dist/chat-playbook.iife.js
// against the budget and exits 1 above it (or when the bundle is missing: run `npm run build`).
// Above the budget, or with --why, it also lists what the bytes are, from the source map.
//   node scripts/size.mjs [file] [--budget-kib=40] [--why]
// The budget is in KiB (1,024 bytes), as the project's checks count it.
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const budgetArg = args.find((arg) => arg.startsWith('--budget-kib='));
const budgetKb = budgetArg ? Number(budgetArg.split('=')[1]) : 40;
const file = resolve(args.find((arg) => !arg.startsWith('--')) ?? 'dist/chat-playbook.iife.js');
const name = relative(process.cwd(), file) || file;

let source;
try {
  source = readFileSync(file);
} catch {
  console.error(`size: ${name} not found; run \`npm run build\` first`);
  process.exit(1);
}

const budget = budgetKb * 1024;
const gzip = gzipSync(source, { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const line = `${name}: ${kb(source.length)} raw, ${kb(gzip)} gzip; budget ${kb(budget)} gzip (${Math.round((gzip / budget) * 100)}%)`;
const over = gzip > budget;

if (over) console.error(`size: OVER BUDGET by ${kb(gzip - budget)}\n${line}`);
else console.log(`size: ok\n${line}`);
if (over || args.includes('--why')) breakdown();
process.exit(over ? 1 : 0);

/** Minified bytes per package / source folder, from the source map; gzip shares estimated. */
function breakdown() {
  const mapFile = `${file}.map`;
  if (!existsSync(mapFile)) return;
  const map = JSON.parse(readFileSync(mapFile, 'utf8'));
  const lines = source.toString('utf8').split('\n');
  const bytes = new Map();
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let sourceIndex = 0;
  map.mappings.split(';').forEach((mapped, row) => {
    let column = 0;
    const segments = [];
    for (const segment of mapped ? mapped.split(',') : []) {
      const values = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = B64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >> 1) : value >> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      if (values.length > 1) sourceIndex += values[1];
      segments.push([column, values.length > 1 ? map.sources[sourceIndex] : '(generated)']);
    }
    const length = lines[row]?.length ?? 0;
    segments.forEach(([start, src], i) => {
      const end = i + 1 < segments.length ? segments[i + 1][0] : length;
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(src)?.[1];
      const key = pkg ?? src.replace(/^(\.\.\/)+/, '').replace(/\/[^/]+$/, '/');
      bytes.set(key, (bytes.get(key) ?? 0) + end - start);
    });
  });
  const total = [...bytes.values()].reduce((a, b) => a + b, 0) || 1;
  const print = over ? console.error : console.log;
  print('\nwhere the bytes are (minified; gzip estimated by share):');
  for (const [key, size] of [...bytes].sort((a, b) => b[1] - a[1])) {
    if (size < 200) continue;
    print(`  ${kb(size).padStart(9)}  ~${kb((size / total) * gzip).padStart(8)} gz  ${key}`);
  }
}
