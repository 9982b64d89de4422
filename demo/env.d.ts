/// <reference types="vite/client" />

/** The demo SOP library (demo/library/*.md), built in Node by vite.config.ts's plugin. */
declare module 'virtual:demo-library' {
  const built: import('./sop-library.ts').LibraryBuild;
  export default built;
}
