// The Zendesk sidebar app as Zendesk runs it: dist/hosts/zendesk/index.html (the real SDK,
// zendesk_app_framework_sdk 2.0.11, bundled in app.js) in an iframe of a parent page that plays
// Zendesk Support, at the origins Zendesk uses: the agent's page on https://acme.zendesk.com,
// the app's assets on https://<app>.apps.zdusercontent.com (both served by Playwright routes,
// no network), the team's SOP library on its own https origin.
//
// The parent speaks the SDK's real wire messages, derived from the SDK's source:
// - node_modules/zendesk_app_framework_sdk/lib/client.js `Client` constructor →
//   `postMessage('iframe.handshake', { version })`: JSON text `{ key, message, appGuid,
//   instanceGuid }` posted to `window.parent` with the `origin` query parameter as
//   targetOrigin (lib/index.js `ZAFClient.init` reads `origin` and `app_guid`);
// - `messageHandler` accepts only `event.origin === origin && event.source === parent`, and
//   `{ key: 'zaf.<event>', message, instanceGuid }` triggers the `on('<event>')` handlers
//   (`zaf.app.registered` with `{ metadata, context }` marks the client ready: `Client`
//   constructor); `{ id, result }` / `{ id, error }` settle a `get`/`invoke` promise
//   (`wrappedPostMessage` posts `{ id, request: 'get'|'invoke', params, appGuid,
//   instanceGuid }`; `finalizePendingPromise`, `processResponse`: `result.errors[path]`);
// - `on(name)` posts `iframe.on:<name>` with `{ subscriberCount }`; `request(options)` posts
//   `request:<n>` with the options and waits for `zaf.request:<n>.done` with
//   `{ responseArgs: [body, …] }`;
// - the framework sends objects (spec/client_spec.js `triggerEvent`: `data: { key: 'zaf.' +
//   name, message, instanceGuid }`, responses `data: { id, result: { errors: {}, … } }`).
// Data shapes: ticket sidebar objects and events of the Apps Support API
// (https://developer.zendesk.com/api-reference/apps/apps-support-api/ticket_sidebar/), the
// conversation entry {attachments, author {id, avatar, name, role}, channel {name}, message
// {content, contentType}, timestamp}, `ticket.editor.insert` taking HTML
// (https://developer.zendesk.com/api-reference/apps/apps-support-api/ticket_editor/), and the
// REST comments of "List Comments" with include=users
// (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/).
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, describeBrowser, launch, watch } from '../support/browser.ts';
import { DIST, demoLibraryJson } from '../support/server.ts';

const APP_DIR = join(DIST, 'hosts/zendesk');
const ZENDESK = 'https://acme.zendesk.com';
const APP = 'https://app-1234.apps.zdusercontent.com';
const LIBRARY = 'https://sops.acme.test/library.json';
const EVIL = 'https://evil.example';
const GUID = 'e2b8c4f0-zaf-guid';
const APP_PAGE = `${APP}/1234/assets/index.html`;
const APP_URL = `${APP_PAGE}?origin=${encodeURIComponent(ZENDESK)}&app_guid=${GUID}`;
const XSS = 'Eve<img/src=x/onerror=window.__xss=1>';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Zendesk's side of the wire (runs in the parent page): answers the handshake, `get`,
 * `invoke` and `request:<n>` as the framework does, renders `ticket.editor.insert` HTML into
 * its composer, and lets the test add comments, change status, switch tickets and fire events.
 */
function hostScript(t0: number): string {
  return `(() => {
  const APP = ${JSON.stringify(APP)};
  const GUID = ${JSON.stringify(GUID)};
  const T0 = ${t0};
  const at = (s) => new Date(T0 + s * 1000).toISOString().replace('.000Z', 'Z');
  const users = {
    901: { id: 901, name: 'Dana Lee', role: 'end-user' },
    902: { id: 902, name: ${JSON.stringify(XSS)}, role: 'end-user' },
    7: { id: 7, name: 'Sam Ortiz', role: 'agent' },
  };
  const comment = (id, author, s, body, isPublic = true, channel = 'native_messaging') => ({
    id, type: 'Comment', author_id: author, body, plain_body: body,
    html_body: '<div class="zd-comment"><p>' + body.replace(/&/g, '&amp;').replace(/</g, '&lt;') + '</p></div>',
    public: isPublic, created_at: at(s), attachments: [], audit_id: id + 1000,
    via: { channel, source: { from: {}, to: {}, rel: null } },
  });
  const tickets = {
    35436: {
      id: 35436, requester: 901, createdAt: at(-100), status: 'open', tags: ['order_issue', 'tier_gold'],
      organization: { id: 77, name: 'Acme Gold', tags: [] },
      comments: [
        comment(10001, 901, -100, 'Hi, my order #4411 never arrived'),
        comment(10003, 7, -85, 'Hi Dana, I am sorry your parcel has not arrived. Let me look at the tracking.', true, 'web'),
        comment(10004, 7, -80, 'carrier says it was delivered', false, 'web'),
        comment(10005, 901, -50, 'It still is not here.'),
      ],
    },
    35437: {
      id: 35437, requester: 902, createdAt: at(-20), status: 'open', tags: ['<b>tier_</b>'],
      organization: { id: 78, name: ${JSON.stringify(`${XSS} Org`)}, tags: [] },
      comments: [comment(20001, 902, -20, ${JSON.stringify(`How do I return something? ${XSS}`)})],
    },
  };
  const frame = document.getElementById('app');
  const composer = document.getElementById('composer');
  const host = (window.__host = { current: 35436, subs: {}, requests: [], invokes: [], seen: [] });
  const post = (msg) => frame.contentWindow.postMessage(msg, APP);
  const entry = (c) => ({
    attachments: [],
    author: { id: c.author_id, avatar: 'https://assets.zendesk.com/avatar.png', name: users[c.author_id].name, role: users[c.author_id].role },
    channel: { name: c.public ? c.via.channel : 'internal' },
    message: { content: c.html_body, contentType: 'text/html' },
    timestamp: c.created_at,
  });
  const value = (path) => {
    const t = tickets[host.current];
    const requester = users[t.requester];
    switch (path) {
      case 'ticket.id': return t.id;
      case 'ticket.requester': return { id: requester.id, name: requester.name, email: 'c@example.com', role: 'end-user' };
      case 'ticket.organization': return t.organization;
      case 'ticket.tags': return t.tags;
      case 'ticket.via': return { channel: 'native_messaging', source: { from: {}, to: {}, rel: null } };
      case 'ticket.createdAt': return t.createdAt;
      case 'ticket.updatedAt': return t.comments[t.comments.length - 1].created_at;
      case 'ticket.status': return t.status;
      case 'ticket.priority': return 'normal';
      case 'ticket.type': return 'incident';
      case 'ticket.assignee': return { user: { id: 7, name: 'Sam Ortiz' }, group: { id: 5, name: 'Support' } };
      case 'ticket.conversation': return t.comments.map(entry);
      case 'currentUser': return { id: 7, name: 'Sam Ortiz', email: 'sam@acme.test', role: 'agent', locale: 'en-US' };
      default: return undefined;
    }
  };
  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow || event.origin !== APP) return;
    let msg;
    try { msg = typeof event.data === 'string' ? JSON.parse(event.data) : event.data; } catch { return; }
    host.seen.push(msg.key || msg.request);
    if (msg.key === 'iframe.handshake') {
      post({ key: 'zaf.app.registered', instanceGuid: GUID, message: {
        metadata: { appId: 1234, installationId: 5678, name: 'Chat Playbook', version: '0.1.0',
          settings: { libraryUrl: ${JSON.stringify(LIBRARY)}, tierField: 'tag:tier_', thresholds: '' } },
        context: { host: 'zendesk', product: 'support', location: 'ticket_sidebar', instanceGuid: GUID,
          ticketId: host.current, account: { subdomain: 'acme' } },
      } });
    } else if (typeof msg.key === 'string' && msg.key.startsWith('iframe.on:')) {
      host.subs[msg.key.slice('iframe.on:'.length)] = msg.message.subscriberCount;
    } else if (typeof msg.key === 'string' && /^request:\\d+$/.test(msg.key)) {
      host.requests.push(msg.message.url);
      const m = /^\\/api\\/v2\\/tickets\\/(\\d+)\\/comments\\.json/.exec(msg.message.url);
      const t = m && tickets[m[1]];
      const body = t
        ? { comments: t.comments, users: Object.values(users), next_page: null, previous_page: null, count: t.comments.length }
        : { error: 'RecordNotFound' };
      post({ key: 'zaf.' + msg.key + (t ? '.done' : '.fail'), instanceGuid: GUID,
        message: { responseArgs: [body, t ? 'success' : 'error', { status: t ? 200 : 404 }] } });
    } else if (msg.request === 'get') {
      const result = { errors: {} };
      for (const path of msg.params) {
        const v = value(path);
        if (v === undefined) result.errors[path] = { name: 'Error', message: 'No such Api: ' + path };
        else result[path] = v;
      }
      post({ id: msg.id, result, instanceGuid: GUID });
    } else if (msg.request === 'invoke') {
      const result = { errors: {} };
      for (const [name, args] of Object.entries(msg.params)) {
        host.invokes.push([name, ...args]);
        // Zendesk's editor renders the HTML it is given, as a rich-text editor does.
        if (name === 'ticket.editor.insert') composer.insertAdjacentHTML('beforeend', args[0]);
        else if (name === 'comment.appendText') composer.append(args[0]);
        else result.errors[name] = { name: 'Error', message: 'No such Api: ' + name };
      }
      post({ id: msg.id, result, instanceGuid: GUID });
    }
  });
  host.fire = (name, message) => post({ key: 'zaf.' + name, message, instanceGuid: GUID });
  host.raw = (data) => post(data);
  host.addComment = (ticket, id, author, s, body) => tickets[ticket].comments.push(comment(id, author, s, body));
  host.setStatus = (ticket, status) => { tickets[ticket].status = status; };
  host.switchTo = (ticket) => { host.current = ticket; };
  host.conversation = () => tickets[host.current].comments.map(entry);
})();`;
}

/** A sibling frame on another origin that forges the framework's messages to the app. */
const EVIL_SCRIPT = `(() => {
  const app = parent.frames[0];
  const forged = { 'ticket.id': 666, 'ticket.requester': { id: 1, name: 'Forged' }, 'ticket.createdAt': new Date().toISOString(),
    'ticket.conversation': [], errors: {} };
  window.__flood = () => {
    for (let id = 1; id <= 300; id += 1) app.postMessage({ id, result: forged, instanceGuid: ${JSON.stringify(GUID)} }, '*');
    app.postMessage({ key: 'zaf.app.activated', message: {}, instanceGuid: ${JSON.stringify(GUID)} }, '*');
    app.postMessage(JSON.stringify({ key: 'zaf.ticket.status.changed', message: 'solved' }), '*');
  };
})();`;

function parentPage(t0: number, withEvil: boolean): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zendesk Agent Workspace</title></head>
<body>
<main><h1>Ticket</h1><div id="composer" contenteditable="true" aria-label="Public reply"></div></main>
<iframe id="app" title="Chat Playbook" width="420" height="900" src="${APP_URL}"></iframe>
${withEvil ? `<iframe id="evil" title="other" src="${EVIL}/frame.html"></iframe>` : ''}
<script>${hostScript(t0)}</script>
</body></html>`;
}

async function routes(context: BrowserContext, t0: number): Promise<void> {
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === ZENDESK && url.pathname.startsWith('/agent/tickets/')) {
      const withEvil = url.searchParams.has('evil');
      return route.fulfill({
        status: 200,
        contentType: TYPES['.html'],
        body: parentPage(t0, withEvil),
      });
    }
    if (url.origin === APP && url.pathname.startsWith('/1234/assets/')) {
      const file = normalize(join(APP_DIR, url.pathname.slice('/1234/assets/'.length)));
      if (!file.startsWith(APP_DIR) || !existsSync(file))
        return route.fulfill({ status: 404, body: '' });
      return route.fulfill({
        status: 200,
        contentType: TYPES[extname(file)] ?? 'application/octet-stream',
        body: readFileSync(file),
      });
    }
    if (url.href === LIBRARY) {
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        headers: { 'access-control-allow-origin': '*' },
        body: demoLibraryJson(),
      });
    }
    if (url.origin === EVIL && url.pathname === '/frame.html') {
      return route.fulfill({
        status: 200,
        contentType: TYPES['.html'],
        body: `<!doctype html><title>other</title><script>${EVIL_SCRIPT}</script>`,
      });
    }
    return route.abort();
  });
}

async function appFrame(page: Page): Promise<Frame> {
  await expect.poll(() => page.frames().some((f) => f.url().startsWith(APP_PAGE))).toBe(true);
  return page.frames().find((f) => f.url().startsWith(APP_PAGE))!;
}

/** Reads inside the widget's shadow root in the app frame. */
function inWidget<T>(frame: Frame, fn: string): Promise<T> {
  return frame.evaluate(
    `(() => { const root = document.querySelector('#playbook').shadowRoot; return (${fn})(root); })()`,
  ) as Promise<T>;
}

function clock(frame: Frame, chatId: string, name: string) {
  return inWidget<{ state: string | null; time: string | null } | null>(
    frame,
    `(root) => { const el = root && root.querySelector('[data-cp-chat="${chatId}"] [data-cp-clock="${name}"]');
      return el && { state: el.getAttribute('data-cp-state'), time: el.querySelector('.cp-time') && el.querySelector('.cp-time').textContent }; }`,
  );
}

/** A clock's m:ss against the seconds expected from Zendesk's timestamps (±2 s of test time). */
function expectAbout(shown: number, expected: number): void {
  expect(shown).toBeGreaterThanOrEqual(Math.floor(expected) - 2);
  expect(shown).toBeLessThanOrEqual(Math.ceil(expected) + 1);
}

const seconds = (mss: string | null | undefined): number => {
  const m = /^(\d+):(\d{2})$/.exec(mss ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
};

describeBrowser(
  'Zendesk ticket sidebar app (real SDK, parent plays Zendesk)',
  { timeout: 60_000 },
  () => {
    let browser: Browser;

    beforeAll(async () => {
      assertBuilt();
      if (!existsSync(join(APP_DIR, 'index.html'))) {
        throw new Error('dist/hosts/zendesk is missing: run `node build/hosts.mjs zendesk`');
      }
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('backfills, follows, suggests, inserts, closes; refuses forged and malformed messages; runs no host markup', async () => {
      const t0 = Math.floor(Date.now() / 1000) * 1000;
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
      await routes(context, t0);
      const w = await watch(context);
      const { page } = w;
      const appErrors: string[] = [];
      page.on('pageerror', (err) => appErrors.push(String(err)));
      await page.goto(`${ZENDESK}/agent/tickets/35436?evil`);
      const frame = await appFrame(page);
      // 1. The ticket with its history: the clocks from Zendesk's timestamps, not arrival time.
      //    First response 15 s (met); the customer has waited since −50 s.
      await expect
        .poll(() => clock(frame, 'zendesk-35436', 'firstResponse'), { timeout: 10_000 })
        .toMatchObject({ state: 'met', time: '0:15' });
      const gap = await clock(frame, 'zendesk-35436', 'gap');
      expect(gap?.state).toBe('ok');
      // Waiting since t0 − 50 s (a Zendesk timestamp), whenever the app happened to load.
      expectAbout(seconds(gap?.time), (Date.now() - (t0 - 50_000)) / 1000);
      expect(
        await page.evaluate(
          () => (window as unknown as { __host: { requests: string[] } }).__host.requests,
        ),
      ).toEqual(['/api/v2/tickets/35436/comments.json?include=users']);
      const subs = await page.evaluate(
        () => (window as unknown as { __host: { subs: object } }).__host.subs,
      );
      expect(subs).toMatchObject({
        'ticket.conversation.changed': 1,
        'ticket.status.changed': 1,
        'app.activated': 1,
      });

      // 2. A new customer message (ticket.conversation.changed): the suggestions follow it.
      await expect
        .poll(() =>
          inWidget<number>(frame, `(root) => root.querySelectorAll('[data-cp-suggestion]').length`),
        )
        .toBeGreaterThan(0);
      const firstBefore = await inWidget<string>(
        frame,
        `(root) => root.querySelector('[data-cp-suggestion]').getAttribute('data-cp-suggestion')`,
      );
      expect(firstBefore).not.toBe('CS-PR-001');
      await page.evaluate(() => {
        const host = (window as unknown as { __host: Record<string, (...a: unknown[]) => unknown> })
          .__host;
        host.addComment!(
          35436,
          10006,
          901,
          -1,
          'Actually I changed my mind, I want to send this back. Can I get a return label?',
        );
        host.fire!('ticket.conversation.changed', host.conversation!());
      });
      await expect
        .poll(
          () =>
            inWidget<string>(
              frame,
              `(root) => root.querySelector('[data-cp-suggestion]').getAttribute('data-cp-suggestion')`,
            ),
          { timeout: 10_000 },
        )
        .toBe('CS-PR-001');

      // 3. A reply with fill-ins, completed in the widget, lands in Zendesk's composer.
      const widget = frame.locator('#playbook');
      await widget
        .locator('[data-cp-suggestion="CS-PR-001"] [data-cp-reply="r-label-sent"]')
        .click();
      const fields = widget.locator('[data-cp-fill] input[data-cp-field]');
      await expect.poll(() => fields.count()).toBe(2);
      await widget.locator('[data-cp-field="rmaNumber"]').fill('RMA-7731');
      await widget
        .locator('[data-cp-field="returnLabelUrl"]')
        .fill('https://returns.acme.test/l/7731');
      await widget.locator('[data-cp-field="returnLabelUrl"]').press('Enter');
      await expect
        .poll(() => page.locator('#composer').innerText(), { timeout: 5000 })
        .toContain('Your return number is RMA-7731');
      const composed = await page.locator('#composer').innerText();
      expect(composed).toContain('https://returns.acme.test/l/7731');
      expect(composed).not.toMatch(/\{[^}]+\}/);
      const invokes = await page.evaluate(
        () => (window as unknown as { __host: { invokes: string[][] } }).__host.invokes,
      );
      expect(invokes.map((i) => i[0])).toEqual(['ticket.editor.insert']);

      // 4. Forged and malformed messages change nothing: another origin floods forged answers,
      //    the parent sends wrong shapes, a foreign instance (the SDK itself would throw) and
      //    5 MB of JSON.
      const chatsBefore = await inWidget<string[]>(
        frame,
        `(root) => [...root.querySelectorAll('[data-cp-chat]')].map((el) => el.getAttribute('data-cp-chat'))`,
      );
      const evil = page.frames().find((f) => f.url().startsWith(EVIL))!;
      await evil.evaluate(() => (window as unknown as { __flood(): void }).__flood());
      await page.evaluate(
        ({ guid, big }) => {
          const host = (window as unknown as { __host: { raw(d: unknown): void } }).__host;
          host.raw('{not json');
          host.raw([{ key: 'zaf.app.activated' }]);
          host.raw({ key: 42, message: {} });
          host.raw({ id: '1', result: { 'ticket.id': 666 } });
          host.raw({
            key: 'zaf.ticket.status.changed',
            message: 'solved',
            instanceGuid: `${guid}-other`,
          });
          host.raw(
            JSON.stringify({
              key: 'zaf.ticket.conversation.changed',
              message: ['x'.repeat(big)],
              instanceGuid: guid,
            }),
          );
          host.raw({ key: 'zaf.ticket.conversation.changed', message: 7, instanceGuid: guid });
        },
        { guid: GUID, big: 5 * 1024 * 1024 },
      );
      await page.waitForTimeout(1500);
      expect(
        await inWidget<string[]>(
          frame,
          `(root) => [...root.querySelectorAll('[data-cp-chat]')].map((el) => el.getAttribute('data-cp-chat'))`,
        ),
      ).toEqual(chatsBefore);
      expect((await clock(frame, 'zendesk-35436', 'firstResponse'))?.state).toBe('met');
      expect((await clock(frame, 'zendesk-35436', 'gap'))?.state).not.toBe('stopped');
      expect(appErrors).toEqual([]);

      // 5. The agent opens another ticket (Zendesk re-activates the app on it): backfilled and
      //    focused. Its requester, organisation, tags and message carry markup.
      await page.evaluate(() => {
        const host = (window as unknown as { __host: Record<string, (...a: unknown[]) => unknown> })
          .__host;
        host.switchTo!(35437);
        host.fire!('app.activated', { firstLoad: false });
      });
      await expect
        .poll(
          () =>
            inWidget<boolean>(
              frame,
              `(root) => Boolean(root.querySelector('[data-cp-chat="zendesk-35437"][data-cp-focused]'))`,
            ),
          { timeout: 10_000 },
        )
        .toBe(true);
      const names = await inWidget<string>(
        frame,
        `(root) => root.querySelector('[data-cp-chat="zendesk-35437"]').textContent`,
      );
      expect(names).toContain(XSS);
      // Unanswered since the ticket's creation at t0 − 20 s: already past the 20 s warning.
      const second = await clock(frame, 'zendesk-35437', 'firstResponse');
      expect(['warning', 'breached']).toContain(second?.state);
      expectAbout(seconds(second?.time), (Date.now() - (t0 - 20_000)) / 1000);

      // A reply naming that customer goes into the editor as text: the markup does not run.
      await expect
        .poll(
          () =>
            inWidget<boolean>(
              frame,
              `(root) => Boolean(root.querySelector('[data-cp-suggestion="CS-PR-001"] [data-cp-reply="r-ask-order"]'))`,
            ),
          { timeout: 10_000 },
        )
        .toBe(true);
      await widget
        .locator('[data-cp-suggestion="CS-PR-001"] [data-cp-reply="r-ask-order"]')
        .click();
      const askFields = widget.locator('[data-cp-fill] input[data-cp-field]');
      if ((await askFields.count()) > 0) await askFields.last().press('Enter');
      await expect
        .poll(() => page.locator('#composer').innerText(), { timeout: 5000 })
        .toContain(`Happy to help you return that, ${XSS}`);

      // 6. Solved: the clocks stop.
      await page.evaluate(() => {
        const host = (window as unknown as { __host: Record<string, (...a: unknown[]) => unknown> })
          .__host;
        host.setStatus!(35437, 'solved');
        host.fire!('ticket.status.changed', 'solved');
      });
      await expect
        .poll(() => clock(frame, 'zendesk-35437', 'firstResponse'), { timeout: 10_000 })
        .toMatchObject({ state: 'stopped' });
      expect((await clock(frame, 'zendesk-35437', 'gap'))?.state).toBe('stopped');

      // Nothing from the host's data ran, in either frame; no CSP violation in the app.
      expect(
        await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
      ).toBeUndefined();
      expect(
        await frame.evaluate(() => (window as unknown as { __xss?: number }).__xss),
      ).toBeUndefined();
      expect(
        await frame.evaluate(
          () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
        ),
      ).toEqual([]);
      expect(appErrors).toEqual([]);
      expect(w.warnings.filter((line) => !/favicon/i.test(line))).toEqual([]);
      await context.close();
    });

    it('outside Zendesk it says so politely, quickly, with at most one console line', async () => {
      const context = await browser.newContext();
      await routes(context, Date.now());
      const cases = [
        { url: APP_PAGE, within: 6000, text: /runs inside Zendesk/ }, // opened directly
        { url: APP_URL, within: 6000, text: /runs inside Zendesk/ }, // its URL, but top level
      ];
      for (const { url, within, text } of cases) {
        const page = await context.newPage();
        const lines: string[] = [];
        page.on('console', (msg) => lines.push(msg.text()));
        const started = Date.now();
        await page.goto(url);
        await page.waitForSelector('.cp-host-unavailable', { timeout: within });
        expect(Date.now() - started).toBeLessThan(within);
        expect(await page.locator('.cp-host-unavailable').innerText()).toMatch(text);
        await page.waitForTimeout(300);
        expect(lines.length).toBeLessThanOrEqual(1);
        await page.close();
      }

      // In a frame whose parent never answers the handshake: "did not answer" after 5 s, once.
      const page = await context.newPage();
      const lines: string[] = [];
      page.on('console', (msg) => lines.push(msg.text()));
      await page.route(`${ZENDESK}/agent/silent`, (route) =>
        route.fulfill({
          status: 200,
          contentType: TYPES['.html'],
          body: `<!doctype html><title>silent</title><iframe src="${APP_URL}"></iframe>`,
        }),
      );
      const started = Date.now();
      await page.goto(`${ZENDESK}/agent/silent`);
      const frame = await appFrame(page);
      await frame.waitForSelector('.cp-host-unavailable', { timeout: 7000 });
      expect(Date.now() - started).toBeLessThan(7000);
      expect(await frame.locator('.cp-host-unavailable').innerText()).toMatch(/did not answer/);
      await page.waitForTimeout(1500);
      expect(lines.length).toBeLessThanOrEqual(1);
      await context.close();
    });
  },
);
