// Test pages built from the embed.md contract: the queue stub, an init with the demo library
// (by URL) and `transport: 'local'`, and the bundle's script tag in the order a test needs.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { html, RECORDER, STUB } from './browser.ts';
import type { TestServer } from './server.ts';

export const AGENT = { id: 'a-3', name: 'Sam' };

/**
 * The setup script most pages run (external, for the strict CSP): subscribes to every event,
 * queues an event *before* `init` (replay runs `init` first), then init, more events and focus.
 */
export function setupScript(
  options: { target?: string; chatId?: string; extra?: string; library?: string } = {},
) {
  const chatId = options.chatId ?? 'c-1';
  return `${RECORDER}
window.__loadedFirst = typeof window.ChatPlaybook === 'function' && window.ChatPlaybook.loaded === true;
ChatPlaybook('on', 'ready', __record('ready'));
ChatPlaybook('on', 'error', __record('error'));
ChatPlaybook('on', 'clock', __record('clock'));
var now = Date.now();
ChatPlaybook('event', { type: 'chat.started', chatId: ${JSON.stringify(chatId)}, at: now - 10000,
  customer: { id: 'u-1', name: 'Maya Okafor', tier: 'standard' }, channel: 'web', caseRef: 'CS-1' });
ChatPlaybook('init', {
  target: ${JSON.stringify(options.target ?? '#playbook')},
  agent: ${JSON.stringify(AGENT)},
  role: 'agent',
  library: ${JSON.stringify(options.library ?? '/fixtures/library.json')},
  transport: 'local'
});
ChatPlaybook('events', [
  { type: 'message', chatId: ${JSON.stringify(chatId)}, id: 'm1', at: now - 8000, author: 'customer',
    text: 'Hi, my order was supposed to arrive yesterday and it still has not come' }
]);
ChatPlaybook('focus', ${JSON.stringify(chatId)});
${options.extra ?? ''}
`;
}

export const BUNDLE = '/dist/chat-playbook.iife.js';

/** A helpdesk-like page: a sidebar target and whatever scripts `scripts` holds, in order. */
export function helpdeskPage(scripts: string, options: { targetLast?: boolean } = {}): string {
  const target = '<aside id="playbook" aria-label="Chat Playbook"></aside>';
  return html({
    body: `<main id="helpdesk"><h1>Helpdesk</h1><textarea id="composer" aria-label="Reply"></textarea></main>
${options.targetLast ? '' : target}
${scripts}
${options.targetLast ? target : ''}`,
  });
}

/**
 * A setup script for a page: the recorder, the named widget events recorded, `init` with the
 * test agent, the local transport and `options`, then `then` (events, focus, commands).
 */
export function initScript(
  options: Record<string, unknown> = {},
  then = '',
  record: string[] = ['ready', 'error'],
): string {
  const init = { target: '#playbook', agent: AGENT, role: 'agent', transport: 'local', ...options };
  return `${RECORDER}
${record.map((name) => `ChatPlaybook('on', '${name}', __record('${name}'));`).join('\n')}
ChatPlaybook('init', ${JSON.stringify(init)});
${then}`;
}

/** A helpdesk page at /pages/<name>.html running `setup` before the bundle; returns its URL. */
export function widgetPage(server: TestServer, name: string, setup: string): string {
  return registerPage(
    server,
    name,
    (p) =>
      `<script src="${p.stub}"></script><script src="${p.setup}"></script><script async src="${BUNDLE}"></script>`,
    { setup },
  );
}

/** Registers the stub, recorder-backed setup and a page; returns the page URL. */
export function registerPage(
  server: TestServer,
  name: string,
  scripts: (paths: { stub: string; setup: string }) => string,
  options: { setup?: string; targetLast?: boolean } = {},
): string {
  const stub = `/pages/${name}-stub.js`;
  const setup = `/pages/${name}-setup.js`;
  server.add(`${name}-stub.js`, STUB);
  server.add(`${name}-setup.js`, options.setup ?? setupScript());
  return server.add(
    `${name}.html`,
    helpdeskPage(scripts({ stub, setup }), { targetLast: options.targetLast }),
  );
}

export interface LogEntry {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads as the page saw them
  payload: any;
  at: number;
}

export async function log(page: Page, name?: string): Promise<LogEntry[]> {
  const entries = await page.evaluate(
    () => (window as unknown as { __log?: LogEntry[] }).__log ?? [],
  );
  return name ? entries.filter((entry) => entry.name === name) : entries;
}

export async function waitForReady(page: Page, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    () =>
      ((window as unknown as { __log?: LogEntry[] }).__log ?? []).some((e) => e.name === 'ready'),
    undefined,
    { timeout },
  );
}

/** Waits until the shadow root of `host` has an element matching `selector`. */
export async function waitInShadow(
  page: Page,
  selector: string,
  options: { host?: string; timeout?: number } = {},
): Promise<void> {
  await page.waitForFunction(
    ([host, sel]) => Boolean(document.querySelector(host!)?.shadowRoot?.querySelector(sel!)),
    [options.host ?? '#playbook', selector],
    { timeout: options.timeout ?? 10_000 },
  );
}

export async function countInShadow(page: Page, selector: string, host = '#playbook') {
  return page.evaluate(
    ([h, sel]) => document.querySelector(h!)?.shadowRoot?.querySelectorAll(sel!).length ?? -1,
    [host, selector],
  );
}

/** The element focused inside the widget's shadow root, described for assertions. */
export async function shadowFocus(page: Page, host = '#playbook') {
  return page.evaluate((h) => {
    const active = document.querySelector(h)?.shadowRoot?.activeElement as HTMLElement | null;
    if (!active) return null;
    const attrs: Record<string, string> = {};
    for (const attr of Array.from(active.attributes)) attrs[attr.name] = attr.value;
    return { tag: active.tagName.toLowerCase(), attrs, text: active.textContent ?? '' };
  }, host);
}

export function expectNoErrors(entries: LogEntry[]): void {
  expect(entries.filter((entry) => entry.name === 'error').map((e) => e.payload)).toEqual([]);
}
