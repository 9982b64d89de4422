// Real Chromium for the browser tests, through playwright-core and the system browser
// (never a browser download). Outside CI a missing /usr/bin/chromium skips these tests with a
// notice; in CI (CI=true) they run and fail loudly instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe } from 'vitest';
import { CHROMIUM, launchChromium } from '../../../scripts/chromium.mjs';
import { DIST } from './server.ts';

export { CHROMIUM };

const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
export const browserAvailable = existsSync(CHROMIUM);

if (!browserAvailable && !inCi) {
  console.warn(
    `\n[browser tests] SKIPPED: no Chromium at ${CHROMIUM}. Install it with ` +
      '`apt-get install -y chromium` (or set CHROMIUM_PATH). In CI (CI=true) they never skip.\n',
  );
}

/** `describe` that runs in CI and wherever Chromium is installed, and skips elsewhere. */
export const describeBrowser: typeof describe =
  browserAvailable || inCi ? describe : (describe.skip as typeof describe);

export const IIFE = join(DIST, 'chat-playbook.iife.js');

export function assertBuilt(): void {
  if (!existsSync(IIFE)) {
    throw new Error(`${IIFE} is missing: run \`npm run build\` before the browser tests`);
  }
}

export function launch(): Promise<Browser> {
  return launchChromium();
}

export interface Watched {
  page: Page;
  /** Uncaught exceptions in the page. */
  errors: string[];
  /** console.warn / console.error lines. */
  warnings: string[];
  /** `securitypolicyviolation` events and CSP console reports. */
  violations(): Promise<string[]>;
}

/** Records CSP violations from the first script on, before any page script runs. */
const RECORD_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
  }, true);
`;

export async function watch(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage();
  const errors: string[] = [];
  const warnings: string[] = [];
  const cspConsole: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    const text = msg.text();
    if (/content security policy/i.test(text)) cspConsole.push(text);
    if (msg.type() === 'warning' || msg.type() === 'error') warnings.push(text);
  });
  await page.addInitScript(RECORD_VIOLATIONS);
  return {
    page,
    errors,
    warnings,
    async violations() {
      const events = await page
        .evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)
        .catch(() => [] as string[]);
      return [...events, ...cspConsole];
    },
  };
}

/** An HTML page. `head`/`body` are raw markup; no inline styles or scripts unless a test wants them. */
export function html(parts: { head?: string; body?: string; title?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${parts.title ?? 'Chat Playbook test'}</title>
${parts.head ?? ''}
</head>
<body>
${parts.body ?? ''}
</body>
</html>`;
}

/** The queue stub from embed.md, as an external script (the strict CSP forbids inline ones). */
export const STUB = `window.ChatPlaybook = window.ChatPlaybook || function () {
  (window.ChatPlaybook.q = window.ChatPlaybook.q || []).push(arguments);
};`;

/** Events and log the page keeps for the test: window.__log, window.__events. */
export const RECORDER = `window.__log = window.__log || [];
window.__record = function (name) {
  return function (payload) { window.__log.push({ name: name, payload: payload, at: Date.now() }); };
};`;

export const ISO = (ms: number): string => new Date(ms).toISOString();
