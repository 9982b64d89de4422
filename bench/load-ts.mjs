// Imports a TypeScript module of this repo from a plain Node script, through Vite's module
// runner (Vite is already a dev dependency; no tsx needed). Paths are relative to the repo.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function loadTs(path) {
  const { module } = await runnerImport(resolve(root, path), {
    root,
    configFile: false,
    logLevel: 'silent',
  });
  return module;
}
