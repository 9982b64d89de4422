#!/usr/bin/env node
// Screenshots for the docs, from the live demo (npm run demo: the realtime server, a simulated
// helpdesk per page, and the demo page with the widget docked by the script tag, under the
// strict CSP). Each agent picture is the page 24 s after it opened: the chat it follows waits
// for a first answer (the greeting prompt in its warning), with the suggestions beside it.
//   docs/screenshot-demo.png, docs/screenshot-demo-dark.png   the helpdesk, 1280×800
//   docs/screenshot-sidebar-320.png, …-320-dark.png           the widget docked 320 px wide
//   docs/screenshot-settings.png                              the supervisor's settings page
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
  simulator: { seed: 4 },
  log: (line) => console.log(`  ${line}`),
});

const browser = await launchChromium(['--force-color-profile=srgb', '--font-render-hinting=none']);
const problems = [];
const saved = [];

async function open(colorScheme, path) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    colorScheme,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`${page.url()}: page error: ${err}`));
  page.on('console', (msg) => {
    if (/content security policy/i.test(msg.text())) problems.push(`${page.url()}: ${msg.text()}`);
  });
  await page.goto(`${live.url}${path}`);
  return { context, page };
}

/** An agent's page, 24 s after it opened: its first chat's greeting prompt in the warning. */
async function agentView(colorScheme, query, file) {
  const session = live.sessions.next();
  const { context, page } = await open(colorScheme, query);
  const widget = page.locator('#playbook');
  const yours = (await session).running.simulator.chats()[0];
  await widget.locator('[data-cp-suggestion] [data-cp-reply]').first().waitFor({ timeout: 20_000 });
  const warned = yours.startAt + 24_000 - Date.now();
  if (warned > 0) await page.waitForTimeout(warned);
  await widget.locator('[data-cp-next="greet"][data-cp-state="warning"]').waitFor();
  await page.screenshot({ path: resolve(root, 'docs', file) });
  saved.push(`docs/${file}`);
  await context.close();
}

try {
  mkdirSync(resolve(root, 'docs'), { recursive: true });
  // Side by side: each page runs its own clock from its own load.
  await Promise.all([
    agentView('light', '', 'screenshot-demo.png'),
    agentView('dark', '', 'screenshot-demo-dark.png'),
    agentView('light', '?dock=narrow', 'screenshot-sidebar-320.png'),
    agentView('dark', '?dock=narrow', 'screenshot-sidebar-320-dark.png'),
  ]);
  // The supervisor's full-width settings page, with a draft change and its preview.
  const { context, page } = await open('light', '/demo/settings.html');
  const settings = page.locator('#playbook');
  await settings.locator('[data-cp-settings-page]').waitFor({ timeout: 20_000 });
  await settings.locator('[data-cp-field="firstResponseS"]').fill('25');
  await page.waitForTimeout(500);
  await page.screenshot({ path: resolve(root, 'docs/screenshot-settings.png') });
  saved.push('docs/screenshot-settings.png');
  await context.close();
} finally {
  await live.close();
  await browser.close();
}
if (problems.length > 0) {
  console.error(`screenshots: the demo reported problems:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`screenshots: ${saved.join(', ')}`);
