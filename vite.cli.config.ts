// Builds the command line (audit, search, eval, build-index, check-library, serve, token)
// into one Node ESM file, dist/cli.js. Dependencies stay external: npm installs them.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: 'src/cli/bin.ts',
    outDir: 'dist',
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      output: { entryFileNames: 'cli.js', banner: '#!/usr/bin/env node' },
    },
  },
});
