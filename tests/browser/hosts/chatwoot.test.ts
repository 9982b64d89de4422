// The Chatwoot dashboard app (dist/hosts/chatwoot/) in real Chromium, in an iframe whose
// parent page plays Chatwoot. Chatwoot has no app SDK package: the parent speaks the wire
// protocol of chatwoot/chatwoot app/javascript/dashboard/components/widgets/DashboardApp/Frame.vue
// exactly:
// - `sendContext(index)`: frameElement.contentWindow.postMessage(JSON.stringify({ event:
//   'appContext', data: { conversation, contact, currentAgent: { id, name, email },
//   customAttributes, theme } }), '*'), on the iframe's `load` and when the context must be
//   re-sent (`sendContextToFrames`);
// - `triggerEvent(event)`: only while visible, only `event.data ===
//   'chatwoot-dashboard-app:fetch-info'`, answered with sendContext to the frame whose
//   contentWindow is event.source;
// - the iframe: `<iframe :id="dashboard-app--frame-<position>-<index>" :src="url">`, no `allow`
//   attribute; ConversationBox.vue keys the frame by the conversation id, so another
//   conversation gets a new frame.
// The conversation is the dashboard store's shape (the API's: display `id`, `created_at` and
// message `created_at` in Unix seconds, `message_type` 0–3, `private`, `sender.type`); user
// guide: https://www.chatwoot.com/hc/user-guide/articles/1677691702-how-to-use-dashboard-apps.
// Three origins: Chatwoot (parent), the app (another server), and a stranger (localhost).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  assertBuilt,
  describeBrowser,
  html,
  launch,
  type Watched,
  watch,
} from '../support/browser.ts';
import { bestSuggestion, chooseReturnLabel, expectFilled, waitInApp } from '../support/host-app.ts';
import { DIST, startServer, type TestServer } from '../support/server.ts';

const FRAME_ID = 'dashboard-app--frame-0-0';
const APP_PATH = '/dist/hosts/chatwoot/index.html';
const XSS_NAME = 'Dana <img src=x onerror=window.__xss=1> Lee';
const XSS_TEXT = '<script>window.__xss=2</script><svg onload="window.__xss=3">';

/** The parent page's script: Chatwoot's Frame.vue, with a store the test edits. */
const CHATWOOT_JS = `(function () {
  var FETCH_INFO_MESSAGE = 'chatwoot-dashboard-app:fetch-info';
  var APP_CONTEXT_EVENT = 'appContext';
  var query = new URLSearchParams(location.search);
  var T = Math.floor(Date.now() / 1000);
  var agent = { id: 3, name: 'Sam Agent', email: 'sam@acme.test' };
  var contact = { id: 77, name: ${JSON.stringify(XSS_NAME)}, email: 'dana@example.com',
    phone_number: null, identifier: null, thumbnail: 'javascript:window.__xss=4',
    custom_attributes: { tier: 'gold' }, additional_attributes: {}, type: 'contact' };
  function msg(convId, id, at, type, content, extra) {
    var m = { id: id, content: content, inbox_id: 5, conversation_id: convId, message_type: type,
      content_type: 'text', status: 'sent', content_attributes: {}, created_at: at,
      private: false, source_id: null,
      sender: type === 0 ? contact : { id: 3, name: 'Sam Agent', available_name: 'Sam', type: 'user' } };
    for (var k in extra || {}) m[k] = extra[k];
    return m;
  }
  function conv(id, createdAt, messages) {
    return { id: id, account_id: 1, inbox_id: 5, status: 'open', created_at: createdAt,
      timestamp: createdAt, last_activity_at: createdAt, labels: ['tier-vip'],
      custom_attributes: {}, additional_attributes: {}, can_reply: true, unread_count: 0,
      meta: { sender: contact, channel: 'Channel::WebWidget', hmac_verified: false,
        assignee: { id: 3, name: 'Sam Agent', type: 'user' } },
      messages: messages };
  }
  var conversations = {
    42: conv(42, T - 100, [
      msg(42, 501, T - 95, 0, 'Hi, my order was supposed to arrive yesterday ' + ${JSON.stringify(XSS_TEXT)}),
      msg(42, 502, T - 80, 1, 'Hi Dana! Sorry about that, let me look.'),
      msg(42, 503, T - 70, 1, 'customer is VIP', { private: true }),
      msg(42, 504, T - 30, 0, 'any news?')
    ]),
    43: conv(43, T - 10, [msg(43, 601, T - 8, 0, 'hello, are you there?')]),
    44: conv(44, T - 5, [msg(44, 701, T - 4, 0, 'I want to send this back, how do I return something? wrong size')])
  };
  var state = { current: Number(query.get('conversation') || 42), visible: true, asks: 0 };
  var frame = null;
  function context() {
    return { conversation: conversations[state.current], contact: contact, currentAgent: agent,
      customAttributes: [], theme: 'light' };
  }
  function sendContext() {
    if (!frame || !frame.contentWindow) return;
    frame.contentWindow.postMessage(JSON.stringify({ event: APP_CONTEXT_EVENT, data: context() }), '*');
  }
  function mount() {
    if (frame) frame.remove();
    frame = document.createElement('iframe');
    frame.id = ${JSON.stringify(FRAME_ID)};
    frame.title = 'Chat Playbook';
    frame.addEventListener('load', sendContext);
    frame.src = query.get('app');
    document.getElementById('apps').prepend(frame);
  }
  window.addEventListener('message', function (event) {
    if (!state.visible) return;
    if (event.data !== FETCH_INFO_MESSAGE) return;
    if (!frame || event.source !== frame.contentWindow) return;
    state.asks += 1;
    sendContext();
  });
  window.chatwoot = {
    T: T, state: state, conversations: conversations, msg: msg, sendContext: sendContext,
    open: function (id, newFrame) { state.current = id; if (newFrame) mount(); else sendContext(); },
    post: function (data) { frame.contentWindow.postMessage(data, '*'); }
  };
  if (query.get('stranger')) {
    var stranger = document.createElement('iframe');
    stranger.id = 'stranger';
    stranger.src = query.get('stranger');
    document.getElementById('apps').append(stranger);
  }
  mount();
})();
`;

/** Reads a clock of a chat in the app frame: state and m:ss as seconds. */
async function clock(frame: Frame, chatId: string, name: 'firstResponse' | 'gap') {
  return frame.evaluate(
    ([id, clockName]) => {
      const el = document
        .querySelector('#playbook')
        ?.shadowRoot?.querySelector(`[data-cp-chat="${id}"] [data-cp-clock="${clockName}"]`);
      if (!el) return null;
      const text = el.querySelector('.cp-time')?.textContent ?? '';
      const m = /(\d+):(\d\d)/.exec(text);
      return {
        state: el.getAttribute('data-cp-state'),
        seconds: m ? Number(m[1]) * 60 + Number(m[2]) : null,
      };
    },
    [chatId, name] as const,
  );
}

function appFrame(page: Page, origin: string): Frame {
  const frame = page
    .frames()
    .findLast((f) => !f.isDetached() && f.url().startsWith(`${origin}${APP_PATH}`));
  if (!frame) throw new Error('the app frame is not there');
  return frame;
}

describeBrowser(
  'Chatwoot dashboard app (real Chromium, Frame.vue wire protocol)',
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    let chatwoot: TestServer;
    let app: TestServer;
    let context: BrowserContext;
    let w: Watched;
    let stranger: string;

    beforeAll(async () => {
      assertBuilt();
      if (!existsSync(join(DIST, 'hosts/chatwoot/index.html'))) {
        throw new Error('dist/hosts/chatwoot/ is missing: run `node build/hosts.mjs chatwoot`');
      }
      [chatwoot, app] = await Promise.all([startServer(), startServer()]);
      // The stranger: Chatwoot's server under another name (localhost), so another origin.
      stranger = chatwoot.origin.replace('127.0.0.1', 'localhost');
      chatwoot.add('chatwoot.js', CHATWOOT_JS);
      chatwoot.add('stranger.html', html({ body: '<p>a stranger</p>' }));
      chatwoot.add(
        'chatwoot.html',
        html({
          title: 'Chatwoot',
          body: '<main><h1>Conversation</h1><div id="apps"></div></main><script src="/pages/chatwoot.js"></script>',
        }),
        { extraCsp: `frame-src ${app.origin} ${stranger}` },
      );
      // Served from Chatwoot's own origin (the docs' option for a working clipboard).
      app.add('chatwoot.js', CHATWOOT_JS);
      app.add(
        'chatwoot.html',
        html({
          title: 'Chatwoot',
          body: '<main><h1>Conversation</h1><div id="apps"></div></main><script src="/pages/chatwoot.js"></script>',
        }),
      );
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await Promise.all([chatwoot?.close(), app?.close()]);
    });
    beforeEach(async () => {
      context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      w = await watch(context);
    });
    afterEach(async () => {
      await context.close();
    });

    const appUrl = (base: string, named: string) =>
      `${base}${APP_PATH}?${new URLSearchParams({ origin: named, library: '/fixtures/library.json', tierField: 'label:tier-' })}`;

    it('history with Chatwoot times, switching, a new message, a reply copied across origins, refusals, closing', async () => {
      const { page } = w;
      const parentUrl = `${chatwoot.origin}/pages/chatwoot.html?${new URLSearchParams({
        app: appUrl(app.origin, chatwoot.origin),
        stranger: `${stranger}/pages/stranger.html`,
      })}`;
      await page.goto(parentUrl);
      const frame = appFrame(page, app.origin);
      await waitInApp(frame, '[data-cp-chat="chatwoot-42"][data-cp-focused]');
      const T = await page.evaluate(
        () => (window as unknown as { chatwoot: { T: number } }).chatwoot.T,
      );

      // Clocks from Chatwoot's timestamps: answered 20 s after the conversation's created_at
      // (met, 0:20); waiting since the customer's message 30 s before the page's T.
      expect(await clock(frame, 'chatwoot-42', 'firstResponse')).toEqual({
        state: 'met',
        seconds: 20,
      });
      const gap = await clock(frame, 'chatwoot-42', 'gap');
      const waited = Math.floor(Date.now() / 1000) - (T - 30);
      expect(gap?.state).toBe('ok');
      expect(gap?.seconds).toBeGreaterThanOrEqual(waited - 2);
      expect(gap?.seconds).toBeLessThanOrEqual(waited + 1);

      // The agent opens another conversation: the widget follows it.
      await page.evaluate(() =>
        (window as unknown as { chatwoot: { open(id: number): void } }).chatwoot.open(43),
      );
      await waitInApp(frame, '[data-cp-chat="chatwoot-43"][data-cp-focused]');
      expect(await clock(frame, 'chatwoot-43', 'firstResponse')).toMatchObject({ state: 'ok' });

      // Refusals: none of these may change anything.
      const before = await frame.evaluate(
        () =>
          document.querySelector('#playbook')!.shadowRoot!.querySelectorAll('[data-cp-chat]')
            .length,
      );
      await page.evaluate(() => {
        const cw = (
          window as unknown as {
            chatwoot: { post(d: unknown): void; conversations: Record<number, unknown> };
          }
        ).chatwoot;
        const valid = (id: number) =>
          JSON.stringify({
            event: 'appContext',
            data: {
              conversation: { ...(cw.conversations[43] as object), id },
              currentAgent: { id: 66, name: 'Mallory', email: 'm@evil.test' },
            },
          });
        cw.post(JSON.parse(valid(900))); // an object, not Frame.vue's string
        cw.post('{"event":"appContext","data":'); // not JSON
        cw.post(
          JSON.stringify({
            event: 'appContext',
            data: { conversation: { id: { x: 1 } }, currentAgent: { id: 3 } },
          }),
        );
        cw.post(
          valid(901).replace('"messages":[', `"pad":"${'x'.repeat(3 * 1024 * 1024)}","messages":[`),
        ); // far too large
      });
      // A valid context from a stranger's frame (another origin, not the parent).
      const strangerFrame = page.frames().find((f) => f.url().startsWith(stranger))!;
      await strangerFrame.evaluate(
        (data) => window.parent.frames[0]!.postMessage(data, '*'),
        JSON.stringify({
          event: 'appContext',
          data: {
            conversation: { id: 902, created_at: 1, status: 'open', messages: [] },
            currentAgent: { id: 66 },
          },
        }),
      );
      await page.waitForTimeout(400);
      const after = await frame.evaluate(() => {
        const root = document.querySelector('#playbook')!.shadowRoot!;
        return {
          chats: root.querySelectorAll('[data-cp-chat]').length,
          focused: root.querySelector('[data-cp-focused]')?.getAttribute('data-cp-chat'),
        };
      });
      expect(after).toEqual({ chats: before, focused: 'chatwoot-43' });

      // A new customer message: the app asks every 5 s; the suggestions follow.
      expect(await bestSuggestion(frame)).not.toBe('CS-PR-001');
      await page.evaluate(() => {
        const cw = (
          window as unknown as {
            chatwoot: {
              T: number;
              conversations: Record<number, { messages: unknown[] }>;
              msg: (...a: unknown[]) => unknown;
            };
          }
        ).chatwoot;
        cw.conversations[43]!.messages.push(
          cw.msg(
            43,
            602,
            Math.floor(Date.now() / 1000),
            0,
            'I want to send this back, how do I return something? it doesnt fit',
          ),
        );
      });
      await waitInApp(frame, '[data-cp-suggestion="CS-PR-001"]', 8_000);
      expect(await bestSuggestion(frame)).toBe('CS-PR-001');

      // A reply with fill-ins. Chatwoot's iframe has no allow="clipboard-write", so Chromium
      // refuses the Clipboard API to the cross-origin app; the widget falls back to the copy
      // command (src/adapters/clipboard.ts), so the reply is on the clipboard all the same.
      await page.evaluate(() => navigator.clipboard.writeText('before'));
      const widget = page.frameLocator(`#${FRAME_ID}`).locator('#playbook');
      await chooseReturnLabel(widget);
      const notice = widget.locator('[data-cp-notice]');
      await notice.waitFor();
      expect(await notice.innerText()).toMatch(/Copied .* to the clipboard/);
      await page.waitForFunction(async () => (await navigator.clipboard.readText()) !== 'before');
      expectFilled(await page.evaluate(() => navigator.clipboard.readText()));

      // Resolved in Chatwoot: the next answer closes the chat, and its clocks stop.
      await page.evaluate(() => {
        const cw = (
          window as unknown as {
            chatwoot: { conversations: Record<number, Record<string, unknown>> };
          }
        ).chatwoot;
        const c = cw.conversations[43]!;
        c.status = 'resolved';
        c.last_activity_at = Math.floor(Date.now() / 1000);
      });
      await frame.waitForFunction(
        () =>
          document
            .querySelector('#playbook')
            ?.shadowRoot?.querySelector('[data-cp-chat="chatwoot-43"] [data-cp-clock="gap"]')
            ?.getAttribute('data-cp-state') === 'stopped',
        undefined,
        { timeout: 8_000 },
      );
      expect(await clock(frame, 'chatwoot-43', 'firstResponse')).toMatchObject({
        state: 'stopped',
      });

      // Nothing from Chatwoot's data ran, in either frame; no page errors, nothing to warn about.
      for (const f of [page.mainFrame(), frame]) {
        expect(
          await f.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
        ).toBeUndefined();
      }
      const name = await frame.evaluate(
        () =>
          document
            .querySelector('#playbook')!
            .shadowRoot!.querySelector('[data-cp-chat="chatwoot-42"] .cp-name')?.textContent,
      );
      expect(name).toContain('<img');
      expect(w.errors).toEqual([]);
      expect(await w.violations()).toEqual([]);
      expect(w.warnings.filter((line) => !/permissions policy/i.test(line))).toEqual([]);
    });

    it('served from Chatwoot’s origin: the reply lands on the clipboard; a new frame per conversation', async () => {
      const { page } = w;
      const parentUrl = `${app.origin}/pages/chatwoot.html?${new URLSearchParams({
        app: appUrl(app.origin, app.origin),
        conversation: '44',
      })}`;
      await page.goto(parentUrl);
      let frame = appFrame(page, app.origin);
      await waitInApp(frame, '[data-cp-chat="chatwoot-44"][data-cp-focused]');
      await waitInApp(frame, '[data-cp-suggestion="CS-PR-001"]');
      await page.evaluate(() => navigator.clipboard.writeText('before'));
      const widget = page.frameLocator(`#${FRAME_ID}`).locator('#playbook');
      await chooseReturnLabel(widget);
      await page.waitForFunction(async () => (await navigator.clipboard.readText()) !== 'before');
      expectFilled(await page.evaluate(() => navigator.clipboard.readText()));
      expect(await widget.locator('[data-cp-notice]').innerText()).toMatch(
        /Copied .* to the clipboard/,
      );

      // ConversationBox.vue keys the frame by conversation: another conversation, a new app.
      await page.evaluate(() =>
        (window as unknown as { chatwoot: { open(id: number, f: boolean): void } }).chatwoot.open(
          42,
          true,
        ),
      );
      const previous = frame;
      await expect
        .poll(() =>
          page
            .frames()
            .some((f) => f !== previous && f.url().startsWith(`${app.origin}${APP_PATH}`)),
        )
        .toBe(true);
      frame = appFrame(page, app.origin);
      await waitInApp(frame, '[data-cp-chat="chatwoot-42"][data-cp-focused]');
      expect(await clock(frame, 'chatwoot-42', 'firstResponse')).toEqual({
        state: 'met',
        seconds: 20,
      });
      expect(w.errors).toEqual([]);
    });

    it('outside Chatwoot: the polite message, at once when top-level, in ~5 s from the wrong origin', async () => {
      const { page } = w;
      const lines: string[] = [];
      page.on('console', (msg) => lines.push(msg.text()));
      const started = Date.now();
      await page.goto(appUrl(app.origin, chatwoot.origin));
      const polite = page.locator('#playbook .cp-host-unavailable');
      await polite.waitFor({ timeout: 6_000 });
      expect(await polite.innerText()).toMatch(/runs inside Chatwoot/);

      // Framed by a page on another origin than the one the app URL names: nothing is taken in.
      const other = await context.newPage();
      const otherLines: string[] = [];
      other.on('console', (msg) => otherLines.push(msg.text()));
      await other.goto(
        `${stranger}/pages/chatwoot.html?${new URLSearchParams({ app: appUrl(app.origin, chatwoot.origin) })}`,
      );
      const refused = other.frameLocator(`#${FRAME_ID}`).locator('#playbook .cp-host-unavailable');
      await refused.waitFor({ timeout: 7_000 });
      expect(await refused.innerText()).toMatch(/did not answer/);
      expect(Date.now() - started).toBeLessThan(20_000);
      await page.waitForTimeout(1_000);
      expect(lines.length).toBeLessThanOrEqual(1);
      expect(otherLines.length).toBeLessThanOrEqual(1);
      expect(w.errors).toEqual([]);
    });
  },
);
