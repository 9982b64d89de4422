// The Zendesk Support ticket sidebar app (dist/hosts/zendesk/app.js; packaged by
// `npm run package:zendesk`): the Zendesk App Framework SDK (zendesk_app_framework_sdk 2.0.11,
// bundled here) and the adapter, docked by the shared boot shell. The SDK speaks postMessage
// with the Zendesk page only: no network, no HTML of its own, so the page keeps the default
// strict CSP (no zendesk-app.json).
// @ts-expect-error: the SDK ships no type declarations; its shape is `ZafSdk` below.
import ZAFClient from 'zendesk_app_framework_sdk';
import { bootHostApp } from './boot.ts';
import { createZendeskAdapter, type ZafClient } from './zendesk.ts';

/** lib/index.js: `ZAFClient.init([callback])` returns a Client, or false outside Zendesk. */
interface ZafSdk {
  init(): ZafClient | false;
}

const sdk = ZAFClient as ZafSdk;

void bootHostApp(createZendeskAdapter({ init: () => sdk.init(), win: window }));
