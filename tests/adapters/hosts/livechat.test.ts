// The LiveChat details widget's adapter against a fake SDK widget, a fake window and a fake
// LiveChat (Agent Chat API get_chat, Accounts API accounts/me): mapping with the connector's
// own mapping, backfill with LiveChat's timestamps, following the agent's chat switches,
// polling without duplicates, settings from the widget URL, reply insertion, refusals.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  authorizeUrl,
  createLivechatAdapter,
  HANDSHAKE_TIMEOUT_MS,
  isLivechatOrigin,
  type LivechatDeps,
  type LivechatWidget,
  largerThan,
  POLL_MS,
  readTokenFragment,
  selectionOf,
  settingsFromUrl,
} from '../../../src/adapters/hosts/livechat.ts';
import { HostUnavailable } from '../../../src/adapters/hosts/types.ts';
import type { TransportSink, TransportStatus } from '../../../src/adapters/transport.ts';
import type { ChatEvent } from '../../../src/core/index.ts';
import { mapExport } from '../../../src/server/connectors/livechat-map.ts';

type Json = Record<string, unknown>;

/** The Get Chat response the connector's tests use (LiveChat's documented shape). */
const GET_CHAT = JSON.parse(
  readFileSync(
    new URL('../../server/connectors/fixtures/livechat/get_chat.json', import.meta.url),
    'utf8',
  ),
) as Json;
const CHAT_ID = 'livechat-PJ0MRSHTDG-K600PKZON8';
const LIVECHAT = 'https://my.livechatinc.com';
const FINGERPRINT = '@@livechat/postmessenger';

/** The chat open and still going: the fixture without its archiving system message. */
function activeChat(id = 'PJ0MRSHTDG', thread = 'K600PKZON8'): Json {
  const chat = structuredClone(GET_CHAT);
  chat.id = id;
  const t = chat.thread as Json;
  t.id = thread;
  t.active = true;
  t.events = (t.events as Json[]).filter((e) => e.type !== 'system_message');
  return chat;
}

function profile(chatId: string, threadId: string | undefined = undefined): Json {
  return {
    id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
    name: 'Dana Lee',
    email: 'dana.lee@example.com',
    geolocation: { country: 'Poland', country_code: 'PL', region: '', city: '', timezone: '' },
    chat: threadId ? { chat_id: chatId, id: threadId, groupID: '0' } : { id: chatId, groupID: '0' },
    source: 'chats',
  };
}

function fakeWidget(first: Json | null = null) {
  const handlers = new Map<string, Set<(data: unknown) => void>>();
  return {
    on: vi.fn((event: string, handler: (data: unknown) => void) => {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(handler);
    }),
    off: vi.fn((event: string, handler: (data: unknown) => void) => {
      handlers.get(event)?.delete(handler);
    }),
    putMessage: vi.fn(async (_text: string) => {}),
    watchMessages: vi.fn(async () => {}),
    getCustomerProfile: () => first,
    emit(event: string, data: unknown) {
      for (const handler of handlers.get(event) ?? []) handler(data);
    },
  };
}

function fakeWindow() {
  const parent = { name: 'agent app' };
  const listeners: Array<(event: MessageEvent) => void> = [];
  const win = {
    parent: parent as unknown,
    addEventListener: vi.fn((_t: 'message', fn: (event: MessageEvent) => void) => {
      listeners.push(fn);
    }),
    removeEventListener: vi.fn((_t: 'message', fn: (event: MessageEvent) => void) => {
      const i = listeners.indexOf(fn);
      if (i >= 0) listeners.splice(i, 1);
    }),
  };
  /** Dispatches a message as the browser would; true when it reached the SDK (after us). */
  function dispatch(data: unknown, options: { origin?: string; source?: unknown } = {}) {
    let stopped = false;
    const event = {
      data,
      origin: options.origin ?? LIVECHAT,
      source: 'source' in options ? options.source : parent,
      stopImmediatePropagation: () => {
        stopped = true;
      },
    } as unknown as MessageEvent;
    for (const fn of [...listeners]) {
      fn(event);
      if (stopped) return false;
    }
    return true;
  }
  return { win, parent, listeners, dispatch };
}

interface Api {
  chats: Map<string, Json>;
  calls: Array<{ url: string; body: Json | null; headers: Record<string, string> }>;
  status: Record<string, number>;
  delay: Map<string, Promise<void>>;
}

function fakeLivechat(): { api: Api; fetch: typeof fetch } {
  const api: Api = { chats: new Map(), calls: [], status: {}, delay: new Map() };
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = init?.body ? (JSON.parse(String(init.body)) as Json) : null;
    api.calls.push({ url, body, headers: { ...(init?.headers as Record<string, string>) } });
    const path = new URL(url).pathname;
    if (api.status[path]) {
      return new Response(JSON.stringify({ error: { type: 'x', message: 'refused' } }), {
        status: api.status[path],
      });
    }
    if (url === 'https://accounts.livechat.com/v2/accounts/me') {
      return Response.json({
        account_id: 'bbe8b147-d60e-46ac-a1e5-1e94b11ea6e1',
        email: 'smith@example.com',
        name: 'Agent Smith',
        organization_id: '390e44e6-f1e6-0368c',
      });
    }
    if (url === 'https://api.livechatinc.com/v3.5/agent/action/get_chat') {
      const wait = api.delay.get(String(body?.chat_id));
      if (wait) await wait;
      const chat = api.chats.get(String(body?.chat_id));
      if (!chat) return Response.json({ error: { message: 'Chat not found' } }, { status: 404 });
      return Response.json(structuredClone(chat));
    }
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { api, fetch: fetchImpl };
}

function recorder() {
  const events: ChatEvent[] = [];
  const statuses: TransportStatus[] = [];
  const sink: TransportSink = {
    events: (batch) => events.push(...batch),
    status: (s) => statuses.push(s),
    config: () => {},
  };
  return { events, statuses, sink };
}

function setup(
  options: {
    first?: Json | null;
    deps?: Partial<LivechatDeps>;
    handshake?: () => Promise<LivechatWidget>;
  } = {},
) {
  const widget = fakeWidget(options.first === undefined ? profile('PJ0MRSHTDG') : options.first);
  const w = fakeWindow();
  const { api, fetch } = fakeLivechat();
  api.chats.set('PJ0MRSHTDG', activeChat());
  const reports: Array<[string, string]> = [];
  const forgetToken = vi.fn();
  const createDetailsWidget = vi.fn(
    options.handshake ?? (async () => widget as unknown as LivechatWidget),
  );
  const adapter = createLivechatAdapter({
    createDetailsWidget,
    win: w.win,
    getAccessToken: async () => 'dal:test_token',
    forgetToken,
    fetch,
    settings: { library: 'https://sops.example.com/index.json', tierField: 'tag:tier-' },
    report: (kind, message) => reports.push([kind, message]),
    ...options.deps,
  });
  return { adapter, widget, w, api, reports, forgetToken, createDetailsWidget };
}

const getChats = (api: Api) => api.calls.filter((c) => c.url.endsWith('/get_chat'));

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveChat adapter: connect and backfill', () => {
  it('reads the agent, the open chat and its history with LiveChat’s own timestamps', async () => {
    const s = setup();
    const context = await s.adapter.connect();
    expect(context).toEqual({
      agent: { id: 'smith@example.com', name: 'Agent Smith' },
      settings: { library: 'https://sops.example.com/index.json', tierField: 'tag:tier-' },
      chatId: CHAT_ID,
    });
    expect(s.adapter.scope).toBe('livechat:390e44e6-f1e6-0368c');
    // The profile gave no thread: get_chat answers with the latest one.
    expect(getChats(s.api)[0]!.body).toEqual({ chat_id: 'PJ0MRSHTDG' });
    expect(getChats(s.api)[0]!.headers.Authorization).toBe('Bearer dal:test_token');
    expect(getChats(s.api)[0]!.headers['X-Region']).toBeUndefined();
    const r = recorder();
    s.adapter.start(r.sink);
    expect(r.statuses).toEqual(['online']);
    // The same events as the connector's export mapping (same chat and message ids).
    const mapped = mapExport(activeChat(), { tierField: 'tag:tier-' });
    if (mapped.kind !== 'events') throw new Error(mapped.error);
    expect(r.events.map((e) => [e.type, (e as { id?: string }).id])).toEqual(
      mapped.events.map((e) => [e.type, e.id]),
    );
    const started = r.events[0] as ChatEvent & Json;
    expect(started).toMatchObject({
      type: 'chat.started',
      chatId: CHAT_ID,
      at: Date.parse('2026-11-23T10:00:00.000Z'),
      customer: { name: 'Dana Lee', tier: 'vip' },
      channel: 'c6e4f62e2a2dab12531235b12c5a2a6b',
    });
    const byId = new Map(r.events.map((e) => [(e as { id?: string }).id, e as unknown as Json]));
    expect(byId.get('K600PKZON8_3')).toMatchObject({
      author: 'customer',
      at: Date.parse('2026-11-23T10:00:04.250Z'),
    });
    expect(byId.get('K600PKZON8_4')).toMatchObject({
      author: 'agent',
      agentId: 'smith@example.com',
    });
    expect(byId.get('K600PKZON8_5')).toMatchObject({ author: 'agent', internal: true });
    expect(byId.get('K600PKZON8_6')).toMatchObject({ author: 'bot' });
    expect(byId.get('K600PKZON8_2')).toMatchObject({ author: 'bot' }); // the welcome message
    expect(r.events.some((e) => e.type === 'chat.closed')).toBe(false);
    s.adapter.dispose();
  });

  it('asks for the thread the Agent App names, and maps a closed thread to chat.closed', async () => {
    const s = setup({ first: profile('PJ0MRSHTDG', 'K600PKZON8') });
    s.api.chats.set('PJ0MRSHTDG', structuredClone(GET_CHAT));
    const context = await s.adapter.connect();
    expect(context.chatId).toBe(CHAT_ID);
    expect(getChats(s.api)[0]!.body).toEqual({ chat_id: 'PJ0MRSHTDG', thread_id: 'K600PKZON8' });
    const r = recorder();
    s.adapter.start(r.sink);
    expect(r.events.at(-1)).toEqual({
      type: 'chat.closed',
      chatId: CHAT_ID,
      at: Date.parse('2026-11-23T10:03:00.250Z'),
    });
    s.adapter.dispose();
  });

  it('docks with no chat when none is open, then follows the first one', async () => {
    const s = setup({ first: null });
    const context = await s.adapter.connect();
    expect(context.chatId).toBeNull();
    expect(getChats(s.api)).toHaveLength(0);
    const focused: string[] = [];
    s.adapter.onFocus((id) => focused.push(id));
    const r = recorder();
    s.adapter.start(r.sink);
    s.widget.emit('customer_profile', profile('PJ0MRSHTDG'));
    await vi.waitFor(() => expect(focused).toEqual([CHAT_ID]));
    expect(r.events[0]).toMatchObject({ type: 'chat.started', chatId: CHAT_ID });
    s.adapter.dispose();
  });

  it('sends the European data center’s X-Region header for a fra: token', async () => {
    const s = setup({ deps: { getAccessToken: async () => 'fra:test_token' } });
    await s.adapter.connect();
    expect(s.api.calls.every((c) => c.headers['X-Region'] === 'fra')).toBe(true);
    s.adapter.dispose();
  });
});

describe('LiveChat adapter: staying current', () => {
  it('polls the open chat every 5 s and never sends an event twice', async () => {
    vi.useFakeTimers();
    const s = setup();
    await s.adapter.connect();
    const r = recorder();
    s.adapter.start(r.sink);
    const before = r.events.length;
    const reads = getChats(s.api).length;
    await vi.advanceTimersByTimeAsync(POLL_MS - 10);
    expect(getChats(s.api)).toHaveLength(reads); // not before 5 s
    await vi.advanceTimersByTimeAsync(20);
    expect(getChats(s.api)).toHaveLength(reads + 1);
    expect(r.events).toHaveLength(before); // nothing new, nothing again
    // A new customer message in LiveChat.
    const chat = s.api.chats.get('PJ0MRSHTDG')!;
    (chat.thread as { events: Json[] }).events.push({
      id: 'K600PKZON8_9',
      created_at: '2026-11-23T10:04:00.000000Z',
      visibility: 'all',
      type: 'message',
      text: 'Can I send it back instead?',
      author_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
    });
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(r.events.slice(before)).toEqual([
      {
        type: 'message',
        chatId: CHAT_ID,
        id: 'K600PKZON8_9',
        at: Date.parse('2026-11-23T10:04:00Z'),
        author: 'customer',
        text: 'Can I send it back instead?',
        internal: false,
        hold: false,
      },
    ]);
    // Closed in LiveChat: chat.closed once, however often it is read again.
    (chat.thread as Json).active = false;
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    const closed = r.events.filter((e) => e.type === 'chat.closed');
    expect(closed).toEqual([
      { type: 'chat.closed', chatId: CHAT_ID, at: Date.parse('2026-11-23T10:04:00Z') },
    ]);
    expect(r.events).toHaveLength(before + 2);
    s.adapter.dispose();
  });

  // Transfer Chat moves the chat to other agents or groups
  // (https://platform.text.com/docs/messaging/agent-chat-api/v3.5#transfer-chat): Get Chat then
  // lists the new agent among the chat's `users` instead of the old one, or no agent at all.
  it('hands the chat over when a read shows another agent, at the moment it is seen', async () => {
    vi.useFakeTimers();
    let clock = Date.parse('2026-11-23T10:03:00Z');
    const s = setup({ deps: { now: () => clock } });
    await s.adapter.connect();
    const r = recorder();
    s.adapter.start(r.sink);
    expect(r.events.find((e) => e.type === 'chat.started')).toMatchObject({
      assignee: 'smith@example.com',
    });
    const chat = s.api.chats.get('PJ0MRSHTDG')!;
    const users = chat.users as Json[];
    const jones = { id: 'jones@example.com', name: 'Agent Jones', type: 'agent', present: true };
    chat.users = users.map((user) => (user.id === 'smith@example.com' ? jones : user));
    await vi.advanceTimersByTimeAsync(POLL_MS);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    clock += 60_000;
    // To a group: waiting in the queue, no agent in the chat.
    chat.users = users.filter((user) => user.id !== 'smith@example.com');
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(r.events.filter((e) => e.type === 'chat.assigned')).toEqual([
      {
        type: 'chat.assigned',
        chatId: CHAT_ID,
        at: Date.parse('2026-11-23T10:03:00Z'),
        agentId: 'jones@example.com',
      },
      {
        type: 'chat.assigned',
        chatId: CHAT_ID,
        at: Date.parse('2026-11-23T10:04:00Z'),
        agentId: null,
      },
    ]);
    s.adapter.dispose();
  });

  it('reads the chat at once on the SDK’s message event', async () => {
    vi.useFakeTimers();
    const s = setup();
    await s.adapter.connect();
    s.adapter.start(recorder().sink);
    const reads = getChats(s.api).length;
    s.widget.emit('message', {
      chat: 'PJ0MRSHTDG',
      message: 'hello',
      message_id: 'x',
      message_source: 'customer',
    });
    await vi.advanceTimersByTimeAsync(250);
    expect(getChats(s.api)).toHaveLength(reads + 1);
    // A message of another chat, or of a wrong shape, is no cue.
    s.widget.emit('message', { chat: 'OTHERCHAT1', message: 'x' });
    s.widget.emit('message', 'not an object');
    await vi.advanceTimersByTimeAsync(250);
    expect(getChats(s.api)).toHaveLength(reads + 1);
    expect(s.reports.map(([k]) => k)).toEqual(['message']);
    s.adapter.dispose();
  });

  it('follows the agent to another chat: backfill, then focus', async () => {
    const s = setup();
    s.api.chats.set('Q2OTHERCHAT', activeChat('Q2OTHERCHAT', 'T1THREAD'));
    await s.adapter.connect();
    const focused: string[] = [];
    s.adapter.onFocus((id) => focused.push(id));
    const r = recorder();
    s.adapter.start(r.sink);
    s.widget.emit('customer_profile', profile('Q2OTHERCHAT', 'T1THREAD'));
    await vi.waitFor(() => expect(focused).toEqual(['livechat-Q2OTHERCHAT-T1THREAD']));
    expect(r.events.filter((e) => e.chatId === 'livechat-Q2OTHERCHAT-T1THREAD')[0]).toMatchObject({
      type: 'chat.started',
    });
    // The same chat again is no switch (a read only); back to the first one is.
    s.widget.emit('customer_profile', profile('Q2OTHERCHAT', 'T1THREAD'));
    s.widget.emit('customer_profile', profile('PJ0MRSHTDG'));
    await vi.waitFor(() => expect(focused).toEqual(['livechat-Q2OTHERCHAT-T1THREAD', CHAT_ID]));
    // Nothing of the first chat was sent twice.
    const ids = r.events.filter((e) => e.chatId === CHAT_ID).map((e) => JSON.stringify(e));
    expect(new Set(ids).size).toBe(ids.length);
    s.adapter.dispose();
  });

  it('a slow answer for a chat the agent already left does not take the focus', async () => {
    const s = setup();
    s.api.chats.set('SLOWCHAT', activeChat('SLOWCHAT', 'T1'));
    s.api.chats.set('FASTCHAT', activeChat('FASTCHAT', 'T2'));
    let release = () => {};
    s.api.delay.set(
      'SLOWCHAT',
      new Promise<void>((done) => {
        release = done;
      }),
    );
    await s.adapter.connect();
    const focused: string[] = [];
    s.adapter.onFocus((id) => focused.push(id));
    s.adapter.start(recorder().sink);
    s.widget.emit('customer_profile', profile('SLOWCHAT', 'T1'));
    s.widget.emit('customer_profile', profile('FASTCHAT', 'T2'));
    release();
    await vi.waitFor(() => expect(focused).toEqual(['livechat-FASTCHAT-T2']));
    await new Promise((done) => setTimeout(done, 20));
    expect(focused).toEqual(['livechat-FASTCHAT-T2']);
    s.adapter.dispose();
  });

  it('stops reading, once, when LiveChat refuses the token', async () => {
    vi.useFakeTimers();
    const s = setup();
    await s.adapter.connect();
    const r = recorder();
    s.adapter.start(r.sink);
    s.api.status['/v3.5/agent/action/get_chat'] = 401;
    await vi.advanceTimersByTimeAsync(POLL_MS * 4);
    expect(getChats(s.api)).toHaveLength(2); // the backfill, and the one refused
    expect(r.statuses).toEqual(['online', 'error']);
    expect(s.forgetToken).toHaveBeenCalledTimes(1);
    expect(s.reports.map(([k]) => k)).toEqual(['token']);
    s.adapter.dispose();
  });

  it('keeps polling through a network error, saying so once', async () => {
    vi.useFakeTimers();
    const s = setup();
    await s.adapter.connect();
    const r = recorder();
    s.adapter.start(r.sink);
    s.api.status['/v3.5/agent/action/get_chat'] = 503;
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    delete s.api.status['/v3.5/agent/action/get_chat'];
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(r.statuses).toEqual(['online', 'error', 'online']);
    expect(s.reports.map(([k]) => k)).toEqual(['api']);
    s.adapter.dispose();
  });
});

describe('LiveChat adapter: replies and actions', () => {
  it('puts a reply into the message box of the open chat only', async () => {
    const s = setup();
    await s.adapter.connect();
    await expect(s.adapter.insertReply!({ chatId: CHAT_ID, text: 'Hi Dana!' })).resolves.toBe(
      'inserted',
    );
    expect(s.widget.putMessage).toHaveBeenCalledWith('Hi Dana!');
    await expect(
      s.adapter.insertReply!({ chatId: 'livechat-X-Y', text: 'elsewhere' }),
    ).rejects.toThrow(/no longer the one open/);
    expect(s.widget.putMessage).toHaveBeenCalledTimes(1);
    s.adapter.dispose();
  });

  it('loops the agent’s ticks and notes back as events', async () => {
    const s = setup();
    await s.adapter.connect();
    const r = recorder();
    s.adapter.start(r.sink);
    const tick = { type: 'playbook.check', chatId: CHAT_ID, at: Date.now(), item: 'history' };
    await s.adapter.send(tick as never);
    expect(r.events.at(-1)).toBe(tick);
    s.adapter.dispose();
  });
});

describe('LiveChat adapter: refusals', () => {
  it('opened outside LiveChat (no parent): outside, at once, without the SDK', async () => {
    const s = setup();
    s.w.win.parent = s.w.win;
    const error = await s.adapter.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostUnavailable);
    expect((error as HostUnavailable).reason).toBe('outside');
    expect(s.createDetailsWidget).not.toHaveBeenCalled();
  });

  it('no handshake: timeout after 5 s, once, with no retry', async () => {
    vi.useFakeTimers();
    const s = setup({ handshake: () => new Promise<LivechatWidget>(() => {}) });
    const first = s.adapter.connect();
    const second = s.adapter.connect();
    expect(second).toBe(first);
    const caught = first.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(HANDSHAKE_TIMEOUT_MS);
    const error = (await caught) as HostUnavailable;
    expect(error.reason).toBe('timeout');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.createDetailsWidget).toHaveBeenCalledTimes(1);
    expect(s.api.calls).toHaveLength(0);
  });

  it('the SDK’s own handshake timeout is a timeout too', async () => {
    const s = setup({
      handshake: () => Promise.reject(Object.assign(new Error('Timeout.'), { code: 'TIMEOUT' })),
    });
    await expect(s.adapter.connect()).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('no access token, or a refused one: permission', async () => {
    const a = setup({
      deps: { getAccessToken: () => Promise.reject(new Error('no clientId')) },
    });
    await expect(a.adapter.connect()).rejects.toMatchObject({
      reason: 'permission',
      message: expect.stringContaining('no clientId'),
    });
    const b = setup();
    b.api.status['/v2/accounts/me'] = 401;
    await expect(b.adapter.connect()).rejects.toMatchObject({ reason: 'permission' });
    expect(b.forgetToken).toHaveBeenCalledTimes(1);
    const c = setup();
    c.api.status['/v3.5/agent/action/get_chat'] = 403;
    await expect(c.adapter.connect()).rejects.toMatchObject({
      reason: 'permission',
      message: expect.stringContaining('chats--all:ro'),
    });
  });

  it('drops SDK messages from another origin or window, too large or of a wrong shape', async () => {
    const s = setup();
    await s.adapter.connect();
    // Installed first, in the capture phase, so it runs before the SDK's listener.
    expect(s.w.win.addEventListener).toHaveBeenCalledWith('message', expect.any(Function), true);
    const call = (eventData: unknown) => ({
      [FINGERPRINT]: true,
      owner: 'abc123',
      instance: 0,
      type: 'call',
      request: 4,
      data: {
        method: 'handle',
        args: [{ event_name: 'livechat:customer_profile', event_data: eventData }],
      },
    });
    const good = call(profile('Q2OTHERCHAT'));
    expect(s.w.dispatch(good)).toBe(true);
    expect(s.w.dispatch(good, { origin: 'https://evil.example' })).toBe(false);
    expect(s.w.dispatch(good, { origin: 'https://my.livechatinc.com.evil.example' })).toBe(false);
    expect(s.w.dispatch(good, { origin: 'http://my.livechatinc.com' })).toBe(false);
    expect(s.w.dispatch(good, { source: { other: 'frame' } })).toBe(false);
    expect(s.w.dispatch(call({ ...profile('Q2OTHERCHAT'), name: 'x'.repeat(300_000) }))).toBe(
      false,
    );
    expect(s.w.dispatch({ ...good, type: 'call', data: { method: 'eval', args: [] } })).toBe(false);
    expect(s.w.dispatch({ ...good, owner: 7 })).toBe(false);
    expect(s.w.dispatch({ event_name: 'livechat:customer_profile', event_data: {} })).toBe(true);
    expect(s.w.dispatch({ event_name: 'livechat:x' }, { origin: 'https://evil.example' })).toBe(
      false,
    );
    // Messages that are not the SDK's pass untouched (the SDK ignores them anyway).
    expect(s.w.dispatch({ hello: 1 }, { origin: 'https://evil.example' })).toBe(true);
    expect(s.reports.map(([k]) => k).sort()).toEqual(['origin', 'shape', 'size', 'source']);
    s.adapter.dispose();
    expect(s.w.listeners).toHaveLength(0);
  });

  it('ignores a customer profile of a wrong shape, reporting it once', async () => {
    const s = setup();
    await s.adapter.connect();
    const focused: string[] = [];
    s.adapter.onFocus((id) => focused.push(id));
    const reads = s.api.calls.length;
    for (const bad of [
      'profile',
      { chat: 'PJ0MRSHTDG' },
      { chat: { chat_id: 7 } },
      { chat: { chat_id: '../../evil', id: 'T' } },
      { chat: { chat_id: 'OK', id: { $gt: '' } } },
    ]) {
      s.widget.emit('customer_profile', bad);
    }
    await new Promise((done) => setTimeout(done, 20));
    expect(s.api.calls).toHaveLength(reads);
    expect(focused).toEqual([]);
    expect(s.reports).toEqual([['profile', 'a customer profile of an unknown shape was ignored']]);
    s.adapter.dispose();
  });
});

describe('LiveChat adapter: settings, origins, sign-in', () => {
  it('reads the team lead’s settings from the widget URL', () => {
    const thresholds = JSON.stringify({ firstResponseS: 45, firstResponseWarnS: 30 });
    const search = `?plugin_id=abc&library=${encodeURIComponent('https://sops.acme.com/index.json')}&thresholds=${encodeURIComponent(thresholds)}&tierField=${encodeURIComponent('tag:tier-')}&channelField=thread.properties.routing.start_url&serverUrl=${encodeURIComponent('https://playbook.acme.com')}&tokenUrl=${encodeURIComponent('https://playbook.acme.com/token')}&clientId=9cbf3a968289727cb3cdfe83ab1d9836`;
    expect(settingsFromUrl(search)).toEqual({
      settings: {
        library: 'https://sops.acme.com/index.json',
        thresholds,
        tierField: 'tag:tier-',
        channelField: 'thread.properties.routing.start_url',
        serverUrl: 'https://playbook.acme.com/',
        tokenUrl: 'https://playbook.acme.com/token',
        clientId: '9cbf3a968289727cb3cdfe83ab1d9836',
      },
      problems: [],
    });
    const bad = settingsFromUrl(
      '?library=javascript:alert(1)&serverUrl=ftp://x&tokenUrl=http://acme.com/t&clientId=a%20b',
    );
    expect(bad.settings).toEqual({});
    expect(bad.problems).toHaveLength(4);
    // The agent's LiveChat token goes to tokenUrl: only on serverUrl's or the app's origin.
    const elsewhere = `?serverUrl=${encodeURIComponent('wss://playbook.acme.com')}&tokenUrl=${encodeURIComponent('https://evil.example/t')}`;
    expect(settingsFromUrl(elsewhere, 'https://apps.acme.com')).toEqual({
      settings: {},
      problems: ['tokenUrl: must be on serverUrl’s origin or the app’s own origin'],
    });
    const own = `?serverUrl=${encodeURIComponent('wss://playbook.acme.com')}&tokenUrl=${encodeURIComponent('https://apps.acme.com/t')}`;
    expect(settingsFromUrl(own, 'https://apps.acme.com').settings).toEqual({
      serverUrl: 'wss://playbook.acme.com/',
      tokenUrl: 'https://apps.acme.com/t',
    });
    expect(settingsFromUrl('?library=http://127.0.0.1:8080/lib.json').settings.library).toBe(
      'http://127.0.0.1:8080/lib.json',
    );
  });

  it('accepts the Agent App’s https origins on LiveChat’s domains only', () => {
    for (const origin of [
      'https://my.livechatinc.com',
      'https://my.livechat.com',
      'https://app.text.com',
      'https://livechat.com',
    ]) {
      expect(isLivechatOrigin(origin), origin).toBe(true);
    }
    for (const origin of [
      'http://my.livechatinc.com',
      'https://my.livechatinc.com:8443',
      'https://livechatinc.com.evil.example',
      'https://evillivechat.com',
      'https://my.livechatinc.com/',
      'null',
      '*',
      42,
    ]) {
      expect(isLivechatOrigin(origin), String(origin)).toBe(false);
    }
  });

  it('builds the implicit-grant URL and reads only its own answer', () => {
    const url = new URL(
      authorizeUrl({
        clientId: 'cid',
        redirectUri: 'https://apps.acme.com/hosts/livechat/index.html',
        state: 's1',
      }),
    );
    expect(url.origin).toBe('https://accounts.livechat.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'token',
      client_id: 'cid',
      redirect_uri: 'https://apps.acme.com/hosts/livechat/index.html',
      state: 's1',
    });
    const now = 1_000_000;
    expect(
      readTokenFragment(
        '#access_token=dal%3Aabc&token_type=Bearer&expires_in=28800&state=s1',
        's1',
        now,
      ),
    ).toEqual({ kind: 'token', token: 'dal:abc', expiresAt: now + 28_800_000 });
    expect(readTokenFragment('#access_token=dal%3Aabc&state=other', 's1', now)).toMatchObject({
      kind: 'error',
    });
    expect(readTokenFragment('#access_token=dal%3Aabc&state=s1', null, now).kind).toBe('error');
    expect(readTokenFragment('#error=access_denied&state=s1', 's1', now)).toEqual({
      kind: 'error',
      error: 'access_denied',
    });
    expect(readTokenFragment('', 's1', now).kind).toBe('none');
    expect(readTokenFragment('#section-2', 's1', now).kind).toBe('none');
  });

  it('reads the open chat of a profile, old and new Agent Apps alike', () => {
    expect(selectionOf(profile('PJ0MRSHTDG', 'K600PKZON8'))).toEqual({
      chat: 'PJ0MRSHTDG',
      thread: 'K600PKZON8',
    });
    expect(selectionOf(profile('PJ0MRSHTDG'))).toEqual({ chat: 'PJ0MRSHTDG', thread: null });
    expect(selectionOf({ id: 'c', chat: {} })).toBeNull();
    expect(selectionOf({ id: 'c' })).toBeNull();
    expect(selectionOf(null)).toBe('invalid');
  });

  it('measures a message without walking all of a huge one', () => {
    expect(largerThan({ a: 'x'.repeat(100) }, 1000)).toBe(false);
    expect(largerThan({ a: 'x'.repeat(2000) }, 1000)).toBe(true);
    expect(
      largerThan(
        Array.from({ length: 10_000 }, () => 1),
        1000,
      ),
    ).toBe(true);
  });
});
