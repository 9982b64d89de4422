// The generic postMessage bridge's adapter against a fake window: the allowlist from the app's
// URL, the hello/ready handshake, context (agent, settings, open chat), events validated by the
// engine's own check and never emitted twice, focus with history, reply insertion to the exact
// origin, and the refusals (outside a host, timeout, wrong origin/source/shape/size/depth/
// version/type/order), each reported once. The wire is docs/integrations.md "Sidebar app: any
// other host" (docs/integrations/bridge-app.md): there is no SDK.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type BridgeWindow,
  createBridgeAdapter,
  jsonSize,
  parseOrigins,
  type ReportKind,
  tokenUrlAllowed,
} from '../../../src/adapters/hosts/bridge.ts';
import { HostUnavailable } from '../../../src/adapters/hosts/types.ts';
import type { TransportSink, TransportStatus } from '../../../src/adapters/transport.ts';
import type { ChatEvent } from '../../../src/core/index.ts';

const DESK = 'https://desk.acme.com';
const DESK2 = 'https://desk2.acme.com';
const EVIL = 'https://evil.example';
const APP = 'https://apps.playbook.example';
const T0 = Date.parse('2026-11-23T10:00:00.000Z');

afterEach(() => {
  vi.useRealTimers();
});

interface Posted {
  message: Record<string, unknown>;
  targetOrigin: string;
}

function fake(search = `?origins=${DESK},${DESK2}`, options: { topLevel?: boolean } = {}) {
  const listeners = new Set<(e: MessageEvent) => void>();
  const posted: Posted[] = [];
  const parent = {
    postMessage: (message: unknown, targetOrigin: string) =>
      posted.push({ message: message as Record<string, unknown>, targetOrigin }),
  };
  const win: BridgeWindow & { parent: typeof parent } = {
    location: { search, origin: APP, href: `${APP}/hosts/bridge/index.html${search}` },
    parent,
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
  };
  if (options.topLevel) (win as { parent: unknown }).parent = win;
  /** Delivers a message as the browser would: a structured clone, with origin and source. */
  const deliver = (data: unknown, origin = DESK, source: unknown = parent) => {
    const cloned = structuredClone(data);
    for (const listener of [...listeners]) {
      listener({ data: cloned, origin, source } as unknown as MessageEvent);
    }
  };
  const reports: Array<[ReportKind, string]> = [];
  const adapter = createBridgeAdapter({
    win,
    report: (kind, message) => reports.push([kind, message]),
    now: () => T0 + 60_000,
  });
  return { adapter, win, posted, deliver, listeners, reports };
}

function sink() {
  const events: ChatEvent[] = [];
  const statuses: TransportStatus[] = [];
  const s: TransportSink = {
    events: (batch) => events.push(...batch),
    status: (status) => statuses.push(status),
    config: () => {},
  };
  return { s, events, statuses };
}

const AGENT = { id: 'a-3', name: 'Sam Lee', role: 'agent' };
const history = (chatId: string, name = 'Dana Lee'): unknown[] => [
  {
    type: 'chat.started',
    chatId,
    at: new Date(T0).toISOString(),
    customer: { id: 'u-77', name, tier: 'vip' },
    channel: 'web',
  },
  {
    type: 'message',
    chatId,
    id: 'm1',
    at: T0 + 4_000,
    author: 'customer',
    text: 'Hi, my order never arrived',
  },
  {
    type: 'message',
    chatId,
    id: 'm2',
    at: T0 + 19_000,
    author: 'agent',
    agentId: 'a-3',
    text: 'Hi Dana!',
  },
  {
    type: 'message',
    chatId,
    id: 'm3',
    at: T0 + 30_000,
    author: 'agent',
    text: 'VIP',
    internal: true,
  },
];
const hello = { playbook: 1, type: 'hello' };
const context = (chatId: string | null = 'desk-1', extra: Record<string, unknown> = {}) => ({
  playbook: 1,
  type: 'context',
  agent: AGENT,
  chatId,
  settings: { library: '/sops/index.json', thresholds: '{"firstResponseS":45}' },
  ...extra,
});

async function connected(search?: string) {
  const f = fake(search);
  const connecting = f.adapter.connect();
  f.deliver(hello);
  f.deliver(context('desk-1', { events: history('desk-1') }));
  const ctx = await connecting;
  return { ...f, ctx };
}

describe('parseOrigins', () => {
  it('takes exact https origins (and loopback http for development)', () => {
    expect(parseOrigins(`?origins=${DESK},%20${DESK2},${DESK}`)).toEqual({
      origins: [DESK, DESK2],
    });
    expect(parseOrigins('?origins=http://127.0.0.1:5173')).toEqual({
      origins: ['http://127.0.0.1:5173'],
    });
  });

  it.each([
    ['', 'names no allowed host origins'],
    ['?origins=*', 'not an exact https origin'],
    ['?origins=null', 'not an exact https origin'],
    [`?origins=${DESK}/`, 'not an exact https origin'],
    [`?origins=${DESK}/app`, 'not an exact https origin'],
    ['?origins=http://desk.acme.com', 'not an exact https origin'],
    [`?origins=${DESK},*.acme.com`, 'not an exact https origin'],
    ['?origins=javascript:alert(1)', 'not an exact https origin'],
  ])('refuses %j', (search, message) => {
    const parsed = parseOrigins(search);
    expect('error' in parsed && parsed.error).toContain(message);
  });
});

describe('createBridgeAdapter: refusals before any host speaks', () => {
  it('rejects at once, politely, when opened on its own (no parent)', async () => {
    const f = fake(`?origins=${DESK}`, { topLevel: true });
    const err = await f.adapter.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostUnavailable);
    expect((err as HostUnavailable).reason).toBe('outside');
    expect(f.listeners.size).toBe(0);
    // One rejection, no retry: the same promise every time.
    expect(f.adapter.connect()).toBe(f.adapter.connect());
  });

  it('rejects with a permission problem when the URL names no exact origin', async () => {
    const f = fake('?origins=*');
    const err = (await f.adapter.connect().catch((e: unknown) => e)) as HostUnavailable;
    expect(err.reason).toBe('permission');
    expect(err.message).toContain('not an exact https origin');
    expect(f.listeners.size).toBe(0);
  });

  it('times out after 5 s without hello, once, and stops listening', async () => {
    vi.useFakeTimers();
    const f = fake();
    const result = f.adapter.connect().catch((e: unknown) => e);
    vi.advanceTimersByTime(4_999);
    expect(f.listeners.size).toBe(1);
    vi.advanceTimersByTime(1);
    const err = (await result) as HostUnavailable;
    expect(err.reason).toBe('timeout');
    expect(err.message).toContain('no hello from an allowed host page');
    expect(f.listeners.size).toBe(0);
    expect(f.posted).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out when the host says hello but sends no context', async () => {
    vi.useFakeTimers();
    const f = fake();
    const result = f.adapter.connect().catch((e: unknown) => e);
    f.deliver(hello);
    vi.advanceTimersByTime(5_000);
    expect(((await result) as HostUnavailable).message).toContain('sent no context');
  });

  it('labels itself from ?host= (text only) for the polite message', () => {
    expect(fake(`?origins=${DESK}&host=Acme%20Desk`).adapter.label).toBe('Acme Desk');
    expect(fake(`?origins=${DESK}&host=%3Cimg%3E`).adapter.label).toBe('your helpdesk');
    expect(fake(`?origins=${DESK}`).adapter.label).toBe('your helpdesk');
  });
});

describe('createBridgeAdapter: the handshake and the conversation', () => {
  it('answers hello with ready to that exact origin, then connects on context', async () => {
    const { ctx, posted, adapter } = await connected();
    expect(posted).toEqual([
      {
        message: { playbook: 1, type: 'ready', versions: [1], app: 'chat-playbook' },
        targetOrigin: DESK,
      },
    ]);
    expect(ctx).toEqual({
      agent: { id: 'a-3', name: 'Sam Lee', role: 'agent' },
      settings: { library: '/sops/index.json', thresholds: '{"firstResponseS":45}' },
      chatId: 'desk-1',
    });
    expect(adapter.hostOrigin).toBe(DESK);
    expect(adapter.scope).toBe('bridge:desk.acme.com');
    expect(adapter.now()).toBe(T0 + 60_000);
  });

  it('backfills the history with the host’s timestamps once the widget starts', async () => {
    const { adapter } = await connected();
    const k = sink();
    adapter.start(k.s);
    expect(k.statuses).toEqual(['online']);
    expect(k.events.map((e) => [e.type, 'id' in e ? e.id : null, e.at])).toEqual([
      ['chat.started', null, T0],
      ['message', 'm1', T0 + 4_000],
      ['message', 'm2', T0 + 19_000],
      ['message', 'm3', T0 + 30_000],
    ]);
    expect(k.events[0]).toMatchObject({
      customer: { name: 'Dana Lee', tier: 'vip' },
      channel: 'web',
    });
    expect(k.events[3]).toMatchObject({ author: 'agent', internal: true });
  });

  it('follows the host’s focus, backfills each conversation and never emits an event twice', async () => {
    const { adapter, deliver } = await connected();
    const k = sink();
    adapter.start(k.s);
    const focused: string[] = [];
    adapter.onFocus((id) => focused.push(id));
    deliver({ playbook: 1, type: 'focus', chatId: 'desk-2', events: history('desk-2', 'Ola') });
    expect(focused).toEqual(['desk-2']);
    expect(k.events.filter((e) => e.chatId === 'desk-2')).toHaveLength(4);
    // Back to the first: the host sends its whole history again; nothing is re-sent.
    const before = k.events.length;
    deliver({ playbook: 1, type: 'focus', chatId: 'desk-1', events: history('desk-1') });
    expect(focused).toEqual(['desk-2', 'desk-1']);
    expect(k.events).toHaveLength(before);
    // New messages and the close arrive as events; repeats of them are dropped.
    const bot = {
      type: 'message',
      chatId: 'desk-1',
      id: 'm4',
      at: T0 + 40_000,
      author: 'bot',
      text: 'CSAT?',
    };
    const closed = { type: 'chat.closed', chatId: 'desk-1', at: T0 + 50_000 };
    deliver({ playbook: 1, type: 'events', events: [bot, closed] });
    deliver({ playbook: 1, type: 'events', events: [bot, closed] });
    expect(k.events.slice(before).map((e) => e.type)).toEqual(['message', 'chat.closed']);
    // A well-formed type the timers ignore is no error and no event.
    deliver({
      playbook: 1,
      type: 'events',
      events: [{ type: 'agent.typing', chatId: 'desk-1', at: T0 }],
    });
    expect(k.events).toHaveLength(before + 2);
  });

  it('catches up a focus change that came while the shell was starting', async () => {
    const { adapter, deliver } = await connected();
    deliver({ playbook: 1, type: 'focus', chatId: 'desk-9' });
    const focused: string[] = [];
    adapter.onFocus((id) => focused.push(id));
    expect(focused).toEqual([]);
    await Promise.resolve();
    expect(focused).toEqual(['desk-9']);
  });

  it('reads a later context as a conversation switch, keeping agent and settings', async () => {
    const { adapter, deliver, ctx } = await connected();
    const focused: string[] = [];
    adapter.onFocus((id) => focused.push(id));
    deliver(context('desk-3', { agent: { id: 'someone-else' } }));
    expect(focused).toEqual(['desk-3']);
    expect(ctx.agent.id).toBe('a-3');
  });

  it('takes JSON text messages as well as objects', async () => {
    const f = fake();
    const connecting = f.adapter.connect();
    f.deliver(JSON.stringify(hello));
    f.deliver(JSON.stringify(context(null)));
    expect((await connecting).chatId).toBeNull();
  });

  it('loops the agent’s ticks and notes back as events (no server)', async () => {
    const { adapter } = await connected();
    const k = sink();
    adapter.start(k.s);
    const tick: ChatEvent = {
      type: 'playbook.check',
      chatId: 'desk-1',
      at: T0,
      item: 'history',
      checked: true,
    };
    await adapter.send(tick);
    expect(k.events.at(-1)).toBe(tick);
  });

  it('posts a chosen reply to the host page’s exact origin', async () => {
    const { adapter, posted } = await connected();
    const reply = {
      chatId: 'desk-1',
      sopId: 'CS-PR-001',
      replyId: 'r-label-sent',
      text: 'All set, Dana',
    };
    await expect(adapter.insertReply!(reply)).resolves.toBe('inserted');
    expect(posted.at(-1)).toEqual({
      message: {
        playbook: 1,
        type: 'reply',
        chatId: 'desk-1',
        text: 'All set, Dana',
        sopId: 'CS-PR-001',
        replyId: 'r-label-sent',
      },
      targetOrigin: DESK,
    });
  });

  it('asks the host page to open a chat the agent picked, at its exact origin', async () => {
    const { adapter, posted } = await connected();
    posted.length = 0;
    adapter.openChat!('desk-2');
    expect(posted).toEqual([
      { message: { playbook: 1, type: 'open', chatId: 'desk-2' }, targetOrigin: DESK },
    ]);
  });

  it('stops listening when disposed', async () => {
    const { adapter, listeners } = await connected();
    adapter.dispose();
    expect(listeners.size).toBe(0);
    await expect(adapter.insertReply!({ chatId: 'desk-1', text: 'x' })).rejects.toThrow();
  });
});

describe('createBridgeAdapter: settings', () => {
  it('merges settings sent before the context; later ones are reported, not applied', async () => {
    const f = fake();
    const connecting = f.adapter.connect();
    f.deliver(hello);
    f.deliver({
      playbook: 1,
      type: 'settings',
      settings: { library: 'https://sops.acme.com/index.json', tierField: 'plan' },
    });
    f.deliver({
      ...context(),
      settings: { thresholds: { firstResponseS: 20, firstResponseWarnS: 10 } },
    });
    expect((await connecting).settings).toEqual({
      library: 'https://sops.acme.com/index.json',
      tierField: 'plan',
      thresholds: { firstResponseS: 20, firstResponseWarnS: 10 },
    });
    f.deliver({
      playbook: 1,
      type: 'settings',
      settings: { library: 'https://other.example/x.json' },
    });
    expect(f.reports.map(([kind]) => kind)).toEqual(['settings-late']);
  });

  it('drops a bad field, keeps the rest, and reports it once', async () => {
    const f = fake();
    const connecting = f.adapter.connect();
    f.deliver(hello);
    f.deliver({
      ...context(),
      settings: {
        library: 'javascript:alert(1)',
        serverUrl: 'ws://playbook.acme.com',
        thresholds: 42,
        tierField: 'org.tier',
      },
    });
    expect((await connecting).settings).toEqual({ tierField: 'org.tier' });
    expect(f.reports).toHaveLength(1);
    expect(f.reports[0]![0]).toBe('settings');
    expect(f.reports[0]![1]).toContain('context.settings.library');
    expect(f.reports[0]![1]).toContain('context.settings.serverUrl');
    expect(f.reports[0]![1]).toContain('context.settings.thresholds');
  });

  it('never pairs the team’s token URL with a server the host page chose elsewhere', async () => {
    const base = `${APP}/hosts/bridge/index.html`;
    const ok = (serverUrl: string, tokenUrl: string, host = DESK) =>
      tokenUrlAllowed({ serverUrl, tokenUrl }, host, APP, base);
    expect(ok('wss://playbook.acme.com', `${DESK}/playbook/token`)).toBe(true);
    expect(ok('wss://playbook.acme.com', 'https://playbook.acme.com/token')).toBe(true);
    expect(ok('https://playbook.acme.com', '/token')).toBe(true); // the app's own origin
    expect(ok('wss://evil.example', `${DESK}/playbook/token`, EVIL)).toBe(false);
    expect(ok('wss://evil.example', 'https://auth.acme.com/token')).toBe(false);

    const f = fake();
    const connecting = f.adapter.connect();
    f.deliver(hello);
    f.deliver({
      ...context(),
      settings: { serverUrl: 'wss://evil.example', tokenUrl: 'https://auth.acme.com/token' },
    });
    expect((await connecting).settings).toEqual({});
    expect(f.reports[0]![1]).toContain('tokenUrl');
  });

  it('passes a well-formed server pair on', async () => {
    const f = fake();
    const connecting = f.adapter.connect();
    f.deliver(hello);
    f.deliver({
      ...context(),
      settings: { serverUrl: 'https://playbook.acme.com', tokenUrl: `${DESK}/playbook/token` },
    });
    expect((await connecting).settings).toEqual({
      serverUrl: 'https://playbook.acme.com',
      tokenUrl: `${DESK}/playbook/token`,
    });
    expect(f.reports).toEqual([]);
  });
});

describe('createBridgeAdapter: what changes nothing', () => {
  async function running() {
    const c = await connected();
    const k = sink();
    c.adapter.start(k.s);
    const focused: string[] = [];
    c.adapter.onFocus((id) => focused.push(id));
    const count = k.events.length;
    c.posted.length = 0;
    return { ...c, k, focused, count };
  }
  const evilEvent = { type: 'chat.started', chatId: 'evil-1', at: T0 };

  it('ignores other origins and other windows, reports each once, never posts to them', async () => {
    const r = await running();
    r.deliver({ playbook: 1, type: 'events', events: [evilEvent] }, EVIL);
    r.deliver({ playbook: 1, type: 'focus', chatId: 'evil-1' }, EVIL);
    r.deliver({ playbook: 1, type: 'hello' }, EVIL);
    // An allowed origin, but from a window that is not the parent (e.g. a nested frame).
    r.deliver({ playbook: 1, type: 'events', events: [evilEvent] }, DESK, { other: true });
    // The app's own window: not a host, silently not ours.
    r.deliver({ playbook: 1, type: 'events', events: [evilEvent] }, APP, r.win);
    expect(r.k.events).toHaveLength(r.count);
    expect(r.focused).toEqual([]);
    expect(r.reports.map(([kind]) => kind)).toEqual(['origin', 'source']);
    expect(r.posted.every((p) => p.targetOrigin === DESK)).toBe(true);
    expect(r.posted.map((p) => p.message.kind)).toEqual(['origin', 'source']);
  });

  it('tells the widget (its error event) of each kind once, including what came before it started', async () => {
    const c = await connected();
    c.deliver({ playbook: 1, type: 'events', events: [evilEvent] }, EVIL);
    const errors: string[] = [];
    const k = sink();
    c.adapter.start({ ...k.s, error: (message) => errors.push(message) });
    expect(errors).toEqual([expect.stringMatching(/^bridge: .*evil\.example/)]);
    c.deliver({ playbook: 2, type: 'focus', chatId: 'desk-1' });
    c.deliver({ playbook: 2, type: 'focus', chatId: 'desk-1' });
    c.deliver({ playbook: 1, type: 'focus', chatId: 'desk-1' }, EVIL);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatch(/^bridge: a message of bridge version 2/);
  });

  it('ignores a hello from a second allowed origin', async () => {
    const r = await running();
    r.deliver(hello, DESK2);
    r.deliver({ playbook: 1, type: 'events', events: [evilEvent] }, DESK2);
    expect(r.adapter.hostOrigin).toBe(DESK);
    expect(r.k.events).toHaveLength(r.count);
    expect(r.reports.map(([kind]) => kind)).toEqual(['hello', 'order']);
    expect(r.posted.every((p) => p.targetOrigin === DESK)).toBe(true);
  });

  it('ignores far too large, too deep, and wrongly shaped messages', async () => {
    const r = await running();
    const big = {
      type: 'message',
      chatId: 'desk-1',
      id: 'big',
      at: T0,
      author: 'customer',
      text: 'x'.repeat(10_000),
    };
    r.deliver({ playbook: 1, type: 'events', events: Array.from({ length: 120 }, () => big) });
    r.deliver('{"playbook":1,"type":"events","events":[]}'.padEnd(1_100_000, ' '));
    let deep: unknown = { type: 'chat.started', chatId: 'deep', at: T0 };
    for (let i = 0; i < 40; i += 1) deep = { nested: deep };
    r.deliver({ playbook: 1, type: 'events', events: [deep] });
    r.deliver({ playbook: 1, type: 'events', events: 'nope' });
    r.deliver({ playbook: 1, type: 'events', events: [evilEvent], when: new Date() });
    r.deliver({ playbook: 2, type: 'events', events: [evilEvent] });
    r.deliver({ type: 'events', events: [evilEvent] });
    r.deliver(['playbook', 1]);
    r.deliver('not json');
    r.deliver({ playbook: 1, type: 'surprise' });
    r.deliver({ playbook: 1, type: 'focus', chatId: 42 });
    r.deliver({ playbook: 1, type: 'events', events: Array.from({ length: 5001 }, () => 1) });
    expect(r.k.events).toHaveLength(r.count);
    expect(r.focused).toEqual([]);
    expect(r.reports.map(([kind]) => kind)).toEqual([
      'size',
      'depth',
      'events',
      'shape',
      'version',
      'type',
      'focus',
    ]);
  });

  it('drops invalid events one by one, keeps the valid ones, reports once', async () => {
    const r = await running();
    const good = {
      type: 'message',
      chatId: 'desk-1',
      id: 'm9',
      at: T0 + 50_000,
      author: 'customer',
      text: 'ok',
    };
    r.deliver({
      playbook: 1,
      type: 'events',
      events: [
        {
          type: 'message',
          chatId: 'desk-1',
          id: 'm8',
          at: 'yesterday',
          author: 'customer',
          text: 'x',
        },
        good,
        { type: 'message', chatId: 'desk-1', author: 'wizard' },
      ],
    });
    expect(r.k.events.slice(r.count).map((e) => ('id' in e ? e.id : e.type))).toEqual(['m9']);
    expect(r.reports).toHaveLength(1);
    expect(r.reports[0]![0]).toBe('event');
    expect(r.reports[0]![1]).toContain('events[0]: at:');
  });

  it('ignores anything but hello before hello', async () => {
    const f = fake();
    void f.adapter.connect().catch(() => {});
    f.deliver(context());
    expect(f.reports.map(([kind]) => kind)).toEqual(['order']);
    expect(f.posted).toEqual([]); // nobody said hello: the app posts to no one
    f.adapter.dispose();
  });

  it('ignores a context with a bad agent (and keeps waiting)', async () => {
    vi.useFakeTimers();
    const f = fake();
    const result = f.adapter.connect().catch((e: unknown) => e);
    f.deliver(hello);
    f.deliver({ ...context(), agent: { id: '', name: '<img src=x onerror=alert(1)>' } });
    expect(f.reports.map(([kind]) => kind)).toEqual(['context']);
    f.deliver(context());
    vi.advanceTimersByTime(6_000);
    expect(await result).toMatchObject({ agent: { id: 'a-3' } });
  });
});

describe('jsonSize', () => {
  it('estimates UTF-8 JSON size, stops past the limit, refuses non-JSON values', () => {
    const size = jsonSize({ a: 'é', b: [1, true, null] }, 100)!;
    const bytes = new TextEncoder().encode(JSON.stringify({ a: 'é', b: [1, true, null] })).length;
    expect(size).toBeGreaterThanOrEqual(bytes);
    expect(size).toBeLessThan(bytes + 12);
    expect(jsonSize('x'.repeat(2_000), 1_000)).toBeGreaterThan(1_000);
    expect(jsonSize({ when: new Date() }, 1_000)).toBeNull();
    expect(jsonSize({ n: 10n }, 1_000)).toBeNull();
    expect(jsonSize(new Map(), 1_000)).toBeNull();
  });
});
