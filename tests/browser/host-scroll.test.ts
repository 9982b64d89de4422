// The host page never moves (issue 14): a helpdesk lays out a full-height page with the
// widget in a scrolling dock. Working the widget by keyboard (Tab through it, `/`, arrows,
// Enter, Escape, folding and unfolding) and wheeling over it must leave the page's own scroll
// position at 0 and give the page nothing to scroll into: everything the widget draws,
// visually hidden live regions included, stays inside its dock. And the common path (read
// the suggestion, insert its reply) needs nothing past the first screen of a 320 px dock.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, describeBrowser, html, launch, RECORDER, STUB } from './support/browser.ts';
import { CHATS, command, sendTimed } from './support/chats.ts';
import { AGENT, BUNDLE, waitForReady, waitInShadow } from './support/pages.ts';
import { startServer, type TestServer } from './support/server.ts';

const DOCK_CSS = `html,body{margin:0;height:100%}
body{display:grid;grid-template-columns:1fr 320px;height:100vh;overflow:hidden}
main{overflow:auto;padding:16px}
#playbook{overflow:auto;height:100vh;border-left:1px solid #ccc}`;

const SETUP = `${RECORDER}
ChatPlaybook('on', 'ready', __record('ready'));
ChatPlaybook('on', 'error', __record('error'));
ChatPlaybook('init', { target: '#playbook', agent: ${JSON.stringify(AGENT)}, role: 'agent',
  library: '/fixtures/library.json', transport: 'local' });`;

describeBrowser('embed: the host page never moves', { timeout: 90_000 }, () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    server.add('stub.js', STUB);
    server.add('setup-scroll.js', SETUP);
    server.add('dock.css', DOCK_CSS);
    server.add(
      'scroll.html',
      html({
        head: '<link rel="stylesheet" href="/pages/dock.css">',
        body: `<main><h1>Helpdesk</h1><textarea id="composer" aria-label="Reply"></textarea></main>
<aside id="playbook" aria-label="Chat Playbook"></aside>
<script src="/pages/stub.js"></script><script src="/pages/setup-scroll.js"></script>
<script async src="${BUNDLE}"></script>`,
      }),
    );
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The page's own scroll position, and how far it could scroll at all. */
  const pageScroll = (page: Page) =>
    page.evaluate(() => {
      const root = document.scrollingElement!;
      return {
        y: window.scrollY,
        x: window.scrollX,
        room: root.scrollHeight - root.clientHeight,
      };
    });

  for (const width of [1280, 320 + 200]) {
    it(`stays put through a keyboard journey and the wheel (${width} px window)`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${server.origin}/pages/scroll.html`);
      await waitForReady(page);
      await sendTimed(page, CHATS);
      await command(page, 'focus', 'c-ok');
      await waitInShadow(page, '[data-cp-suggestion] [data-cp-reply]');
      const still = { y: 0, x: 0, room: 0 };
      expect(await pageScroll(page)).toEqual(still);

      // Tab through every control of the widget, checking after each step.
      await page.focus('#composer');
      for (let i = 0; i < 60; i += 1) {
        await page.keyboard.press('Tab');
        expect(await pageScroll(page)).toEqual(still);
      }
      await page.locator('#playbook').click({ position: { x: 5, y: 5 } });
      for (const key of ['/', 'ArrowDown', 'ArrowDown', 'ArrowUp', 'Escape', 'Escape']) {
        await page.keyboard.press(key);
        expect(await pageScroll(page)).toEqual(still);
      }
      // Fold and unfold each part by keyboard.
      const folds = await page.evaluate(
        () =>
          document.querySelector('#playbook')!.shadowRoot!.querySelectorAll('.cp-fold-head').length,
      );
      expect(folds).toBeGreaterThan(0);
      for (let i = 0; i < folds; i += 1) {
        await page.evaluate(
          (n) =>
            (
              document.querySelector('#playbook')!.shadowRoot!.querySelectorAll('.cp-fold-head')[
                n
              ] as HTMLElement
            ).focus(),
          i,
        );
        await page.keyboard.press('Enter');
        await page.keyboard.press('Enter');
        expect(await pageScroll(page)).toEqual(still);
      }
      // Wheel over the dock (which scrolls) and over the page.
      await page.mouse.move(width - 100, 400);
      await page.mouse.wheel(0, 4000);
      await page.mouse.move(100, 400);
      await page.mouse.wheel(0, 4000);
      await page.waitForTimeout(200);
      expect(await pageScroll(page)).toEqual(still);
      await context.close();
    });
  }

  it('shows the first suggestion and its reply on the first screen of a 320 px dock', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.origin}/pages/scroll.html`);
    await waitForReady(page);
    await sendTimed(page, CHATS);
    await command(page, 'focus', 'c-ok');
    await waitInShadow(page, '[data-cp-suggestion] [data-cp-reply]');
    const boxes = await page.evaluate(() => {
      const root = document.querySelector('#playbook')!.shadowRoot!;
      const bottom = (selector: string) =>
        root.querySelector(selector)!.getBoundingClientRect().bottom;
      return {
        search: bottom('[data-cp-search]'),
        suggestion: bottom('[data-cp-suggestion] .cp-title'),
        reply: bottom('[data-cp-suggestion] [data-cp-reply]'),
        clock: bottom('[data-cp-focus] .cp-clock'),
        dockWidth: document.querySelector('#playbook')!.getBoundingClientRect().width,
      };
    });
    expect(boxes.dockWidth).toBe(320);
    for (const bottom of [boxes.clock, boxes.search, boxes.suggestion, boxes.reply]) {
      expect(bottom).toBeLessThanOrEqual(800);
    }
    await context.close();
  });
});
