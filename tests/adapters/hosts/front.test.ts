// The Front sidebar plugin's adapter against a fake `@frontapp/plugin-sdk`: a `contextUpdates`
// stream that replays its latest context, each context wrapped in a Proxy the way the SDK's
// `buildWebViewBridge` does (node_modules/@frontapp/plugin-sdk/dist/index.es.js: a name in
// `functionArities` becomes an RPC whose last argument, the cancel token, is not sent; reading
// any property of a context without `functionArities` throws; a context that is not an
// object makes `new Proxy` throw, which errors the subscriber's stream).
// Shapes from node_modules/@frontapp/ui-bridge/dist/internal/*.d.ts and
// https://dev.frontapp.com/reference/plugin-sdk-message, …/plugin-sdk-conversation.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createFrontAdapter,
  type FrontDeps,
  HANDSHAKE_TIMEOUT_MS,
  POLL_MS,
  readFrontSettings,
} from '../../../src/adapters/hosts/front.ts';
import { type HostAdapter, HostUnavailable } from '../../../src/adapters/hosts/types.ts';
import type { ChatEvent } from '../../../src/core/index.ts';
import { frontConnector } from '../../../src/server/connectors/front.ts';

type Json = Record<string, unknown>;
type Call = { name: string; args: unknown[] };

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0); // epoch ms
const APP = 'https://playbook.acme.test/hosts/front/index.html';

const ARITIES = {
  listMessages: 2,
  listComments: 2,
  createDraft: 2,
  updateDraft: 3,
  fetchDraft: 2,
  openUrl: 2,
};

const teammate = { id: 'tea_6r55a', name: 'Sam Rivera', username: 'sam', email: 'sam@acme.test' };

function conversation(id = 'cnv_yo1kg5q', extra: Json = {}): Json {
  return {
    id,
    type: 'frontChat',
    status: 'open',
    subject: 'Chat with Dana Lee',
    blurb: 'where is my parcel',
    assignee: teammate,
    recipient: {
      handle: 'dana.lee@example.com',
      name: 'Dana Lee',
      type: 'email',
      contact: {
        id: 'crd_2njtoem',
        name: 'Dana Lee',
        handles: [],
        groupIds: [],
        customAttributes: [],
      },
    },
    inboxes: [{ id: 'inb_1', ownerId: 'tim_1', name: 'Support chat' }],
    tags: [{ id: 'tag_2oxhvy', ownerId: 'tim_1', name: 'tier-vip', parentTag: undefined }],
    topics: [],
    links: [],
    draftId: undefined,
    ...extra,
  };
}

function message(id: string, offsetS: number, status: 'inbound' | 'outbound', text: string): Json {
  return {
    id,
    subject: undefined,
    date: new Date(T0 + offsetS * 1000),
    status,
    from:
      status === 'inbound'
        ? { handle: 'dana.lee@example.com', name: 'Dana Lee', type: 'email', contact: undefined }
        : { handle: 'support@acme.test', name: 'Acme Support', type: 'email', contact: undefined },
    to: [],
    cc: undefined,
    bcc: undefined,
    replyTo: undefined,
    content: { body: `<p>${text}</p>`, type: 'html', attachments: [] },
  };
}

function comment(id: string, offsetS: number, text: string): Json {
  return {
    id,
    author: teammate,
    content: { body: text, attachments: [] },
    createdAt: new Date(T0 + offsetS * 1000),
  };
}

/** What the fake Front holds per conversation. */
interface Store {
  messages: Record<string, Json[]>;
  comments: Record<string, Json[]>;
  /** Page size for listMessages (pagination). */
  pageSize: number;
  calls: Call[];
  /** Answers for a call, instead of the store's (e.g. a malformed page, a rejection). */
  override?: (call: Call, conversationId: string) => Promise<unknown> | undefined;
}

function sdkProxy(context: Json, store: Store): Json {
  // As buildWebViewBridge's context Proxy (index.es.js).
  return new Proxy(context, {
    get(target, property) {
      const name = String(property);
      const arity = (target.functionArities as Record<string, number | undefined>)[name];
      if (property in target || arity === undefined || !Number.isInteger(arity)) {
        return target[name];
      }
      return (...args: unknown[]) => {
        const call = { name, args: args.slice(0, arity - 1) };
        store.calls.push(call);
        const conversationId = String((target.conversation as Json | undefined)?.id);
        const custom = store.override?.(call, conversationId);
        if (custom) return custom;
        if (name === 'listMessages' || name === 'listComments') {
          const all =
            (name === 'listMessages' ? store.messages : store.comments)[conversationId] ?? [];
          const offset = typeof call.args[0] === 'string' ? Number(call.args[0]) : 0;
          const size = name === 'listMessages' ? store.pageSize : 1000;
          const results = all.slice(offset, offset + size);
          const next = offset + size < all.length ? String(offset + size) : undefined;
          return Promise.resolve({ results, nextPageToken: next });
        }
        if (name === 'createDraft' || name === 'updateDraft') return Promise.resolve({});
        return Promise.reject(new Error(`${name} is not a valid function`));
      };
    },
  });
}

let contextSeq = 0;
function context(conv: Json | null, extra: Json = {}): Json {
  contextSeq += 1;
  return {
    id: `ctx_${contextSeq}`,
    type: conv ? 'singleConversation' : 'noConversation',
    functionArities: ARITIES,
    preferences: {},
    authentication: {},
    teammate,
    ...(conv ? { conversation: conv } : {}),
    ...extra,
  };
}

/** A fake `Front`: contextUpdates replays its latest value (publishReplay(1)), like the SDK. */
function fakeFront(store: Store) {
  type Observer = { next: (c: unknown) => void; error: (e: unknown) => void };
  let observers: Observer[] = [];
  let latest: { raw: unknown } | null = null;
  let subscribes = 0;
  const deliver = (observer: Observer, raw: unknown) => {
    if (typeof raw !== 'object' || raw === null) {
      // `new Proxy(null, …)` throws inside the SDK's map: the subscriber's stream errors.
      observers = observers.filter((o) => o !== observer);
      observer.error(new TypeError('Cannot create proxy with a non-object as target or handler'));
      return;
    }
    observer.next(sdkProxy(raw as Json, store));
  };
  return {
    sdk: {
      contextUpdates: {
        subscribe(observer: Observer) {
          subscribes += 1;
          observers.push(observer);
          if (latest) deliver(observer, latest.raw);
          return {
            unsubscribe() {
              observers = observers.filter((o) => o !== observer);
            },
          };
        },
      },
    },
    push(raw: unknown) {
      latest = { raw };
      for (const observer of [...observers]) deliver(observer, raw);
    },
    get subscribes() {
      return subscribes;
    },
    get listening() {
      return observers.length;
    },
  };
}

function setup(options: Partial<FrontDeps> & { store?: Partial<Store> } = {}) {
  const store: Store = {
    messages: {
      cnv_yo1kg5q: [
        message('msg_1', 4, 'inbound', 'Hi, my parcel never arrived'),
        message('msg_2', 16, 'outbound', 'Hi Dana, I am Sam. Let me check.'),
        message('msg_3', 40, 'inbound', 'It was order SO-1042'),
      ],
      cnv_b: [message('msg_b1', 100, 'inbound', 'I want to send this back')],
    },
    comments: { cnv_yo1kg5q: [comment('com_1', 20, 'customer is **VIP**')] },
    pageSize: 50,
    calls: [],
    ...options.store,
  };
  const front = fakeFront(store);
  const lines: string[] = [];
  const events: ChatEvent[] = [];
  const statuses: string[] = [];
  const adapter = createFrontAdapter({
    sdk: front.sdk,
    framed: true,
    url: `${APP}?library=https%3A%2F%2Fsops.acme.test%2Flibrary.json&tierField=tag%3Atier-`,
    now: () => T0 + 60_000,
    log: (line) => lines.push(line),
    ...options,
  });
  const sink = {
    events: (list: ChatEvent[]) => events.push(...list),
    status: (s: string) => statuses.push(s),
    config: () => {},
  };
  return { store, front, adapter, lines, events, statuses, sink };
}

async function flush() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await vi.advanceTimersByTimeAsync(0);
}

async function connected(s: ReturnType<typeof setup>, first: Json = context(conversation())) {
  const pending = s.adapter.connect();
  s.front.push(first);
  const ctx = await pending;
  s.adapter.start(s.sink);
  await flush();
  return ctx;
}

const ids = (events: ChatEvent[]) =>
  events.map((e) => (e.type === 'message' ? e.id : `${e.type}:${e.chatId}`));

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0 + 60_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Front adapter: connecting', () => {
  it('reads the teammate, the settings and the open conversation', async () => {
    const s = setup();
    const ctx = await connected(s);
    expect(ctx).toEqual({
      agent: { id: 'tea_6r55a', name: 'Sam Rivera' },
      settings: { library: 'https://sops.acme.test/library.json', tierField: 'tag:tier-' },
      chatId: 'front-cnv_yo1kg5q',
    });
    expect(s.adapter.scope).toBe('front:tea_6r55a');
    expect(s.statuses).toEqual(['online']);
    expect(s.lines).toEqual([]);
    s.adapter.dispose();
  });

  it('outside Front (no parent frame) rejects at once, once, and logs nothing', async () => {
    const s = setup({ framed: false });
    const err = await s.adapter.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostUnavailable);
    expect((err as HostUnavailable).reason).toBe('outside');
    expect(s.front.subscribes).toBe(0);
    expect(s.adapter.connect()).toBe(s.adapter.connect()); // the same settled promise
    expect(s.lines).toEqual([]);
  });

  it('times out after 5 s without a context, then never retries', async () => {
    const s = setup();
    const pending = s.adapter.connect().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(HANDSHAKE_TIMEOUT_MS - 1);
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await pending) as HostUnavailable;
    expect(err).toBeInstanceOf(HostUnavailable);
    expect(err.reason).toBe('timeout');
    s.adapter.dispose(); // as boot.ts does
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.front.subscribes).toBe(1);
    expect(s.front.listening).toBe(0);
    expect(s.store.calls).toEqual([]);
    expect(s.lines).toEqual([]);
  });

  it('rejects with `permission` when Front refuses to list the messages', async () => {
    const s = setup({
      store: {
        override: (call) =>
          call.name === 'listMessages' ? Promise.reject(new Error('Forbidden')) : undefined,
      },
    });
    const pending = s.adapter.connect().catch((e: unknown) => e);
    s.front.push(context(conversation()));
    const err = (await pending) as HostUnavailable;
    expect(err.reason).toBe('permission');
    expect(err.message).toContain('Forbidden');
  });

  it('ignores contexts of a wrong shape until a good one comes', async () => {
    const s = setup();
    const pending = s.adapter.connect();
    s.front.push({ id: 'ctx', type: 'singleConversation', teammate }); // no functionArities
    s.front.push(context(conversation(), { teammate: { name: 'no id' } }));
    s.front.push(context(conversation('x'.repeat(500))));
    s.front.push(context(conversation(), { teammate: { ...teammate, name: 'n'.repeat(2e6) } }));
    s.front.push(context(conversation(), { type: 42 }));
    s.front.push(context(conversation('cnv_1', { tags: 'tier-vip' })));
    await flush();
    s.front.push(context(conversation()));
    const ctx = await pending;
    expect(ctx.chatId).toBe('front-cnv_yo1kg5q');
    expect(s.lines).toEqual(['Front sent a context of an unexpected shape: it was ignored']);
    s.adapter.dispose();
  });

  it('connects with no conversation open (chatId null) and backfills once one is opened', async () => {
    const s = setup();
    const ctx = await connected(s, context(null));
    expect(ctx.chatId).toBeNull();
    expect(s.events).toEqual([]);
    const focus: string[] = [];
    s.adapter.onFocus((chatId) => focus.push(chatId));
    s.front.push(context(conversation()));
    await flush();
    expect(focus).toEqual(['front-cnv_yo1kg5q']);
    expect(ids(s.events)).toEqual([
      'chat.started:front-cnv_yo1kg5q',
      'msg_1',
      'msg_2',
      'com_1',
      'msg_3',
    ]);
    s.adapter.dispose();
  });
});

describe('Front adapter: mapping and backfill', () => {
  it('backfills the history with Front’s own times, notes internal, tier and channel', async () => {
    const s = setup();
    await connected(s);
    expect(s.events).toEqual([
      {
        type: 'chat.started',
        chatId: 'front-cnv_yo1kg5q',
        at: T0 + 4000,
        customer: { id: 'crd_2njtoem', name: 'Dana Lee', tier: 'vip' },
        channel: 'front_chat',
        assignee: 'tea_6r55a',
      },
      {
        type: 'message',
        chatId: 'front-cnv_yo1kg5q',
        id: 'msg_1',
        at: T0 + 4000,
        author: 'customer',
        text: 'Hi, my parcel never arrived',
        internal: false,
        hold: false,
      },
      {
        type: 'message',
        chatId: 'front-cnv_yo1kg5q',
        id: 'msg_2',
        at: T0 + 16_000,
        author: 'agent',
        text: 'Hi Dana, I am Sam. Let me check.',
        internal: false,
        hold: false,
      },
      {
        type: 'message',
        chatId: 'front-cnv_yo1kg5q',
        id: 'com_1',
        at: T0 + 20_000,
        author: 'agent',
        agentId: 'tea_6r55a',
        text: 'customer is **VIP**',
        internal: true,
        hold: false,
      },
      {
        type: 'message',
        chatId: 'front-cnv_yo1kg5q',
        id: 'msg_3',
        at: T0 + 40_000,
        author: 'customer',
        text: 'It was order SO-1042',
        internal: false,
        hold: false,
      },
    ]);
    // The engine sees the same chat and message ids as the connector gives for the same
    // conversation from Front's Core API (webhooks / exports through `serve`).
    const core = frontConnector.mapExport(
      {
        id: 'cnv_yo1kg5q',
        messages: [
          { id: 'msg_3', is_inbound: true, created_at: (T0 + 40_000) / 1000, text: 'x' },
          { id: 'msg_2', is_inbound: false, created_at: (T0 + 16_000) / 1000, author: null },
          { id: 'msg_1', is_inbound: true, created_at: (T0 + 4000) / 1000, text: 'x' },
        ],
        comments: [{ id: 'com_1', posted_at: (T0 + 20_000) / 1000, author: { id: 'tea_6r55a' } }],
      },
      {},
    );
    expect(core.kind).toBe('events');
    if (core.kind === 'events') {
      expect(core.chatId).toBe('front-cnv_yo1kg5q');
      expect(ids(core.events as unknown as ChatEvent[])).toEqual(ids(s.events));
    }
    s.adapter.dispose();
  });

  it('reads custom fields, a text body, a missing content and skips drafts and malformed ones', async () => {
    const s = setup({
      url: `${APP}?tierField=custom_fields.Tier`,
      store: {
        messages: {
          cnv_x: [
            {
              ...message('msg_t', 1, 'inbound', ''),
              content: { body: 'plain <b>text</b>', type: 'text', attachments: [] },
            },
            { ...message('msg_lazy', 2, 'outbound', ''), content: undefined },
            { ...message('msg_draft', 3, 'outbound', 'draft'), date: undefined },
            { ...message('msg_bad', 4, 'inbound', 'x'), status: 'sideways' },
            { id: 42 },
            'not a message' as unknown as Json,
          ],
        },
        comments: {},
      },
    });
    await connected(
      s,
      context(
        conversation('cnv_x', {
          type: 'whatsapp',
          customFieldAttributes: [{ id: 'fld_1', name: 'Tier', type: 'string', value: 'gold' }],
        }),
      ),
    );
    const started = s.events[0] as Extract<ChatEvent, { type: 'chat.started' }>;
    expect(started.customer?.tier).toBe('gold');
    expect(started.channel).toBe('whatsapp');
    expect(s.events.slice(1).map((e) => (e.type === 'message' ? [e.id, e.text] : []))).toEqual([
      ['msg_t', 'plain <b>text</b>'],
      ['msg_lazy', ''],
    ]);
    expect(s.lines).toEqual(['skipped 4 malformed message(s) from Front']);
    s.adapter.dispose();
  });

  it('follows nextPageToken for the whole history', async () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      message(`msg_${i}`, i * 2, i % 2 ? 'outbound' : 'inbound', `m${i}`),
    );
    const s = setup({ store: { messages: { cnv_yo1kg5q: many }, pageSize: 3 } });
    await connected(s);
    expect(ids(s.events).filter((id) => id.startsWith('msg_'))).toHaveLength(7);
    expect(s.store.calls.filter((c) => c.name === 'listMessages').map((c) => c.args)).toEqual([
      [],
      ['3'],
      ['6'],
    ]);
    s.adapter.dispose();
  });
});

describe('Front adapter: staying current', () => {
  it('polls every 5 s and emits only what is new, never twice', async () => {
    const s = setup();
    await connected(s);
    expect(s.events).toHaveLength(5);
    const reads = () => s.store.calls.filter((c) => c.name === 'listMessages').length;
    const before = reads();
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(reads()).toBe(before + 1);
    expect(s.events).toHaveLength(5);
    s.store.messages.cnv_yo1kg5q!.push(message('msg_4', 55, 'inbound', 'can I get a label?'));
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(ids(s.events.slice(5))).toEqual(['msg_4']);
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(s.events).toHaveLength(6);
    s.adapter.dispose();
  });

  it('reads again at once when Front sends a new context for the same conversation', async () => {
    const s = setup();
    await connected(s);
    s.store.messages.cnv_yo1kg5q!.push(message('msg_4', 55, 'inbound', 'hello?'));
    s.front.push(context(conversation('cnv_yo1kg5q', { blurb: 'hello?' })));
    await flush();
    expect(ids(s.events.slice(5))).toEqual(['msg_4']);
    s.adapter.dispose();
  });

  it('follows the agent to another conversation and drops a stale answer', async () => {
    let release: (() => void) | undefined;
    const s = setup();
    await connected(s);
    const focus: string[] = [];
    s.adapter.onFocus((chatId) => focus.push(chatId));
    // The next read of conversation A hangs until after the switch.
    s.store.messages.cnv_yo1kg5q!.push(message('msg_late', 58, 'inbound', 'late'));
    s.store.override = (call, conversationId) =>
      call.name === 'listMessages' && conversationId === 'cnv_yo1kg5q'
        ? new Promise((resolve) => {
            release = () => resolve({ results: [message('msg_late', 58, 'inbound', 'late')] });
          })
        : undefined;
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(release).toBeDefined();
    s.front.push(context(conversation('cnv_b', { recipient: undefined })));
    release?.();
    await flush();
    expect(focus).toEqual(['front-cnv_b']);
    const after = ids(s.events.slice(5));
    expect(after).toEqual(['chat.started:front-cnv_b', 'msg_b1']);
    expect(after).not.toContain('msg_late');
    s.adapter.dispose();
  });

  // A new context comes with every change of the selected conversation's assignee
  // (https://dev.frontapp.com/reference/context-updates); `assignee` is the teammate, or
  // absent when nobody is assigned (https://dev.frontapp.com/reference/plugin-sdk-conversation).
  it('hands the chat over when a context shows another assignee, at that moment', async () => {
    let clock = T0 + 60_000;
    const s = setup({ now: () => clock });
    await connected(s);
    expect(s.events.find((e) => e.type === 'chat.started')).toMatchObject({
      assignee: 'tea_6r55a',
    });
    const priya = { id: 'tea_7k22b', name: 'Priya Shah', username: 'priya', email: 'p@acme.test' };
    clock = T0 + 75_000;
    s.front.push(context(conversation('cnv_yo1kg5q', { assignee: priya })));
    await flush();
    s.front.push(context(conversation('cnv_yo1kg5q', { assignee: priya, blurb: 'ok' })));
    await flush();
    clock = T0 + 80_000;
    s.front.push(context(conversation('cnv_yo1kg5q', { assignee: undefined })));
    await flush();
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(s.events.slice(5)).toEqual([
      { type: 'chat.assigned', chatId: 'front-cnv_yo1kg5q', at: T0 + 75_000, agentId: 'tea_7k22b' },
      { type: 'chat.assigned', chatId: 'front-cnv_yo1kg5q', at: T0 + 80_000, agentId: null },
    ]);
    s.adapter.dispose();
  });

  it('closes a conversation archived before its eyes at that moment', async () => {
    let clock = T0 + 60_000;
    const s = setup({ now: () => clock });
    await connected(s);
    clock = T0 + 90_000;
    s.front.push(context(conversation('cnv_yo1kg5q', { status: 'archived' })));
    await flush();
    expect(s.events.slice(5)).toEqual([
      { type: 'chat.closed', chatId: 'front-cnv_yo1kg5q', at: T0 + 90_000 },
    ]);
    s.front.push(context(conversation('cnv_yo1kg5q', { status: 'archived' })));
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(s.events).toHaveLength(6);
    s.adapter.dispose();
  });

  it('closes a conversation opened already archived (or resolved) at its last message', async () => {
    const s = setup();
    await connected(
      s,
      context(conversation('cnv_yo1kg5q', { status: 'open', statusCategory: 'resolved' })),
    );
    expect(s.events.at(-1)).toEqual({
      type: 'chat.closed',
      chatId: 'front-cnv_yo1kg5q',
      at: T0 + 40_000,
    });
    s.adapter.dispose();
  });

  it('survives a context the SDK cannot wrap: subscribes again on the next tick', async () => {
    const s = setup();
    await connected(s);
    s.front.push(null); // errors the subscriber's stream (the SDK's Proxy throws)
    await flush();
    expect(s.front.listening).toBe(0);
    await vi.advanceTimersByTimeAsync(POLL_MS); // still the bad one: errors again, quietly
    s.front.push(context(conversation('cnv_b')));
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(s.front.listening).toBe(1);
    expect(ids(s.events.slice(5))).toEqual(['chat.started:front-cnv_b', 'msg_b1']);
    expect(s.lines).toEqual(['Front sent a context the plugin SDK could not read: it was ignored']);
    s.adapter.dispose();
  });

  it('a malformed or far too large page changes nothing and is reported once', async () => {
    const s = setup();
    await connected(s);
    s.store.override = (call) =>
      call.name === 'listMessages'
        ? Promise.resolve(
            s.store.calls.length % 2
              ? { results: 'nope' }
              : {
                  results: Array.from({ length: 5000 }, (_, i) =>
                    message(`m${i}`, 1, 'inbound', 'x'),
                  ),
                },
          )
        : undefined;
    await vi.advanceTimersByTimeAsync(POLL_MS * 4);
    expect(s.events).toHaveLength(5);
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toMatch(/^Front did not list the conversation’s messages/);
    s.adapter.dispose();
  });

  it('stops reading while several or no conversations are selected', async () => {
    const s = setup();
    await connected(s);
    const focus: string[] = [];
    s.adapter.onFocus((chatId) => focus.push(chatId));
    s.front.push(
      context(null, {
        type: 'multiConversations',
        conversations: [conversation(), conversation('cnv_b')],
      }),
    );
    await flush();
    const reads = s.store.calls.length;
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(s.store.calls.length).toBe(reads);
    expect(focus).toEqual([]);
    s.front.push(context(conversation()));
    await flush();
    expect(focus).toEqual(['front-cnv_yo1kg5q']);
    expect(s.events).toHaveLength(5); // back to the same chat: nothing is sent twice
    s.adapter.dispose();
  });

  it('ignores a context of another teammate (reload to switch)', async () => {
    const s = setup();
    await connected(s);
    s.front.push(
      context(conversation('cnv_b'), { teammate: { ...teammate, id: 'tea_other', name: 'Other' } }),
    );
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(ids(s.events).some((id) => id.includes('cnv_b'))).toBe(false);
    expect(s.lines).toEqual(['Front switched teammate: reload the plugin to sign in as them']);
    s.adapter.dispose();
  });

  it('stops everything on dispose', async () => {
    const s = setup();
    await connected(s);
    s.adapter.dispose();
    const calls = s.store.calls.length;
    s.store.messages.cnv_yo1kg5q!.push(message('msg_4', 55, 'inbound', 'x'));
    s.front.push(context(conversation('cnv_b')));
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(s.store.calls.length).toBe(calls);
    expect(s.events).toHaveLength(5);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('Front adapter: the agent’s side', () => {
  it('creates a draft replying to the latest customer message, as plain text', async () => {
    const s = setup();
    await connected(s);
    const text = 'Your return number is RMA-1 <img src=x onerror=alert(1)>';
    await expect(
      (s.adapter as Required<HostAdapter>).insertReply({ chatId: 'front-cnv_yo1kg5q', text }),
    ).resolves.toBe('inserted');
    expect(s.store.calls.filter((c) => c.name === 'createDraft')).toEqual([
      {
        name: 'createDraft',
        args: [
          {
            content: { body: text, type: 'text' },
            replyOptions: { type: 'reply', originalMessageId: 'msg_3' },
          },
        ],
      },
    ]);
    s.adapter.dispose();
  });

  it('inserts into the open draft when the conversation has one', async () => {
    const s = setup();
    await connected(s, context(conversation('cnv_yo1kg5q', { draftId: 'dra_uid:1' })));
    await (s.adapter as Required<HostAdapter>).insertReply({
      chatId: 'front-cnv_yo1kg5q',
      text: 'hi',
    });
    expect(s.store.calls.filter((c) => /Draft$/.test(c.name))).toEqual([
      {
        name: 'updateDraft',
        args: ['dra_uid:1', { updateMode: 'insert', content: { body: 'hi', type: 'text' } }],
      },
    ]);
    s.adapter.dispose();
  });

  it('refuses a reply for a conversation that is not the open one', async () => {
    const s = setup();
    await connected(s);
    await expect(
      (s.adapter as Required<HostAdapter>).insertReply({ chatId: 'front-cnv_other', text: 'x' }),
    ).rejects.toThrow(/another conversation/);
    expect(s.store.calls.some((c) => c.name === 'createDraft')).toBe(false);
    s.adapter.dispose();
  });

  it('loops the agent’s ticks back (no server)', async () => {
    const s = setup();
    await connected(s);
    const tick = {
      type: 'playbook.check' as const,
      chatId: 'front-cnv_yo1kg5q',
      at: T0 + 61_000,
      item: 'history',
      checked: true,
    };
    await s.adapter.send(tick);
    expect(s.events.at(-1)).toEqual(tick);
    s.adapter.dispose();
  });
});

describe('Front settings (the plugin URL’s query parameters)', () => {
  it('reads every setting; URLs must be https or the page’s own origin', () => {
    const warnings: string[] = [];
    const thresholds = JSON.stringify({ firstResponseS: 45 });
    const url = `${APP}?library=%2Fsops%2Findex.json&thresholds=${encodeURIComponent(thresholds)}&tierField=inbox&serverUrl=wss%3A%2F%2Fserve.acme.test&tokenUrl=https%3A%2F%2Fserve.acme.test%2Fplaybook-token`;
    expect(readFrontSettings(url, (w) => warnings.push(w))).toEqual({
      library: 'https://playbook.acme.test/sops/index.json',
      thresholds,
      tierField: 'inbox',
      serverUrl: 'wss://serve.acme.test/',
      tokenUrl: 'https://serve.acme.test/playbook-token',
    });
    expect(warnings).toEqual([]);
  });

  it('never pairs a token URL with a server on another origin', () => {
    const warnings: string[] = [];
    const url = `${APP}?serverUrl=https%3A%2F%2Fevil.test&tokenUrl=https%3A%2F%2Fserve.acme.test%2Ft`;
    expect(readFrontSettings(url, (w) => warnings.push(w))).toEqual({});
    expect(
      readFrontSettings(`${APP}?serverUrl=https%3A%2F%2Fserve.acme.test`, (w) => warnings.push(w)),
    ).toEqual({});
    expect(warnings).toEqual([
      'serverUrl and tokenUrl must be on the same origin: both ignored',
      'serverUrl and tokenUrl go together: ignored',
    ]);
  });

  it('drops insecure or malformed URLs with a warning', () => {
    const warnings: string[] = [];
    const url = `${APP}?library=http%3A%2F%2Fevil.test%2Fx.json&serverUrl=javascript%3Aalert(1)&tokenUrl=http%3A%2F%2Fdesk.acme.test%2Ft`;
    expect(readFrontSettings(url, (w) => warnings.push(w))).toEqual({});
    expect(warnings).toEqual([
      'the library setting must be an https URL: ignored',
      'the serverUrl setting must be an https URL: ignored',
      'the tokenUrl setting must be an https URL: ignored',
    ]);
    expect(readFrontSettings('not a url', () => {})).toEqual({});
  });
});
