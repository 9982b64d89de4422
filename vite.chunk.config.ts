// The chunks the script-tag bundle loads on first use (src/adapters/chunks.ts), one classic
// script each (Vite builds one IIFE entry per run):
//   CHUNK=search  dist/chat-playbook.search.js  the search engine, also the search Worker
//   CHUNK=socket  dist/chat-playbook.socket.js  the socket transport (socket.io-client)
import { defineConfig } from 'vite';

const chunks = {
  search: 'src/search-entry.ts',
  socket: 'src/socket-entry.ts',
} as const;
const name = (process.env.CHUNK ?? '') as keyof typeof chunks;
if (!(name in chunks)) throw new Error(`CHUNK must be one of: ${Object.keys(chunks).join(', ')}`);

export default defineConfig({
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
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
