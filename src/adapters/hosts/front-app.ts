// The Front sidebar plugin (dist/hosts/front/app.js): `@frontapp/plugin-sdk` 1.10.0, bundled in.
// Importing the SDK starts its handshake with the parent frame at once (its own
// `contextUpdates.pipe(take(1)).subscribe()` in dist/index.es.js); the adapter then follows
// the teammate's conversation and the shared shell docks the widget beside it. The team's
// settings are the plugin URL's query parameters (docs/integrations.md "Front: sidebar app").
import Front from '@frontapp/plugin-sdk';
import { bootHostApp } from './boot.ts';
import { createFrontAdapter } from './front.ts';

void bootHostApp(
  createFrontAdapter({
    sdk: Front,
    framed: window.parent !== window,
    url: window.location.href,
  }),
);
