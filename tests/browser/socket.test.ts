// The script-tag bundle on the socket transport against the real server (src/server): the
// bundle loads dist/chat-playbook.socket.js on demand, authenticates with a token, shows
// chats the helpdesk posts to the server, and sends the agent's ticks back.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { type RunningServer, startServer as startPlaybookServer } from '../../src/server/index.ts';
import {
  assertBuilt,
  describeBrowser,
  launch,
  RECORDER,
  STUB,
  type Watched,
  watch,
} from './support/browser.ts';
import { AGENT, BUNDLE, helpdeskPage, log, waitForReady, waitInShadow } from './support/pages.ts';
import { startServer, type TestServer } from './support/server.ts';

describeBrowser('socket transport (script tag → lazy chunk → real server)', () => {
  let browser: Browser;
  let pages: TestServer;
  let playbook: RunningServer;
  let context: BrowserContext;
  let watched: Watched;

  beforeAll(async () => {
    assertBuilt();
    browser = await launch();
    pages = await startServer();
    playbook = await startPlaybookServer({ secret: 'test-secret', port: 0 });
  });
  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await playbook?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    watched = await watch(context);
  });
  afterEach(async () => {
    await context.close();
  });

  function page(name: string, token: string): string {
    const setup = `${RECORDER}
ChatPlaybook('on', 'ready', __record('ready'));
ChatPlaybook('on', 'error', __record('error'));
ChatPlaybook('init', { target: '#playbook', agent: ${JSON.stringify(AGENT)}, role: 'agent',
  transport: { url: ${JSON.stringify(playbook.url)}, token: ${JSON.stringify(token)} } });`;
    pages.add(`${name}-stub.js`, STUB);
    pages.add(`${name}-setup.js`, setup);
    const origin = new URL(playbook.url);
    return pages.add(
      `${name}.html`,
      helpdeskPage(
        `<script src="/pages/${name}-stub.js"></script><script src="/pages/${name}-setup.js"></script>
<script async src="${BUNDLE}"></script>`,
      ),
      // The socket server is another origin: the host allows it, nothing else is relaxed.
      { extraCsp: `connect-src 'self' http://${origin.host} ws://${origin.host}` },
    );
  }

  it('loads the transport chunk, shows posted chats live and stores the agent’s ticks', async () => {
    const token = playbook.token({ team: 'default', role: 'agent', sub: 'a-3', name: 'Sam' });
    const { page: p } = watched;
    await p.goto(page('socket', token));
    await waitForReady(p);
    const now = Date.now();
    await playbook.ingest([
      {
        type: 'chat.started',
        chatId: 'c-live',
        at: now - 5000,
        customer: { id: 'u-1', name: 'Maya Okafor', tier: 'standard' },
        channel: 'web',
      },
      {
        type: 'message',
        chatId: 'c-live',
        id: 'm1',
        at: now - 4000,
        author: 'customer',
        text: 'My parcel never arrived',
      },
    ]);
    await waitInShadow(p, '[data-cp-chat="c-live"] [data-cp-clock="firstResponse"]');
    const state = await p.evaluate(
      () =>
        document
          .querySelector('#playbook')
          ?.shadowRoot?.querySelector('[data-cp-chat="c-live"] [data-cp-clock="firstResponse"]')
          ?.getAttribute('data-cp-state') ?? null,
    );
    expect(['ok', 'warning']).toContain(state);

    const loaded = await p.evaluate(() =>
      performance.getEntriesByType('resource').map((entry) => entry.name),
    );
    expect(loaded.some((name) => name.endsWith('/dist/chat-playbook.socket.js'))).toBe(true);

    // The agent ticks "history": the server stores the action as a playbook event.
    await p.evaluate(() => {
      const root = document.querySelector('#playbook')!.shadowRoot!;
      (root.querySelector('[data-cp-check="history"]') as HTMLElement).click();
    });
    await expect
      .poll(
        async () => {
          const stored: unknown[] = [];
          await playbook.hub.replay('default', 0, (batch) => stored.push(...batch.events));
          return JSON.stringify(stored);
        },
        { timeout: 10_000 },
      )
      .toContain('"item":"history"');

    expect((await log(p, 'error')).map((e) => e.payload)).toEqual([]);
    expect(await watched.violations()).toEqual([]);
  });

  it('reports a forged token without throwing into the page', async () => {
    const { page: p } = watched;
    await p.goto(page('forged', 'e30.e30.forged'));
    await waitForReady(p);
    await expect
      .poll(
        () =>
          p.evaluate(
            () =>
              document
                .querySelector('#playbook')
                ?.shadowRoot?.textContent?.toLowerCase()
                .match(/offline|error|refused|sign/) !== null,
          ),
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(watched.errors).toEqual([]);
  });
});
