// The full-width team settings page (`view: 'settings'`, docs/settings.md) in Chromium, from
// the built bundle and its supervisor chunk. On a page of its own with the local transport:
// at 1280×800 the form and the preview stand side by side (stacked at 320 px); a tier
// override chosen from the known values ("vip", configured) applies in the preview to a chat
// whose helpdesk says "VIP"; a bad value gets a plain error beside its field, and the
// preview's link to it moves the focus there. Then the demo's own route,
// /demo/settings.html, signed in as the demo supervisor like `/?role=supervisor`: the
// history at once, and a save answered beside its button and listed as a diff.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../src/server/demo.ts';
import {
  assertBuilt,
  describeBrowser,
  html,
  launch,
  RECORDER,
  STUB,
  watch,
} from './support/browser.ts';
import { BUNDLE, expectNoErrors, log, shadowFocus, waitInShadow } from './support/pages.ts';
import { startServer, type TestServer } from './support/server.ts';

/** A supervisor's settings page on the local transport, with three chats open ~12 s. */
const SETUP = `${RECORDER}
ChatPlaybook('on', 'error', __record('error'));
var now = Date.now();
var started = function (chatId, name, tier, channel) {
  return { type: 'chat.started', chatId: chatId, at: now - 12000,
    customer: { id: 'u-' + chatId, name: name, tier: tier }, channel: channel };
};
ChatPlaybook('init', { target: '#playbook', agent: { id: 's-1', name: 'Riley' },
  role: 'supervisor', view: 'settings', transport: 'local' });
ChatPlaybook('events', [
  started('c-1', 'Maya Okafor', 'VIP', 'web'),
  started('c-2', 'Tom Becker', 'standard', 'web'),
  started('c-3', 'Ana Silva', 'vip', 'Mobile')
]);`;

/** Runs in the page: a box of an element in the widget's shadow root. */
async function box(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const el = document.querySelector('#playbook')?.shadowRoot?.querySelector(sel);
    const r = el?.getBoundingClientRect();
    return r ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
  }, selector);
}

/** The text (trimmed) or an attribute of an element in the widget's shadow root. */
function read(page: Page, selector: string, attribute?: string): Promise<string | null> {
  return page.evaluate(
    ([sel, name]) => {
      const el = document.querySelector('#playbook')?.shadowRoot?.querySelector(sel!);
      if (!el) return null;
      return name ? el.getAttribute(name) : (el.textContent?.trim() ?? null);
    },
    [selector, attribute],
  );
}

describeBrowser('team settings page', { timeout: 90_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    server.add('settings-stub.js', STUB);
    server.add('settings-setup.js', SETUP);
    url = server.add(
      'settings.html',
      html({
        title: 'Team settings',
        body: `<main id="playbook"></main>
<script src="/pages/settings-stub.js"></script>
<script src="/pages/settings-setup.js"></script>
<script async src="${BUNDLE}"></script>`,
      }),
    );
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(
    width: number,
    height: number,
  ): Promise<{
    context: BrowserContext;
    page: Page;
    w: Awaited<ReturnType<typeof watch>>;
  }> {
    const context = await browser.newContext({ viewport: { width, height } });
    const w = await watch(context);
    await w.page.goto(url);
    await waitInShadow(w.page, '[data-cp-settings-page] [data-cp-preview="c-3"]');
    return { context, page: w.page, w };
  }

  it('lays the form beside the preview at 1280×800 and stacks them at 320 px', async () => {
    const wide = await open(1280, 800);
    try {
      const form = (await box(wide.page, '[data-cp-column="form"]'))!;
      const preview = (await box(wide.page, '[data-cp-column="preview"]'))!;
      expect(preview.x).toBeGreaterThanOrEqual(form.x + form.width);
      expect(Math.abs(preview.y - form.y)).toBeLessThan(2);
      // The page's own first screen holds the thresholds and the preview.
      expect((await box(wide.page, '[data-cp-field="gapWarnS"]'))!.y).toBeLessThan(800);
      expect((await box(wide.page, '[data-cp-preview="c-3"]'))!.y).toBeLessThan(800);
      expect(await wide.w.violations()).toEqual([]);
      expect(wide.w.errors).toEqual([]);
    } finally {
      await wide.context.close();
    }
    const narrow = await open(320, 640);
    try {
      const form = (await box(narrow.page, '[data-cp-column="form"]'))!;
      const preview = (await box(narrow.page, '[data-cp-column="preview"]'))!;
      expect(preview.y).toBeGreaterThanOrEqual(form.y + form.height);
      const overflow = await narrow.page.evaluate(() => {
        const root = document.querySelector('#playbook')!;
        return root.scrollWidth - root.clientWidth;
      });
      expect(overflow).toBe(0);
    } finally {
      await narrow.context.close();
    }
  });

  it('applies a tier override chosen from the known values to chats of any case', async () => {
    const { context, page, w } = await open(1280, 800);
    try {
      const state = (id: string) =>
        read(
          page,
          `[data-cp-preview="${id}"] [data-cp-preview-clock="firstResponse"]`,
          'data-cp-state',
        );
      expect(await state('c-1')).toBe('ok');
      await page.getByRole('button', { name: 'Add override', exact: true }).click();
      const tier = page.locator('[data-cp-field="overrides[0].when.tier"]');
      // The tier field offers each known tier once: "vip" (configured), not "VIP" again.
      const offered = await page.evaluate(() => {
        const root = document.querySelector('#playbook')!.shadowRoot!;
        const input = root.querySelector('[data-cp-field="overrides[0].when.tier"]')!;
        const list = root.getElementById(input.getAttribute('list')!)!;
        return Array.from(list.querySelectorAll('option'), (o) => o.value);
      });
      expect(offered).toEqual(['enterprise', 'standard', 'vip']);
      await tier.fill(offered[2]!);
      await page.locator('[data-cp-field="overrides[0].firstResponseS"]').fill('10');
      await expect.poll(() => state('c-1')).toBe('breached');
      expect(await state('c-3')).toBe('breached');
      expect(await state('c-2')).toBe('ok');
      expect(await read(page, '[data-cp-changes]')).toBe(
        'Changes: Override for vip added (first response 10 s).',
      );
      expectNoErrors(await log(page));
      expect(w.errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says what is wrong in plain words, and links the preview to the field', async () => {
    const { context, page } = await open(1280, 800);
    try {
      await page.locator('[data-cp-field="firstResponseS"]').fill('0');
      expect(await read(page, '[data-cp-error-field="firstResponseS"]')).toBe(
        'First response must be more than 0 seconds',
      );
      const input = (await box(page, '[data-cp-field="firstResponseS"]'))!;
      const shown = (await box(page, '[data-cp-error-field="firstResponseS"]'))!;
      expect(shown.y).toBeGreaterThanOrEqual(input.y + input.height);
      expect(shown.y - (input.y + input.height)).toBeLessThan(40);
      expect(await read(page, '[data-cp-problems]')).toBe(
        'Fix this problem to see the preview:First response must be more than 0 seconds',
      );
      await page.locator('[data-cp-field="gapWarnS"]').focus();
      await page.locator('[data-cp-goto="firstResponseS"]').click();
      expect((await shadowFocus(page))?.attrs['data-cp-field']).toBe('firstResponseS');
    } finally {
      await context.close();
    }
  });

  it('is the demo route /demo/settings.html, signed in as the demo supervisor', async () => {
    let demo: RunningDemo | null = null;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      demo = await startDemo({ port: 0, build: false, simulator: false });
      const w = await watch(context);
      const { page } = w;
      // The helpdesk's header links to it.
      await page.goto(demo.supervisorUrl);
      await page.getByRole('link', { name: 'Team settings', exact: true }).click();
      await page.waitForURL('**/demo/settings.html');
      await waitInShadow(page, '[data-cp-settings-page] [data-cp-version="0"]', {
        timeout: 20_000,
      });
      expect(await page.locator('#desk-agent-name').textContent()).toBe('Riley · Supervisor');
      await demo.server!.ingest(
        [
          {
            type: 'chat.started',
            chatId: 'c-vip',
            at: Date.now() - 5000,
            customer: { id: 'u-9', name: 'Lee Park', tier: 'VIP' },
            channel: 'web',
          },
        ],
        'default',
      );
      await waitInShadow(page, '[data-cp-preview="c-vip"]');
      await page.locator('[data-cp-field="firstResponseS"]').fill('25');
      await page.locator('[data-cp-field="comment"]').fill('Sale week');
      await page.locator('[data-cp-field="comment"]').press('Enter');
      await waitInShadow(page, '[data-cp-version="1"] [data-cp-diff]');
      expect(await read(page, 'form [data-cp-outcome]')).toBe('Saved: version 1.');
      expect(await read(page, '[data-cp-version="1"] [data-cp-diff]')).toBe(
        'First response 30 s → 25 s',
      );
      expect((await demo.server!.hub.currentConfig('default')).config.firstResponseS).toBe(25);
      expect(await w.violations()).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await context.close();
      await demo?.close();
    }
  });
});
