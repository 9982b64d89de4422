// dist/chat-playbook.socket.js: the socket transport (socket.io-client inside), loaded by the
// script-tag bundle only when a widget uses `transport: { url, token }`
// (src/adapters/lazy-socket.ts). A classic script, so `script-src 'self'` allows it.
import { defineConfig } from 'vite';

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
      entry: 'src/socket-entry.ts',
      formats: ['iife'],
      // Required by Vite for IIFE output; unused because the entry has no exports.
      name: 'ChatPlaybookSocket',
      fileName: () => 'chat-playbook.socket.js',
    },
  },
});
