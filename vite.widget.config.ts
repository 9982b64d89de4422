// The script-tag bundle, dist/chat-playbook.iife.js: the widget and all its dependencies in
// one minified classic script (shared/spec/embed.md). src/embed.ts exports nothing, so the
// bundle defines no global and never clobbers the host's `ChatPlaybook` queue stub.
// `npm run build` runs this after the CLI build; emptyOutDir is off so dist/cli.js stays.
import { defineConfig } from 'vite';

export default defineConfig({
  // Library mode keeps process.env.* for the consumer; a classic script has no `process`.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    // Evergreen browsers (Chrome/Edge 94+, Firefox 93+, Safari 15.4+): agent desktops.
    target: 'es2022',
    minify: true,
    sourcemap: true,
    copyPublicDir: false,
    lib: {
      entry: 'src/embed.ts',
      formats: ['iife'],
      // Required by Vite for IIFE output; unused because the entry has no exports.
      name: 'ChatPlaybookBundle',
      fileName: () => 'chat-playbook.iife.js',
    },
  },
});
