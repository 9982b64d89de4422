// The Chatwoot dashboard app's adapter against a fake Chatwoot: a parent window that answers
// `chatwoot-dashboard-app:fetch-info` with the appContext string Frame.vue posts
// (chatwoot/chatwoot app/javascript/dashboard/components/widgets/DashboardApp/Frame.vue,
// `sendContext`: JSON.stringify({ event: 'appContext', data: { conversation, contact,
// currentAgent, customAttributes, theme } }), target origin '*').
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CHATWOOT_FETCH_INFO,
  CHATWOOT_MAX_MESSAGE_CHARS,
  createChatwootAdapter,
  parseAppContext,
  readParams,
} from '../../../src/adapters/hosts/chatwoot.ts';
import { HostUnavailable } from '../../../src/adapters/hosts/types.ts';
import type { ChatEvent } from '../../../src/core/index.ts';
import { chatwootConnector } from '../../../src/server/connectors/chatwoot.ts';

const CHATWOOT = 'https://chat.acme.test';
const APP = 'https://apps.acme.test/playbook/index.html';
const T0 = 1_795_428_000; // Unix seconds, as Chatwoot's store holds them

type Json = Record<string, unknown>;

const contactSender = {
  additional_attributes: {},
  custom_attributes: { tier: 'gold' },
  email: 'dana@example.com',
  id: 77,
  identifier: null,
  name: 'Dana Lee',
  phone_number: null,
  thumbnail: '',
  type: 'contact',
};
const agentSender = {
  id: 3,
  name: 'Sam Agent',
  available_name: 'Sam',
  avatar_url: '',
  type: 'user',
  availability_status: 'online',
  thumbnail: '',
};

function message(id: number | string, offsetS: number, type: number, extra: Json = {}): Json {
  return {
    id,
    content: `message ${id}`,
    inbox_id: 5,
    conversation_id: 42,
    message_type: type,
    content_type: 'text',
    status: 'sent',
    content_attributes: {},
    created_at: T0 + offsetS,
    private: false,
    source_id: null,
    sender: type === 0 ? contactSender : agentSender,
    ...extra,
  };
}

/** A conversation as Chatwoot's store holds it (getSelectedChat): the API shape. */
function conversation(id = 42, messages: unknown[] = history(), extra: Json = {}): Json {
  return {
    meta: {
      sender: contactSender,
      channel: 'Channel::WebWidget',
      assignee: { id: 3, name: 'Sam Agent', type: 'user' },
      hmac_verified: false,
    },
    id,
    messages,
    account_id: 1,
    uuid: 'b4d3c1a0-0000-4000-8000-000000000042',
    additional_attributes: { browser: { browser_name: 'Chrome' } },
    can_reply: true,
    custom_attributes: {},
    inbox_id: 5,
    labels: ['tier-vip', 'returns'],
    muted: false,
    snoozed_until: null,
    status: 'open',
    created_at: T0,
    updated_at: T0 + 60.5,
    timestamp: T0 + 60,
    last_activity_at: T0 + 60,
    unread_count: 0,
    priority: null,
    waiting_since: 0,
    ...extra,
  };
}

function history(): Json[] {
  return [
    message(501, 4, 0, { content: 'Hi, I want to return my boots' }),
    message(502, 19, 1, { content: 'Hi Dana! Happy to help.' }),
    message(503, 25, 1, { content: 'customer is VIP', private: true }),
    message(504, 26, 1, { content: 'Rate us', sender: undefined, content_type: 'input_csat' }),
    message(505, 27, 3, { content: 'Give us your email', sender: undefined }),
    message(506, 28, 2, { content: 'Conversation was assigned to Sam', sender: undefined }),
    message(507, 30, 1, {
      content: 'I am the bot',
      sender: { id: 9, name: 'Bot', type: 'agent_bot' },
    }),
  ];
}

const currentAgent = { id: 3, name: 'Sam Agent', email: 'sam@acme.test' };

function appContext(conv: Json | null = conversation(), extra: Json = {}): string {
  return JSON.stringify({
    event: 'appContext',
    data: {
      conversation: conv,
      contact: conv ? { ...contactSender, custom_attributes: { tier: 'gold', plan: 'pro' } } : {},
      currentAgent,
      customAttributes: [],
      theme: 'light',
      ...extra,
    },
  });
}

/** A fake app window and Chatwoot parent. */
function fakeHost() {
  const listeners = new Set<(event: MessageEvent) => void>();
  const posted: Array<[string, string]> = [];
  const parent = {
    postMessage(data: string, targetOrigin: string) {
      posted.push([data, targetOrigin]);
    },
  };
  const win = {
    addEventListener: (_type: 'message', listener: (event: MessageEvent) => void) =>
      listeners.add(listener),
    removeEventListener: (_type: 'message', listener: (event: MessageEvent) => void) =>
      listeners.delete(listener),
  };
  const dispatch = (data: unknown, source: unknown = parent, origin = CHATWOOT) => {
    for (const listener of [...listeners]) {
      listener({ data, source, origin } as unknown as MessageEvent);
    }
  };
  return { win, parent, posted, dispatch, listeners };
}

function setup(query = '', extra: Partial<Parameters<typeof createChatwootAdapter>[0]> = {}) {
  const host = fakeHost();
  const adapter = createChatwootAdapter({
    win: host.win,
    parent: host.parent,
    href: `${APP}${query}`,
    now: () => 1234,
    ...extra,
  });
  const received: ChatEvent[] = [];
  const statuses: string[] = [];
  const focused: string[] = [];
  adapter.onFocus((chatId) => focused.push(chatId));
  const start = () =>
    adapter.start({
      events: (events) => received.push(...events),
      status: (status) => statuses.push(status),
      config: () => {},
    });
  return { host, adapter, received, statuses, focused, start };
}

/** Connects with a first appContext; returns the context. */
async function connected(query = '', first = appContext()) {
  const s = setup(query);
  const context = s.adapter.connect();
  s.host.dispatch(first);
  const ctx = await context;
  s.start();
  return { ...s, ctx };
}

const ids = (events: ChatEvent[]) =>
  events.map((e) => (e.type === 'message' ? `${e.chatId}/${e.id}` : `${e.chatId}/${e.type}`));

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('chatwoot app: settings from the app URL', () => {
  it('reads library, thresholds, tierField, channelField, serverUrl, tokenUrl and origin', () => {
    const q = new URLSearchParams({
      origin: CHATWOOT,
      library: 'https://sops.acme.test/index.json',
      thresholds: '{"firstResponseS":45}',
      tierField: 'contact.custom_attributes.tier',
      channelField: 'inbox_id',
      serverUrl: 'https://playbook.acme.test',
      tokenUrl: 'https://apps.acme.test/playbook-token',
    });
    const params = readParams(`${APP}?${q}`);
    expect(params).toEqual({
      origin: CHATWOOT,
      problem: null,
      settings: {
        library: 'https://sops.acme.test/index.json',
        thresholds: '{"firstResponseS":45}',
        tierField: 'contact.custom_attributes.tier',
        serverUrl: 'https://playbook.acme.test',
        tokenUrl: 'https://apps.acme.test/playbook-token',
      },
      mapping: { tierField: 'contact.custom_attributes.tier', channelField: 'inbox_id' },
    });
  });

  it('leaves out blank and oversized values; names an origin that is not one', () => {
    const long = 'x'.repeat(9_000);
    const params = readParams(`${APP}?library=&tierField=%20&thresholds=${long}`);
    expect(params.settings).toEqual({});
    expect(params.origin).toBeNull();
    for (const bad of ['chat.acme.test', 'https://chat.acme.test/app', 'javascript:alert(1)']) {
      const p = readParams(`${APP}?origin=${encodeURIComponent(bad)}`);
      expect(p.origin).toBeNull();
      expect(p.problem).toMatch(/origin parameter/);
    }
  });
});

describe('chatwoot app: connecting', () => {
  it('asks the parent with fetch-info and resolves with the agent, settings and chat', async () => {
    const s = setup('?library=%2Flib.json&tierField=label%3Atier-');
    const context = s.adapter.connect();
    expect(s.host.posted).toEqual([[CHATWOOT_FETCH_INFO, '*']]);
    s.host.dispatch(appContext());
    await expect(context).resolves.toEqual({
      agent: { id: '3', name: 'Sam Agent' },
      settings: { library: '/lib.json', tierField: 'label:tier-' },
      chatId: 'chatwoot-42',
    });
    expect(s.adapter.scope).toBe('chatwoot:chat.acme.test/1');
    expect(s.adapter.label).toBe('Chatwoot');
    expect(s.adapter.insertReply).toBeUndefined();
  });

  it('posts fetch-info to the named origin only, and takes messages from it only', async () => {
    const s = setup(`?origin=${encodeURIComponent(CHATWOOT)}`);
    const context = s.adapter.connect();
    expect(s.host.posted).toEqual([[CHATWOOT_FETCH_INFO, CHATWOOT]]);
    s.host.dispatch(appContext(conversation(666)), s.host.parent, 'https://evil.test');
    s.host.dispatch(appContext(conversation(667)), {}, CHATWOOT); // not the parent
    s.host.dispatch(appContext());
    expect((await context).chatId).toBe('chatwoot-42');
  });

  it('accepts a context without an open conversation', async () => {
    const s = setup();
    const context = s.adapter.connect();
    s.host.dispatch(appContext(null));
    expect((await context).chatId).toBeNull();
  });

  it('opened directly (no parent): rejects at once, posts and listens to nothing', async () => {
    const host = fakeHost();
    const adapter = createChatwootAdapter({ win: host.win, parent: null, href: APP });
    const err = await adapter.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostUnavailable);
    expect((err as HostUnavailable).reason).toBe('outside');
    expect(host.posted).toEqual([]);
    expect(host.listeners.size).toBe(0);
  });

  it('a bad origin parameter: rejects at once as a permission problem', async () => {
    const s = setup('?origin=chat.acme.test');
    const err = await s.adapter.connect().catch((e: unknown) => e);
    expect((err as HostUnavailable).reason).toBe('permission');
    expect((err as Error).message).toMatch(/origin parameter/);
    expect(s.host.posted).toEqual([]);
  });

  it('no answer: rejects once after 5 s, asks once, never retries', async () => {
    const s = setup();
    const results: unknown[] = [];
    s.adapter.connect().then(
      (v) => results.push(v),
      (e: unknown) => results.push(e),
    );
    await vi.advanceTimersByTimeAsync(4_900);
    expect(results).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(results).toHaveLength(1);
    expect((results[0] as HostUnavailable).reason).toBe('timeout');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.host.posted).toHaveLength(1);
    expect(s.host.listeners.size).toBe(0);
    // connect() again gives the same settled answer, not a new handshake.
    await expect(s.adapter.connect()).rejects.toBe(results[0]);
    expect(s.host.posted).toHaveLength(1);
  });

  it('only unreadable contexts: the rejection names what could not be read', async () => {
    const s = setup();
    const context = s.adapter.connect().catch((e: unknown) => e);
    s.host.dispatch(appContext(conversation(42, history(), { created_at: 'yesterday' })));
    await vi.advanceTimersByTimeAsync(5_000);
    const err = (await context) as HostUnavailable;
    expect(err.reason).toBe('timeout');
    expect(err.message).toMatch(/created_at/);
  });
});

describe('chatwoot app: the conversation as protocol events', () => {
  it('backfills the history with Chatwoot timestamps, authors, notes, bots and the customer', async () => {
    const s = await connected('?tierField=label%3Atier-');
    expect(s.statuses).toEqual(['online']);
    const [started, ...messages] = s.received;
    expect(started).toEqual({
      type: 'chat.started',
      chatId: 'chatwoot-42',
      at: T0 * 1000,
      customer: { id: '77', name: 'Dana Lee', tier: 'vip' },
      channel: 'WebWidget',
      assignee: '3',
    });
    const summary = messages.map((e) =>
      e.type === 'message'
        ? [e.id, e.at - T0 * 1000, e.author, e.internal === true, e.agentId ?? null]
        : [e.type],
    );
    expect(summary).toEqual([
      ['501', 4000, 'customer', false, null],
      ['502', 19000, 'agent', false, '3'],
      ['503', 25000, 'agent', true, '3'],
      ['504', 26000, 'bot', false, null],
      ['505', 27000, 'bot', false, null],
      ['506', 28000, 'system', false, null],
      ['507', 30000, 'bot', false, null],
    ]);
  });

  it('uses the same chat and message ids and times as the connector', async () => {
    const conv = conversation();
    const s = await connected('', appContext(conv));
    const fromConnector = chatwootConnector.mapExport(conv, {});
    expect(fromConnector.kind).toBe('events');
    if (fromConnector.kind !== 'events') return;
    expect(ids(s.received)).toEqual(ids(fromConnector.events as unknown as ChatEvent[]));
    expect(s.received.map((e) => e.at)).toEqual(fromConnector.events.map((e) => e.at));
  });

  it('reads a contact custom attribute tier from the appContext contact', async () => {
    const conv = conversation();
    (conv.meta as Json).sender = { id: 77, name: 'Dana Lee', type: 'contact' };
    const s = await connected('?tierField=contact.custom_attributes.plan', appContext(conv));
    expect(s.received[0]).toMatchObject({ customer: { id: '77', tier: 'pro' } });
  });

  it('skips pending echoes and unreadable messages one by one, keeping the rest', async () => {
    const conv = conversation(42, [
      ...history(),
      // createPendingMessage: UUID id, status 'progress', then 'failed' if it fails.
      message('6f1c1a8e-8d51-4b1c-9d1e-1c1f1e1a1b1c', 40, 1, { status: 'progress' }),
      message(508, 41, 1, { status: 'failed' }),
      message(509, 42, 7),
      message(510, 43, 0, { created_at: 'soon' }),
      'not a message',
      message(511, 44, 0, { content: 'still there?' }),
    ]);
    const s = await connected('', appContext(conv));
    const messageIds = s.received.flatMap((e) => (e.type === 'message' ? [e.id] : []));
    expect(messageIds).toEqual(['501', '502', '503', '504', '505', '506', '507', '511']);
  });

  it('holds events until the widget starts the transport', async () => {
    const s = setup();
    const context = s.adapter.connect();
    s.host.dispatch(appContext());
    await context;
    expect(s.received).toEqual([]);
    s.start();
    expect(s.received).toHaveLength(8);
  });

  it("loops the agent's ticks and notes back; now() is the clock", async () => {
    const s = await connected();
    const tick = {
      type: 'playbook.check',
      chatId: 'chatwoot-42',
      at: 5,
      item: 'history',
      checked: true,
    } as ChatEvent;
    await s.adapter.send(tick as never);
    expect(s.received.at(-1)).toBe(tick);
    expect(s.adapter.now()).toBe(1234);
  });
});

describe('chatwoot app: staying current', () => {
  it('asks every 5 s and sends only what is new, never twice', async () => {
    const s = await connected();
    expect(s.host.posted).toHaveLength(1);
    s.received.length = 0;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.host.posted).toEqual([
      [CHATWOOT_FETCH_INFO, '*'],
      [CHATWOOT_FETCH_INFO, '*'],
    ]);
    s.host.dispatch(appContext());
    expect(s.received).toEqual([]);
    const more = [...history(), message(520, 90, 0, { content: 'how do I return something' })];
    s.host.dispatch(appContext(conversation(42, more)));
    s.host.dispatch(appContext(conversation(42, more)));
    expect(ids(s.received)).toEqual(['chatwoot-42/520']);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(s.host.posted).toHaveLength(5);
  });

  it('messages the dashboard loads later (older ones) arrive once', async () => {
    const s = await connected('', appContext(conversation(42, history().slice(3))));
    s.received.length = 0;
    s.host.dispatch(appContext(conversation(42, history())));
    expect(ids(s.received)).toEqual(['chatwoot-42/501', 'chatwoot-42/502', 'chatwoot-42/503']);
  });

  it('resolved: chat.closed once, at the last activity', async () => {
    const s = await connected();
    s.received.length = 0;
    const resolved = conversation(42, history(), {
      status: 'resolved',
      last_activity_at: T0 + 120,
    });
    s.host.dispatch(appContext(resolved));
    s.host.dispatch(appContext(resolved));
    expect(s.received).toEqual([
      { type: 'chat.closed', chatId: 'chatwoot-42', at: (T0 + 120) * 1000 },
    ]);
  });

  // `meta.assignee` of the store's conversation: the assigned agent's push_event_data, or
  // null (Conversations::EventDataPresenter#push_meta); the dashboard updates it live.
  it('hands the chat over when another assignee shows, at the moment it is seen', async () => {
    let clock = (T0 + 70) * 1000;
    const s = setup('', { now: () => clock });
    const context = s.adapter.connect();
    s.host.dispatch(appContext());
    await context;
    s.start();
    expect(s.received.find((e) => e.type === 'chat.started')).toMatchObject({ assignee: '3' });
    s.received.length = 0;
    const priya = { id: 8, name: 'Priya Shah', type: 'user' };
    const withAssignee = (assignee: Json | null) =>
      conversation(42, history(), {
        meta: { ...(conversation().meta as Json), assignee, assignee_type: assignee && 'User' },
      });
    s.host.dispatch(appContext(withAssignee(priya)));
    s.host.dispatch(appContext(withAssignee(priya)));
    clock += 30_000;
    // Handed to an agent bot: nobody's chat (the queue's) for the widget.
    s.host.dispatch(appContext(withAssignee({ id: 9, name: 'Bot', type: 'agent_bot' })));
    s.host.dispatch(appContext(withAssignee(null)));
    expect(s.received).toEqual([
      { type: 'chat.assigned', chatId: 'chatwoot-42', at: (T0 + 70) * 1000, agentId: '8' },
      { type: 'chat.assigned', chatId: 'chatwoot-42', at: (T0 + 100) * 1000, agentId: null },
    ]);
  });

  it('another conversation: its history, then the widget follows; back again refocuses only', async () => {
    const s = await connected();
    s.received.length = 0;
    const other = conversation(43, [
      message(601, 2, 0, { conversation_id: 43, content: 'hello?' }),
    ]);
    s.host.dispatch(appContext(other));
    expect(ids(s.received)).toEqual(['chatwoot-43/chat.started', 'chatwoot-43/601']);
    expect(s.focused).toEqual(['chatwoot-43']);
    s.host.dispatch(appContext(other));
    expect(s.focused).toEqual(['chatwoot-43']);
    s.host.dispatch(appContext());
    expect(s.focused).toEqual(['chatwoot-43', 'chatwoot-42']);
    expect(ids(s.received)).toEqual(['chatwoot-43/chat.started', 'chatwoot-43/601']);
  });

  it('stops listening and asking when disposed', async () => {
    const s = await connected();
    s.adapter.dispose();
    expect(s.host.listeners.size).toBe(0);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.host.posted).toHaveLength(1);
  });
});

describe('chatwoot app: what changes nothing', () => {
  const bad: Array<[string, unknown]> = [
    ['an object, not a string', JSON.parse(appContext(conversation(90)))],
    ['not JSON', '{"event":"appContext",'],
    ['another event', JSON.stringify({ event: 'appContextX', data: {} })],
    ['the fetch-info echo', CHATWOOT_FETCH_INFO],
    ['no data', JSON.stringify({ event: 'appContext' })],
    ['no currentAgent', appContext(conversation(91), { currentAgent: undefined })],
    ['a currentAgent without id', appContext(conversation(92), { currentAgent: { name: 'x' } })],
    ['conversation id an object', appContext(conversation({ id: 1 } as never))],
    ['conversation a string', appContext('conv' as never)],
    ['messages not a list', appContext(conversation(93, { 0: 1 } as never))],
    ['bad created_at', appContext(conversation(94, history(), { created_at: 'yesterday' }))],
    [
      'a 200-char-plus id',
      appContext(conversation(Number.NaN, history(), { id: 'x'.repeat(300) })),
    ],
    ['nested too deep', appContext(conversation(95, history(), { custom_attributes: deep(40) }))],
    [
      'far too large',
      appContext(
        conversation(96, [message(1, 1, 0, { content: 'x'.repeat(CHATWOOT_MAX_MESSAGE_CHARS) })]),
      ),
    ],
  ];

  it.each(bad)('%s', async (_name, data) => {
    const s = await connected();
    s.received.length = 0;
    s.host.dispatch(data);
    expect(s.received).toEqual([]);
    expect(s.focused).toEqual([]);
  });

  it('a valid context from a window other than the parent, or another origin', async () => {
    const s = await connected(`?origin=${encodeURIComponent(CHATWOOT)}`);
    s.received.length = 0;
    s.host.dispatch(appContext(conversation(97)), { postMessage() {} });
    s.host.dispatch(appContext(conversation(98)), null);
    s.host.dispatch(appContext(conversation(99)), s.host.parent, 'https://chat.acme.test.evil');
    s.host.dispatch(appContext(conversation(100)), s.host.parent, 'null');
    expect(s.received).toEqual([]);
    expect(s.focused).toEqual([]);
  });

  it('parseAppContext never throws on odd input', () => {
    for (const input of [
      undefined,
      null,
      1,
      '',
      '[]',
      'null',
      '{"event":"appContext","data":[]}',
    ]) {
      expect(parseAppContext(input).ok).toBe(false);
    }
  });

  it('HTML in names and messages stays text (nothing here touches a DOM)', async () => {
    const xss = '<img src=x onerror=window.__xss=1>';
    const conv = conversation(42, [message(501, 4, 0, { content: xss })]);
    (conv.meta as Json).sender = { ...contactSender, name: xss };
    const s = await connected('', appContext(conv));
    expect(s.received[0]).toMatchObject({ customer: { name: xss } });
    expect(s.received[1]).toMatchObject({ text: xss });
  });
});

function deep(levels: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i += 1) value = { v: value };
  return value;
}
