// Every build of the project, one named build per Vite mode (`vite build --mode <name>`);
// `npm run build` runs them in order (build/build.mjs), then the host apps and the types.
//
//   cli         dist/cli.js (+ dist/cli/*.js, its commands loaded on use): the command line
//   widget      dist/chat-playbook.iife.js: the script-tag bundle, everything inside, no global
//   search      dist/chat-playbook.search.js: the search engine, also the search Worker
//   socket      dist/chat-playbook.socket.js: the socket transport (socket.io-client)
//   supervisor  dist/chat-playbook.supervisor.js: the supervisor's views (settings, report)
//   reply       dist/chat-playbook.reply.js: an SOP opened in full, the reply fill-in form
//   esm         dist/chat-playbook.js: the ESM API for bundlers, dependencies external
//   (default)   dist/demo: the demo helpdesk pages, and the dev/preview server of
//               `npm run demo` (src/server/demo.ts)
//
// The demo pages: `npm run demo` runs the dev server with the live page, demo/live.html, at
// `/` (the widget docked by the script tag on the socket transport, /socket.io and /v1
// proxied to the realtime server). The scripted local-transport page, index.html, loads the
// widget from its source entry (/src/embed.ts): `npm run demo -- --local`,
// `npm run build:demo` and the browser tests use it.
//
// Both servers send the strict policy of shared/spec/embed.md, plus the hashes of the pages'
// one inline script (the queue stub, kept inline exactly as embed.md shows it), so the demo
// proves the widget runs under it: no inline styles, no eval. The live page's socket is
// same-origin (proxied), so `default-src 'self'` covers it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };
import { RUNTIME_MODULES } from './src/adapters/lazy-view.ts';

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

/**
 * `virtual:demo-library`: the demo's SOP library built from demo/library/*.md here in Node,
 * as the CLI builds one, so the pages get JSON and not the Markdown and YAML parsers.
 */
function demoLibrary(): Plugin {
  const id = 'virtual:demo-library';
  let root = process.cwd();
  return {
    name: 'chat-playbook-demo-library',
    configResolved(config) {
      root = config.root;
    },
    resolveId(source) {
      return source === id ? `\0${id}` : null;
    },
    async load(resolved) {
      if (resolved !== `\0${id}`) return null;
      // Loaded here, not at the top: the other builds need no Markdown or YAML parser.
      const { buildLibrary } = await import('./demo/sop-library.ts');
      const dir = resolve(root, 'demo/library');
      const sources = readdirSync(dir).map((name) => {
        const path = join(dir, name);
        this.addWatchFile(path);
        return { file: `/demo/library/${name}`, text: readFileSync(path, 'utf8') };
      });
      return `export default ${JSON.stringify(buildLibrary(sources))};`;
    },
  };
}

/** Library builds write into dist/ beside each other: none may empty it. */
const LIBRARY = {
  outDir: 'dist',
  emptyOutDir: false,
  copyPublicDir: false,
  sourcemap: true,
} as const;
/** Library mode keeps process.env.* for the consumer; a classic script has no `process`. */
const PRODUCTION = { 'process.env.NODE_ENV': JSON.stringify('production') };
const PREACT_JSX = { jsx: { runtime: 'automatic', importSource: 'preact' } } as const;

/** The command line: one Node ESM file; dependencies stay external (npm installs them). */
const cli: UserConfig = {
  build: {
    ...LIBRARY,
    ssr: 'src/cli/bin.ts',
    target: 'node20',
    minify: false,
    rollupOptions: {
      output: {
        entryFileNames: 'cli.js',
        // Commands load on use (src/cli/main.ts): their files go in dist/cli/, which
        // build/build.mjs empties first so no stale chunk ships.
        chunkFileNames: 'cli/[name]-[hash].js',
        banner: '#!/usr/bin/env node',
      },
    },
  },
};

/**
 * The script-tag bundle: the widget and its dependencies in one minified classic script.
 * src/embed.ts exports nothing, so the bundle defines no global and never clobbers the
 * host's `ChatPlaybook` queue stub. Evergreen browsers (Chrome/Edge 94+, Firefox 93+,
 * Safari 15.4+): agent desktops.
 */
function classicScript(entry: string, file: string, name: string): UserConfig['build'] {
  return {
    ...LIBRARY,
    target: 'es2022',
    minify: true,
    // Required by Vite for IIFE output; unused because the entries have no exports.
    lib: { entry, formats: ['iife'], name, fileName: () => file },
  };
}

const widget: UserConfig = {
  define: PRODUCTION,
  build: classicScript('src/embed.ts', 'chat-playbook.iife.js', 'ChatPlaybookBundle'),
};

/**
 * The chunks the script-tag bundle loads on first use (src/adapters/chunks.ts). The view
 * chunks render inside the bundle's Preact tree, so they take Preact and signals from the
 * bundle (src/adapters/lazy-view.ts puts them under RUNTIME_KEY) instead of carrying copies:
 * each of those imports resolves to a module that reads the bundle's.
 */
const CHUNKS = {
  search: { entry: 'src/search-entry.ts', views: false },
  socket: { entry: 'src/socket-entry.ts', views: false },
  supervisor: { entry: 'src/supervisor-entry.ts', views: true },
  reply: { entry: 'src/reply-entry.ts', views: true },
} as const;

const RUNTIME_PREFIX = '\0chat-playbook-runtime:';

function bundleRuntime(): Plugin {
  return {
    name: 'chat-playbook-bundle-runtime',
    enforce: 'pre',
    resolveId(id) {
      return id in RUNTIME_MODULES ? RUNTIME_PREFIX + id : null;
    },
    load(id) {
      if (!id.startsWith(RUNTIME_PREFIX)) return null;
      const module = id.slice(RUNTIME_PREFIX.length);
      // Only what the bundle hands over: importing anything else fails this build.
      const names = Object.keys(RUNTIME_MODULES[module]!);
      const from = `globalThis[Symbol.for('chat-playbook.runtime')][${JSON.stringify(module)}]`;
      return `const m = ${from};\nexport const { ${names.join(', ')} } = m;\n`;
    },
  };
}

function chunk(name: keyof typeof CHUNKS): UserConfig {
  const { entry, views } = CHUNKS[name];
  return {
    define: PRODUCTION,
    plugins: views ? [bundleRuntime()] : [],
    oxc: PREACT_JSX,
    build: classicScript(entry, `chat-playbook.${name}.js`, `ChatPlaybook_${name}`),
  };
}

/** The ESM API: dependencies external, the consumer's bundler dedupes and tree-shakes them. */
const dependencies = Object.keys(pkg.dependencies ?? {});
const esm: UserConfig = {
  build: {
    ...LIBRARY,
    target: 'es2022',
    minify: false,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'chat-playbook.js' },
    rollupOptions: {
      external: (id) => dependencies.some((name) => id === name || id.startsWith(`${name}/`)),
    },
  },
};

/** The demo helpdesk pages (the default mode: `vite build`, `vite`, `vite preview`). */
const demo: UserConfig = {
  plugins: [strictCsp(), demoLibrary()],
  // tsconfig.json says so too; the dependency scanner needs it spelled out.
  oxc: PREACT_JSX,
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
};

/** The named builds, in the order `npm run build` runs them. */
export const BUILDS: Record<string, () => UserConfig> = {
  cli: () => cli,
  widget: () => widget,
  search: () => chunk('search'),
  socket: () => chunk('socket'),
  supervisor: () => chunk('supervisor'),
  reply: () => chunk('reply'),
  esm: () => esm,
};

export default defineConfig(({ mode }) => BUILDS[mode]?.() ?? demo);
