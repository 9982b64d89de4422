// The script tag and command queue of shared/spec/embed.md in real Chromium: every loading
// order, one widget per init, errors as events (never thrown into the page).
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  assertBuilt,
  describeBrowser,
  html,
  launch,
  RECORDER,
  type Watched,
  watch,
} from './support/browser.ts';
import {
  BUNDLE,
  countInShadow,
  expectNoErrors,
  log,
  registerPage,
  setupScript,
  waitForReady,
  waitInShadow,
} from './support/pages.ts';
import { startServer, type TestServer } from './support/server.ts';

describeBrowser('embed: script tag and command queue', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let w: Watched;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    // Slow paths let a test decide which script runs first.
    server.delay('/pages/slow-', 400);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    w = await watch(context);
  });
  afterEach(async () => {
    await context.close();
  });

  /** One ready, the queued chat on screen, no errors, the real function installed. */
  async function expectMountedOnce(): Promise<void> {
    const { page } = w;
    await waitForReady(page);
    await waitInShadow(page, '[data-cp-chat="c-1"]');
    const entries = await log(page);
    expect(entries.filter((e) => e.name === 'ready')).toHaveLength(1);
    expectNoErrors(entries);
    expect(await countInShadow(page, '[data-cp-chat]')).toBe(1);
    const installed = await page.evaluate(() => {
      const fn = (window as unknown as { ChatPlaybook?: { loaded?: boolean; q?: unknown } })
        .ChatPlaybook;
      return { loaded: fn?.loaded === true, hasQueue: fn?.q !== undefined };
    });
    expect(installed).toEqual({ loaded: true, hasQueue: false });
    expect(w.errors).toEqual([]);
    expect(await w.violations()).toEqual([]);
  }

  it('stub first, then <script async>', async () => {
    const url = registerPage(
      server,
      'async-after',
      ({ stub, setup }) =>
        `<script src="${stub}"></script><script src="${setup}"></script><script async src="${BUNDLE}"></script>`,
    );
    await w.page.goto(url);
    await expectMountedOnce();
    expect(
      await w.page.evaluate(() => (window as unknown as { __loadedFirst: boolean }).__loadedFirst),
    ).toBe(false);
  });

  it('stub first, then <script defer>', async () => {
    const url = registerPage(
      server,
      'defer-after',
      ({ stub, setup }) =>
        `<script src="${stub}"></script><script src="${setup}"></script><script defer src="${BUNDLE}"></script>`,
    );
    await w.page.goto(url);
    await expectMountedOnce();
  });

  it('<script defer> placed before the stub', async () => {
    const url = registerPage(
      server,
      'defer-before',
      ({ stub, setup }) =>
        `<script defer src="${BUNDLE}"></script><script src="${stub}"></script><script src="${setup}"></script>`,
    );
    await w.page.goto(url);
    await expectMountedOnce();
  });

  it('<script async> placed before the stub and loaded before it runs', async () => {
    // The stub and setup are slow to arrive, so the async bundle runs first: the stub must
    // keep the real function (`window.ChatPlaybook || …`) and the calls run directly.
    const url = registerPage(
      server,
      'slow-async-before',
      ({ stub, setup }) =>
        `<script async src="${BUNDLE}"></script><script src="${stub}"></script><script src="${setup}"></script>`,
    );
    await w.page.goto(url);
    await expectMountedOnce();
    expect(
      await w.page.evaluate(() => (window as unknown as { __loadedFirst: boolean }).__loadedFirst),
    ).toBe(true);
  });

  it('a blocking script before the stub, with the target after the scripts', async () => {
    const url = registerPage(
      server,
      'sync-before',
      ({ stub, setup }) =>
        `<script src="${BUNDLE}"></script><script src="${stub}"></script><script src="${setup}"></script>`,
      { targetLast: true },
    );
    await w.page.goto(url);
    await expectMountedOnce();
    expect(
      await w.page.evaluate(() => (window as unknown as { __loadedFirst: boolean }).__loadedFirst),
    ).toBe(true);
  });

  it('the bundle injected after the page loaded (a loader snippet)', async () => {
    server.add(
      'inject-loader.js',
      `window.addEventListener('load', function () {
        setTimeout(function () {
          var s = document.createElement('script'); s.async = true; s.src = '${BUNDLE}';
          document.head.appendChild(s);
        }, 100);
      });`,
    );
    const url = registerPage(
      server,
      'inject',
      ({ stub, setup }) =>
        `<script src="${stub}"></script><script src="${setup}"></script><script src="/pages/inject-loader.js"></script>`,
    );
    await w.page.goto(url);
    await expectMountedOnce();
  });

  it('runs the embed.md snippet as written (inline stub and init)', async () => {
    // Inline scripts need their hashes in the policy; everything else stays strict.
    const url = server.add(
      'snippet.html',
      html({
        body: `<div id="playbook"></div>
<script>
  window.ChatPlaybook = window.ChatPlaybook || function () {
    (window.ChatPlaybook.q = window.ChatPlaybook.q || []).push(arguments);
  };
  window.__log = [];
  ChatPlaybook('on', 'ready', function (p) { window.__log.push({ name: 'ready', payload: p }); });
  ChatPlaybook('on', 'error', function (p) { window.__log.push({ name: 'error', payload: p }); });
  ChatPlaybook('init', {
    target: '#playbook',
    agent: { id: 'a-3', name: 'Sam' },
    role: 'agent',
    library: '/fixtures/library.json',
    thresholds: { firstResponseS: 30 },
    transport: 'local'
  });
  ChatPlaybook('event', { type: 'chat.started', chatId: 'c-1', at: Date.now() - 5000,
    customer: { name: 'Dana Lee' } });
</script>
<script async src="${BUNDLE}"></script>`,
      }),
      { csp: 'inline-hashes' },
    );
    await w.page.goto(url);
    await expectMountedOnce();
  });

  it('replays queued calls in order with init first', async () => {
    // Queued before load: an event before init, a focus, a configure, a later init (an error).
    const setup = setupScript({
      extra: `ChatPlaybook('event', { type: 'message', chatId: 'c-1', id: 'm2', at: now - 7000,
        author: 'agent', text: 'Hi Maya, I am Sam. Let me check that for you.' });
      ChatPlaybook('init', { target: '#playbook', transport: 'local' });`,
    });
    const url = registerPage(
      server,
      'replay',
      ({ stub, setup }) =>
        `<script src="${stub}"></script><script src="${setup}"></script><script async src="${BUNDLE}"></script>`,
      { setup },
    );
    await w.page.goto(url);
    await waitForReady(w.page);
    await waitInShadow(w.page, '[data-cp-chat="c-1"] [data-cp-clock="firstResponse"]');
    // The agent message (queued after the queued init) answered in time: first response met.
    await w.page.waitForFunction(
      () =>
        document
          .querySelector('#playbook')
          ?.shadowRoot?.querySelector('[data-cp-chat="c-1"] [data-cp-clock="firstResponse"]')
          ?.getAttribute('data-cp-state') === 'met',
    );
    const errors = await log(w.page, 'error');
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0]!.payload)).toMatch(/init/i);
    expect(await countInShadow(w.page, '[data-cp-chat]')).toBe(1);
  });

  it('a second init is an error event, not a second widget', async () => {
    const url = registerPage(
      server,
      'second-init',
      ({ stub, setup }) =>
        `<script src="${stub}"></script><script src="${setup}"></script><script async src="${BUNDLE}"></script>`,
    );
    await w.page.goto(url);
    await expectMountedOnce();
    await w.page.evaluate(() => {
      const other = document.createElement('div');
      other.id = 'other';
      document.body.append(other);
      const cp = (window as unknown as { ChatPlaybook: (...args: unknown[]) => unknown })
        .ChatPlaybook;
      cp('init', { target: '#playbook', transport: 'local' });
      cp('init', { target: '#other', transport: 'local' });
    });
    const errors = await log(w.page, 'error');
    expect(errors).toHaveLength(2);
    expect(await w.page.evaluate(() => document.querySelector('#other')?.shadowRoot ?? null)).toBe(
      null,
    );
    expect(await countInShadow(w.page, '[data-cp-chat]')).toBe(1);
    expect(w.warnings.some((text) => /init/i.test(text))).toBe(true);
    expect(w.errors).toEqual([]);
  });

  it('reports errors as events and warnings, never throwing into the page', async () => {
    const url = registerPage(
      server,
      'errors',
      ({ stub, setup }) =>
        `<script src="${stub}"></script><script src="${setup}"></script><script async src="${BUNDLE}"></script>`,
    );
    await w.page.goto(url);
    await expectMountedOnce();
    const thrown = await w.page.evaluate(() => {
      const cp = (window as unknown as { ChatPlaybook: (...args: unknown[]) => unknown })
        .ChatPlaybook;
      const problems: string[] = [];
      const attempt = (...args: unknown[]) => {
        try {
          cp(...args);
        } catch (err) {
          problems.push(String(err));
        }
      };
      attempt('nonsense');
      attempt('event', { type: 'message', chatId: 'c-1', at: 'yesterday' });
      attempt('events', 'not a list');
      attempt('configure', { firstResponseS: -5 });
      attempt('configure', { firstResponseS: 30, firstResponseWarnS: 40 });
      attempt('on', 'ready');
      attempt('on', 'nope', () => {});
      attempt('on', 'error', () => {
        throw new Error('a broken host handler');
      });
      attempt('configure', { maxGapS: 'soon' });
      return problems;
    });
    expect(thrown).toEqual([]);
    await w.page.waitForTimeout(100);
    const errors = (await log(w.page, 'error')).map((e) => JSON.stringify(e.payload));
    expect(errors.length).toBeGreaterThanOrEqual(8);
    expect(errors.some((text) => /at/.test(text))).toBe(true);
    expect(errors.some((text) => /firstResponseS/.test(text))).toBe(true);
    expect(errors.some((text) => /firstResponseWarnS/.test(text))).toBe(true);
    expect(errors.some((text) => /maxGapS/.test(text))).toBe(true);
    expect(w.errors).toEqual([]);
    // The widget still works afterwards.
    await w.page.evaluate(() => {
      const cp = (window as unknown as { ChatPlaybook: (...args: unknown[]) => unknown })
        .ChatPlaybook;
      cp('event', {
        type: 'chat.started',
        chatId: 'c-2',
        at: Date.now(),
        customer: { name: 'Tom' },
      });
    });
    await waitInShadow(w.page, '[data-cp-chat="c-2"]');
  });

  it('commands before init (after load) wait for it; destroy then init mounts again', async () => {
    server.add(
      'late-setup.js',
      `${RECORDER}
ChatPlaybook('on', 'ready', __record('ready'));
ChatPlaybook('on', 'error', __record('error'));`,
    );
    const url = registerPage(
      server,
      'late',
      ({ stub }) =>
        `<script src="${stub}"></script><script src="/pages/late-setup.js"></script><script async src="${BUNDLE}"></script>`,
    );
    await w.page.goto(url);
    await w.page.waitForFunction(
      () => (window as unknown as { ChatPlaybook?: { loaded?: boolean } }).ChatPlaybook?.loaded,
    );
    const initOptions = {
      target: '#playbook',
      transport: 'local',
      library: '/fixtures/library.json',
    };
    await w.page.evaluate(() => {
      const cp = (window as unknown as { ChatPlaybook: (...args: unknown[]) => unknown })
        .ChatPlaybook;
      cp('event', { type: 'chat.started', chatId: 'c-9', at: Date.now(), customer: { name: 'A' } });
    });
    expect(await log(w.page, 'error')).toHaveLength(0);

    await w.page.evaluate((options) => {
      const cp = (window as unknown as { ChatPlaybook: (...args: unknown[]) => unknown })
        .ChatPlaybook;
      cp('init', options);
    }, initOptions);
    await waitForReady(w.page);
    await waitInShadow(w.page, '[data-cp-chat="c-9"]');

    await w.page.evaluate(() => {
      const cp = (window as unknown as { ChatPlaybook: (...args: unknown[]) => unknown })
        .ChatPlaybook;
      cp('destroy');
    });
    expect(await countInShadow(w.page, '*')).toBe(0);

    // A handler registered after destroy hears the next widget's ready.
    await w.page.evaluate((options) => {
      const win = window as unknown as {
        ChatPlaybook: (...args: unknown[]) => unknown;
        __log: unknown[];
        __record: (name: string) => (payload: unknown) => void;
      };
      win.__log.length = 0;
      win.ChatPlaybook('on', 'ready', win.__record('ready'));
      win.ChatPlaybook('on', 'error', win.__record('error'));
      win.ChatPlaybook('init', options);
      win.ChatPlaybook('event', { type: 'chat.started', chatId: 'c-10', at: Date.now() });
    }, initOptions);
    await waitForReady(w.page);
    await waitInShadow(w.page, '[data-cp-chat="c-10"]');
    expect(await countInShadow(w.page, '[data-cp-chat]')).toBe(1);
    expectNoErrors(await log(w.page));
    expect(w.errors).toEqual([]);
  });

  it('a ready handler registered after ready still hears it once', async () => {
    const url = registerPage(
      server,
      'late-ready',
      ({ stub, setup }) =>
        `<script src="${stub}"></script><script src="${setup}"></script><script async src="${BUNDLE}"></script>`,
    );
    await w.page.goto(url);
    await expectMountedOnce();
    await w.page.evaluate(() => {
      const win = window as unknown as {
        ChatPlaybook: (...args: unknown[]) => unknown;
        __record: (name: string) => (payload: unknown) => void;
      };
      win.ChatPlaybook('on', 'ready', win.__record('late-ready'));
    });
    await w.page.waitForTimeout(50);
    expect(await log(w.page, 'late-ready')).toHaveLength(1);
    expect(await log(w.page, 'ready')).toHaveLength(1);
  });
});
