#!/usr/bin/env node
// Screenshots for the docs: builds the demo helpdesk (dist/demo), serves it with Vite's
// preview server (strict CSP, see vite.config.ts), and saves
//   docs/screenshot-demo.png         the helpdesk with the widget docked, 1280×800
//   docs/screenshot-sidebar-320.png  the widget alone, docked 320 px wide
// Uses the system Chromium (CHROMIUM_PATH or /usr/bin/chromium), never a download.
//   node scripts/screenshots.mjs [--no-build]
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, preview } from 'vite';
import { CHROMIUM, launchChromium } from './chromium.mjs';

const root = resolve(import.meta.dirname, '..');
const configFile = resolve(root, 'vite.config.ts');
if (!existsSync(CHROMIUM)) {
  console.error(`screenshots: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(1);
}

if (!process.argv.includes('--no-build')) {
  await build({ root, configFile, logLevel: 'warn' });
}
const server = await preview({
  root,
  configFile,
  preview: { port: 0, host: '127.0.0.1' },
  logLevel: 'warn',
});
const origin = server.resolvedUrls?.local[0]?.replace(/\/$/, '');
if (!origin) throw new Error('screenshots: the preview server has no address');

const browser = await launchChromium(['--force-color-profile=srgb', '--font-render-hinting=none']);
const problems = [];
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err}`));
  page.on('console', (msg) => {
    if (/content security policy/i.test(msg.text())) problems.push(msg.text());
  });
  mkdirSync(resolve(root, 'docs'), { recursive: true });

  // Half a minute in: the open password-reset chat has just breached its first response, the
  // VIP chat is in its warning, and the suggestions match the focused conversation. The
  // agent has checked the account history and chosen a reply, which landed in the composer.
  await page.goto(`${origin}/?skip=32&chat=c-2003`);
  const widget = page.locator('#playbook');
  await widget.locator('[data-cp-suggestion] [data-cp-reply]').first().waitFor({ timeout: 15_000 });
  await widget.locator('[data-cp-check="history"]').click();
  await widget.locator('[data-cp-suggestion]').first().locator('[data-cp-reply]').first().click();
  const fields = widget.locator('[data-cp-field]');
  for (let i = 0; i < (await fields.count()); i += 1)
    await fields.nth(i).fill('l.brenner@example.com');
  if ((await fields.count()) > 0) await fields.first().press('Enter');
  await page.waitForFunction(
    () => document.querySelector('#composer')?.value.length > 0,
    undefined,
    {
      timeout: 5_000,
    },
  );
  // Choosing the reply scrolled the dock; back to the top: the clocks of every chat.
  await page.evaluate(() => {
    document.querySelector('#playbook').scrollTop = 0;
  });
  await page.waitForTimeout(600);
  await page.screenshot({ path: resolve(root, 'docs/screenshot-demo.png') });

  // The widget docked 320 px wide: clocks, checklist and the first suggestions.
  await page.setViewportSize({ width: 1280, height: 2400 });
  await page.goto(`${origin}/?skip=32&chat=c-2003&dock=narrow`);
  await widget.locator('[data-cp-suggestion] [data-cp-reply]').first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(800);
  const height = await page.evaluate(
    () =>
      document.querySelector('#playbook').shadowRoot.firstElementChild.getBoundingClientRect()
        .height,
  );
  await page.setViewportSize({ width: 1280, height: Math.min(Math.ceil(height), 1400) + 52 });
  await page.waitForTimeout(300);
  await widget.screenshot({ path: resolve(root, 'docs/screenshot-sidebar-320.png') });
  await context.close();
} finally {
  await browser.close();
  await new Promise((done) => server.httpServer.close(done));
}
if (problems.length > 0) {
  console.error(`screenshots: the demo reported problems:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('screenshots: docs/screenshot-demo.png, docs/screenshot-sidebar-320.png');
