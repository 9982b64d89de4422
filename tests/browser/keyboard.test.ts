// The keyboard journey and the reply paths: Tab to a checklist item and tick it with Space,
// `/` to search, arrows and Enter to choose a reply; the reply goes to the host's handler, or
// to the clipboard when the host has none.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { assertBuilt, describeBrowser, launch, type Watched, watch } from './support/browser.ts';
import { CHATS, command, sendTimed } from './support/chats.ts';
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

const setup = (withReplyHandler: boolean) =>
  initScript({ library: '/fixtures/library.json' }, '', [
    'ready',
    'error',
    ...(withReplyHandler ? ['reply'] : []),
  ]);

describeBrowser('embed: keyboard and replies', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let w: Watched;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    widgetPage(server, 'reply', setup(true));
    widgetPage(server, 'clipboard', setup(false));
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

  async function open(page: Page, name: string): Promise<void> {
    await page.goto(`${server.origin}/pages/${name}.html`);
    await waitForReady(page);
    await sendTimed(page, CHATS);
    await command(page, 'focus', 'c-ok');
    await waitInShadow(page, '[data-cp-suggestion] [data-cp-reply]');
  }

  /** Presses Tab until the focused widget element matches, naming everything it passed. */
  async function tabTo(page: Page, matches: (attrs: Record<string, string>) => boolean) {
    const passed: string[] = [];
    for (let i = 0; i < 120; i += 1) {
      await page.keyboard.press('Tab');
      const focus = await shadowFocus(page);
      if (!focus) continue;
      passed.push(
        `${focus.tag}${focus.attrs['data-cp-check'] ? `[${focus.attrs['data-cp-check']}]` : ''}`,
      );
      if (matches(focus.attrs)) return { focus, passed };
    }
    throw new Error(`never reached the element by Tab; passed: ${passed.join(', ')}`);
  }

  it('Tab reaches a checklist item and Space ticks it', async () => {
    const { page } = w;
    await open(page, 'reply');
    await page.locator('#composer').focus();
    const { focus } = await tabTo(page, (attrs) => attrs['data-cp-check'] === 'history');
    expect(focus.attrs['aria-checked']).toBe('false');
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () =>
        document
          .querySelector('#playbook')
          ?.shadowRoot?.querySelector('[data-cp-check="history"]')
          ?.getAttribute('aria-checked') === 'true',
    );
    // Focus stays on the item (or its re-rendered replacement) for the next key.
    expect((await shadowFocus(page))?.attrs['data-cp-check']).toBe('history');
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () =>
        document
          .querySelector('#playbook')
          ?.shadowRoot?.querySelector('[data-cp-check="history"]')
          ?.getAttribute('aria-checked') === 'false',
    );
  });

  it('every focusable control has an accessible name', async () => {
    const { page } = w;
    await open(page, 'reply');
    const unnamed = await page.evaluate(() => {
      const root = document.querySelector('#playbook')!.shadowRoot!;
      const focusable = root.querySelectorAll<HTMLElement>(
        'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"]), [role="checkbox"]',
      );
      const nameOf = (el: HTMLElement): string => {
        const labelledby = el.getAttribute('aria-labelledby');
        if (labelledby) {
          return labelledby
            .split(/\s+/)
            .map((id) => root.getElementById(id)?.textContent ?? '')
            .join(' ')
            .trim();
        }
        const labels = (el as HTMLInputElement).labels;
        return (
          el.getAttribute('aria-label') ??
          (labels && labels.length > 0 ? labels[0]!.textContent : null) ??
          el.getAttribute('title') ??
          el.getAttribute('placeholder') ??
          el.textContent ??
          ''
        ).trim();
      };
      return Array.from(focusable)
        .filter((el) => nameOf(el) === '')
        .map((el) => el.outerHTML.slice(0, 120));
    });
    expect(unnamed).toEqual([]);
  });

  it('/ focuses the search; arrows and Enter choose a reply for the host', async () => {
    const { page } = w;
    await open(page, 'reply');
    // `/` from anywhere in the widget (here: a checklist item) moves to the search box.
    await page.locator('#playbook [data-cp-check="history"]').focus();
    await page.keyboard.press('/');
    const search = await shadowFocus(page);
    expect(search?.tag).toBe('input');
    expect(
      search?.attrs.type === 'search' ||
        search?.attrs.role === 'searchbox' ||
        search?.attrs.role === 'combobox',
    ).toBe(true);
    await page.keyboard.type('refund');
    await waitInShadow(page, '[data-cp-suggestion] [data-cp-reply]');
    // ↓ moves through the results (SOPs and their replies) until a reply is active; ↑ then ↓
    // comes back to it; Enter inserts it, first asking for any fill-in fields.
    const activeIsReply = () =>
      page.evaluate(() =>
        Boolean(
          document
            .querySelector('#playbook')
            ?.shadowRoot?.querySelector('[data-cp-active="true"][data-cp-reply]'),
        ),
      );
    for (let i = 0; i < 20 && !(await activeIsReply()); i += 1) {
      await page.keyboard.press('ArrowDown');
    }
    expect(await activeIsReply()).toBe(true);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    expect(await activeIsReply()).toBe(true);
    await page.keyboard.press('Enter');
    for (let i = 0; i < 8 && (await log(page, 'reply')).length === 0; i += 1) {
      await page.waitForTimeout(100);
      const focus = await shadowFocus(page);
      if (focus?.attrs['data-cp-field'] === undefined) continue;
      await page.keyboard.type(`value ${i + 1}`);
      await page.keyboard.press('Enter');
    }
    const replies = await log(page, 'reply');
    expect(replies).toHaveLength(1);
    const reply = replies[0]!.payload;
    expect(reply.chatId).toBe('c-ok');
    expect(typeof reply.sopId).toBe('string');
    expect(typeof reply.replyId).toBe('string');
    expect(reply.text.length).toBeGreaterThan(0);
    expect(reply.text).not.toMatch(/\{[^}]+\}/);
    expectNoErrors(await log(page));
  });

  it('a reply button sends the reply to the host handler', async () => {
    const { page } = w;
    await open(page, 'reply');
    await choosePlainReply(page);
    const replies = await log(page, 'reply');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.payload.chatId).toBe('c-ok');
    expect(replies[0]!.payload.text).not.toMatch(/\{[^}]+\}/);
  });

  it('copies the reply to the clipboard when the host has no reply handler', async () => {
    await context.close();
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    w = await watch(context);
    const { page } = w;
    await open(page, 'clipboard');
    await page.evaluate(() => navigator.clipboard.writeText('before'));
    await choosePlainReply(page);
    await page.waitForFunction(async () => (await navigator.clipboard.readText()) !== 'before');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.length).toBeGreaterThan(0);
    expect(copied).not.toMatch(/\{[^}]+\}/);
    expect(w.errors).toEqual([]);
  });
});

/**
 * Clicks a reply of the best suggestion; when the widget asks for fill-in fields first, fills
 * each with a value and confirms.
 */
async function choosePlainReply(page: Page): Promise<void> {
  const widget = page.locator('#playbook');
  await widget.locator('[data-cp-suggestion]').first().locator('[data-cp-reply]').first().click();
  await page.waitForTimeout(150);
  // The fill-in form ships in the reply chunk, loaded on first use.
  await widget.getByText('Loading the reply form').waitFor({ state: 'detached' });
  const fields = widget.locator(
    '[data-cp-field] input, [data-cp-fill] input, form input[type="text"]',
  );
  const count = await fields.count();
  if (count > 0) {
    for (let i = 0; i < count; i += 1) await fields.nth(i).fill(`value ${i + 1}`);
    await fields.nth(count - 1).press('Enter');
  }
}
