// The ESM build for bundlers, dist/chat-playbook.js (src/index.ts): dependencies stay
// external, the consumer's bundler dedupes and tree-shakes them. emptyOutDir is off so the
// CLI and the IIFE in dist/ stay.
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const dependencies = Object.keys(pkg.dependencies ?? {});
const external = (id: string): boolean =>
  dependencies.some((name) => id === name || id.startsWith(`${name}/`));

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    copyPublicDir: false,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'chat-playbook.js',
    },
    rollupOptions: { external },
  },
});
