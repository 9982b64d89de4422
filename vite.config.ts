// The demo helpdesk (index.html + demo/): `npm run demo` serves it on 127.0.0.1 with the widget
// loaded from its source entry (/src/embed.ts), so a fresh clone needs no build first.
// `npm run build:demo` writes it to dist/demo (scripts/screenshots.mjs serves that).
// The widget library builds live in vite.widget.config.ts (IIFE) and vite.esm.config.ts.
//
// Both servers send the strict policy of shared/spec/embed.md, plus the hash of the page's
// one inline script (the queue stub, kept inline exactly as embed.md shows it), so the demo
// proves the widget runs under it: no inline styles, no eval.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/** `default-src 'self'; style-src 'self'; script-src 'self' 'sha256-…'` for `html`. */
export function demoCsp(html: string): string {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
  return `default-src 'self'; style-src 'self'; script-src 'self' ${hashes.join(' ')}`.trim();
}

function strictCsp(): Plugin {
  const use =
    (htmlFile: () => string) =>
    (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
      try {
        res.setHeader('Content-Security-Policy', demoCsp(readFileSync(htmlFile(), 'utf8')));
      } catch {
        // no page built yet: nothing to protect
      }
      next();
    };
  let outDir = 'dist/demo';
  return {
    name: 'chat-playbook-demo-csp',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(use(() => resolve(server.config.root, 'index.html')));
    },
    configurePreviewServer(server) {
      server.middlewares.use(use(() => resolve(outDir, 'index.html')));
    },
  };
}

export default defineConfig({
  plugins: [strictCsp()],
  // tsconfig.json says so too; the dependency scanner needs it spelled out.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: {
    outDir: 'dist/demo',
    emptyOutDir: true,
    // No inlined assets: data: URLs would need `img-src data:` under the strict policy.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
