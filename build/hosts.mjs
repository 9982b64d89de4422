#!/usr/bin/env node
// The helpdesk apps (docs/integrations.md "Sidebar apps"): for every host adapter entry
// src/adapters/hosts/<host>-app.ts, dist/hosts/<host>/ gets the page the helpdesk loads in
// its sidebar iframe: index.html (the queue stub, the app and the widget's script tag, under
// a strict Content-Security-Policy), app.js (the adapter and the host's SDK, one classic
// script), app.css, and the widget's bundle and chunks beside them. Runs after the widget
// build (`npm run build`).
//   node build/hosts.mjs [host…]
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const ENTRIES = join(ROOT, 'src/adapters/hosts');
const WIDGET_FILES = [
  'chat-playbook.iife.js',
  'chat-playbook.search.js',
  'chat-playbook.socket.js',
  'chat-playbook.supervisor.js',
  'chat-playbook.reply.js',
];

/** The queue stub of shared/spec/embed.md, as a file (no inline script under the CSP). */
const STUB = `window.ChatPlaybook = window.ChatPlaybook || function () {
  (window.ChatPlaybook.q = window.ChatPlaybook.q || []).push(arguments);
};
`;

/**
 * The page's policy: its own files only. The SOP library and the optional serve URL are the
 * team's own HTTPS origins, known only from the app's settings, hence https:/wss: for
 * connections and nothing else; a host that needs more (its SDK's origin) adds it.
 */
export function hostCsp(extra = {}) {
  const connect = ["'self'", 'https:', 'wss:', ...(extra.connect ?? [])];
  const script = ["'self'", ...(extra.script ?? [])];
  return [
    "default-src 'self'",
    `script-src ${script.join(' ')}`,
    "style-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // Trusted Types unless the host's SDK writes HTML itself (its app.json says so).
    ...(extra.trustedTypes === false
      ? []
      : [
          "require-trusted-types-for 'script'",
          `trusted-types ${['chat-playbook', ...(extra.policies ?? [])].join(' ')}`,
        ]),
  ].join('; ');
}

function page(title, csp) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta http-equiv="Content-Security-Policy" content="${csp}" />
    <title>${title}</title>
    <link rel="stylesheet" href="app.css" />
  </head>
  <body>
    <main id="playbook" aria-label="Chat Playbook"></main>
    <script src="stub.js"></script>
    <script src="app.js"></script>
    <script async src="chat-playbook.iife.js"></script>
  </body>
</html>
`;
}

const wanted = process.argv.slice(2);
const hosts = readdirSync(ENTRIES)
  .map((name) => /^([a-z]+)-app\.ts$/.exec(name)?.[1])
  .filter((host) => host && (wanted.length === 0 || wanted.includes(host)));

for (const file of WIDGET_FILES) {
  if (!existsSync(join(DIST, file))) {
    console.error(`build/hosts: dist/${file} is missing: run the widget build first`);
    process.exit(1);
  }
}

for (const host of hosts) {
  const out = join(DIST, 'hosts', host);
  mkdirSync(out, { recursive: true });
  await build({
    configFile: false,
    logLevel: 'warn',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir: out,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      lib: {
        entry: join(ENTRIES, `${host}-app.ts`),
        formats: ['iife'],
        name: `ChatPlaybookHost_${host}`,
        fileName: () => 'app.js',
      },
    },
  });
  // A host may declare what its page needs beyond its own files (e.g. an SDK origin).
  const metaFile = join(ENTRIES, `${host}-app.json`);
  const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : {};
  writeFileSync(join(out, 'index.html'), page(meta.title ?? 'Chat Playbook', hostCsp(meta.csp)));
  writeFileSync(join(out, 'stub.js'), STUB);
  copyFileSync(join(ROOT, 'hosts/app.css'), join(out, 'app.css'));
  for (const file of WIDGET_FILES) copyFileSync(join(DIST, file), join(out, file));
  console.log(`dist/hosts/${host}/: index.html, app.js, the widget and its chunks`);
}
