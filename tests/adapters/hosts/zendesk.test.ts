// The Zendesk sidebar adapter (src/adapters/hosts/zendesk.ts) against a fake ZAF client and a
// fake window: the mapping (the same chat and message ids as the webhook connector), backfill
// with Zendesk's timestamps, following the agent, polling without duplicates, settings, reply
// insertion, the boundary in front of the SDK, and the polite refusals.
//
// The fake speaks what the SDK returns (zendesk_app_framework_sdk 2.0.11, lib/client.js):
// `get([...])` resolves `{ '<path>': value, errors: {} }`, `metadata()` the `app.registered`
// metadata, `request()` the REST body, events call the `on()` handlers with their payload.
// Ticket and conversation shapes: the Apps Support API, ticket sidebar
// (https://developer.zendesk.com/api-reference/apps/apps-support-api/ticket_sidebar/); comments:
// the connector's REST fixture ("List Comments" with include=users).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostUnavailable } from '../../../src/adapters/hosts/types.ts';
import {
  createZendeskAdapter,
  HANDSHAKE_TIMEOUT_MS,
  htmlText,
  launchParams,
  MAX_MESSAGE_CHARS,
  settingsOf,
  textToHtml,
  type ZafClient,
  type ZendeskDeps,
  type ZendeskWindow,
  zendeskTime,
} from '../../../src/adapters/hosts/zendesk.ts';
import type { TransportSink } from '../../../src/adapters/transport.ts';
import type { ChatEvent } from '../../../src/core/index.ts';
import { zendeskConnector } from '../../../src/server/connectors/zendesk.ts';

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => value as Obj;
const FIXTURES = join(import.meta.dirname, '../../server/connectors/fixtures/zendesk');
const EXPORT = JSON.parse(readFileSync(join(FIXTURES, 'export-ticket.json'), 'utf8')) as Obj;
const SEQUENCE = JSON.parse(readFileSync(join(FIXTURES, 'webhook-sequence.json'), 'utf8')) as Obj[];

const ORIGIN = 'https://acme.zendesk.com';
const GUID = 'c7e9a1d2-guid';
const NOW = Date.parse('2025-01-08T10:20:00Z');

/** The ticket of the fixture as ZAF's `client.get` gives it (camelCase, objects). */
function zafTicket(overrides: Obj = {}): Obj {
  return {
    'ticket.id': 35436,
    'ticket.requester': { id: 8447388090494, name: 'Dana Lee', email: 'dana.lee@example.com' },
    'ticket.organization': { id: 77, name: 'Acme Gold', tags: ['gold'] },
    'ticket.tags': ['order_issue', 'tier_gold'],
    'ticket.via': { channel: 'native_messaging', source: { from: {}, to: {}, rel: null } },
    'ticket.createdAt': '2025-01-08T10:12:07Z',
    'ticket.updatedAt': '2025-01-08T10:15:00Z',
    'ticket.status': 'open',
    'ticket.priority': 'normal',
    'ticket.type': 'incident',
    'ticket.assignee': { user: { id: 8447388090495, name: 'Sam Ortiz' }, group: { id: 1 } },
    'ticket.brand': { id: 8447346621310 },
    'ticket.conversation': conversation(2),
    ...overrides,
  };
}

/** `ticket.conversation` entries: author {id, avatar, name, role}, channel {name}, message, timestamp. */
function conversation(count: number): Obj[] {
  const all: Obj[] = [
    entry(
      8447388090494,
      'Dana Lee',
      'end-user',
      'native_messaging',
      '2025-01-08T10:12:07Z',
      '<p>Hi, my order #4411 never arrived</p>',
    ),
    entry(-1, 'Zendesk', 'system', 'rule', '2025-01-08T10:12:08Z', 'Thanks for reaching out!'),
    entry(
      8447388090495,
      'Sam Ortiz',
      'agent',
      'web',
      '2025-01-08T10:12:30Z',
      'Hi Dana, sorry about that.',
    ),
    entry(
      8447388090495,
      'Sam Ortiz',
      'agent',
      'internal',
      '2025-01-08T10:12:40Z',
      'carrier lost it',
    ),
    entry(
      8447388090494,
      'Dana Lee',
      'end-user',
      'native_messaging',
      '2025-01-08T10:13:00Z',
      'Can I get a refund?',
    ),
  ];
  return all.slice(0, count);
}

function entry(
  id: number,
  name: string,
  role: string,
  channel: string,
  at: string,
  html: string,
): Obj {
  return {
    attachments: [],
    author: { id, avatar: 'https://assets.zendesk.com/a.png', name, role },
    channel: { name: channel },
    message: { content: html, contentType: 'text/html' },
    timestamp: at,
  };
}

/** The REST comments body (the connector's fixture), its first `count` comments. */
function restBody(count = 7): Obj {
  return {
    comments: (EXPORT.comments as Obj[]).slice(0, count),
    users: EXPORT.users,
    next_page: null,
    previous_page: null,
    count,
  };
}

interface Fake {
  client: ZafClient;
  ticket: Obj;
  user: Obj;
  settings: Obj;
  context: Obj;
  rest: Obj | Error;
  requests: string[];
  gets: string[][];
  invokes: Array<[string, ...string[]]>;
  editorFails: boolean;
  emit(name: string, data?: unknown): void;
  register(): void;
}

function fakeZaf(): Fake {
  const handlers = new Map<string, Array<(data: unknown) => void>>();
  const fake: Fake = {
    ticket: zafTicket(),
    user: { id: 8447388090495, name: 'Sam Ortiz', role: 'agent', email: 's@acme.test' },
    settings: { libraryUrl: 'https://sops.acme.test/library.json', tierField: 'tag:tier_' },
    context: { location: 'ticket_sidebar', account: { subdomain: 'acme' }, ticketId: 35436 },
    rest: restBody(),
    requests: [],
    gets: [],
    invokes: [],
    editorFails: false,
    emit(name, data) {
      for (const handler of handlers.get(name) ?? []) handler(data);
    },
    register() {
      fake.emit('app.registered', {
        metadata: { appId: 1, installationId: 2, settings: fake.settings },
        context: fake.context,
      });
    },
    client: {
      on(name, handler) {
        handlers.set(name, [...(handlers.get(name) ?? []), handler]);
      },
      async get(paths) {
        fake.gets.push(paths);
        const result: Obj = { errors: {} };
        for (const path of paths) {
          if (path === 'currentUser') result.currentUser = fake.user;
          else if (path in fake.ticket) result[path] = fake.ticket[path];
          else (result.errors as Obj)[path] = { message: `${path} unavailable` };
        }
        return result;
      },
      async invoke(name, ...args) {
        fake.invokes.push([name, ...args]);
        if (name === 'ticket.editor.insert' && fake.editorFails) {
          throw new Error('"ticket.editor.insert" unavailable');
        }
        return { errors: {} };
      },
      async metadata() {
        return { settings: fake.settings };
      },
      async request(options) {
        fake.requests.push(options.url);
        if (fake.rest instanceof Error) throw fake.rest;
        return fake.rest;
      },
    },
  };
  return fake;
}

interface FakeWindow extends ZendeskWindow {
  listeners: Array<{ listener: (event: MessageEvent) => void; capture: boolean }>;
}

function fakeWindow(search = `?origin=${encodeURIComponent(ORIGIN)}&app_guid=${GUID}`): FakeWindow {
  const parent = { name: 'zendesk' };
  const win: FakeWindow = {
    location: { search, hash: '' },
    parent,
    listeners: [],
    addEventListener(_type, listener, options) {
      win.listeners.push({ listener, capture: options === true });
    },
    removeEventListener(_type, listener) {
      win.listeners = win.listeners.filter((l) => l.listener !== listener);
    },
  };
  return win;
}

function setup(options: Partial<ZendeskDeps> & { register?: boolean } = {}) {
  const fake = fakeZaf();
  const win = fakeWindow();
  const init = vi.fn(() => {
    if (options.register !== false) queueMicrotask(() => fake.register());
    return fake.client;
  });
  const adapter = createZendeskAdapter({
    init,
    win,
    now: () => NOW,
    pollMs: 5000,
    ...options,
  });
  const events: ChatEvent[] = [];
  const sink: TransportSink = {
    events: (list) => events.push(...list),
    status: vi.fn(),
    config: vi.fn(),
  };
  return { fake, win, init, adapter, events, sink };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
  await new Promise((done) => setTimeout(done, 0));
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

const messages = (events: ChatEvent[]) => events.filter((e) => e.type === 'message');
const ids = (events: ChatEvent[]) =>
  messages(events).map((e) => (e as Extract<ChatEvent, { type: 'message' }>).id);

describe('zendesk adapter: connect and backfill', () => {
  it('reads the agent, the settings and the open ticket, then backfills with Zendesk’s times', async () => {
    const { adapter, events, sink, fake } = setup();
    const context = await adapter.connect();
    expect(context).toEqual({
      agent: { id: '8447388090495', name: 'Sam Ortiz', role: 'agent' },
      settings: { library: 'https://sops.acme.test/library.json', tierField: 'tag:tier_' },
      chatId: 'zendesk-35436',
    });
    expect(adapter.scope).toBe('zendesk:acme');
    adapter.start(sink);
    await settle();
    expect(sink.status).toHaveBeenCalledWith('online');
    expect(fake.requests).toEqual(['/api/v2/tickets/35436/comments.json?include=users']);
    const started = events.find((e) => e.type === 'chat.started');
    expect(started).toMatchObject({
      chatId: 'zendesk-35436',
      at: Date.parse('2025-01-08T10:12:07Z'),
      customer: { id: '8447388090494', name: 'Dana Lee', tier: 'gold' },
      channel: 'native_messaging',
    });
    const byId = new Map(messages(events).map((e) => [obj(e).id, obj(e)]));
    expect([...byId.keys()]).toEqual([
      '10001',
      '10002',
      '10003',
      '10004',
      '10005',
      '10006',
      '10007',
    ]);
    expect(byId.get('10001')).toMatchObject({
      author: 'customer',
      at: Date.parse('2025-01-08T10:12:07Z'),
    });
    expect(byId.get('10002')).toMatchObject({ author: 'bot' });
    expect(byId.get('10003')).toMatchObject({ author: 'agent', agentId: '8447388090495' });
    expect(byId.get('10004')).toMatchObject({ author: 'agent', internal: true });
    adapter.dispose();
  });

  it('uses the webhook connector’s chat and message ids (comment ids), so serve keeps one copy', async () => {
    const { adapter, events, sink } = setup();
    await adapter.connect();
    adapter.start(sink);
    await settle();
    const exported = zendeskConnector.mapExport(EXPORT, { tierField: 'tag:tier_' });
    if (exported.kind !== 'events') throw new Error('fixture');
    const exportIds = exported.events.filter((e) => e.type === 'message').map((e) => e.id);
    expect(ids(events)).toEqual(exportIds);
    const webhookIds = SEQUENCE.flatMap((payload) => {
      const mapped = zendeskConnector.mapWebhook(payload, {});
      return mapped.kind === 'events' ? mapped.events.filter((e) => e.type === 'message') : [];
    }).map((e) => e.id);
    for (const id of webhookIds) expect(ids(events)).toContain(id);
    expect(new Set(events.map((e) => e.chatId))).toEqual(new Set(['zendesk-35436']));
    adapter.dispose();
  });

  it('falls back to ticket.conversation (derived, stable ids) when the REST request fails', async () => {
    const { adapter, events, sink, fake } = setup();
    fake.rest = new Error('403');
    fake.ticket = zafTicket({ 'ticket.conversation': conversation(4) });
    await adapter.connect();
    adapter.start(sink);
    await settle();
    const list = messages(events).map(obj);
    expect(list.map((e) => [e.author, e.internal ?? false, e.text])).toEqual([
      ['customer', false, 'Hi, my order #4411 never arrived'],
      ['bot', false, 'Thanks for reaching out!'],
      ['agent', false, 'Hi Dana, sorry about that.'],
      ['agent', true, 'carrier lost it'],
    ]);
    expect(list.every((e) => /^zc-[0-9a-f]{16}-0$/.test(String(e.id)))).toBe(true);
    expect(list[0]!.at).toBe(Date.parse('2025-01-08T10:12:07Z'));
    // More of the conversation later: the same ids for the old entries, one new message, and
    // the ticket keeps its source (no REST retry that would change ids).
    const before = ids(events);
    fake.rest = restBody();
    fake.ticket = zafTicket({ 'ticket.conversation': conversation(5) });
    fake.emit('ticket.conversation.changed', conversation(5));
    await settle();
    expect(ids(events).slice(0, 4)).toEqual(before);
    expect(messages(events)).toHaveLength(5);
    expect(fake.requests).toHaveLength(1);
    adapter.dispose();
  });

  it('keeps host text as text: markup in names and messages is never HTML', async () => {
    const { adapter, events, sink, fake } = setup();
    fake.rest = new Error('no API');
    const evil = '<img src=x onerror=window.__xss=1>';
    fake.ticket = zafTicket({
      'ticket.requester': { id: 8447388090494, name: evil },
      'ticket.conversation': [
        entry(
          8447388090494,
          evil,
          'end-user',
          'web',
          '2025-01-08T10:12:07Z',
          `<p>a &lt;b&gt; ${evil}</p><script>alert(1)</script>`,
        ),
      ],
    });
    await adapter.connect();
    adapter.start(sink);
    await settle();
    expect(obj(events.find((e) => e.type === 'chat.started')).customer).toMatchObject({
      name: evil,
    });
    expect(obj(messages(events)[0]).text).toBe('a <b>');
    adapter.dispose();
  });
});

describe('zendesk adapter: staying current', () => {
  beforeEach(() =>
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] }),
  );
  afterEach(() => vi.useRealTimers());

  async function flush(): Promise<void> {
    for (let i = 0; i < 30; i += 1) await Promise.resolve();
  }

  it('polls every 5 s, reads comments again only on a change and never sends an event twice', async () => {
    const { adapter, events, sink, fake } = setup();
    fake.rest = restBody(3);
    fake.ticket = zafTicket({ 'ticket.conversation': conversation(3) });
    const connecting = adapter.connect();
    await flush();
    await connecting;
    adapter.start(sink);
    await flush();
    expect(ids(events)).toEqual(['10001', '10002', '10003']);
    const count = events.length;
    const gets = fake.gets.length;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(fake.gets.length - gets).toBe(3);
    expect(fake.requests).toHaveLength(1);
    expect(events).toHaveLength(count);
    // Two new comments appear (no event): the next poll reads them, once.
    fake.rest = restBody(5);
    fake.ticket = zafTicket({ 'ticket.conversation': conversation(5) });
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.requests).toHaveLength(2);
    expect(ids(events)).toEqual(['10001', '10002', '10003', '10004', '10005']);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ids(events)).toHaveLength(5);
    adapter.dispose();
    const after = fake.gets.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fake.gets.length).toBe(after);
  });

  it('follows ticket.conversation.changed at once, and closes on a solved status', async () => {
    const { adapter, events, sink, fake } = setup({ pollMs: 0 });
    fake.rest = restBody(2);
    fake.ticket = zafTicket({ 'ticket.conversation': conversation(2) });
    const connecting = adapter.connect();
    await flush();
    await connecting;
    adapter.start(sink);
    await flush();
    fake.rest = restBody(3);
    fake.ticket = zafTicket({ 'ticket.conversation': conversation(3) });
    fake.emit('ticket.conversation.changed', conversation(3));
    await flush();
    expect(ids(events)).toEqual(['10001', '10002', '10003']);
    // A changed event with a payload of the wrong shape: the data did not change, nothing does.
    fake.emit('ticket.conversation.changed', 'nonsense');
    await flush();
    expect(events.filter((e) => e.type === 'message')).toHaveLength(3);
    expect(fake.requests).toHaveLength(2);
    fake.ticket = { ...fake.ticket, 'ticket.status': 'solved' };
    fake.emit('ticket.status.changed', 'solved');
    await flush();
    expect(events.filter((e) => e.type === 'chat.closed')).toEqual([
      { type: 'chat.closed', chatId: 'zendesk-35436', at: NOW },
    ]);
    fake.emit('ticket.status.changed', 'solved');
    await flush();
    expect(events.filter((e) => e.type === 'chat.closed')).toHaveLength(1);
    adapter.dispose();
  });

  it('closes a ticket solved before the app opened at its last update', async () => {
    const { adapter, events, sink, fake } = setup({ pollMs: 0 });
    fake.ticket = zafTicket({
      'ticket.status': 'closed',
      'ticket.updatedAt': '2025-01-12T11:00:03Z',
    });
    const connecting = adapter.connect();
    await flush();
    await connecting;
    adapter.start(sink);
    await flush();
    expect(events.at(-1)).toEqual({
      type: 'chat.closed',
      chatId: 'zendesk-35436',
      at: Date.parse('2025-01-12T11:00:03Z'),
    });
    adapter.dispose();
  });

  // `ticket.assignee` ({ user, group }) and `ticket.assignee.user.id.changed`: the ticket
  // sidebar page of the Apps Support API (above). The form shows an assignee before it is
  // saved; `ticket.updatedAt` moves when the ticket is saved (or updated by someone else).
  it('hands the chat over when a reassignment is saved, at the ticket’s update time', async () => {
    const { adapter, events, sink, fake } = setup({ pollMs: 0 });
    const connecting = adapter.connect();
    await flush();
    await connecting;
    adapter.start(sink);
    await flush();
    const handovers = () => events.filter((e) => e.type === 'chat.assigned');
    expect(events.find((e) => e.type === 'chat.started')).toMatchObject({
      assignee: '8447388090495',
    });
    expect(handovers()).toEqual([]);
    // Picked in the form, not saved yet: nobody else sees it, nothing changes hands.
    const colleague = { user: { id: 8447388090496, name: 'Priya Shah' }, group: { id: 1 } };
    fake.ticket = { ...fake.ticket, 'ticket.assignee': colleague };
    fake.emit('ticket.assignee.user.id.changed', 8447388090496);
    await flush();
    expect(handovers()).toEqual([]);
    // Saved: the ticket's update time moves.
    fake.ticket = { ...fake.ticket, 'ticket.updatedAt': '2025-01-08T10:16:00Z' };
    fake.emit('ticket.assignee.user.id.changed', 8447388090496);
    await flush();
    // Back to the group alone (no agent), saved by someone else.
    fake.ticket = {
      ...fake.ticket,
      'ticket.assignee': { user: null, group: { id: 1 } },
      'ticket.updatedAt': '2025-01-08T10:17:30Z',
    };
    fake.emit('ticket.assignee.user.id.changed', null);
    await flush();
    fake.emit('ticket.assignee.user.id.changed', null);
    await flush();
    expect(handovers()).toEqual([
      {
        type: 'chat.assigned',
        chatId: 'zendesk-35436',
        at: Date.parse('2025-01-08T10:16:00Z'),
        agentId: '8447388090496',
      },
      {
        type: 'chat.assigned',
        chatId: 'zendesk-35436',
        at: Date.parse('2025-01-08T10:17:30Z'),
        agentId: null,
      },
    ]);
    adapter.dispose();
  });

  it('follows the agent: another ticket on app.activated is backfilled and focused', async () => {
    const { adapter, events, sink, fake } = setup({ pollMs: 0 });
    const connecting = adapter.connect();
    await flush();
    await connecting;
    const focused: string[] = [];
    adapter.onFocus((chatId) => focused.push(chatId));
    adapter.start(sink);
    await flush();
    fake.ticket = zafTicket({
      'ticket.id': 35437,
      'ticket.requester': { id: 500, name: 'Lee Chan' },
      'ticket.conversation': [
        entry(500, 'Lee Chan', 'end-user', 'web', '2025-01-08T10:18:00Z', 'Hello?'),
      ],
      'ticket.createdAt': '2025-01-08T10:18:00Z',
    });
    fake.rest = {
      comments: [
        {
          id: 20001,
          author_id: 500,
          body: 'Hello?',
          public: true,
          created_at: '2025-01-08T10:18:00Z',
        },
      ],
      users: [{ id: 500, name: 'Lee Chan', role: 'end-user' }],
      next_page: null,
    };
    fake.emit('app.activated', { firstLoad: false });
    await flush();
    expect(focused).toContain('zendesk-35437');
    expect(fake.requests.at(-1)).toBe('/api/v2/tickets/35437/comments.json?include=users');
    expect(events.filter((e) => e.chatId === 'zendesk-35437').map((e) => e.type)).toEqual([
      'chat.started',
      'message',
    ]);
    expect(
      events.find((e) => e.chatId === 'zendesk-35437' && e.type === 'chat.started'),
    ).toMatchObject({
      at: Date.parse('2025-01-08T10:18:00Z'),
      customer: { name: 'Lee Chan' },
    });
    adapter.dispose();
  });

  it('gives up once after 5 s without app.registered: timeout, no retry', async () => {
    const { adapter, init, fake } = setup({ register: false });
    const result = adapter.connect().catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(HANDSHAKE_TIMEOUT_MS + 10);
    const err = await result;
    expect(err).toBeInstanceOf(HostUnavailable);
    expect((err as HostUnavailable).reason).toBe('timeout');
    expect(adapter.connect()).toBe(adapter.connect());
    adapter.dispose();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(init).toHaveBeenCalledTimes(1);
    expect(fake.gets).toHaveLength(0);
  });
});

describe('zendesk adapter: refusals', () => {
  async function reason(adapterSetup: ReturnType<typeof setup>): Promise<string> {
    const err = await adapterSetup.adapter.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostUnavailable);
    return (err as HostUnavailable).reason;
  }

  it('refuses politely when opened directly (top level), before the SDK posts anything', async () => {
    const s = setup();
    (s.win as { parent: unknown }).parent = s.win;
    expect(await reason(s)).toBe('outside');
    expect(s.init).not.toHaveBeenCalled();
  });

  it('refuses without Zendesk’s launch parameters, or for a parent that is not Zendesk', async () => {
    for (const search of [
      '',
      '?app_guid=abc',
      '?origin=https%3A%2F%2Fevil.example&app_guid=abc',
      '?origin=http%3A%2F%2Facme.zendesk.com&app_guid=abc',
      '?origin=https%3A%2F%2Facme.zendesk.com.evil.example&app_guid=abc',
      `?origin=${encodeURIComponent(ORIGIN)}&origin=https%3A%2F%2Fevil.example&app_guid=abc`,
    ]) {
      const s = setup();
      (s.win as { location: unknown }).location = { search, hash: '' };
      expect(await reason(s)).toBe('outside');
      expect(s.init).not.toHaveBeenCalled();
    }
  });

  it('refuses when the SDK does not start, when the location is wrong or a permission is missing', async () => {
    const notInit = setup();
    notInit.init.mockReturnValue(false as never);
    expect(await reason(notInit)).toBe('outside');

    const navBar = setup();
    navBar.fake.context = { location: 'nav_bar', account: { subdomain: 'acme' } };
    expect(await reason(navBar)).toBe('outside');

    const noUser = setup();
    noUser.fake.user = { name: 'no id' };
    expect(await reason(noUser)).toBe('permission');

    const refused = setup();
    refused.fake.client.get = () => Promise.reject(new Error('"currentUser" not allowed'));
    expect(await reason(refused)).toBe('permission');
  });
});

describe('zendesk adapter: the boundary in front of the SDK', () => {
  it('lets only the parent, from the launch origin, with a sane JSON message, reach the SDK', async () => {
    const { adapter, win } = setup();
    await adapter.connect();
    const guard = win.listeners.find((l) => l.capture)!;
    expect(guard).toBeDefined();
    const deliver = (source: unknown, origin: string, data: unknown) => {
      const stop = vi.fn();
      guard.listener({
        source,
        origin,
        data,
        stopImmediatePropagation: stop,
      } as unknown as MessageEvent);
      return stop.mock.calls.length === 0;
    };
    const ok = { key: 'zaf.ticket.conversation.changed', message: [], instanceGuid: GUID };
    expect(deliver(win.parent, ORIGIN, ok)).toBe(true);
    expect(deliver(win.parent, ORIGIN, JSON.stringify(ok))).toBe(true);
    expect(deliver(win.parent, ORIGIN, { id: 3, result: { errors: {} } })).toBe(true);
    expect(adapter.stopped()).toBe(0);
    expect(deliver({}, ORIGIN, ok)).toBe(false); // another window
    expect(deliver(win.parent, 'https://evil.example', ok)).toBe(false);
    expect(deliver(win.parent, ORIGIN, '{not json')).toBe(false);
    expect(deliver(win.parent, ORIGIN, [ok])).toBe(false);
    expect(deliver(win.parent, ORIGIN, { key: 42 })).toBe(false);
    expect(deliver(win.parent, ORIGIN, { id: -1 })).toBe(false);
    expect(deliver(win.parent, ORIGIN, { ...ok, instanceGuid: 'someone-else' })).toBe(false);
    expect(deliver(win.parent, ORIGIN, { hello: 'no key, no id' })).toBe(false);
    expect(deliver(win.parent, ORIGIN, 'x'.repeat(MAX_MESSAGE_CHARS + 1))).toBe(false);
    expect(deliver(win.parent, ORIGIN, { ...ok, message: ['y'.repeat(MAX_MESSAGE_CHARS)] })).toBe(
      false,
    );
    let deep: unknown = 1;
    for (let i = 0; i < 40; i += 1) deep = [deep];
    expect(deliver(win.parent, ORIGIN, { ...ok, message: deep })).toBe(false);
    expect(adapter.stopped()).toBe(11);
    adapter.dispose();
    expect(deliver(win.parent, ORIGIN, ok)).toBe(false); // after dispose: nothing reaches the SDK
  });
});

describe('zendesk adapter: replies, actions, settings', () => {
  it('inserts a reply into the editor as escaped HTML, else appends it as text', async () => {
    const { adapter, events, sink, fake } = setup({ pollMs: 0 });
    await adapter.connect();
    adapter.start(sink);
    await settle();
    const text = 'Hi Dana & co, <b>not bold</b>\nThanks';
    await expect(adapter.insertReply!({ chatId: 'zendesk-35436', text })).resolves.toBe('inserted');
    expect(fake.invokes.at(-1)).toEqual([
      'ticket.editor.insert',
      'Hi Dana &amp; co, &lt;b&gt;not bold&lt;/b&gt;<br>Thanks',
    ]);
    fake.editorFails = true;
    await expect(adapter.insertReply!({ chatId: 'zendesk-35436', text })).resolves.toBe('inserted');
    expect(fake.invokes.at(-1)).toEqual(['comment.appendText', text]);
    await expect(adapter.insertReply!({ chatId: 'zendesk-1', text })).rejects.toThrow(
      /another ticket/,
    );
    // The agent's ticks come straight back as events (no server).
    const tick = {
      type: 'playbook.check',
      chatId: 'zendesk-35436',
      at: NOW,
      item: 'history',
      checked: true,
    };
    await adapter.send(tick as never);
    expect(events.at(-1)).toEqual(tick);
    adapter.dispose();
  });

  it('reads the manifest parameters, ignoring values that are not what they must be', () => {
    expect(
      settingsOf({
        settings: {
          libraryUrl: 'library.json',
          thresholds: '{"firstResponseS": 45}',
          tierField: ' organization.name ',
          serverUrl: 'https://playbook.acme.test',
          tokenUrl: 'https://acme.test/playbook-token',
        },
      }),
    ).toEqual({
      settings: {
        library: 'library.json',
        thresholds: '{"firstResponseS": 45}',
        tierField: 'organization.name',
        serverUrl: 'https://playbook.acme.test',
        tokenUrl: 'https://acme.test/playbook-token',
      },
      ignored: [],
    });
    expect(
      settingsOf({
        settings: {
          libraryUrl: 'javascript:alert(1)',
          thresholds: 42,
          tierField: '',
          serverUrl: 'http://playbook.acme.test',
          tokenUrl: 'https://user:pw@acme.test/t',
        },
      }),
    ).toEqual({ settings: {}, ignored: ['libraryUrl', 'thresholds', 'serverUrl', 'tokenUrl'] });
    expect(settingsOf({ settings: { libraryUrl: '//evil.example/x.json' } }).ignored).toEqual([
      'libraryUrl',
    ]);
    expect(settingsOf(null)).toEqual({ settings: {}, ignored: [] });
  });

  it('makes an admin a supervisor, and reads the tier from the organisation when told to', async () => {
    const { adapter, events, sink, fake } = setup({ pollMs: 0 });
    fake.user = { id: 1, name: 'Ada Admin', role: 'admin' };
    fake.settings = { tierField: 'organization.name' };
    const context = await adapter.connect();
    expect(context.agent).toEqual({ id: '1', name: 'Ada Admin', role: 'supervisor' });
    adapter.start(sink);
    await settle();
    expect(obj(events.find((e) => e.type === 'chat.started')).customer).toMatchObject({
      tier: 'acme gold',
    });
    adapter.dispose();
  });

  it('parses what Zendesk sends at the edges', () => {
    expect(zendeskTime('2025-01-08T10:12:07Z')).toBe('2025-01-08T10:12:07.000Z');
    expect(zendeskTime('Tue Nov 01 2016 00:43:37 GMT+0100 (CET)')).toBe('2016-10-31T23:43:37.000Z');
    expect(zendeskTime('yesterday')).toBeUndefined();
    expect(
      htmlText('<div class="zd-comment"><p>Hi&nbsp;there</p><p>A &amp; B &#x1F600;</p></div>'),
    ).toBe('Hi there\nA & B 😀');
    expect(textToHtml('<a href="x">\'</a>\n')).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&lt;/a&gt;<br>',
    );
    expect(
      launchParams({ search: '', hash: `#origin=${encodeURIComponent(ORIGIN)}&app_guid=g-1` }),
    ).toEqual({
      origin: ORIGIN,
      guid: 'g-1',
    });
    expect(launchParams({ search: '?origin=a&app_guid=<x>', hash: '' })).toBeNull();
  });
});
