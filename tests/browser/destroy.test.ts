// `ChatPlaybook('destroy')` leaves nothing behind: no DOM, no timers, no listeners, no
// observers; and a new init afterwards mounts again on the same target.
import type { Browser, BrowserContext } from 'playwright-core';
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
import { CHATS, command, sendTimed } from './support/chats.ts';
import { INSTRUMENT, leftovers, mark } from './support/instrument.ts';
import {
  AGENT,
  BUNDLE,
  countInShadow,
  helpdeskPage,
  log,
  waitForReady,
  waitInShadow,
} from './support/pages.ts';
import { startServer, type TestServer } from './support/server.ts';

const INIT = {
  target: '#playbook',
  agent: AGENT,
  role: 'agent',
  library: '/fixtures/library.json',
  transport: 'local',
};

describeBrowser('embed: destroy', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let w: Watched;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    server.add('stub.js', STUB);
    server.add(
      'setup.js',
      `${RECORDER}
ChatPlaybook('on', 'ready', __record('ready'));
ChatPlaybook('on', 'error', __record('error'));`,
    );
    server.add(
      'destroy.html',
      helpdeskPage(
        `<script src="/pages/stub.js"></script><script src="/pages/setup.js"></script><script src="${BUNDLE}"></script>`,
      ),
    );
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    w = await watch(context);
    await w.page.addInitScript(INSTRUMENT);
  });
  afterEach(async () => {
    await context.close();
  });

  it('leaves no DOM, timers, listeners or observers, and can mount again', async () => {
    const { page } = w;
    await page.goto(`${server.origin}/pages/destroy.html`);
    await page.waitForLoadState('load');
    await mark(page);

    await command(page, 'init', INIT);
    await waitForReady(page);
    await sendTimed(page, CHATS);
    await command(page, 'focus', 'c-ok');
    await waitInShadow(page, '[data-cp-suggestion] [data-cp-reply]');
    // Use it: tick a checklist item, search, choose a reply (clipboard path), switch chats.
    const root = page.locator('#playbook');
    await root.locator('[data-cp-check="history"]').click();
    await page.keyboard.press('/');
    await page.keyboard.type('refund');
    await root.locator('[data-cp-reply]').first().click();
    await command(page, 'focus', 'c-breach');
    await command(page, 'configure', { firstResponseS: 40, firstResponseWarnS: 25 });
    await page.waitForTimeout(1_200);
    expect(await countInShadow(page, '[data-cp-chat]')).toBeGreaterThan(0);

    await command(page, 'destroy');
    await page.waitForTimeout(400);
    const left = await leftovers(page);
    expect(left).toEqual({
      timers: [],
      listeners: [],
      observers: [],
      elements: 0,
      docSheets: 0,
      shadowChildren: 0,
      shadowSheets: 0,
      hostChildren: 0,
    });
    // After destroy the command function stays and queues nothing; events are held for init.
    expect((await log(page, 'error')).length).toBe(0);

    // Mount again on the same target (its shadow root cannot be removed, so it is reused).
    await page.evaluate(() => (window as unknown as { __log: unknown[] }).__log.splice(0));
    await page.evaluate(() => {
      const win = window as unknown as {
        ChatPlaybook: (...args: unknown[]) => unknown;
        __record: (name: string) => (payload: unknown) => void;
      };
      win.ChatPlaybook('on', 'ready', win.__record('ready'));
      win.ChatPlaybook('on', 'error', win.__record('error'));
    });
    await command(page, 'init', INIT);
    await waitForReady(page);
    await sendTimed(page, CHATS.slice(0, 2));
    await waitInShadow(page, '[data-cp-chat="c-ok"]');
    expect(await countInShadow(page, '[data-cp-chat]')).toBe(1);
    expect((await log(page, 'error')).length).toBe(0);
    expect(w.errors).toEqual([]);
    expect(await w.violations()).toEqual([]);
  });
});
