// The Chatwoot dashboard app (dist/hosts/chatwoot/): the adapter on the page's own window and
// its parent (Chatwoot's conversation view), settings from the app URL's query. Chatwoot has
// no SDK package: the adapter speaks Frame.vue's postMessage protocol itself (chatwoot.ts).
import { bootHostApp } from './boot.ts';
import { createChatwootAdapter } from './chatwoot.ts';

const framed = window.parent !== window;
void bootHostApp(
  createChatwootAdapter({
    win: window,
    parent: framed ? window.parent : null,
    href: window.location.href,
  }),
);
