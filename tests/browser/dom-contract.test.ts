// The DOM contract of shared/spec/embed.md inside the open shadow root, under the strict CSP,
// and the widget's immunity to hostile host CSS.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  assertBuilt,
  describeBrowser,
  launch,
  RECORDER,
  STUB,
  type Watched,
  watch,
} from './support/browser.ts';
import { CHATS, command, EXPECTED_STATES, sendTimed } from './support/chats.ts';
import {
  AGENT,
  BUNDLE,
  expectNoErrors,
  helpdeskPage,
  log,
  waitForReady,
  waitInShadow,
} from './support/pages.ts';
import { startServer, type TestServer } from './support/server.ts';

const SETUP = `${RECORDER}
ChatPlaybook('on', 'ready', __record('ready'));
ChatPlaybook('on', 'error', __record('error'));
ChatPlaybook('on', 'clock', __record('clock'));
ChatPlaybook('on', 'reply', __record('reply'));
ChatPlaybook('init', { target: '#playbook', agent: ${JSON.stringify(AGENT)}, role: 'agent',
  library: '/fixtures/library.json', transport: 'local' });`;

const HOSTILE_CSS = `
* { display: none !important; color: red !important; background: lime !important;
  font: italic 900 40px/5 "Comic Sans MS", cursive !important; letter-spacing: 9px !important;
  text-transform: uppercase !important; margin: 37px !important; padding: 23px !important;
  border: 5px dashed magenta !important; visibility: hidden !important; opacity: .3 !important;
  box-sizing: content-box !important; transform: rotate(3deg) !important;
  direction: rtl !important; text-align: right !important; white-space: pre !important;
  cursor: wait !important; word-spacing: 20px !important; text-indent: 30px !important;
  text-shadow: 2px 2px red !important; font-variant: small-caps !important; }
div, span, button, input, section, ul, li, p, h1, h2, h3, label { all: unset !important; }
[data-cp-chat], [data-cp-clock], [data-cp-check], [data-cp-suggestion], [data-cp-reply] {
  display: none !important; }
:root { --cp-fg: red; --cp-bg: lime; }
`;

/** Computed styles compared between a plain and a hostile host page. */
const PROPS = [
  'display',
  'visibility',
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'font-variant-caps',
  'line-height',
  'letter-spacing',
  'word-spacing',
  'text-transform',
  'text-align',
  'text-indent',
  'text-shadow',
  'white-space',
  'direction',
  'cursor',
  'margin-top',
  'margin-left',
  'padding-top',
  'padding-left',
  'border-top-style',
  'border-top-width',
  'box-sizing',
  'opacity',
  'transform',
];

describeBrowser('embed: DOM contract, CSP and host isolation', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let w: Watched;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    server.add('stub.js', STUB);
    server.add('setup.js', SETUP);
    server.add('hostile.css', HOSTILE_CSS);
    const scripts = `<script src="/pages/stub.js"></script><script src="/pages/setup.js"></script><script async src="${BUNDLE}"></script>`;
    server.add('contract.html', helpdeskPage(scripts));
    server.add(
      'hostile.html',
      helpdeskPage(`<link rel="stylesheet" href="/pages/hostile.css">${scripts}`),
    );
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    w = await watch(context);
  });
  afterEach(async () => {
    await context.close();
  });

  async function open(page: Page, name: string): Promise<void> {
    await page.goto(`${server.origin}/pages/${name}`);
    await waitForReady(page);
    await sendTimed(page, CHATS);
    await command(page, 'focus', 'c-ok');
    await waitInShadow(page, '[data-cp-chat="c-closed"]');
    await waitInShadow(page, '[data-cp-suggestion] [data-cp-reply]');
  }

  it('renders the contract selectors inside an open shadow root with no CSP violations', async () => {
    const { page } = w;
    await open(page, 'contract.html');
    const dom = await page.evaluate(() => {
      const host = document.querySelector('#playbook')!;
      const root = host.shadowRoot!;
      const chats = Array.from(root.querySelectorAll('[data-cp-chat]')).map((chat) => ({
        id: chat.getAttribute('data-cp-chat'),
        clocks: Array.from(chat.querySelectorAll('[data-cp-clock]')).map((clock) => ({
          clock: clock.getAttribute('data-cp-clock'),
          state: clock.getAttribute('data-cp-state'),
          text: (clock.textContent ?? '').trim(),
        })),
      }));
      return {
        lightChildren: host.childNodes.length,
        styleElements:
          root.querySelectorAll('style').length + document.querySelectorAll('style').length,
        styleAttributes: root.querySelectorAll('[style]').length,
        adopted: root.adoptedStyleSheets.length,
        chats,
        checks: Array.from(root.querySelectorAll('[data-cp-check]')).map((el) => ({
          id: el.getAttribute('data-cp-check'),
          checked: el.getAttribute('aria-checked'),
        })),
        suggestions: Array.from(root.querySelectorAll('[data-cp-suggestion]')).map((el) => ({
          id: el.getAttribute('data-cp-suggestion'),
          replies: Array.from(el.querySelectorAll('[data-cp-reply]')).map((r) =>
            r.getAttribute('data-cp-reply'),
          ),
        })),
        liveRegions: Array.from(root.querySelectorAll('[aria-live]')).map((el) =>
          el.getAttribute('aria-live'),
        ),
      };
    });

    expect(dom.styleElements).toBe(0);
    expect(dom.styleAttributes).toBe(0);
    expect(dom.adopted).toBeGreaterThan(0);
    const ids = dom.chats.map((chat) => chat.id).sort();
    expect(ids).toEqual(Object.keys(EXPECTED_STATES).sort());
    for (const chat of dom.chats) {
      const byName = Object.fromEntries(chat.clocks.map((c) => [c.clock, c]));
      expect(Object.keys(byName).sort(), chat.id!).toEqual(['firstResponse', 'gap']);
      const [first, gap] = EXPECTED_STATES[chat.id!]!;
      expect(byName.firstResponse!.state, `${chat.id} firstResponse`).toBe(first);
      expect(byName.gap!.state, `${chat.id} gap`).toBe(gap);
      for (const clock of chat.clocks)
        expect(clock.text, `${chat.id} ${clock.clock}`).toMatch(/(?<!\d)\d+:[0-5]\d(?!\d)/);
    }
    const check = (id: string) => dom.checks.find((c) => c.id === id);
    for (const id of [
      'greet',
      'restate',
      'history',
      'snippet',
      'expectations',
      'resolve',
      'anything-else',
      'close',
      'log',
      'qa',
    ]) {
      expect(check(id), id).toBeDefined();
      expect(['true', 'false', 'mixed']).toContain(check(id)!.checked);
    }
    expect(dom.suggestions.length).toBeGreaterThan(0);
    // "my order … still hasn't come / where is my parcel": the shipping-delay SOP ranks first.
    expect(dom.suggestions[0]!.id).toBe('CS-SH-001');
    expect(dom.suggestions[0]!.replies.length).toBeGreaterThan(0);
    expect(dom.liveRegions.some((v) => v === 'polite' || v === 'assertive')).toBe(true);

    expectNoErrors(await log(page));
    expect(w.errors).toEqual([]);
    expect(await w.violations()).toEqual([]);
  });

  it('shows m:ss clock times that follow the events', async () => {
    const { page } = w;
    await open(page, 'contract.html');
    const text = await page.evaluate(() =>
      document
        .querySelector('#playbook')!
        .shadowRoot!.querySelector('[data-cp-chat="c-breach"] [data-cp-clock="firstResponse"]')!
        .textContent!.trim(),
    );
    // Started 45 s before it was sent: 0:44 (a frame rendered just before) and up on screen.
    expect(text).toMatch(/0:(4[4-9]|5\d)/);
  });

  it('fires clock events on state changes while time passes', async () => {
    const { page } = w;
    await page.goto(`${server.origin}/pages/contract.html`);
    await waitForReady(page);
    await sendTimed(page, [
      {
        t: -19,
        event: { type: 'chat.started', chatId: 'c-soon', customer: { name: 'Ana Silva' } },
      },
    ]);
    await page.waitForFunction(
      () =>
        (
          window as unknown as {
            __log: Array<{ name: string; payload: { chatId: string; state: string } }>;
          }
        ).__log.some(
          (e) =>
            e.name === 'clock' && e.payload.chatId === 'c-soon' && e.payload.state === 'warning',
        ),
      undefined,
      { timeout: 5_000 },
    );
    const clock = (await log(page, 'clock')).find((e) => e.payload.state === 'warning')!.payload;
    expect(clock).toEqual({ chatId: 'c-soon', clock: 'firstResponse', state: 'warning' });
    await page.waitForFunction(
      () =>
        document
          .querySelector('#playbook')
          ?.shadowRoot?.querySelector('[data-cp-chat="c-soon"] [data-cp-clock="firstResponse"]')
          ?.getAttribute('data-cp-state') === 'warning',
    );
  });

  it('looks the same under hostile host CSS', async () => {
    const snapshot = async (page: Page) =>
      page.evaluate((props) => {
        const root = document.querySelector('#playbook')!.shadowRoot!;
        return Array.from(root.querySelectorAll('*')).map((el) => {
          const style = getComputedStyle(el);
          const attrs = [
            'data-cp-chat',
            'data-cp-clock',
            'data-cp-check',
            'data-cp-suggestion',
            'data-cp-reply',
          ]
            .map((a) => (el.hasAttribute(a) ? `[${a}=${el.getAttribute(a)}]` : ''))
            .join('');
          return {
            el: `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}${attrs}`,
            style: Object.fromEntries(props.map((p) => [p, style.getPropertyValue(p)])),
          };
        });
      }, PROPS);

    await open(w.page, 'contract.html');
    const plain = await snapshot(w.page);
    const hostileContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const h = await watch(hostileContext);
      await open(h.page, 'hostile.html');
      // The host's own elements did take the hostile styles (the check is live).
      expect(
        await h.page.evaluate(() => getComputedStyle(document.querySelector('#helpdesk')!).display),
      ).toBe('none');
      const hostile = await snapshot(h.page);
      expect(hostile.map((e) => e.el)).toEqual(plain.map((e) => e.el));
      const differences: string[] = [];
      hostile.forEach((entry, i) => {
        for (const prop of PROPS) {
          const want = plain[i]!.style[prop];
          const got = entry.style[prop];
          if (want !== got) differences.push(`${entry.el} ${prop}: ${want} → ${got}`);
        }
      });
      expect(differences.slice(0, 20)).toEqual([]);
      expect(await h.violations()).toEqual([]);
    } finally {
      await hostileContext.close();
    }
  });
});
