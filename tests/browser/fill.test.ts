// Replies with fill-ins from data, in the built bundle under the strict CSP: the demo
// library's "Tracking update" (CS-SH-001) fills the order number and tracking link from the
// customer's messages by the patterns the library declares, the carrier from the host's
// `fields` command, each with its source; the agent inserts it with the rest left as visible
// blanks, and "use a library reply" ticks only once the message is sent.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { assertBuilt, describeBrowser, launch, type Watched, watch } from './support/browser.ts';
import { command } from './support/chats.ts';
import {
  expectNoErrors,
  initScript,
  log,
  shadowFocus,
  waitForReady,
  waitInShadow,
  widgetPage,
} from './support/pages.ts';
import { startServer, type TestServer } from './support/server.ts';

const ORDER_MESSAGE =
  'My order SO-558120 was due yesterday, tracking https://track.example.com/PL99120334GB has not moved';

const setup = initScript(
  { library: '/fixtures/library.json' },
  `var now = Date.now();
ChatPlaybook('events', [
  { type: 'chat.started', chatId: 'c-1', at: now - 60000, channel: 'web', caseRef: 'CS-48213',
    customer: { id: 'u-1', name: 'Maya Okafor', tier: 'standard' } },
  { type: 'message', chatId: 'c-1', id: 'm1', at: now - 50000, author: 'customer',
    text: 'Hi, my order is SO-111111' },
  { type: 'message', chatId: 'c-1', id: 'm2', at: now - 45000, author: 'agent', agentId: 'a-3',
    text: 'Hi Maya, let me look into that for you.' },
  { type: 'message', chatId: 'c-1', id: 'm3', at: now - 30000, author: 'customer',
    text: ${JSON.stringify(ORDER_MESSAGE)} }
]);
// A host's own data for the chat, through the documented command (docs/embedding.md).
ChatPlaybook('fields', 'c-1', { carrier: 'Parcelink' }, 'Zendesk');
ChatPlaybook('focus', 'c-1');`,
  ['ready', 'error', 'reply'],
);

describeBrowser('fill-ins from data in the built bundle', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let w: Watched;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    widgetPage(server, 'fill', setup);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    w = await watch(context);
  });
  afterEach(async () => {
    await context.close();
  });

  it('fills from the transcript and the host, inserts with blanks, ticks on send', async () => {
    const { page } = w;
    await page.goto(`${server.origin}/pages/fill.html`);
    await waitForReady(page);
    const widget = page.locator('#playbook');

    // The SOP comes up for the customer's words; its reply opens the fill-in form.
    await waitInShadow(page, '[data-cp-suggestion="CS-SH-001"]');
    await widget.locator('[data-cp-suggestion="CS-SH-001"] button.cp-title').click();
    await widget.locator('[data-cp-sop-reply="r-tracking-update"]').click();
    const form = widget.locator('[data-cp-fill="r-tracking-update"]');
    await form.waitFor();

    const field = (name: string) => form.locator(`input[data-cp-field="${name}"]`);
    const sourceOf = async (name: string) => {
      const id = (await field(name).getAttribute('aria-describedby'))?.split(' ')[0];
      return id ? form.locator(`#${id}`).textContent() : null;
    };
    const sentAt = await page.evaluate(() =>
      new Date(Date.now() - 30_000).toTimeString().slice(0, 5),
    );
    // The latest customer message with an order number wins, and says which message it was.
    expect(await field('orderNumber').inputValue()).toBe('SO-558120');
    expect(await sourceOf('orderNumber')).toBe(
      `from the transcript, ${sentAt}: “${ORDER_MESSAGE.slice(0, 80)}…”`,
    );
    expect(await form.locator('label[for="cp-fill-0"]').textContent()).toBe(
      'Order number (required)',
    );
    expect(await field('trackingUrl').inputValue()).toBe('https://track.example.com/PL99120334GB');
    expect(await field('carrier').inputValue()).toBe('Parcelink');
    expect(await sourceOf('carrier')).toBe('from Zendesk');
    // Nothing known about the rest: empty, and the focus waits in the first of them.
    expect(await field('trackingStatus').inputValue()).toBe('');
    expect((await shadowFocus(page))?.attrs['data-cp-field']).toBe('trackingStatus');
    expect(await form.locator('[data-cp-from-chat]').count()).toBe(0);
    expect(await form.locator('.cp-blank').allTextContents()).toEqual([
      '[tracking status]',
      '[new delivery date]',
    ]);

    // Enter inserts it with the blanks visibly marked, for the agent to finish in the composer.
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await log(page, 'reply')).length).toBe(1);
    const inserted = (await log(page, 'reply'))[0]!.payload;
    expect(inserted).toMatchObject({
      chatId: 'c-1',
      sopId: 'CS-SH-001',
      replyId: 'r-tracking-update',
    });
    expect(inserted.text).toBe(
      "Thanks for waiting! Your order SO-558120 is with Parcelink, and the latest scan shows it [tracking status]. They're now expecting to deliver it by [new delivery date]. You can follow it live here: https://track.example.com/PL99120334GB",
    );
    const snippet = widget.locator('[data-cp-check="snippet"]');
    expect(await snippet.getAttribute('aria-checked')).toBe('false');

    // Sent, with the blanks completed: now the checklist ticks, and says why when asked.
    const sent = inserted.text
      .replace('[tracking status]', 'at the Leeds depot')
      .replace('[new delivery date]', 'Wednesday');
    await command(page, 'event', {
      type: 'message',
      chatId: 'c-1',
      id: 'm4',
      at: Date.now(),
      author: 'agent',
      agentId: 'a-3',
      text: sent,
    });
    await expect.poll(() => snippet.getAttribute('aria-checked')).toBe('true');
    await snippet.focus();
    await page.keyboard.press('Enter');
    expect(await snippet.getAttribute('aria-expanded')).toBe('true');
    expect(await widget.locator('[data-cp-why="snippet"]').textContent()).toContain(
      'carries a reply inserted from the library: “Tracking update”',
    );

    expectNoErrors(await log(page));
    expect(w.errors).toEqual([]);
    expect(await w.violations()).toEqual([]);
  });
});
