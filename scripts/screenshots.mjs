#!/usr/bin/env node
// Screenshots for the docs, from the live demo (npm run demo: the realtime server, the
// simulator, and the demo page with the widget docked by the script tag, under the strict CSP):
//   docs/screenshot-demo.png         the helpdesk with the widget docked, 1280×800
//   docs/screenshot-sidebar-320.png  the widget alone, docked 320 px wide
// Uses the system Chromium (CHROMIUM_PATH or /usr/bin/chromium), never a download.
//   node scripts/screenshots.mjs [--no-build]   (--no-build: use dist/ as it is)
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { register } from 'tsx/esm/api';
import { CHROMIUM, launchChromium } from './chromium.mjs';

const root = resolve(import.meta.dirname, '..');
if (!existsSync(CHROMIUM)) {
  console.error(`screenshots: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(1);
}

// The live demo stack is TypeScript (src/server/demo.ts): tsx loads it.
register();
const { startDemo } = await import('../src/server/demo.ts');
const live = await startDemo({
  port: 0,
  build: !process.argv.includes('--no-build'),
  simulator: { seed: 4, maxChats: 6 },
  log: (line) => console.log(`  ${line}`),
});

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
  page.on('pageerror', (err) => problems.push(`${page.url()}: page error: ${err}`));
  page.on('console', (msg) => {
    if (/content security policy/i.test(msg.text())) problems.push(`${page.url()}: ${msg.text()}`);
  });
  mkdirSync(resolve(root, 'docs'), { recursive: true });

  // The live demo 24 s in: the chat the page follows waits for a first answer (its clock in
  // the warning), a colleague's chat runs beside it, and the agent has checked the account
  // history and chosen a reply, which landed in the composer.
  const session = live.sessions.next();
  await page.goto(live.url);
  const widget = page.locator('#playbook');
  // The page's own simulation: its first chat is yours.
  const yours = (await session).running.simulator.chats()[0];
  await page.locator(`form.composer[data-chat="${yours.chatId}"]`).waitFor({ timeout: 20_000 });
  await widget.locator('[data-cp-suggestion] [data-cp-reply]').first().waitFor({ timeout: 15_000 });
  const warned = yours.startAt + 24_000 - Date.now();
  if (warned > 0) await page.waitForTimeout(warned);
  await widget.locator('[data-cp-check="history"]').click();
  await widget.locator('[data-cp-suggestion]').first().locator('[data-cp-reply]').first().click();
  const fields = widget.locator('[data-cp-field]');
  const email = `${yours.customer.split(' ')[0].toLowerCase()}@example.com`;
  for (let i = 0; i < (await fields.count()); i += 1) {
    const name = (await fields.nth(i).getAttribute('data-cp-field')) ?? '';
    await fields
      .nth(i)
      .fill(/mail/i.test(name) ? email : /date|until|day/i.test(name) ? '30 November' : 'Team');
  }
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
  await page.goto(`${live.url}?dock=narrow`);
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
  await live.close();
  await browser.close();
}
if (problems.length > 0) {
  console.error(`screenshots: the demo reported problems:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('screenshots: docs/screenshot-demo.png, docs/screenshot-sidebar-320.png');
