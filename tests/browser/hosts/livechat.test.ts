// The LiveChat details widget as LiveChat runs it: dist/hosts/livechat/index.html in an iframe
// of a page that plays LiveChat's Agent App, with the real @livechat/agent-app-sdk bundled in
// app.js. Every origin is LiveChat's or the team's own, served by Playwright's routing (no
// network): the Agent App at https://my.livechatinc.com, the app at https://apps.playbook.test,
// LiveChat's OAuth server and Accounts API at https://accounts.livechat.com and the Agent Chat
// API at https://api.livechatinc.com.
//
// The parent speaks the SDK's real wire protocol, @livechat/postmessage 0.3.2 as bundled in
// node_modules/@livechat/postmessage/dist/postmessenger-es5.esm.js:
// - parent → app, on every load of the frame (createIframe's switchMap over the frame's load
//   events; createIframeInstance: retried every 500 ms, 5 times):
//   { '@@livechat/postmessenger': true, owner, instance, type: 'handshake', data: {}, request: null }
//   and the app (connectToParent) answers the same object with type 'response' and
//   data { error: false, result: {} }, posted to the handshake's origin;
// - app → parent, each SDK command (widget-core-sdk's Trusted driver: child.call('handle', …);
//   Connection.sendMessage): { …, type: 'call', request: n, data: { method: 'handle', args:
//   [{ plugin_id, message: 'plugin_inited' | 'watch_messages' | 'put_message', data }] } }, which the
//   parent answers (createMessageHandler) with the same message as type 'response', data
//   { error: false, result };
// - parent → app, each Agent App event (api.call('handle', …) → makeRequest):
//   { …, type: 'call', request: n, data: { method: 'handle', args: [{ event_name:
//   'livechat:customer_profile' | 'livechat:message', event_data }] } } (the SDK's Connection
//   strips the `livechat:` prefix), answered by the app with type 'response'.
// The event payloads follow https://platform.text.com/docs/extending-agent-app/products-sdk/agent-app-sdk
// (customer_profile: id, name, email, chat { chat_id, id (thread), groupID }, source) and the
// SDK's types (IMessage: chat, message, message_id, message_source). The Agent Chat API answers
// are Get Chat responses (https://platform.text.com/docs/messaging/agent-chat-api/v3.5#get-chat),
// the token comes from the implicit grant
// (https://platform.text.com/docs/authorization/agent-authorization#implicit-grant).
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Browser, BrowserContext, Frame, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeBrowser, launch } from '../support/browser.ts';
import { DIST, demoLibraryJson } from '../support/server.ts';

const AGENT_APP = 'https://my.livechatinc.com';
const APP = 'https://apps.playbook.test';
const APP_DIR = join(DIST, 'hosts/livechat');
const APP_PATH = '/hosts/livechat/index.html';
const EVIL = 'https://evil.example';
const TOKEN = 'dal:test-agent-token';
const CLIENT_ID = 'test-client-id';
const CUSTOMER = 'b7eff798-f8df-4364-8059-649c35c9ed0c';
const XSS_NAME = 'Dana <img src=x onerror="window.__xss=1"> Lee';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

type Json = Record<string, unknown>;

/** LiveChat's times: RFC 3339 with microseconds. */
const lcTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

/** What LiveChat holds: chats by id (one thread each), and what the app asked for. */
const livechat = {
  chats: new Map<string, Json>(),
  reads: [] as string[],
  authorizations: 0,
};

function message(id: string, at: number, author: string, text: string): Json {
  return {
    id,
    created_at: lcTime(at),
    visibility: 'all',
    type: 'message',
    text,
    author_id: author,
  };
}

function chat(id: string, thread: string, start: number, events: Json[]): Json {
  return {
    id,
    thread: {
      id: thread,
      created_at: lcTime(start),
      active: true,
      user_ids: [CUSTOMER, 'smith@example.com'],
      events,
      properties: {},
      access: { group_ids: [0] },
      tags: ['tier-vip'],
    },
    users: [
      { id: CUSTOMER, type: 'customer', name: XSS_NAME, email: 'dana@example.com' },
      { id: 'smith@example.com', type: 'agent', name: 'Agent Smith', email: 'smith@example.com' },
    ],
    properties: { source: { customer_client_id: 'c6e4f62e2a2dab12531235b12c5a2a6b' } },
    access: { group_ids: [0] },
  };
}

const cors = {
  'access-control-allow-origin': APP,
  'access-control-allow-headers': 'authorization, content-type, x-region',
  'access-control-allow-methods': 'GET, POST',
};

/** LiveChat's OAuth server, Accounts API and Agent Chat API, as their docs describe them. */
async function livechatApi(route: Route): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
  if (url.origin === 'https://accounts.livechat.com' && url.pathname === '/') {
    // Implicit grant: straight back to the redirect URI (a private app asks no consent).
    const q = url.searchParams;
    if (q.get('client_id') !== CLIENT_ID || q.get('redirect_uri') !== `${APP}${APP_PATH}`) {
      return route.fulfill({ status: 400, body: 'bad request' });
    }
    livechat.authorizations += 1;
    const back = `${q.get('redirect_uri')}#access_token=${encodeURIComponent(TOKEN)}&token_type=Bearer&expires_in=28800&state=${encodeURIComponent(q.get('state') ?? '')}`;
    // LiveChat answers with a redirect; a routed 302 is not routed again, so a meta refresh
    // makes the same navigation here.
    return route.fulfill({
      contentType: TYPES['.html'],
      body: `<!doctype html><meta http-equiv="refresh" content="0;url=${back.replace(/"/g, '&quot;')}">`,
    });
  }
  if (request.headers().authorization !== `Bearer ${TOKEN}`) {
    return route.fulfill({ status: 401, headers: cors, json: { error: 'invalid token' } });
  }
  if (url.href === 'https://accounts.livechat.com/v2/accounts/me') {
    return route.fulfill({
      headers: cors,
      json: {
        account_id: 'bbe8b147-d60e-46ac-a1e5-1e94b11ea6e1',
        email: 'smith@example.com',
        name: 'Agent Smith',
        organization_id: '390e44e6-f1e6-0368c',
      },
    });
  }
  if (url.href === 'https://api.livechatinc.com/v3.5/agent/action/get_chat') {
    const body = JSON.parse(request.postData() ?? '{}') as { chat_id?: string };
    livechat.reads.push(String(body.chat_id));
    const found = livechat.chats.get(String(body.chat_id));
    return found
      ? route.fulfill({ headers: cors, json: found })
      : route.fulfill({ status: 404, headers: cors, json: { error: { message: 'not found' } } });
  }
  return route.fulfill({ status: 404, headers: cors, body: '' });
}

/** The team's host: the built app and the SOP library. */
async function appFiles(route: Route): Promise<void> {
  const path = new URL(route.request().url()).pathname;
  if (path === '/fixtures/library.json') {
    return route.fulfill({ contentType: TYPES['.json'], body: demoLibraryJson() });
  }
  const file = normalize(join(APP_DIR, path.replace(/^\/hosts\/livechat\//, '')));
  if (!path.startsWith('/hosts/livechat/') || !file.startsWith(APP_DIR) || !existsSync(file)) {
    return route.fulfill({ status: 404, body: 'not found' });
  }
  return route.fulfill({
    contentType: TYPES[extname(file)] ?? 'application/octet-stream',
    body: readFileSync(file),
  });
}

const WIDGET_URL = `${APP}${APP_PATH}?plugin_id=cp-test&clientId=${CLIENT_ID}&tierField=${encodeURIComponent('tag:tier-')}&library=${encodeURIComponent(`${APP}/fixtures/library.json`)}`;

/** The Agent App: a composer, the widget's frame, and the SDK's parent side of the wire. */
const AGENT_APP_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>LiveChat Agent App (test)</title></head><body>
<main><h1>Chats</h1><textarea id="composer" aria-label="Message"></textarea></main>
<iframe id="widget" title="Chat Playbook" width="460" height="1400" src="${WIDGET_URL}"></iframe>
<iframe id="evil" title="Another app" width="10" height="10" src="${EVIL}/frame.html"></iframe>
<script src="/agent-app.js"></script></body></html>`;

const AGENT_APP_JS = `
const FP = '@@livechat/postmessenger';
const frame = document.getElementById('widget');
const composer = document.getElementById('composer');
const owner = 'agent-app-' + Math.random().toString(36).slice(2);
let instance = -1;
let requests = 0;
const waiting = new Map();
const app = (window.__agentApp = { connected: false, inbox: [], owner, instance: () => instance });
const post = (m) => frame.contentWindow.postMessage(m, ${JSON.stringify(APP)});
const wire = (type, data, request) => ({ [FP]: true, owner, instance, type, data, request });

frame.addEventListener('load', () => {
  instance += 1;
  app.connected = false;
  let tries = 0;
  const hello = () => post(wire('handshake', {}, null));
  hello();
  const timer = setInterval(() => {
    if (app.connected || ++tries >= 5) return clearInterval(timer);
    hello();
  }, 500);
});

function call(payload) {
  const request = requests++;
  post(wire('call', { method: 'handle', args: [payload] }, request));
  return new Promise((done) => waiting.set(request, done));
}
app.event = (name, data) => call({ event_name: 'livechat:' + name, event_data: data });
app.raw = (message) => post(message);
app.wire = wire;
app.openChat = (chatId, threadId) =>
  app.event('customer_profile', {
    id: ${JSON.stringify(CUSTOMER)},
    name: ${JSON.stringify(XSS_NAME)},
    email: 'dana@example.com',
    geolocation: { country: 'Poland', country_code: 'PL', region: '', city: '', timezone: '' },
    chat: { chat_id: chatId, id: threadId, groupID: '0' },
    source: 'chats',
  });

window.addEventListener('message', (event) => {
  if (event.origin !== ${JSON.stringify(APP)} || event.source !== frame.contentWindow) return;
  const m = event.data;
  if (!m || m[FP] !== true || m.owner !== owner || m.instance !== instance) return;
  if (m.type === 'response' && m.request === null) {
    app.connected = true;
    return;
  }
  if (m.type === 'response') {
    waiting.get(m.request)?.(m.data);
    waiting.delete(m.request);
    return;
  }
  if (m.type === 'call' && m.data && m.data.method === 'handle') {
    const command = m.data.args[0];
    app.inbox.push(command);
    // put_message appends to the message box: as text, never as markup.
    if (command.message === 'put_message') composer.value += String(command.data);
    post({ ...m, type: 'response', data: { error: false, result: undefined } });
    if (command.message === 'plugin_inited' && app.onInit) app.onInit();
  }
});
`;

const EVIL_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>x</title></head>
<body>another app</body></html>`;

describeBrowser('LiveChat details widget (real SDK, in a page playing the Agent App)', () => {
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(join(APP_DIR, 'app.js'))) {
      throw new Error('dist/hosts/livechat is missing: run `node build/hosts.mjs livechat`');
    }
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    livechat.chats.clear();
    livechat.reads = [];
    livechat.authorizations = 0;
    await context?.close();
    context = await browser.newContext();
    await context.route(
      /^https:\/\/(accounts\.livechat\.com|api\.livechatinc\.com)\//,
      livechatApi,
    );
    await context.route(`${APP}/**`, appFiles);
    await context.route(`${AGENT_APP}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/agent-app.js') {
        return route.fulfill({ contentType: TYPES['.js'], body: AGENT_APP_JS });
      }
      return route.fulfill({ contentType: TYPES['.html'], body: AGENT_APP_HTML });
    });
    await context.route(`${EVIL}/**`, (route) =>
      route.fulfill({ contentType: TYPES['.html'], body: EVIL_HTML }),
    );
  });

  const appFrame = (page: Page): Frame => {
    const frame = page.frames().find((f) => f.url().startsWith(`${APP}${APP_PATH}`));
    if (!frame) throw new Error('the app frame is not there');
    return frame;
  };
  const xss = (frame: Frame) =>
    frame.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
  /** m:ss → seconds. */
  const seconds = (text: string) => {
    const m = /(\d+):(\d\d)/.exec(text);
    return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  };

  it('follows LiveChat’s chats: history, clocks, switches, suggestions, replies, close, refusals', async () => {
    const t0 = Date.now();
    // Chat A: opened 5 minutes ago, answered 20 s after it opened, the customer waiting 70 s now.
    const a = chat('PJ0MRSHTDG', 'K600PKZON8', t0 - 300_000, [
      message(
        'K600PKZON8_1',
        t0 - 295_000,
        CUSTOMER,
        'Hi, where is my order? <script>window.__xss=2</script>',
      ),
      message('K600PKZON8_2', t0 - 280_000, 'smith@example.com', 'Hi Dana! Let me look.'),
      message(
        'K600PKZON8_3',
        t0 - 70_000,
        CUSTOMER,
        'It was supposed to arrive yesterday <img src=x onerror="window.__xss=3">',
      ),
    ]);
    const b = chat('Q2OTHERCHAT', 'T1THREAD', t0 - 40_000, [
      message('T1THREAD_1', t0 - 38_000, CUSTOMER, 'I forgot my password'),
    ]);
    livechat.chats.set('PJ0MRSHTDG', a);
    livechat.chats.set('Q2OTHERCHAT', b);
    const A = 'livechat-PJ0MRSHTDG-K600PKZON8';
    const B = 'livechat-Q2OTHERCHAT-T1THREAD';

    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(`${AGENT_APP}/`);
    // The Agent App shows chat A once the widget says it is ready.
    await page.evaluate(() => {
      const app = (
        window as unknown as {
          __agentApp: { onInit?: () => void; openChat(c: string, t: string): Promise<unknown> };
        }
      ).__agentApp;
      app.onInit = () => void app.openChat('PJ0MRSHTDG', 'K600PKZON8');
    });
    // One trip to LiveChat's OAuth server for the agent's token, then the widget docks.
    const focusOf = async () =>
      appFrame(page)
        .locator('[data-cp-focus]')
        .getAttribute('data-cp-focus', { timeout: 100 })
        .catch(() => null);
    await expect.poll(focusOf, { timeout: 15_000 }).toBe(A);
    const frame = appFrame(page);
    expect(livechat.authorizations).toBe(1);
    expect(new URL(frame.url()).search).toContain('plugin_id=cp-test'); // the query is back
    expect(new URL(frame.url()).hash).toBe(''); // and the token is not in the URL

    // The clocks run from LiveChat's timestamps: first response 20 s (met), waiting 70 s.
    const clock = (chatId: string, name: string) =>
      frame.locator(`[data-cp-chat="${chatId}"] [data-cp-clock="${name}"]`);
    await expect.poll(() => clock(A, 'firstResponse').getAttribute('data-cp-state')).toBe('met');
    expect(seconds(await clock(A, 'firstResponse').locator('.cp-time').innerText())).toBe(20);
    const waited = seconds(await clock(A, 'gap').locator('.cp-time').innerText());
    const expected = (Date.now() - (t0 - 70_000)) / 1000;
    expect(Math.abs(waited - expected)).toBeLessThanOrEqual(3);
    expect(await clock(A, 'gap').getAttribute('data-cp-state')).toBe('ok');
    expect(await frame.locator('[data-cp-focus] h2').innerText()).toContain('<img src=x');

    // Switching conversation in LiveChat refocuses the widget, and back.
    await page.evaluate(() =>
      (
        window as unknown as { __agentApp: { openChat(c: string, t: string): Promise<unknown> } }
      ).__agentApp.openChat('Q2OTHERCHAT', 'T1THREAD'),
    );
    await expect.poll(focusOf, { timeout: 5000 }).toBe(B);
    await page.evaluate(() =>
      (
        window as unknown as { __agentApp: { openChat(c: string, t: string): Promise<unknown> } }
      ).__agentApp.openChat('PJ0MRSHTDG', 'K600PKZON8'),
    );
    await expect.poll(focusOf, { timeout: 5000 }).toBe(A);

    // Messages from another origin, of a wrong shape, or far too large change nothing.
    const readsBefore = livechat.reads.filter((id) => id === 'Q2OTHERCHAT').length;
    const wire = await page.evaluate(() => {
      const app = (window as unknown as { __agentApp: { owner: string; instance(): number } })
        .__agentApp;
      return { owner: app.owner, instance: app.instance() };
    });
    const profileB = {
      id: CUSTOMER,
      name: 'Mallory',
      chat: { chat_id: 'Q2OTHERCHAT', id: 'T1THREAD', groupID: '0' },
      source: 'chats',
    };
    const callOf = (eventData: unknown) => ({
      '@@livechat/postmessenger': true,
      owner: wire.owner,
      instance: wire.instance,
      type: 'call',
      request: 900,
      data: {
        method: 'handle',
        args: [{ event_name: 'livechat:customer_profile', event_data: eventData }],
      },
    });
    const evil = page.frames().find((f) => f.url().startsWith(EVIL))!;
    await evil.evaluate(
      ([m]) => {
        window.parent.frames[0]!.postMessage(m, '*');
        window.parent.frames[0]!.postMessage(
          { event_name: 'livechat:customer_profile', event_data: m },
          '*',
        );
      },
      [callOf(profileB)] as const,
    );
    await page.evaluate(
      ([bad, huge, wrongArgs]) => {
        const app = (
          window as unknown as {
            __agentApp: { raw(m: unknown): void; event(n: string, d: unknown): void };
          }
        ).__agentApp;
        app.raw(bad);
        app.raw(wrongArgs);
        app.event('customer_profile', 'not a profile');
        app.event('customer_profile', { chat: { chat_id: '../../x', id: 'T' } });
        app.raw(huge);
      },
      [
        { ...callOf(profileB), type: 'call', data: { method: 'handle', args: 'nope' } },
        callOf({ ...profileB, name: 'x'.repeat(1_000_000) }),
        { ...callOf(profileB), data: { method: 'constructor', args: [] } },
      ] as const,
    );
    await page.waitForTimeout(1000);
    expect(await focusOf()).toBe(A);
    expect(livechat.reads.filter((id) => id === 'Q2OTHERCHAT')).toHaveLength(readsBefore);

    // A new customer message: LiveChat's message event, then the suggestions follow it.
    const topSuggestion = () =>
      frame
        .locator('[data-cp-suggestion]')
        .first()
        .getAttribute('data-cp-suggestion', { timeout: 200 })
        .catch(() => null);
    await expect.poll(topSuggestion, { timeout: 10_000 }).not.toBeNull();
    expect(await topSuggestion()).not.toBe('CS-PR-001');
    ((a.thread as Json).events as Json[]).push(
      message(
        'K600PKZON8_4',
        Date.now(),
        CUSTOMER,
        'Actually I want to send this back, can I get a return label?',
      ),
    );
    await page.evaluate(() =>
      (
        window as unknown as { __agentApp: { event(n: string, d: unknown): void } }
      ).__agentApp.event('message', {
        chat: 'PJ0MRSHTDG',
        message: 'Actually I want to send this back, can I get a return label?',
        message_id: 'K600PKZON8_4',
        message_source: 'customer',
      }),
    );
    await expect.poll(topSuggestion, { timeout: 4000 }).toBe('CS-PR-001');

    // The agent picks the label reply, fills its fields by keyboard, and it lands in LiveChat's
    // message box (put_message) with the fill-ins completed.
    await frame.locator('[data-cp-suggestion="CS-PR-001"] [data-cp-reply="r-label-sent"]').click();
    await frame.locator('[data-cp-field="rmaNumber"]').waitFor();
    await page.keyboard.type('RMA-20417');
    await page.keyboard.press('Tab');
    await page.keyboard.type('https://shop.example.com/labels/20417');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#composer').inputValue(), { timeout: 5000 })
      .toContain('Your return number is RMA-20417');
    const composer = await page.locator('#composer').inputValue();
    expect(composer).toContain('https://shop.example.com/labels/20417');
    expect(composer).not.toMatch(/\{[^}]+\}/);

    // LiveChat archives the chat: within a poll (5 s) the running clock stops.
    const t = a.thread as Json;
    t.active = false;
    (t.events as Json[]).push({
      id: 'K600PKZON8_5',
      created_at: lcTime(Date.now()),
      visibility: 'all',
      type: 'system_message',
      system_message_type: 'manual_archived_agent',
      text: 'Agent Smith archived the chat',
    });
    await expect
      .poll(() => clock(A, 'gap').getAttribute('data-cp-state'), { timeout: 8000 })
      .toBe('stopped');
    // The first response was already made (met, and stays so); nothing runs any more.
    expect(await clock(A, 'firstResponse').getAttribute('data-cp-state')).toBe('met');
    expect(await clock(A, 'gap').getAttribute('data-cp-running')).toBe('false');
    expect(await clock(A, 'firstResponse').getAttribute('data-cp-running')).toBe('false');

    // No script ran from any field of LiveChat's data, in any frame.
    expect(await xss(page.mainFrame())).toBeUndefined();
    expect(await xss(frame)).toBeUndefined();
    expect(await xss(evil)).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('opened outside LiveChat: the polite message within 6 s, one console line, no sign-in', async () => {
    const page = await context.newPage();
    const lines: string[] = [];
    page.on('console', (msg) => lines.push(msg.text()));
    const started = Date.now();
    await page.goto(WIDGET_URL);
    await page.locator('.cp-host-unavailable').waitFor({ timeout: 6000 });
    expect(Date.now() - started).toBeLessThan(6000);
    expect(await page.locator('.cp-host-unavailable-title').innerText()).toBe(
      'Chat Playbook runs inside LiveChat.',
    );
    await page.waitForTimeout(1500);
    expect(lines.length).toBeLessThanOrEqual(1);
    expect(livechat.authorizations).toBe(0);
    expect(page.url()).toBe(WIDGET_URL);
    await page.close();
  });

  it('framed by a page that is not LiveChat: no sign-in, no handshake, the polite message', async () => {
    await context.route(`${EVIL}/host.html`, (route) =>
      route.fulfill({
        contentType: TYPES['.html'],
        body: `<!doctype html><title>not livechat</title><iframe width="400" height="400" src="${WIDGET_URL}"></iframe>`,
      }),
    );
    const page = await context.newPage();
    const lines: string[] = [];
    page.on('console', (msg) => lines.push(msg.text()));
    await page.goto(`${EVIL}/host.html`);
    await expect
      .poll(
        () =>
          appFrame(page)
            .locator('.cp-host-unavailable-title')
            .innerText({ timeout: 100 })
            .catch(() => null),
        { timeout: 7000 },
      )
      .toBe('LiveChat did not answer Chat Playbook.');
    expect(livechat.authorizations).toBe(0);
    expect(lines.length).toBeLessThanOrEqual(1);
    await page.close();
  });
});
