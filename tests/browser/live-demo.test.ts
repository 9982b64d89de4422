// The live demo (`npm run demo`) in-process: the realtime server, the simulator and the demo
// page on Vite's dev server (src/server/demo.ts). In Chromium: a simulated chat appears in
// the widget — docked by the script tag on the socket transport — with a running clock; the
// agent types a reply in the helpdesk's composer (POST /demo/say → signed webhook) and the
// first-response clock turns `met`. Then everything stops, leaving no server or timer behind.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../src/server/demo.ts';
import { assertBuilt, describeBrowser, launch, watch } from './support/browser.ts';
import { waitInShadow } from './support/pages.ts';

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

describeBrowser('live demo (server + simulator + page)', { timeout: 90_000 }, () => {
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
    demo = await startDemo({ port: 0, build: false, simulator: { seed: 5, maxChats: 3 } });
    expect(demo.mode).toBe('live');
    const server = demo.server!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const w = await watch(context);
      const { page } = w;
      await page.goto(demo.url);

      // The page follows the simulated chat that waits for a first answer.
      const yours = demo.simulator!.plan.chats[0]!;
      expect(yours.kind).toBe('yours');
      await page.waitForSelector(`form.composer[data-chat="${yours.chatId}"]`, { timeout: 30_000 });
      await page.waitForSelector('.msg-customer');
      const clock = `[data-cp-chat="${yours.chatId}"] [data-cp-clock="firstResponse"]`;
      await waitInShadow(page, clock, { timeout: 30_000 });
      const read = () =>
        page.evaluate((sel) => {
          const el = document.querySelector('#playbook')?.shadowRoot?.querySelector(sel);
          return {
            state: el?.getAttribute('data-cp-state') ?? null,
            time: el?.textContent?.match(/\d+:\d\d/)?.[0] ?? null,
          };
        }, clock);
      const running = await read();
      expect(['ok', 'warning', 'breached']).toContain(running.state);
      // The dock scrolls on its own: nothing of the widget lengthens the helpdesk page.
      const page1 = await page.evaluate(() => ({
        height: document.scrollingElement!.scrollHeight,
        viewport: innerHeight,
      }));
      expect(page1.height).toBeLessThanOrEqual(page1.viewport);
      expect(running.time).not.toBeNull();
      // A running clock: its m:ss moves on.
      await expect.poll(async () => (await read()).time, { timeout: 5_000 }).not.toBe(running.time);

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
      await expect.poll(async () => (await read()).state, { timeout: 15_000 }).toBe('met');
      await page.waitForSelector('.msg-agent');

      // Stored by the server as a signed agent message.
      const stored: Array<{ e: Record<string, unknown> }> = [];
      await server.hub.replay('default', 0, (batch) => stored.push(...(batch.events as never[])));
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

    // The supervisor page gets a supervisor token.
    const session = (await (await fetch(`${demo.url}demo/session?role=supervisor`)).json()) as {
      user: { role: string };
      token: string;
    };
    expect(session.user.role).toBe('supervisor');
    expect(JSON.parse(Buffer.from(session.token.split('.')[1]!, 'base64url').toString()).role).toBe(
      'supervisor',
    );

    // Everything stops: the simulator, the page server and the realtime server.
    const { url } = demo;
    const serverUrl = server.url;
    await demo.close();
    expect((await demo.simulator!.done).reason).toBe('closed');
    demo = null;
    await expect(fetch(url)).rejects.toThrow();
    await expect(fetch(`${serverUrl}/healthz`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    const after = handles();
    for (const kind of ['TCPServerWrap', 'Timeout']) {
      expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0);
    }
  });
});
