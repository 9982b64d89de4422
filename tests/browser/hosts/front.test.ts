// The Front sidebar plugin (dist/hosts/front/) in real Chromium, in an iframe whose parent page
// plays Front. The app runs `@frontapp/plugin-sdk` 1.10.0 itself (bundled in app.js); the
// parent speaks the SDK's wire protocol as its own source defines it
// (node_modules/@frontapp/plugin-sdk/dist/index.es.js):
// - `connectToParent()`: on load the SDK creates a MessageChannel, starts port1 and calls
//   `window.parent.postMessage('@frontapp/ui-sdk#WebViewBridge.handshake', '*', [port2])`;
//   everything after that travels over the port, never through window messages;
// - Front → app on the port: `{ type: 'context_update', context }` (WebViewContextUpdateMessage
//   in dist/webViewSdkTypes.d.ts), the context being `{ id, type, functionArities, preferences,
//   authentication, teammate, conversation }` (ApplicationContextBase and
//   SingleConversationContext in @frontapp/ui-bridge/dist/internal/contextTypesV2.d.ts);
// - app → Front on the port: `proxyFunctionCall`: `{ type: 'function_call', id, contextId,
//   name, args }` for every name of `functionArities` (the cancel token is not sent);
//   Front answers `{ type: 'function_result', id, value }` or `{ type: 'function_error', id,
//   error }` (`isFunctionResultMessage`).
// Values: ApplicationConversation / ApplicationMessage (`date` is a Date, `content` {body,
// type: 'html'|'text'}) / ApplicationComment (`createdAt`) / ApplicationDraftTemplate, and
// https://dev.frontapp.com/reference/context-updates (a new context on every change),
// https://dev.frontapp.com/reference/plugin-sdk-conversation, …/plugin-sdk-message,
// https://dev.frontapp.com/reference/listmessages, https://dev.frontapp.com/reference/createdraft.
// Three origins: Front (the parent), the app (another server) and a stranger (localhost).
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
import { chooseReturnLabel, expectFilled, waitInApp } from '../support/host-app.ts';
import { startServer, type TestServer } from '../support/server.ts';

const APP_PATH = '/dist/hosts/front/index.html';
const XSS_NAME = 'Dana <img src=x onerror=window.__xss=1> Lee';
const XSS_TEXT = '<script>window.__xss=2</script><svg onload="window.__xss=3">';

/** The parent page's script: Front's side of the plugin SDK's wire, with a store the test edits. */
const FRONT_JS = `(function () {
  var HANDSHAKE = '@frontapp/ui-sdk#WebViewBridge.handshake';
  var query = new URLSearchParams(location.search);
  var NOW = Date.now();
  var ARITIES = { listMessages: 2, listComments: 2, listRecipients: 2, fetchDraft: 2,
    createDraft: 2, updateDraft: 3, openUrl: 2, assign: 2, setStatus: 2, tag: 2, untag: 2 };
  var teammate = { id: 'tea_6r55a', name: 'Sam Rivera', username: 'sam', email: 'sam@acme.test' };
  function recipient(name, handle, contactId) {
    return { handle: handle, name: name, type: 'email', contact: { id: contactId, name: name,
      description: undefined, handles: [{ type: 'email', handle: handle }], groupIds: [],
      customAttributes: [] } };
  }
  function conv(id, name, handle, contactId) {
    return { id: id, type: 'frontChat', status: 'open', subject: 'Chat with ' + name,
      blurb: undefined, assignee: teammate, recipient: recipient(name, handle, contactId),
      inboxes: [{ id: 'inb_1', ownerId: 'tim_1', name: 'Support chat' }],
      tags: [{ id: 'tag_1', ownerId: 'tim_1', name: 'tier-vip', parentTag: undefined }],
      topics: [], links: [], draftId: undefined };
  }
  function msg(id, secondsAgo, status, body, type) {
    var customer = { handle: 'dana@example.com', name: ${JSON.stringify(XSS_NAME)}, type: 'email', contact: undefined };
    var support = { handle: 'support@acme.test', name: 'Acme Support', type: 'email', contact: undefined };
    return { id: id, subject: undefined, date: new Date(Date.now() - secondsAgo * 1000),
      status: status, from: status === 'inbound' ? customer : support, replyTo: undefined,
      to: [status === 'inbound' ? support : customer], cc: undefined, bcc: undefined,
      content: { body: body, type: type || 'html', attachments: [] } };
  }
  var store = {
    cnv_a: { conversation: conv('cnv_a', ${JSON.stringify(XSS_NAME)}, 'dana@example.com', 'crd_1'),
      messages: [
        msg('msg_a1', 100, 'inbound', '<p>Hi, my order was supposed to arrive yesterday and it still has not come</p><img src=x onerror=window.__xss=4>'),
        msg('msg_a2', 88, 'outbound', '<p>Hi Dana! Sorry about that, let me look.</p>'),
        msg('msg_a3', 50, 'inbound', 'any news? ' + ${JSON.stringify(XSS_TEXT)}, 'text')
      ],
      comments: [{ id: 'com_a1', author: teammate, createdAt: new Date(NOW - 70000),
        content: { body: 'customer is VIP <img src=x onerror=window.__xss=5>', attachments: [] } }] },
    cnv_b: { conversation: conv('cnv_b', 'Lukas Brenner', 'lukas@example.com', 'crd_2'),
      messages: [msg('msg_b1', 10, 'inbound', 'hello, are you there?', 'text')], comments: [] }
  };
  var state = { current: query.get('conversation') || 'cnv_a', handshakes: 0, calls: [], seq: 0,
    contexts: {} };
  var frame = document.getElementById('app');
  var port = null;
  function context() {
    state.seq += 1;
    var id = 'ctx_' + state.seq;
    state.contexts[id] = state.current;
    return { id: id, type: 'singleConversation', functionArities: ARITIES, preferences: {},
      authentication: {}, teammate: teammate, conversation: store[state.current].conversation };
  }
  function sendContext() { if (port) port.postMessage({ type: 'context_update', context: context() }); }
  function answer(call) {
    state.calls.push({ name: call.name, args: call.args });
    var data = store[state.contexts[call.contextId]];
    if (!data) return { type: 'function_error', id: call.id, error: 'Unknown context' };
    switch (call.name) {
      case 'listMessages':
        return { type: 'function_result', id: call.id, value: { results: data.messages, nextPageToken: undefined } };
      case 'listComments':
        return { type: 'function_result', id: call.id, value: { results: data.comments, nextPageToken: undefined } };
      case 'createDraft':
        var template = call.args[0];
        document.getElementById('composer').value = template.content.body; // text, never HTML
        return { type: 'function_result', id: call.id, value: { id: 'dra_uid:1',
          channel: { id: 'cha_1', name: 'Support chat', address: 'support@acme.test', type: 'frontChat' },
          to: [], cc: undefined, bcc: undefined, subject: undefined, content: template.content } };
      default:
        return { type: 'function_error', id: call.id, error: call.name + ' is not supported here' };
    }
  }
  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow || event.data !== HANDSHAKE || !event.ports[0]) return;
    state.handshakes += 1;
    port = event.ports[0];
    port.onmessage = function (e) {
      if (e.data && e.data.type === 'function_call') port.postMessage(answer(e.data));
    };
    sendContext();
  });
  window.front = {
    store: store, state: state, msg: msg, sendContext: sendContext,
    open: function (id) { state.current = id; sendContext(); },
    // A new message changes the conversation's blurb: Front sends a new context.
    add: function (id, m) { store[id].messages.push(m); store[id].conversation.blurb = 'new'; sendContext(); },
    archive: function (id) { store[id].conversation.status = 'archived'; sendContext(); },
    viaPort: function (data) { port.postMessage(data); },
    viaWindow: function (data) { frame.contentWindow.postMessage(data, '*'); }
  };
  if (query.get('stranger')) {
    var other = document.createElement('iframe');
    other.id = 'stranger';
    other.title = 'a stranger';
    other.src = query.get('stranger');
    document.getElementById('others').append(other);
  }
  frame.src = query.get('app');
})();
`;

const widgetText = (frame: Frame) =>
  frame.evaluate(() => document.querySelector('#playbook')?.shadowRoot?.textContent ?? '');

/** Reads a clock of a chat in the app frame: state and m:ss as seconds. */
async function clock(frame: Frame, chatId: string, name: 'firstResponse' | 'gap') {
  return frame.evaluate(
    ([id, clockName]) => {
      const el = document
        .querySelector('#playbook')
        ?.shadowRoot?.querySelector(`[data-cp-chat="${id}"] [data-cp-clock="${clockName}"]`);
      if (!el) return null;
      const m = /(\d+):(\d\d)/.exec(el.querySelector('.cp-time')?.textContent ?? '');
      return {
        state: el.getAttribute('data-cp-state'),
        seconds: m ? Number(m[1]) * 60 + Number(m[2]) : null,
      };
    },
    [chatId, name] as const,
  );
}

function appFrame(page: Page, origin: string): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(`${origin}${APP_PATH}`));
  if (!frame) throw new Error('the app frame is not there');
  return frame;
}

type FrontApi = {
  state: { calls: Array<{ name: string; args: unknown[] }>; handshakes: number };
  store: Record<string, { conversation: Record<string, unknown> }>;
  msg: (...a: unknown[]) => unknown;
  open(id: string): void;
  add(id: string, m: unknown): void;
  archive(id: string): void;
  viaPort(data: unknown): void;
  viaWindow(data: unknown): void;
};
describeBrowser(
  'Front sidebar plugin (real Chromium, @frontapp/plugin-sdk wire protocol)',
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    let frontServer: TestServer;
    let app: TestServer;
    let context: BrowserContext;
    let w: Watched;
    let stranger: string;

    beforeAll(async () => {
      assertBuilt();
      [frontServer, app] = await Promise.all([startServer(), startServer()]);
      // The stranger: Front's server under another name (localhost), so another origin.
      stranger = frontServer.origin.replace('127.0.0.1', 'localhost');
      frontServer.add('front.js', FRONT_JS);
      frontServer.add('stranger.html', html({ body: '<p>a stranger</p>' }));
      frontServer.add(
        'front.html',
        html({
          title: 'Front',
          body: `<main><h1>Conversation</h1><textarea id="composer" aria-label="Reply"></textarea>
<iframe id="app" title="Chat Playbook"></iframe><div id="others"></div></main>
<script src="/pages/front.js"></script>`,
        }),
        { extraCsp: `frame-src ${app.origin} ${stranger}` },
      );
      // A page that frames the app but is not Front: it never answers the handshake.
      frontServer.add(
        'not-front.html',
        html({
          body: '<iframe id="app" title="app"></iframe><script src="/pages/not-front.js"></script>',
        }),
        { extraCsp: `frame-src ${app.origin}` },
      );
      frontServer.add(
        'not-front.js',
        "document.getElementById('app').src = new URLSearchParams(location.search).get('app');",
      );
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await Promise.all([frontServer?.close(), app?.close()]);
    });
    beforeEach(async () => {
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      w = await watch(context);
    });
    afterEach(async () => {
      await context.close();
    });

    const appUrl = () =>
      `${app.origin}${APP_PATH}?${new URLSearchParams({
        library: '/fixtures/library.json',
        tierField: 'tag:tier-',
      })}`;

    it('history with Front’s times, switching, refusals, a new message, a draft reply, closing', async () => {
      const { page } = w;
      await page.goto(
        `${frontServer.origin}/pages/front.html?${new URLSearchParams({
          app: appUrl(),
          stranger: `${stranger}/pages/stranger.html`,
        })}`,
      );
      const frame = appFrame(page, app.origin);
      await waitInApp(frame, '[data-cp-chat="front-cnv_a"][data-cp-focused]');
      await waitInApp(
        frame,
        '[data-cp-chat="front-cnv_a"] [data-cp-clock="gap"][data-cp-running="true"]',
      );

      // Clocks from Front's message dates: answered 12 s after the first message (met, 0:12);
      // waiting since the customer's message 50 s before the page's start.
      expect(await clock(frame, 'front-cnv_a', 'firstResponse')).toEqual({
        state: 'met',
        seconds: 12,
      });
      const gap = await clock(frame, 'front-cnv_a', 'gap');
      expect(gap?.state).toBe('ok');
      expect(gap?.seconds).toBeGreaterThanOrEqual(50);
      expect(gap?.seconds).toBeLessThanOrEqual(60);
      // The customer's name is shown as text, markup and all.
      expect(await widgetText(frame)).toContain('<img src=x onerror=window.__xss=1>');

      // The teammate opens another conversation: the widget follows it.
      await page.evaluate(() => (window as unknown as { front: FrontApi }).front.open('cnv_b'));
      await waitInApp(frame, '[data-cp-chat="front-cnv_b"][data-cp-focused]');
      expect(await clock(frame, 'front-cnv_b', 'firstResponse')).toMatchObject({ state: 'ok' });

      // Refusals: none of these may change anything.
      const snapshot = () =>
        frame.evaluate(() => {
          const root = document.querySelector('#playbook')!.shadowRoot!;
          return {
            chats: [...root.querySelectorAll('[data-cp-chat]')].map((el) =>
              el.getAttribute('data-cp-chat'),
            ),
            focused: root.querySelector('[data-cp-focused]')?.getAttribute('data-cp-chat'),
          };
        });
      const before = await snapshot();
      const evil = (id: string) => ({
        type: 'context_update',
        context: {
          id: `ctx_evil_${id}`,
          type: 'singleConversation',
          functionArities: { listMessages: 2, listComments: 2, createDraft: 2 },
          preferences: {},
          authentication: {},
          teammate: { id: 'tea_mallory', name: 'Mallory' },
          conversation: { id, type: 'email', status: 'open', tags: [], inboxes: [], links: [] },
        },
      });
      // A valid-looking context, the handshake and a huge message from a stranger's frame (another
      // origin, not the parent), with a port of its own: the SDK only listens on Front's port.
      const strangerFrame = page.frames().find((f) => f.url().startsWith(stranger));
      if (!strangerFrame) throw new Error('the stranger frame is not there');
      await strangerFrame.evaluate((message) => {
        const target = window.parent.frames[0]!;
        const channel = new MessageChannel();
        target.postMessage(message, '*', [channel.port2]);
        target.postMessage('@frontapp/ui-sdk#WebViewBridge.handshake', '*');
        target.postMessage({ type: 'context_update', pad: 'x'.repeat(3 * 1024 * 1024) }, '*');
      }, evil('cnv_stranger'));
      // Front's own window (not its port) with a valid-looking context: ignored by the SDK.
      await page.evaluate(
        (message) => (window as unknown as { front: FrontApi }).front.viaWindow(message),
        evil('cnv_window'),
      );
      // Over Front's port: wrong shapes, a far too large context, an unknown answer.
      await page.evaluate(
        ([noArities, huge]) => {
          const f = (window as unknown as { front: FrontApi }).front;
          f.viaPort('garbage');
          f.viaPort({ type: 'context_update', context: noArities });
          f.viaPort(huge);
          f.viaPort({ type: 'function_result', id: 'nobody-asked', value: { results: [] } });
        },
        [
          {
            id: 'ctx_x',
            type: 'singleConversation',
            teammate: { id: 'tea_6r55a' },
            conversation: { id: 'cnv_shape' },
          },
          evil(`cnv_${'x'.repeat(3 * 1024 * 1024)}`),
        ] as const,
      );
      await page.evaluate(() => {
        const f = (window as unknown as { front: FrontApi }).front;
        const tooMany = {
          type: 'context_update',
          context: {
            id: 'ctx_tags',
            type: 'singleConversation',
            functionArities: { listMessages: 2 },
            teammate: { id: 'tea_6r55a', name: 'Sam Rivera' },
            conversation: {
              id: 'cnv_tags',
              status: 'open',
              tags: Array.from({ length: 50_000 }, (_, i) => ({ id: `tag_${i}`, name: `t${i}` })),
            },
          },
        };
        f.viaPort(tooMany);
        f.viaPort({ type: 'context_update', context: null }); // the SDK's Proxy throws on it
      });
      await page.waitForTimeout(600);
      expect(await snapshot()).toEqual(before);
      const text = await widgetText(frame);
      expect(text).not.toContain('Mallory');

      // A new customer message (Front sends a new context: the blurb changed); the suggestions
      // follow. The app also reads the conversation every 5 s.
      await page.evaluate(() => {
        const f = (window as unknown as { front: FrontApi }).front;
        f.add(
          'cnv_b',
          f.msg(
            'msg_b2',
            0,
            'inbound',
            'I want to send this back, how do I return something? it doesnt fit',
            'text',
          ),
        );
      });
      await waitInApp(frame, '[data-cp-suggestion="CS-PR-001"]', 8_000);
      const best = await frame.evaluate(() =>
        document
          .querySelector('#playbook')!
          .shadowRoot!.querySelector('[data-cp-suggestion]')
          ?.getAttribute('data-cp-suggestion'),
      );
      expect(best).toBe('CS-PR-001');
      expect(await snapshot()).toEqual({ chats: before.chats, focused: 'front-cnv_b' });

      // A reply with its fill-ins completed by keyboard: a draft in Front's composer, replying
      // to the customer's latest message, as plain text.
      const widget = page.frameLocator('#app').locator('#playbook');
      await chooseReturnLabel(widget);
      await page.waitForFunction(
        () => (document.getElementById('composer') as HTMLTextAreaElement).value !== '',
      );
      expectFilled(await page.locator('#composer').inputValue());
      const drafts = await page.evaluate(() =>
        (window as unknown as { front: FrontApi }).front.state.calls.filter(
          (c) => c.name === 'createDraft',
        ),
      );
      expect(drafts).toHaveLength(1);
      expect(drafts[0]!.args[0]).toMatchObject({
        content: { type: 'text' },
        replyOptions: { type: 'reply', originalMessageId: 'msg_b2' },
      });

      // Archived in Front: the chat closes, its clocks stop.
      await page.evaluate(() => (window as unknown as { front: FrontApi }).front.archive('cnv_b'));
      await frame.waitForFunction(
        () =>
          document
            .querySelector('#playbook')
            ?.shadowRoot?.querySelector('[data-cp-chat="front-cnv_b"] [data-cp-clock="gap"]')
            ?.getAttribute('data-cp-state') === 'stopped',
        undefined,
        { timeout: 8_000 },
      );
      expect(await clock(frame, 'front-cnv_b', 'firstResponse')).toMatchObject({
        state: 'stopped',
      });

      // Nothing from Front's data ran, in either frame; no page errors, no CSP violations.
      for (const f of [page.mainFrame(), frame]) {
        expect(
          await f.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
        ).toBeUndefined();
        expect(
          await f.evaluate(
            () =>
              document.querySelectorAll('img[src="x"], svg').length +
              (document
                .querySelector('#playbook')
                ?.shadowRoot?.querySelectorAll('img[src="x"], svg[onload]').length ?? 0),
          ),
        ).toBe(0);
      }
      expect(
        await page.evaluate(
          () => (window as unknown as { front: FrontApi }).front.state.handshakes,
        ),
      ).toBe(1);
      expect(w.errors).toEqual([]);
      expect(await w.violations()).toEqual([]);
      expect(w.warnings).toEqual([]);
    });

    it('outside Front: the polite message at once when top-level, in ~5 s when nobody answers', async () => {
      const { page } = w;
      const lines: string[] = [];
      page.on('console', (msg) => lines.push(msg.text()));
      const started = Date.now();
      await page.goto(appUrl());
      const polite = page.locator('#playbook .cp-host-unavailable');
      await polite.waitFor({ timeout: 6_000 });
      expect(await polite.innerText()).toMatch(/runs inside Front/);
      expect(Date.now() - started).toBeLessThan(6_000);

      // Framed by a page that is not Front (it never answers the SDK's handshake).
      const other = await context.newPage();
      const otherLines: string[] = [];
      other.on('console', (msg) => otherLines.push(msg.text()));
      const framedAt = Date.now();
      await other.goto(
        `${stranger}/pages/not-front.html?${new URLSearchParams({ app: appUrl() })}`,
      );
      const refused = other.frameLocator('#app').locator('#playbook .cp-host-unavailable');
      await refused.waitFor({ timeout: 7_000 });
      expect(await refused.innerText()).toMatch(/Front did not answer/);
      expect(Date.now() - framedAt).toBeGreaterThanOrEqual(4_500);
      await page.waitForTimeout(1_000);
      expect(lines.length).toBeLessThanOrEqual(1);
      expect(otherLines.length).toBeLessThanOrEqual(1);
      expect(w.errors).toEqual([]);
    });
  },
);
