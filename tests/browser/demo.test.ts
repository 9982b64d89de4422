// The scripted demo helpdesk (`npm run demo -- --local`, index.html), built and served under
// the strict CSP (plus the hash of its inline queue stub): the widget docks, scenario events
// arrive, a reply chosen in the widget lands in the composer, and what the agent sends
// reaches the widget as an agent message. Its URL options (docs/embedding.md) all work:
// ?skip= and ?chat= in the first test, ?speed= and ?dock=narrow in the second.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launch, watch } from './support/browser.ts';
import { waitInShadow } from './support/pages.ts';
import { ROOT, startServer, type TestServer } from './support/server.ts';

describeBrowser('demo helpdesk', { timeout: 90_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let outDir: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'chat-playbook-demo-'));
    await build({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
    // The page docks the built bundle (/dist/chat-playbook.iife.js and the chunks it loads).
    for (const file of readdirSync(join(ROOT, 'dist'))) {
      if (/^chat-playbook\..*js$/.test(file)) {
        cpSync(join(ROOT, 'dist', file), join(outDir, 'dist', file));
      }
    }
    server = await startServer(outDir);
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('plays the scenarios with the widget docked, under the strict CSP', async () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const url = server.add('demo.html', html, { csp: 'inline-hashes' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const w = await watch(context);
      const { page } = w;
      await page.goto(`${url}?skip=32&chat=c-2003`);
      await waitInShadow(page, '[data-cp-chat="c-2003"]');
      await waitInShadow(page, '[data-cp-suggestion] [data-cp-reply]');
      // Scripted chats under way: the inbox lists them, the widget shows their clocks.
      expect(await page.locator('.inbox-item').count()).toBeGreaterThanOrEqual(3);
      const state = () =>
        page.evaluate(() =>
          document
            .querySelector('#playbook')
            ?.shadowRoot?.querySelector('[data-cp-chat="c-2003"] [data-cp-clock="firstResponse"]')
            ?.getAttribute('data-cp-state'),
        );
      expect(await state()).toBe('breached');

      // A reply chosen in the widget lands in the composer…
      const widget = page.locator('#playbook');
      await widget
        .locator('[data-cp-suggestion]')
        .first()
        .locator('[data-cp-reply]')
        .first()
        .click();
      // The fill-in form ships in the reply chunk, loaded on first use: wait for it (or for a
      // reply without blanks to land) before counting its fields.
      await page.waitForFunction(
        () =>
          (document.querySelector('#composer') as HTMLTextAreaElement).value.length > 0 ||
          document.querySelector('#playbook')?.shadowRoot?.querySelector('[data-cp-field]'),
      );
      const fields = widget.locator('[data-cp-field]');
      const count = await fields.count();
      for (let i = 0; i < count; i += 1) await fields.nth(i).fill('lukas@example.com');
      if (count > 0) await fields.first().press('Enter');
      await page.waitForFunction(
        () => (document.querySelector('#composer') as HTMLTextAreaElement).value.length > 0,
      );
      // …and sending it answers the customer: the first-response clock stops counting.
      await page.locator('#composer').press('Enter');
      await page.waitForFunction(
        () => (document.querySelector('#composer') as HTMLTextAreaElement).value === '',
      );
      expect(await page.locator('.msg-agent').count()).toBeGreaterThan(0);
      const firstResponse = () =>
        page.evaluate(() =>
          document
            .querySelector('#playbook')
            ?.shadowRoot?.querySelector('[data-cp-chat="c-2003"] [data-cp-clock="firstResponse"]')
            ?.textContent?.trim(),
        );
      await page.waitForTimeout(300);
      const stopped = await firstResponse();
      await page.waitForTimeout(1_500);
      expect(await firstResponse()).toBe(stopped);
      expect(w.errors).toEqual([]);
      expect(await w.violations()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('takes ?speed= (the scripts play faster) and ?dock=narrow (a 320 px dock)', async () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const url = server.add('demo-options.html', html, { csp: 'inline-hashes' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const w = await watch(context);
      const { page } = w;
      // 20 s in: at speed 1 the password-reset customer (c-2003, from 4 s before load) has
      // written once; at speed 2 their second message (24.8 s into the script) is out too.
      await page.goto(`${url}?skip=20&speed=2&chat=c-2003&dock=narrow`);
      await waitInShadow(page, '[data-cp-chat="c-2003"]');
      await page.waitForSelector('form.composer[data-chat="c-2003"]');
      expect(await page.locator('.msg-customer').count()).toBeGreaterThanOrEqual(2);
      const dock = await page.locator('#playbook').boundingBox();
      expect(Math.round(dock!.width)).toBe(320);

      await page.goto(`${url}?skip=20&chat=c-2003`);
      await page.waitForSelector('form.composer[data-chat="c-2003"]');
      expect(await page.locator('.msg-customer').count()).toBe(1);
      expect(Math.round((await page.locator('#playbook').boundingBox())!.width)).toBe(380);
      expect(w.errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
