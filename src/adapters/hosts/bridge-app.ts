// The generic bridge's app (dist/hosts/bridge/app.js): any helpdesk page embeds
// dist/hosts/bridge/index.html?origins=<its exact origin> in an iframe and speaks the
// versioned postMessage protocol of docs/integrations.md ("Sidebar app: any other host").
// No SDK and nothing beyond the app's own files, so the page keeps the default strict CSP
// (no bridge-app.json). Problems with the host's messages are logged once per kind here and
// posted to the host page as `error` messages by the adapter.
import { bootHostApp } from './boot.ts';
import { createBridgeAdapter } from './bridge.ts';

void bootHostApp(
  createBridgeAdapter({
    win: window,
    report: (_kind, message) => console.info(`[chat-playbook] bridge: ${message}`),
  }),
);
