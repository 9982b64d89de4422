// The search as an agent drives it, in the real bundle and Chromium: `/` from the host page
// only when the host opts in (`searchShortcut: true`) and never from the page's own fields,
// Esc back to where `/` came from, typed words outranking the conversation (and alone
// marked), and a list that holds still under the keyboard cursor while new messages arrive.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  assertBuilt,
  describeBrowser,
  launch,
  STUB,
  type Watched,
  watch,
} from './support/browser.ts';
import { command } from './support/chats.ts';
import {
  BUNDLE,
  expectNoErrors,
  helpdeskPage,
  initScript,
  log,
  shadowFocus,
  waitForReady,
  waitInShadow,
} from './support/pages.ts';
import { startServer, type TestServer } from './support/server.ts';

const setup = (searchShortcut: boolean) =>
  initScript(
    { library: '/fixtures/library.json', ...(searchShortcut ? { searchShortcut: true } : {}) },
    `var now = Date.now();
ChatPlaybook('events', [
  { type: 'chat.started', chatId: 'c-1', at: now - 30000,
    customer: { id: 'u-1', name: 'Maya Okafor', tier: 'standard' }, channel: 'web' },
  { type: 'message', chatId: 'c-1', id: 'm1', at: now - 20000, author: 'customer',
    text: 'Hi, my parcel was supposed to arrive on Monday and it still has not come' },
  { type: 'message', chatId: 'c-1', id: 'm2', at: now - 15000, author: 'agent',
    text: 'Sorry to hear that, let me check the tracking for you' },
  { type: 'message', chatId: 'c-1', id: 'm3', at: now - 10000, author: 'customer',
    text: 'The tracking has not updated for a week' }
]);
ChatPlaybook('focus', 'c-1');`,
  );

/** The suggestions on screen, best first. */
const shown = (page: Page) =>
  page.evaluate(() =>
    [
      ...(document
        .querySelector('#playbook')
        ?.shadowRoot?.querySelectorAll('[data-cp-suggestion]') ?? []),
    ].map((el) => (el as HTMLElement).dataset.cpSuggestion),
  );

const activeId = (page: Page) =>
  page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName);

describeBrowser('search: keys, ranking and a list that holds still', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let w: Watched;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    server.add('stub.js', STUB);
    for (const [name, allowed] of [
      ['allowed', true],
      ['plain', false],
    ] as const) {
      server.add(`setup-${name}.js`, setup(allowed));
      server.add(
        `${name}.html`,
        helpdeskPage(
          `<button id="host-button" type="button">Assign</button><script src="/pages/stub.js"></script><script src="/pages/setup-${name}.js"></script><script async src="${BUNDLE}"></script>`,
        ),
      );
    }
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

  async function open(name: 'allowed' | 'plain'): Promise<Page> {
    const { page } = w;
    await page.goto(`${server.origin}/pages/${name}.html`);
    await waitForReady(page);
    await waitInShadow(page, '[data-cp-suggestion="CS-SH-001"]');
    return page;
  }

  it('`/` on the host page focuses the search when allowed, and Esc returns', async () => {
    const page = await open('allowed');
    await page.focus('#host-button');
    await page.keyboard.press('/');
    expect((await shadowFocus(page))?.attrs).toHaveProperty('data-cp-search');
    await page.keyboard.type('refund');
    await page.keyboard.press('Escape');
    // The first Esc cleared the box; the second goes back to the host's button.
    expect((await shadowFocus(page))?.attrs).toHaveProperty('data-cp-search');
    await page.keyboard.press('Escape');
    expect(await activeId(page)).toBe('host-button');
    // Typed into the host's own field, `/` is just a character.
    await page.focus('#composer');
    await page.keyboard.type('a/b');
    expect(await page.inputValue('#composer')).toBe('a/b');
    expect(await activeId(page)).toBe('composer');
    expectNoErrors(await log(page));
  });

  it('`/` on the host page does nothing when the host did not allow it', async () => {
    const page = await open('plain');
    await page.focus('#host-button');
    await page.keyboard.press('/');
    expect(await activeId(page)).toBe('host-button');
    expect(await shadowFocus(page)).toBeNull();
    // Inside the widget `/` still works, and Esc comes back to where it was pressed.
    await page.evaluate(() =>
      document
        .querySelector('#playbook')
        ?.shadowRoot?.querySelector<HTMLElement>('[data-cp-suggestion] button')
        ?.focus(),
    );
    const from = await shadowFocus(page);
    await page.keyboard.press('/');
    expect((await shadowFocus(page))?.attrs).toHaveProperty('data-cp-search');
    await page.keyboard.press('Escape');
    expect((await shadowFocus(page))?.attrs.id).toBe(from?.attrs.id);
  });

  it('ranks by what the agent types over the conversation, and marks only the typed words', async () => {
    const page = await open('allowed');
    expect((await shown(page))[0]).toBe('CS-SH-001');
    await page.focus('#host-button');
    await page.keyboard.press('/');
    await page.keyboard.type('customer was charged twice refund');
    await page.waitForFunction(
      () =>
        document
          .querySelector('#playbook')
          ?.shadowRoot?.querySelector('[data-cp-suggestion]')
          ?.getAttribute('data-cp-suggestion') === 'CS-BL-001',
    );
    expect(await shown(page)).not.toContain('CS-SH-002');
    const marks = await page.evaluate(() =>
      [...(document.querySelector('#playbook')?.shadowRoot?.querySelectorAll('mark') ?? [])].map(
        (m) => m.textContent?.toLowerCase(),
      ),
    );
    expect(marks).toEqual(expect.arrayContaining(['charged', 'refund']));
    for (const word of ['parcel', 'tracking', 'arrive', 'week', 'sorry', 'check'])
      expect(marks).not.toContain(word);
  });

  it('does not reorder the list under the keyboard cursor; a cue shows the new one', async () => {
    const page = await open('allowed');
    await page.focus('#host-button');
    await page.keyboard.press('/');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const before = await shown(page);
    const cursor = await page.evaluate(() =>
      document
        .querySelector('#playbook')
        ?.shadowRoot?.querySelector('[data-cp-search]')
        ?.getAttribute('aria-activedescendant'),
    );
    expect(cursor).toBeTruthy();
    await command(page, 'event', {
      type: 'message',
      chatId: 'c-1',
      id: 'm4',
      at: Date.now(),
      author: 'customer',
      text: 'Also I was charged twice for it, I want my money back',
    });
    await waitInShadow(page, '[data-cp-new-suggestions]');
    expect(await shown(page)).toEqual(before);
    expect(
      await page.evaluate(() =>
        document
          .querySelector('#playbook')
          ?.shadowRoot?.querySelector('[data-cp-search]')
          ?.getAttribute('aria-activedescendant'),
      ),
    ).toBe(cursor);
    // Announced politely: the cue sits in a status region.
    expect(
      await page.evaluate(
        () =>
          document
            .querySelector('#playbook')
            ?.shadowRoot?.querySelector('[data-cp-new-suggestions]')
            ?.closest('[role="status"]') != null,
      ),
    ).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      () =>
        !document
          .querySelector('#playbook')
          ?.shadowRoot?.querySelector('[data-cp-new-suggestions]'),
    );
    expect(await shown(page)).not.toEqual(before);
    expect(await shown(page)).toContain('CS-BL-001');
    expectNoErrors(await log(page));
    expect(w.errors).toEqual([]);
  });
});
