// The chunks the script-tag bundle loads on first use (src/adapters/chunks.ts), one classic
// script each (Vite builds one IIFE entry per run):
//   CHUNK=search      dist/chat-playbook.search.js      the search engine, also the search Worker
//   CHUNK=socket      dist/chat-playbook.socket.js      the socket transport (socket.io-client)
//   CHUNK=supervisor  dist/chat-playbook.supervisor.js  the supervisor's views (team settings)
//   CHUNK=reply       dist/chat-playbook.reply.js       the reply fill-in form
// The view chunks render inside the bundle's Preact tree, so they take Preact and signals
// from the bundle (src/adapters/lazy-view.ts puts them under RUNTIME_KEY) instead of
// carrying copies: each of those imports resolves to a module that reads the bundle's.
import { defineConfig, type Plugin } from 'vite';
import { RUNTIME_MODULES } from './src/adapters/lazy-view.ts';

const chunks = {
  search: 'src/search-entry.ts',
  socket: 'src/socket-entry.ts',
  supervisor: 'src/supervisor-entry.ts',
  reply: 'src/reply-entry.ts',
} as const;
const name = (process.env.CHUNK ?? '') as keyof typeof chunks;
if (!(name in chunks)) throw new Error(`CHUNK must be one of: ${Object.keys(chunks).join(', ')}`);

const PREFIX = '\0chat-playbook-runtime:';

function bundleRuntime(): Plugin {
  return {
    name: 'chat-playbook-bundle-runtime',
    enforce: 'pre',
    resolveId(id) {
      return id in RUNTIME_MODULES ? PREFIX + id : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const module = id.slice(PREFIX.length);
      // Only what the bundle hands over: importing anything else fails this build.
      const names = Object.keys(RUNTIME_MODULES[module]!);
      const from = `globalThis[Symbol.for('chat-playbook.runtime')][${JSON.stringify(module)}]`;
      return `const m = ${from};\nexport const { ${names.join(', ')} } = m;\n`;
    },
  };
}

export default defineConfig({
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  plugins: name === 'supervisor' || name === 'reply' ? [bundleRuntime()] : [],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    sourcemap: true,
    copyPublicDir: false,
    lib: {
      entry: chunks[name],
      formats: ['iife'],
      // Required by Vite for IIFE output; unused because the entry has no exports.
      name: `ChatPlaybook_${name}`,
      fileName: () => `chat-playbook.${name}.js`,
    },
  },
});
