// The sidebar at a glance, in real Chromium from the script-tag bundle (issue 14): an
// answered breach reads as history (not a red alarm) and stays after close, the header's
// count equals the alarms in the list, the list folds to them, and "Mine" leaves a
// colleague's chat a filter away, marked as theirs.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, describeBrowser, launch } from './support/browser.ts';
import { command, sendTimed, type TimedEvent } from './support/chats.ts';
import { AGENT, initScript, waitForReady, waitInShadow, widgetPage } from './support/pages.ts';
import { startServer, type TestServer } from './support/server.ts';

const started = (chatId: string, t: number, name: string, extra = {}): TimedEvent => ({
  t,
  event: { type: 'chat.started', chatId, customer: { id: `u-${chatId}`, name }, ...extra },
});
const agentSays = (chatId: string, t: number, agentId = AGENT.id): TimedEvent => ({
  t,
  event: { type: 'message', chatId, id: `${chatId}-a${t}`, author: 'agent', agentId, text: 'Hi!' },
});

/** Per chat row: visible, its alarm flag and its first-response clock as shown. */
const rows = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('#playbook')!.shadowRoot!;
    return Object.fromEntries(
      Array.from(root.querySelectorAll<HTMLElement>('[data-cp-chat]'), (row) => {
        const clock = row.querySelector<HTMLElement>('[data-cp-clock="firstResponse"]')!;
        return [
          row.dataset.cpChat!,
          {
            visible: row.offsetParent !== null,
            alarm: row.dataset.cpAttention === 'true',
            clock: clock.innerText.replace(/\s+/g, ' ').trim(),
            past: clock.dataset.cpPast ?? null,
            background: getComputedStyle(clock).backgroundColor,
          },
        ];
      }),
    );
  });
const headerCount = (page: Page) =>
  page.evaluate(
    () =>
      document
        .querySelector('#playbook')!
        .shadowRoot!.querySelector<HTMLElement>('[data-cp-attention-count]')?.dataset
        .cpAttentionCount ?? '0',
  );

describeBrowser('embed: the sidebar at a glance', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    widgetPage(server, 'sidebar', initScript());
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('answered breaches read as history; the count, the fold and Mine/Team agree', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.origin}/pages/sidebar.html`);
    await waitForReady(page);
    await sendTimed(page, [
      // Answered 47 s after it started: a breach, over.
      started('c-late', -60, 'Ann Late', { assignee: AGENT.id }),
      agentSays('c-late', -13),
      // Waiting 40 s for a first answer: a live breach.
      started('c-now', -40, 'Bo Now'),
      // Calm: answered at once.
      started('c-calm', -30, 'Cy Calm', { assignee: AGENT.id }),
      agentSays('c-calm', -29),
      // A colleague's, breached and waiting.
      started('c-theirs', -50, 'Di Theirs', { assignee: 'a-7' }),
    ]);
    await command(page, 'focus', 'c-late');
    await waitInShadow(page, '[data-cp-chat="c-theirs"]');

    let shown = await rows(page);
    expect(shown['c-late']).toMatchObject({ past: 'answered', alarm: false, visible: true });
    expect(shown['c-late']!.clock).toMatch(/breached 0:47 · answered/);
    // History, not an alarm: no red fill behind it.
    expect(shown['c-late']!.background).toBe('rgba(0, 0, 0, 0)');
    expect(shown['c-now']).toMatchObject({ past: null, alarm: true, visible: true });
    expect(shown['c-now']!.background).not.toBe('rgba(0, 0, 0, 0)');
    // Folded to what needs attention (and the chat on screen); the calm one a click away.
    expect(shown['c-calm']!.visible).toBe(false);
    // Mine: the colleague's chat is left out, and the count counts what is shown.
    expect(shown['c-theirs']!.visible).toBe(false);
    expect(await headerCount(page)).toBe('1');

    const root = page.locator('#playbook');
    await root.getByRole('button', { name: 'Team' }).click();
    await root.getByRole('button', { name: /Show \d more chat/ }).click();
    shown = await rows(page);
    expect(Object.values(shown).every((row) => row.visible)).toBe(true);
    expect(await root.locator('[data-cp-chat="c-theirs"]').innerText()).toContain("a-7's");
    expect(await headerCount(page)).toBe(
      String(Object.values(shown).filter((row) => row.alarm).length),
    );
    expect(await headerCount(page)).toBe('2');

    // After close the breach stays in view, still as history.
    await sendTimed(page, [{ t: 0, event: { type: 'chat.closed', chatId: 'c-late' } }]);
    await page.waitForTimeout(100);
    shown = await rows(page);
    expect(shown['c-late']!.clock).toMatch(/breached 0:47 · answered/);
    await context.close();
  });
});
