// The live demo (`npm run demo`) in-process: the realtime server, the page sessions with their
// simulators and the demo page on Vite's preview server (src/server/demo.ts), in Chromium.
// - A simulated chat appears in the widget — docked by the script tag on the socket
//   transport — with a running clock; the agent types a reply in the helpdesk's composer
//   (POST /demo/say → signed webhook) and the first-response clock turns `met`. Then
//   everything stops, leaving no server or timer behind.
// - Every page load starts its own fresh helpdesk, its clocks from that moment; closing the
//   page ends its session, and a page whose session ended says so.
// - Every documented URL option works: ?role=supervisor, ?dock=narrow, ?speed=, ?skip=, ?chat=
//   (docs/realtime.md, "Running the demo").
// - The header's theme switch turns the helpdesk page and the widget dark (or light) together.
// - The page's own colours pass WCAG AA contrast, in light and dark, with closed, breached,
//   VIP and internal-note items on screen.
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DemoPageSession, type RunningDemo, startDemo } from '../../src/server/demo.ts';
import { assertBuilt, describeBrowser, launch, watch } from './support/browser.ts';
import { waitInShadow } from './support/pages.ts';

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** A chat's first-response clock in the widget: state and m:ss. */
function readClock(page: Page, chatId: string) {
  return page.evaluate((id) => {
    const el = document
      .querySelector('#playbook')
      ?.shadowRoot?.querySelector(`[data-cp-chat="${id}"] [data-cp-clock="firstResponse"]`);
    return {
      state: el?.getAttribute('data-cp-state') ?? null,
      time: el?.textContent?.match(/\d+:\d\d/)?.[0] ?? null,
    };
  }, chatId);
}

const seconds = (mss: string | null) => {
  const [m, s] = (mss ?? 'NaN').split(':').map(Number);
  return m! * 60 + s!;
};

/** Loads a demo page and returns it with the session its load opened. */
async function openPage(
  demo: RunningDemo,
  context: BrowserContext,
  path = '',
): Promise<{ page: Page; session: DemoPageSession; errors: string[] }> {
  const w = await watch(context);
  const next = demo.sessions!.next();
  await w.page.goto(`${demo.url}${path}`);
  return { page: w.page, session: await next, errors: w.errors };
}

/**
 * WCAG contrast of every text of the page's own DOM (not the widget's shadow root): the
 * colour, faded by the opacity of its ancestors, on the backgrounds painted behind it.
 * Returns the texts below 4.5:1 (3:1 for large text). Disabled controls are exempt.
 */
function lowContrast(page: Page) {
  return page.evaluate(() => {
    const rgba = (value: string): [number, number, number, number] => {
      const m = /^rgba?\(([^)]+)\)$/.exec(value);
      if (!m) throw new Error(`unreadable colour: ${value}`);
      const parts = m[1]!
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
    };
    const over = (top: number[], bottom: number[]) =>
      [0, 1, 2].map((i) => top[i]! * top[3]! + bottom[i]! * (1 - top[3]!)).concat(1);
    const luminance = (c: number[]) => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const background = (el: Element | null): number[] => {
      const layers: number[][] = [];
      for (let node = el; node; node = node.parentElement) {
        const layer = rgba(getComputedStyle(node).backgroundColor);
        if (layer[3] > 0) layers.push(layer);
        if (layer[3] === 1) break;
      }
      const canvas = rgba(getComputedStyle(document.documentElement).backgroundColor);
      let painted = canvas[3] === 1 ? canvas : [255, 255, 255, 1];
      for (const layer of layers.reverse()) painted = over(layer, painted);
      return painted;
    };
    const failures: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const text = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (text === '' || el.closest('#playbook')) continue;
      const style = getComputedStyle(el);
      if (style.visibility !== 'visible' || el.getClientRects().length === 0) continue;
      if (el.closest('button:disabled, textarea:disabled, input:disabled')) continue;
      let opacity = 1;
      for (let node: Element | null = el; node; node = node.parentElement) {
        opacity *= Number(getComputedStyle(node).opacity);
      }
      const fg = rgba(style.color);
      const bg = background(el);
      const seen = over([fg[0], fg[1], fg[2], fg[3] * opacity], bg);
      const [hi, lo] = [luminance(seen), luminance(bg)].sort((a, b) => b - a);
      const ratio = (hi! + 0.05) / (lo! + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        failures.push(`${ratio.toFixed(2)}:1 "${text.slice(0, 40)}" (${style.color} on ${bg})`);
      }
    }
    return failures;
  });
}

/** axe-core's source (a devDependency): it runs in the page under test. */
function axeSource(): string {
  const require = createRequire(import.meta.url);
  return require('node:fs').readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
}

describeBrowser('live demo (server + page sessions + page)', { timeout: 90_000 }, () => {
  let browser: Browser;
  let demo: RunningDemo | null = null;

  beforeAll(async () => {
    assertBuilt();
    browser = await launch();
  });
  afterAll(async () => {
    await demo?.close();
    await browser?.close();
  });

  it('streams a simulated chat to the widget; the agent’s reply meets the first response', async () => {
    const before = handles();
    demo = await startDemo({ port: 0, build: false, simulator: { seed: 5 } });
    expect(demo.mode).toBe('live');
    const server = demo.server!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    let session: DemoPageSession | undefined;
    try {
      const w = await watch(context);
      const { page } = w;
      const next = demo.sessions!.next();
      await page.goto(demo.url);
      session = await next;

      // The page follows the simulated chat that waits for a first answer.
      const yours = session.running.simulator!.chats()[0]!;
      expect(yours.kind).toBe('yours');
      await page.waitForSelector(`form.composer[data-chat="${yours.chatId}"]`, { timeout: 30_000 });
      await page.waitForSelector('.msg-customer');
      const clock = `[data-cp-chat="${yours.chatId}"] [data-cp-clock="firstResponse"]`;
      await waitInShadow(page, clock, { timeout: 30_000 });
      const running = await readClock(page, yours.chatId);
      expect(['ok', 'warning', 'breached']).toContain(running.state);
      // The dock scrolls on its own: nothing of the widget lengthens the helpdesk page.
      const page1 = await page.evaluate(() => ({
        height: document.scrollingElement!.scrollHeight,
        viewport: innerHeight,
      }));
      expect(page1.height).toBeLessThanOrEqual(page1.viewport);
      expect(running.time).not.toBeNull();
      // A running clock: its m:ss moves on.
      await expect
        .poll(async () => (await readClock(page, yours.chatId)).time, { timeout: 5_000 })
        .not.toBe(running.time);

      // The widget came through the script tag and its socket chunk, same-origin.
      const loaded = await page.evaluate(() =>
        performance.getEntriesByType('resource').map((entry) => entry.name),
      );
      expect(loaded.some((name) => name.endsWith('/dist/chat-playbook.iife.js'))).toBe(true);
      expect(loaded.some((name) => name.endsWith('/dist/chat-playbook.socket.js'))).toBe(true);

      // The agent answers in the helpdesk's composer.
      await page
        .locator('#composer')
        .fill(`Hi ${yours.customer.split(' ')[0]}, I'm Sam. Let me look into this for you.`);
      await page.locator('#composer').press('Enter');
      await expect
        .poll(async () => (await readClock(page, yours.chatId)).state, { timeout: 15_000 })
        .toBe('met');
      await page.waitForSelector('.msg-agent');

      // Stored by the server, in this page's own team, as a signed agent message.
      const stored: Array<{ e: Record<string, unknown> }> = [];
      await server.hub.replay(session.running.team, 0, (batch) =>
        stored.push(...(batch.events as never[])),
      );
      expect(
        stored.some(
          ({ e }) => e.chatId === yours.chatId && e.author === 'agent' && e.agentId === 'a-3',
        ),
      ).toBe(true);

      expect(w.errors).toEqual([]);
      expect(await w.violations()).toEqual([]);
    } finally {
      await context.close();
    }
    // The page went away: its session ended and its simulator stopped.
    expect((await session!.running.simulator!.done).reason).toBe('closed');
    await expect.poll(() => demo!.sessions!.size).toBe(0);

    // The supervisor page gets a supervisor token.
    const supervisor = (await (await fetch(`${demo.url}demo/session?role=supervisor`)).json()) as {
      user: { role: string };
      token: string;
    };
    expect(supervisor.user.role).toBe('supervisor');
    expect(
      JSON.parse(Buffer.from(supervisor.token.split('.')[1]!, 'base64url').toString()).role,
    ).toBe('supervisor');

    // Everything stops: the sessions' simulators, the page server and the realtime server.
    const { url } = demo;
    const serverUrl = server.url;
    const last = demo.sessions!.list()[0]!;
    await demo.close();
    expect((await last.running.simulator!.done).reason).toBe('closed');
    demo = null;
    await expect(fetch(url)).rejects.toThrow();
    await expect(fetch(`${serverUrl}/healthz`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    const after = handles();
    for (const kind of ['TCPServerWrap', 'Timeout']) {
      expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0);
    }
  });

  it('every page load starts its own helpdesk, its clocks from that moment', async () => {
    demo = await startDemo({ port: 0, build: false });
    const contexts = await Promise.all(
      [0, 1].map(() => browser.newContext({ viewport: { width: 1280, height: 800 } })),
    );
    try {
      const a = await openPage(demo, contexts[0]!);
      await waitInShadow(a.page, '[data-cp-chat="c-3001"] [data-cp-clock="firstResponse"]', {
        timeout: 20_000,
      });
      await a.page.waitForTimeout(3_000);
      // Opened later: its own team, its own customers, and its first chat just started.
      const b = await openPage(demo, contexts[1]!);
      expect(b.session.running.team).not.toBe(a.session.running.team);
      await waitInShadow(b.page, '[data-cp-chat="c-3001"] [data-cp-clock="firstResponse"]', {
        timeout: 20_000,
      });
      const [clockA, clockB] = await Promise.all(
        [a.page, b.page].map((page) => readClock(page, 'c-3001')),
      );
      expect(seconds(clockB!.time)).toBeLessThan(10);
      expect(seconds(clockA!.time) - seconds(clockB!.time)).toBeGreaterThanOrEqual(3);
      const names = await b.page.locator('.inbox-name').allTextContents();
      const customers = b.session.running.simulator!.chats().map((c) => c.customer);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(customers).toContain(name);

      // Page A goes away: its session ends with it, B's goes on.
      await contexts[0]!.close();
      await expect.poll(() => demo!.sessions!.list().map((s) => s.id)).toEqual([b.session.id]);
      expect((await a.session.running.simulator!.done).reason).toBe('closed');
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
    } finally {
      for (const context of contexts) await context.close().catch(() => {});
      await demo.close();
      demo = null;
    }
  });

  it('a page whose session was replaced by a newer page says so and offers a new one', async () => {
    demo = await startDemo({ port: 0, build: false, sessions: { max: 1, idleMs: 4_000 } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const first = await openPage(demo, context);
      await first.page.waitForSelector('form.composer', { timeout: 20_000 });
      const second = await openPage(demo, context);
      expect(demo.sessions!.list()).toEqual([second.session]);
      // The first page hears it at its next heartbeat (every second here).
      const notice = first.page.getByRole('status').filter({ hasText: 'session has ended' });
      await notice.waitFor({ timeout: 5_000 });
      await notice.getByRole('link', { name: 'Start a new one' }).click();
      await first.page.waitForSelector('form.composer', { timeout: 20_000 });
      expect(demo.sessions!.size).toBe(1);
      expect(await first.page.getByText('session has ended').count()).toBe(0);
    } finally {
      await context.close();
      await demo.close();
      demo = null;
    }
  });

  it('takes every documented URL option: role, dock, speed, skip and chat', async () => {
    demo = await startDemo({ port: 0, build: false, simulator: { seed: 12 } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      // ?role=supervisor: signed in as the supervisor.
      const supervisor = await openPage(demo, context, '?role=supervisor');
      expect(supervisor.session.params.role).toBe('supervisor');
      await expect
        .poll(() => supervisor.page.locator('#desk-agent-name').textContent())
        .toBe('Riley · Supervisor');
      await supervisor.page.close();

      // ?dock=narrow: the widget docked 320 px wide.
      const narrow = await openPage(demo, context, '?dock=narrow');
      const dock = await narrow.page.locator('#playbook').boundingBox();
      expect(Math.round(dock!.width)).toBe(320);
      await narrow.page.close();

      // ?skip=300: the helpdesk has run five minutes; the first chat has waited that long.
      const skipped = await openPage(demo, context, '?skip=300');
      expect(skipped.session.params.skipS).toBe(300);
      await waitInShadow(skipped.page, '[data-cp-chat="c-3001"] [data-cp-clock="firstResponse"]', {
        timeout: 20_000,
      });
      const waited = await readClock(skipped.page, 'c-3001');
      expect(waited.state).toBe('breached');
      expect(seconds(waited.time)).toBeGreaterThanOrEqual(300);
      expect(await skipped.page.locator('.inbox-item').count()).toBeGreaterThan(3);
      await skipped.page.close();

      // ?speed=4: the scripts, arrivals and patience run four times as fast.
      const fast = await openPage(demo, context, '?speed=4');
      expect(fast.session.params.speed).toBe(4);
      const third = fast.session.running.simulator!.chats()[2]!;
      expect(third.startAt - fast.session.running.simulator!.startAt).toBeLessThanOrEqual(25_000);
      await expect
        .poll(() => fast.page.locator('.inbox-item').count(), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(3);
      await fast.page.close();

      // ?chat=c-3002: that conversation opens (not the most urgent one, c-3001).
      const chosen = await openPage(demo, context, '?chat=c-3002');
      await chosen.page.waitForSelector('form.composer[data-chat="c-3002"]', { timeout: 20_000 });
      await chosen.page.waitForTimeout(1_000);
      expect(await chosen.page.locator('form.composer').getAttribute('data-chat')).toBe('c-3002');
      await chosen.page.close();

      // A value out of range is refused with the parameter's name, on the page.
      const page = await context.newPage();
      await page.goto(`${demo.url}?speed=0`);
      await expect
        .poll(() => page.locator('.banner').textContent())
        .toContain('speed: a number from 0.1 to 20');
    } finally {
      await context.close();
      await demo.close();
      demo = null;
    }
  });

  it('the theme switch turns the helpdesk and the widget dark together, and is kept', async () => {
    demo = await startDemo({ port: 0, build: false });
    const light = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
    });
    const dark = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
    });
    const scheme = (page: Page) =>
      page.evaluate(() => {
        const lum = (c: string) =>
          (c.match(/\d+/g) ?? []).slice(0, 3).reduce((sum, v) => sum + Number(v), 0) / 3;
        const widget = document.querySelector('#playbook')?.shadowRoot?.querySelector('.cp');
        return {
          pressed: document.querySelector('#desk-theme')?.getAttribute('aria-pressed'),
          page: lum(getComputedStyle(document.querySelector('.inbox')!).backgroundColor) < 128,
          widget: widget ? lum(getComputedStyle(widget).backgroundColor) < 128 : null,
        };
      });
    try {
      const { page } = await openPage(demo, light);
      await waitInShadow(page, '[data-cp-chat]', { timeout: 20_000 });
      expect(await scheme(page)).toEqual({ pressed: 'false', page: false, widget: false });
      await page.getByRole('button', { name: 'Dark theme' }).click();
      expect(await scheme(page)).toEqual({ pressed: 'true', page: true, widget: true });
      // Kept for the next visit (a new session, the same theme).
      await page.reload();
      await waitInShadow(page, '[data-cp-chat]', { timeout: 20_000 });
      expect(await scheme(page)).toEqual({ pressed: 'true', page: true, widget: true });
      await page.getByRole('button', { name: 'Dark theme' }).press('Enter');
      expect(await scheme(page)).toEqual({ pressed: 'false', page: false, widget: false });

      // Unset, the page follows the system's scheme.
      const system = await openPage(demo, dark);
      await waitInShadow(system.page, '[data-cp-chat]', { timeout: 20_000 });
      expect(await scheme(system.page)).toEqual({ pressed: 'true', page: true, widget: true });
    } finally {
      await light.close();
      await dark.close();
      await demo.close();
      demo = null;
    }
  });

  it('the page’s own colours pass WCAG AA contrast, light and dark', async () => {
    demo = await startDemo({ port: 0, build: false, simulator: { seed: 3 } });
    const axe = axeSource();
    try {
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({
          viewport: { width: 1280, height: 800 },
          colorScheme,
        });
        try {
          // Seven minutes in: open, breached, closed and VIP chats, customers who left.
          const { page, session } = await openPage(demo, context, '?skip=420');
          await waitInShadow(page, '[data-cp-chat]', { timeout: 20_000 });
          await page.locator('.inbox-item.closed').first().waitFor({ timeout: 20_000 });
          await page.locator('.sla-breached').first().waitFor({ timeout: 20_000 });
          // An internal note in the open conversation, and the composer in note mode.
          await page.getByLabel('Internal note').check();
          await page.locator('#composer').fill('Checked the account: two orders this month.');
          await page.locator('#composer').press('Enter');
          await page.locator('.msg-internal').waitFor();
          await page.getByLabel('Internal note').check();
          await page.locator('#composer').fill('Draft');
          expect(session.params.skipS).toBe(420);
          expect(await lowContrast(page), colorScheme).toEqual([]);
          // All of axe's rules on the whole page, the widget's shadow root included.
          await page.evaluate(axe);
          const violations = await page.evaluate(async () => {
            const { axe: engine } = window as unknown as {
              axe: { run(): Promise<{ violations: Array<{ id: string }> }> };
            };
            return (await engine.run()).violations.map((v) => v.id);
          });
          expect(violations, colorScheme).toEqual([]);
        } finally {
          await context.close();
        }
      }
    } finally {
      await demo.close();
      demo = null;
    }
  });
});
