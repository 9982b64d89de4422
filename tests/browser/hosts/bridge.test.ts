// The generic postMessage bridge in real Chromium, as a helpdesk would run it: the built app
// page (dist/hosts/bridge/index.html, under its own strict CSP and Trusted Types) in an iframe
// of a parent page on another origin that plays the host. There is no SDK: the parent speaks
// the bridge protocol documented in docs/integrations/bridge-app.md ("Messages"), whose
// shapes the app checks in src/adapters/hosts/bridge.ts (createBridgeAdapter → onMessage,
// handle): hello → ready, then context, events and focus; the app answers with reply and
// error, always to the parent's exact origin.
// Three origins (three static servers): the app's, an allowed helpdesk's, and one that is
// not allowed (a parent of its own, and a nested frame inside the allowed helpdesk).
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  assertBuilt,
  describeBrowser,
  html,
  launch,
  type Watched,
  watch,
} from '../support/browser.ts';
import { startServer, type TestServer } from '../support/server.ts';

const XSS = '<img src=x onerror=window.__xss=1>';

/**
 * The parent page's script: it frames the app with the allowlist in the app's URL, says
 * hello on load (as docs/integrations/bridge-app.md tells a host to), records what the app
 * posts, and puts a `reply` into its composer (a textarea, by value: never as markup).
 */
function parentScript(appOrigin: string, appUrl: string, withEvilFrame?: string): string {
  return `var APP_ORIGIN = ${JSON.stringify(appOrigin)};
window.__got = [];
var composer = document.getElementById('composer');
var frame = document.createElement('iframe');
frame.id = 'app';
frame.title = 'Chat Playbook';
frame.src = ${JSON.stringify(appUrl)};
function send(message) { frame.contentWindow.postMessage(message, APP_ORIGIN); }
window.__send = send;
frame.addEventListener('load', function () { window.__loaded = true; send({ playbook: 1, type: 'hello' }); });
window.addEventListener('message', function (e) {
  if (e.source !== frame.contentWindow) return;
  window.__got.push({ origin: e.origin, data: e.data });
  if (e.origin !== APP_ORIGIN) return;
  var m = e.data;
  if (m && m.playbook === 1 && m.type === 'reply' && typeof m.text === 'string') composer.value = m.text;
});
document.body.appendChild(frame);
${
  withEvilFrame
    ? `var evil = document.createElement('iframe');
evil.id = 'evil';
evil.title = 'Another app';
evil.src = ${JSON.stringify(withEvilFrame)};
document.body.appendChild(evil);`
    : ''
}`;
}

/** A frame of a third origin inside the helpdesk: it records anything posted to it. */
const EVIL_FRAME_SCRIPT = `window.__got = [];
window.addEventListener('message', function (e) { window.__got.push({ origin: e.origin, data: e.data }); });`;

describeBrowser('the generic postMessage bridge (dist/hosts/bridge) in Chromium', () => {
  let browser: Browser;
  let app: TestServer;
  let desk: TestServer;
  let evil: TestServer;
  let context: BrowserContext;
  let watched: Watched;

  beforeAll(async () => {
    assertBuilt();
    browser = await launch();
    [app, desk, evil] = await Promise.all([startServer(), startServer(), startServer()]);
    evil.add('frame.js', EVIL_FRAME_SCRIPT);
    evil.add('frame.html', html({ body: '<script src="/pages/frame.js"></script>' }));
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), desk?.close(), evil?.close()]);
  });
  beforeEach(async () => {
    context = await browser.newContext();
    watched = await watch(context);
  });
  afterEach(async () => {
    await context.close();
  });

  const appUrl = (allowed: string) =>
    `${app.origin}/dist/hosts/bridge/index.html?origins=${encodeURIComponent(allowed)}&host=Test%20Desk`;

  /** A helpdesk page on `server` framing the app (allowed: the desk's origin). */
  function parentPage(server: TestServer, name: string, evilFrame = false): string {
    server.add(
      `${name}.js`,
      parentScript(
        app.origin,
        appUrl(desk.origin),
        evilFrame ? `${evil.origin}/pages/frame.html` : undefined,
      ),
    );
    return server.add(
      `${name}.html`,
      html({
        title: 'Test Desk',
        body: `<main><h1>Test Desk</h1><textarea id="composer" aria-label="Reply"></textarea></main>
<script src="/pages/${name}.js"></script>`,
      }),
      { extraCsp: `frame-src ${app.origin} ${evil.origin}` },
    );
  }

  const appFrame = (page: Page): Frame => {
    const frame = page.frames().find((f) => f.url().includes('/dist/hosts/bridge/index.html'));
    if (!frame) throw new Error('the app frame is not there');
    return frame;
  };

  /** Reads inside the widget's shadow root in the app frame (selectors only: no eval there). */
  const shadow = (page: Page) => ({
    attr: (selector: string, name: string) =>
      appFrame(page).evaluate(
        ([sel, attr]) =>
          document
            .querySelector('#playbook')
            ?.shadowRoot?.querySelector(sel!)
            ?.getAttribute(attr!) ?? null,
        [selector, name],
      ),
    count: (selector: string) =>
      appFrame(page).evaluate(
        (sel) =>
          document.querySelector('#playbook')?.shadowRoot?.querySelectorAll(sel).length ?? -1,
        selector,
      ),
    chats: () =>
      appFrame(page).evaluate(() =>
        [
          ...(document.querySelector('#playbook')?.shadowRoot?.querySelectorAll('[data-cp-chat]') ??
            []),
        ]
          .map((e) => e.getAttribute('data-cp-chat'))
          .sort(),
      ),
    text: () =>
      appFrame(page).evaluate(
        () => document.querySelector('#playbook')?.shadowRoot?.textContent ?? '',
      ),
    clock: (chatId: string, which: 'firstResponse' | 'gap') =>
      appFrame(page).evaluate(
        ([id, name]) => {
          const el = document
            .querySelector('#playbook')
            ?.shadowRoot?.querySelector(`[data-cp-chat="${id}"] [data-cp-clock="${name}"]`);
          return el
            ? {
                state: el.getAttribute('data-cp-state'),
                time: el.querySelector('.cp-time')?.textContent ?? null,
              }
            : null;
        },
        [chatId, which],
      ),
  });

  const seconds = (mss: string | null | undefined) => {
    const [m, s] = (mss ?? '').split(':').map(Number);
    return (m ?? NaN) * 60 + (s ?? NaN);
  };
  const send = (page: Page, message: unknown) =>
    page.evaluate((m) => (window as unknown as { __send(m: unknown): void }).__send(m), message);

  it('runs the journey with an allowed helpdesk and refuses everything else', async () => {
    const { page } = watched;
    await page.goto(parentPage(desk, 'desk', true));
    await page.waitForFunction(() =>
      (window as unknown as { __got: Array<{ data: { type?: string } }> }).__got.some(
        (m) => m.data.type === 'ready',
      ),
    );
    const now = Date.now();
    const started = now - 80_000;
    // The host's own timestamps: first response after 20 s, customer waiting for 45 s.
    await send(page, {
      playbook: 1,
      type: 'context',
      agent: { id: 'a-3', name: `Sam ${XSS}` },
      chatId: 'desk-1',
      settings: { library: '/fixtures/library.json' },
      events: [
        {
          type: 'chat.started',
          chatId: 'desk-1',
          at: new Date(started).toISOString(),
          customer: { id: 'u-1', name: `Dana ${XSS}`, tier: 'gold' },
          channel: 'web',
        },
        {
          type: 'message',
          chatId: 'desk-1',
          id: 'm1',
          at: started,
          author: 'customer',
          text: `Hi, where is my order? ${XSS}<script>window.__xss=2</script>`,
        },
        {
          type: 'message',
          chatId: 'desk-1',
          id: 'm2',
          at: started + 20_000,
          author: 'agent',
          agentId: 'a-3',
          text: 'Hi Dana, thanks for waiting.',
        },
        {
          type: 'message',
          chatId: 'desk-1',
          id: 'm3',
          at: now - 45_000,
          author: 'customer',
          text: 'It was due on Monday.',
        },
        {
          type: 'message',
          chatId: 'desk-1',
          id: 'n1',
          at: now - 44_000,
          author: 'agent',
          text: `VIP ${XSS}`,
          internal: true,
        },
      ],
    });
    const frame = appFrame(page);
    await frame.waitForFunction(
      () =>
        !!document.querySelector('#playbook')?.shadowRoot?.querySelector('[data-cp-chat="desk-1"]'),
      undefined,
      { timeout: 10_000 },
    );
    const w = shadow(page);
    const first = await w.clock('desk-1', 'firstResponse');
    expect(first).toEqual({ state: 'met', time: '0:20' });
    const gap = await w.clock('desk-1', 'gap');
    expect(gap?.state).toBe('ok');
    expect(seconds(gap?.time)).toBeGreaterThanOrEqual(45);
    expect(seconds(gap?.time)).toBeLessThanOrEqual(50);

    // The agent switches conversation in the helpdesk: the host sends focus with its history.
    const t2 = Date.now() - 10_000;
    await send(page, {
      playbook: 1,
      type: 'focus',
      chatId: 'desk-2',
      events: [
        {
          type: 'chat.started',
          chatId: 'desk-2',
          at: t2,
          customer: { id: 'u-2', name: 'Ola Berg' },
          channel: 'web',
        },
        {
          type: 'message',
          chatId: 'desk-2',
          id: 'm1',
          at: t2,
          author: 'customer',
          text: 'Hi, my order was supposed to arrive yesterday and it still has not come',
        },
      ],
    });
    await frame.waitForFunction(
      () => {
        const root = document.querySelector('#playbook')?.shadowRoot;
        return (
          !!root?.querySelector('[data-cp-focus="desk-2"]') &&
          !!root.querySelector('[data-cp-suggestion]')
        );
      },
      undefined,
      { timeout: 10_000 },
    );
    expect(await w.count('[data-cp-chat="desk-2"][data-cp-focused]')).toBe(1);
    const topSuggestion = () => w.attr('[data-cp-suggestion]', 'data-cp-suggestion');
    const before = await topSuggestion();
    expect(before).not.toBe('CS-PR-001');

    // A new customer message changes what the widget suggests.
    await send(page, {
      playbook: 1,
      type: 'events',
      events: [
        {
          type: 'message',
          chatId: 'desk-2',
          id: 'm2',
          at: Date.now(),
          author: 'customer',
          text: 'Actually it is the wrong size. How do I return it? Can I get a return label to send this back?',
        },
      ],
    });
    await expect.poll(topSuggestion, { timeout: 10_000 }).toBe('CS-PR-001');

    // The agent chooses a reply with fill-ins, completes them by keyboard; it lands in the
    // helpdesk's composer, filled.
    const widget = page.frameLocator('#app').locator('#playbook');
    await widget.locator('[data-cp-suggestion="CS-PR-001"] [data-cp-reply="r-label-sent"]').click();
    await widget.locator('[data-cp-field="rmaNumber"]').fill('RMA-4471');
    await widget.locator('[data-cp-field="returnLabelUrl"]').fill('https://returns.example/l/4471');
    await widget.locator('[data-cp-field="returnLabelUrl"]').press('Enter');
    await expect
      .poll(() => page.inputValue('#composer'), { timeout: 10_000 })
      .toContain('RMA-4471');
    const composed = await page.inputValue('#composer');
    expect(composed).toContain('https://returns.example/l/4471');
    expect(composed).not.toMatch(/\{[^}]+\}/);
    const replies = await page.evaluate(() =>
      (
        window as unknown as {
          __got: Array<{ origin: string; data: { type: string; chatId?: string } }>;
        }
      ).__got.filter((m) => m.data.type === 'reply'),
    );
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      origin: app.origin,
      data: {
        playbook: 1,
        type: 'reply',
        chatId: 'desk-2',
        sopId: 'CS-PR-001',
        replyId: 'r-label-sent',
      },
    });

    // Closing stops the clocks.
    await send(page, {
      playbook: 1,
      type: 'events',
      events: [{ type: 'chat.closed', chatId: 'desk-2', at: Date.now() }],
    });
    await expect
      .poll(
        async () => [
          (await w.clock('desk-2', 'firstResponse'))?.state,
          (await w.clock('desk-2', 'gap'))?.state,
        ],
        { timeout: 10_000 },
      )
      .toEqual(['stopped', 'stopped']);

    // What changes nothing: a wrong shape, far too large, too deep, another version from the
    // allowed parent; and anything from a frame of another origin inside the helpdesk.
    const evilEvents = [
      { type: 'chat.started', chatId: 'evil', at: Date.now(), customer: { name: 'Eve' } },
    ];
    await send(page, { playbook: 1, type: 'events', events: 'nope' });
    await send(page, { playbook: 1, type: 'focus' });
    await send(page, { playbook: 2, type: 'events', events: evilEvents });
    await send(page, {
      playbook: 1,
      type: 'events',
      events: Array.from({ length: 120 }, (_, i) => ({
        type: 'message',
        chatId: 'big',
        id: `b${i}`,
        at: Date.now(),
        author: 'customer',
        text: 'x'.repeat(10_000),
      })),
    });
    await page.evaluate(() => {
      let deep: unknown = { type: 'chat.started', chatId: 'deep', at: Date.now() };
      for (let i = 0; i < 40; i += 1) deep = [deep];
      (window as unknown as { __send(m: unknown): void }).__send({
        playbook: 1,
        type: 'events',
        events: [deep],
      });
    });
    const evilFrame = page.frames().find((f) => f.url().startsWith(evil.origin))!;
    await evilFrame.evaluate((events) => {
      const target = window.parent.frames[0]!; // the app's frame, cross-origin
      target.postMessage({ playbook: 1, type: 'hello' }, '*');
      target.postMessage({ playbook: 1, type: 'events', events }, '*');
      target.postMessage({ playbook: 1, type: 'focus', chatId: 'evil' }, '*');
    }, evilEvents);
    // A valid message after them all: once it shows, everything before it has been handled.
    await send(page, {
      playbook: 1,
      type: 'events',
      events: [{ type: 'chat.started', chatId: 'desk-3', at: Date.now() }],
    });
    await frame.waitForFunction(
      () =>
        !!document.querySelector('#playbook')?.shadowRoot?.querySelector('[data-cp-chat="desk-3"]'),
    );
    expect(await w.chats()).toEqual(['desk-1', 'desk-2', 'desk-3']);
    expect(await w.attr('[data-cp-focus]', 'data-cp-focus')).toBe('desk-2');
    // The app never posted to the other origin's frame; it told the helpdesk, once per kind.
    expect(
      await evilFrame.evaluate(() => (window as unknown as { __got: unknown[] }).__got),
    ).toEqual([]);
    const errors = await page.evaluate(() =>
      (
        window as unknown as {
          __got: Array<{ origin: string; data: { type: string; kind?: string } }>;
        }
      ).__got
        .filter((m) => m.data.type === 'error')
        .map((m) => m.data.kind),
    );
    expect(errors.sort()).toEqual(['depth', 'events', 'focus', 'origin', 'size', 'version']);

    // No script ran from any field of the host's data, in either frame; nothing became markup.
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
    ).toBeUndefined();
    expect(
      await frame.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
    ).toBeUndefined();
    expect(await w.count('img, script')).toBe(0);
    expect(await w.text()).toContain('Dana <img');
    expect(watched.errors).toEqual([]);
    expect(await watched.violations()).toEqual([]);
  }, 45_000);

  it('shows the polite message when opened on its own, logging at most one line', async () => {
    const { page } = watched;
    const lines: string[] = [];
    page.on('console', (msg) => lines.push(msg.text()));
    const start = Date.now();
    await page.goto(appUrl(desk.origin));
    await page.waitForSelector('#playbook .cp-host-unavailable', { timeout: 6_000 });
    expect(Date.now() - start).toBeLessThan(6_000);
    expect(await page.textContent('#playbook')).toContain('Chat Playbook runs inside Test Desk.');
    await page.waitForTimeout(300);
    expect(lines.length).toBeLessThanOrEqual(1);
    expect(watched.errors).toEqual([]);
  });

  it('refuses a parent that is not allowed: nothing it says counts, nothing is posted to it', async () => {
    const { page } = watched;
    await page.goto(parentPage(evil, 'not-allowed'));
    await page.waitForFunction(
      () => (window as unknown as { __loaded?: boolean }).__loaded === true,
    );
    await send(page, {
      playbook: 1,
      type: 'context',
      agent: { id: 'a-evil' },
      chatId: 'evil-1',
      settings: { library: '/fixtures/library.json' },
      events: [{ type: 'chat.started', chatId: 'evil-1', at: Date.now(), customer: { name: XSS } }],
    });
    const frame = appFrame(page);
    await frame.waitForSelector('#playbook .cp-host-unavailable', { timeout: 7_000 });
    expect(await frame.textContent('#playbook')).toContain(
      'Test Desk did not answer Chat Playbook.',
    );
    expect(
      await frame.evaluate(() => document.querySelector('#playbook')?.shadowRoot ?? null),
    ).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { __got: unknown[] }).__got)).toEqual(
      [],
    );
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
    ).toBeUndefined();
    expect(
      await frame.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
    ).toBeUndefined();
    expect(watched.errors).toEqual([]);
  });
});
