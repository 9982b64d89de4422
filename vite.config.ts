// The demo helpdesk pages (demo/): `npm run demo` (scripts/demo.mjs → src/server/demo.ts) runs
// this dev server with the live page, demo/live.html, at `/` (the widget docked by the script
// tag on the socket transport, /socket.io and /v1 proxied to the realtime server). The
// scripted local-transport page, index.html, loads the widget from its source entry
// (/src/embed.ts): `npm run demo -- --local`, `npm run build:demo` (dist/demo) and the
// browser tests use it. The widget library builds live in vite.widget.config.ts (IIFE),
// vite.socket.config.ts and vite.esm.config.ts.
//
// Both servers send the strict policy of shared/spec/embed.md, plus the hashes of the pages'
// one inline script (the queue stub, kept inline exactly as embed.md shows it), so the demo
// proves the widget runs under it: no inline styles, no eval. The live page's socket is
// same-origin (proxied), so `default-src 'self'` covers it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/** `default-src 'self'; style-src 'self'; script-src 'self' 'sha256-…'` for `html`. */
export function demoCsp(html: string): string {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
  return `default-src 'self'; style-src 'self'; script-src 'self' ${[...new Set(hashes)].join(' ')}`.trim();
}

function strictCsp(): Plugin {
  const use =
    (htmlFiles: () => string[]) =>
    (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
      const pages = htmlFiles()
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file, 'utf8'));
      // No page built yet: nothing to protect.
      if (pages.length > 0) res.setHeader('Content-Security-Policy', demoCsp(pages.join('\n')));
      next();
    };
  let outDir = 'dist/demo';
  return {
    name: 'chat-playbook-demo-csp',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(
        use(() => ['index.html', 'demo/live.html'].map((f) => resolve(server.config.root, f))),
      );
    },
    configurePreviewServer(server) {
      server.middlewares.use(
        use(() => ['index.html', 'demo/live.html'].map((f) => resolve(outDir, f))),
      );
    },
  };
}

export default defineConfig({
  plugins: [strictCsp()],
  // tsconfig.json says so too; the dependency scanner needs it spelled out.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The dependency scanner of the dev server reads the pages' scripts with its own options.
  optimizeDeps: {
    entries: ['index.html', 'demo/live.html'],
    rolldownOptions: { transform: { jsx: { runtime: 'automatic', importSource: 'preact' } } },
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  // The live demo serves only this build (and dist/'s bundles): never the sources, the
  // package files or the demo's stored event log, so no source maps either.
  appType: 'mpa',
  build: {
    outDir: 'dist/demo',
    emptyOutDir: true,
    // No inlined assets: data: URLs would need `img-src data:` under the strict policy.
    assetsInlineLimit: 0,
    sourcemap: false,
    rollupOptions: {
      input: { index: 'index.html', live: 'demo/live.html', settings: 'demo/settings.html' },
    },
  },
});
