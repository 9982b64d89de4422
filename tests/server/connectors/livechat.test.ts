// The LiveChat connector against payloads written from LiveChat's own documentation.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  type AuditChat,
  auditEvent,
  auditReport,
  createAuditRun,
  DEFAULT_CONFIG,
  validateEvent,
} from '../../../src/core/index.ts';
import type { ChatEvent } from '../../../src/core/types.ts';
import { livechatConnector } from '../../../src/server/connectors/livechat.ts';
import type { ProtocolEventObject, WebhookRequest } from '../../../src/server/connectors/types.ts';
import { timelineOf } from '../../support/events.ts';

type Json = Record<string, unknown>;

function fixture<T = Json>(name: string): T {
  const url = new URL(`./fixtures/livechat/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

const SECRET = 'laudla991lamda0pnoaa0';
const CHAT_ID = 'livechat-PJ0MRSHTDG-K600PKZON8';
const NOW = Date.parse('2026-11-23T10:05:00Z');

function request(body: string | Buffer, headers: WebhookRequest['headers'] = {}): WebhookRequest {
  return {
    headers: { 'content-type': 'application/json', ...headers },
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    url: '/v1/connectors/livechat/acme',
    now: NOW,
  };
}

function validated(events: readonly ProtocolEventObject[]): ChatEvent[] {
  return events.map((event) => {
    const result = validateEvent(event);
    expect(result, JSON.stringify(event)).toMatchObject({ kind: 'event' });
    return (result as { kind: 'event'; event: ChatEvent }).event;
  });
}

function audit(events: readonly ChatEvent[]): AuditChat {
  const run = createAuditRun(DEFAULT_CONFIG);
  for (const event of events) auditEvent(run, event);
  expect(run.needsReplay.size).toBe(0);
  const report = auditReport(run);
  expect(report.chats).toHaveLength(1);
  return report.chats[0]!;
}

function webhookEvents(bodies: readonly unknown[], options = {}): ProtocolEventObject[] {
  const events: ProtocolEventObject[] = [];
  for (const body of bodies) {
    const mapping = livechatConnector.mapWebhook(body, options);
    if (mapping.kind === 'events') events.push(...mapping.events);
  }
  return events;
}

// Webhook bodies follow the LiveChat webhooks v3.5 reference
// https://platform.text.com/docs/management/webhooks/v3.5 (incoming_chat, incoming_event,
// chat_deactivated: `webhook_id`, `secret_key`, `action`, `organization_id`, `payload`,
// `additional_data`), with the Chat, Thread, User and Event structures of
// https://platform.text.com/docs/messaging/agent-chat-api/v3.5/data-structures, the
// `lc2.welcome_message` / `source.customer_client_id` properties of
// https://platform.text.com/docs/messaging/references/default-properties and the
// `manual_archived_agent` system message of
// https://platform.text.com/docs/messaging/references/system-messages. The agent id is the
// agent's e-mail and the bot id a generated hex id, as in Create Agent / Create Bot of
// https://platform.text.com/docs/management/configuration-api/v3.5.
const sequence = fixture<Json[]>('webhook-sequence.json');

// `chat_transferred` of the same webhooks v3.5 reference: `chat_id`, `thread_id` ("present if
// the chat is active"), `requester_id`, `reason`, `transferred_to` ("IDs of the groups and
// agents the chat is assigned to after the transfer") and `queue` ("present if the chat is
// queued after the transfer": position, wait_time, queued_at_us). The sequence's chat goes to
// agent jones@example.com, then to a group where it waits in the queue; the last transfer is
// of a chat no longer active (no thread_id).
const transfers = fixture<Json[]>('webhook-chat-transferred.json');

describe('livechat webhooks', () => {
  it('maps a chat from start to close, each event valid', () => {
    const mappings = sequence.map((body) => livechatConnector.mapWebhook(body, {}));
    expect(mappings.map((m) => m.kind)).toEqual([
      'events',
      'events',
      'events',
      'events',
      'events',
      'events',
      'events',
      'ignored', // chat_deactivated: no time in its payload; the close came with event 8
    ]);
    const events = webhookEvents(sequence);
    validated(events);
    expect(events).toEqual([
      {
        type: 'chat.started',
        chatId: CHAT_ID,
        at: Date.parse('2026-11-23T10:00:00.000Z'),
        customer: { id: 'b7eff798-f8df-4364-8059-649c35c9ed0c', name: 'Dana Lee' },
        channel: 'c6e4f62e2a2dab12531235b12c5a2a6b',
        assignee: 'smith@example.com',
      },
      {
        type: 'message',
        chatId: CHAT_ID,
        id: 'K600PKZON8_1',
        at: Date.parse('2026-11-23T10:00:00.104Z'),
        author: 'system',
        text: '[prechat form] Name: Dana Lee; E-mail: dana.lee@example.com',
      },
      {
        // The welcome message LiveChat sends in the agent's name: automatic, so a bot's.
        type: 'message',
        chatId: CHAT_ID,
        id: 'K600PKZON8_2',
        at: Date.parse('2026-11-23T10:00:00.131Z'),
        author: 'bot',
        text: 'Hello. How may I help you?',
      },
      {
        type: 'message',
        chatId: CHAT_ID,
        id: 'K600PKZON8_3',
        at: Date.parse('2026-11-23T10:00:04.250Z'),
        author: 'customer',
        text: 'Hi, my order never arrived',
      },
      {
        type: 'message',
        chatId: CHAT_ID,
        id: 'K600PKZON8_4',
        at: Date.parse('2026-11-23T10:00:19.812Z'),
        author: 'agent',
        agentId: 'smith@example.com',
        text: 'Hi Dana! Sorry to hear that. Let me check your order.',
      },
      {
        type: 'message',
        chatId: CHAT_ID,
        id: 'K600PKZON8_5',
        at: Date.parse('2026-11-23T10:00:30.000Z'),
        author: 'agent',
        agentId: 'smith@example.com',
        internal: true,
        text: 'Customer is VIP, expedite the replacement',
      },
      {
        type: 'message',
        chatId: CHAT_ID,
        id: 'K600PKZON8_6',
        at: Date.parse('2026-11-23T10:01:02.500Z'),
        author: 'bot',
        text: 'While you wait: every order can be tracked at shop.example.com/orders.',
      },
      {
        type: 'message',
        chatId: CHAT_ID,
        id: 'K600PKZON8_7',
        at: Date.parse('2026-11-23T10:02:10.000Z'),
        author: 'agent',
        agentId: 'smith@example.com',
        text: 'Found it, Dana: it ships today by express. Anything else I can help with?',
      },
      {
        type: 'message',
        chatId: CHAT_ID,
        id: 'K600PKZON8_8',
        at: Date.parse('2026-11-23T10:03:00.250Z'),
        author: 'system',
        text: 'Agent Smith archived the chat',
      },
      { type: 'chat.closed', chatId: CHAT_ID, at: Date.parse('2026-11-23T10:03:00.250Z') },
    ]);
  });

  it('gives the timing the live-chat standard reads from that chat', () => {
    const chat = audit(validated(webhookEvents(sequence)));
    expect(chat).toMatchObject({
      chatId: CHAT_ID,
      firstResponseS: 19.812,
      firstResponseBreached: false,
      greetedByName: true,
      // "Let me check" puts the customer on hold until the next public agent message.
      longestGapS: 110.188,
      gapBreaches: 0,
      gapWarnings: 1,
      closed: true,
    });
  });

  it('reads tier and channel from the fields the team names', () => {
    const [start] = webhookEvents(sequence.slice(0, 1), {
      tierField: 'session_fields.tier',
      channelField: 'thread.properties.routing.start_url',
    });
    expect(start).toMatchObject({
      customer: { tier: 'vip' },
      channel: 'https://shop.example.com/orders',
    });
    const [byProperty] = webhookEvents(sequence.slice(0, 1), {
      tierField: 'properties.routing.was_pinned',
      channelField: 'access.group_ids.0',
    });
    expect(byProperty).toMatchObject({ customer: { tier: 'true' }, channel: '0' });
    const [none] = webhookEvents(sequence.slice(0, 1), { tierField: 'session_fields.plan' });
    expect((none as Json).customer).not.toHaveProperty('tier');
  });

  // Other actions of the same webhooks v3.5 reference, and an event of type `custom`
  // (Agent Chat API v3.5 data structures): accepted and counted, nothing stored.
  it('ignores actions and event types it does not use', () => {
    for (const body of fixture<Json[]>('webhooks-ignored.json')) {
      expect(livechatConnector.mapWebhook(body, {})).toMatchObject({ kind: 'ignored' });
    }
    expect(livechatConnector.mapWebhook({ action: 'agent_created', payload: {} }, {})).toEqual({
      kind: 'ignored',
      type: 'agent_created',
    });
  });

  it('names the field of a malformed payload of a type it uses', () => {
    const cases: [(body: Json) => void, string][] = [
      [(b) => delete (b.payload as Json).chat_id, 'payload.chat_id: must be a non-empty string'],
      [(b) => ((b.payload as Json).event = 'hi'), 'payload.event: must be an object'],
      [(b) => delete event(b).created_at, 'payload.event.created_at: must be an RFC 3339 time'],
      [(b) => (event(b).created_at = '11/23/2026'), 'payload.event.created_at: must be an RFC'],
      [(b) => (event(b).text = 42), 'payload.event.text: must be a string'],
      [(b) => delete event(b).author_id, 'payload.event.author_id: must be a non-empty string'],
      [(b) => (event(b).visibility = 'me'), 'payload.event.visibility: must be "all" or "agents"'],
      [
        (b) => (event(b).id = 'x'.repeat(201)),
        'payload.event.id: is 201 characters, more than 200',
      ],
    ];
    for (const [spoil, error] of cases) {
      const body = structuredClone(sequence[1]!);
      spoil(body);
      const mapping = livechatConnector.mapWebhook(body, {});
      expect(mapping).toMatchObject({ kind: 'invalid', type: 'incoming_event' });
      expect((mapping as { error: string }).error).toContain(error);
    }
    const chat = structuredClone(sequence[0]!);
    delete ((chat.payload as Json).chat as Json).thread;
    expect(livechatConnector.mapWebhook(chat, {})).toMatchObject({
      kind: 'invalid',
      type: 'incoming_chat',
      error: expect.stringContaining('payload.chat.thread: must be an object'),
    });
    expect(livechatConnector.mapWebhook([], {})).toMatchObject({
      kind: 'invalid',
      error: expect.stringContaining('body: must be a JSON object'),
    });
    expect(livechatConnector.mapWebhook({ payload: {} }, {})).toMatchObject({
      kind: 'invalid',
      error: expect.stringContaining('action: must be a non-empty string'),
    });
  });

  it('clips long names and texts, and refuses an over-long id', () => {
    const chat = structuredClone(sequence[0]!);
    const users = ((chat.payload as Json).chat as Json).users as Json[];
    users[0]!.name = 'N'.repeat(500);
    const [start] = webhookEvents([chat]);
    expect(((start as Json).customer as Json).name).toHaveLength(200);
    users[0]!.id = 'c'.repeat(201);
    expect(livechatConnector.mapWebhook(chat, {})).toMatchObject({
      kind: 'invalid',
      error: expect.stringContaining('payload.chat.users[0].id: is 201 characters'),
    });
    const long = structuredClone(sequence[1]!);
    event(long).text = 'a'.repeat(30_000);
    const [message] = webhookEvents([long]);
    expect((message as Json).text).toHaveLength(20_000);
    validated([message!]);
  });
});

function event(body: Json): Json {
  return (body.payload as Json).event as Json;
}

// Authenticity: LiveChat sends the `secret_key` given at registration in every webhook body
// (Register Webhook, https://platform.text.com/docs/management/configuration-api/v3.5#register-webhook;
// Chat Webhooks block, https://platform.text.com/docs/getting-started/app-guides/chat-webhooks);
// it has no signature header and no timestamp.
describe('livechat transfers', () => {
  /** When serve received the webhook: the time of a transfer, which carries none itself. */
  const RECEIVED = Date.parse('2026-11-23T10:01:05.250Z');

  function ownerAfter(events: readonly ProtocolEventObject[]): string | null {
    const state = timelineOf(validated(events)).state;
    if (!state) throw new Error('no chat');
    return state.owner;
  }

  it('hands the chat to the agent it is transferred to, and to the queue for a group', () => {
    const mapped = transfers.map((body) => livechatConnector.mapWebhook(body, {}, RECEIVED));
    expect(mapped).toEqual([
      {
        kind: 'events',
        type: 'chat_transferred',
        events: [
          { type: 'chat.assigned', chatId: CHAT_ID, at: RECEIVED, agentId: 'jones@example.com' },
        ],
      },
      {
        kind: 'events',
        type: 'chat_transferred',
        // Queued by the transfer: the queue's own time, not the receipt.
        events: [
          {
            type: 'chat.assigned',
            chatId: CHAT_ID,
            at: Date.parse('2026-11-23T10:01:30.909Z'),
            agentId: null,
          },
        ],
      },
      // No thread: the chat is not active, there is no conversation to hand over.
      { kind: 'ignored', type: 'chat_transferred' },
    ]);
    const start = webhookEvents(sequence.slice(0, 4));
    expect(ownerAfter(start)).toBe('smith@example.com');
    const [toJones, toQueue] = mapped.map((m) => (m.kind === 'events' ? m.events : []));
    expect(ownerAfter([...start, ...toJones!])).toBe('jones@example.com');
    expect(ownerAfter([...start, ...toJones!, ...toQueue!])).toBeNull();
  });

  it('skips bots among the agents, and ignores a transfer it cannot time', () => {
    const toBot = structuredClone(transfers[0]!);
    (toBot.payload as Json).transferred_to = {
      agent_ids: ['505591fc9fc2d6e92798bed7d9d8f079', 'jones@example.com'],
    };
    expect(livechatConnector.mapWebhook(toBot, {}, RECEIVED)).toMatchObject({
      events: [{ agentId: 'jones@example.com' }],
    });
    (toBot.payload as Json).transferred_to = { agent_ids: ['505591fc9fc2d6e92798bed7d9d8f079'] };
    expect(livechatConnector.mapWebhook(toBot, {}, RECEIVED)).toMatchObject({
      events: [{ agentId: null }],
    });
    // Mapped without a receipt time (no server clock), an untimed transfer stores nothing.
    expect(livechatConnector.mapWebhook(transfers[0], {})).toEqual({
      kind: 'ignored',
      type: 'chat_transferred',
    });
  });

  it('names the field of a malformed transfer', () => {
    const cases: [(payload: Json) => void, string][] = [
      [(p) => delete p.transferred_to, 'payload.transferred_to: must be an object'],
      [(p) => ((p.transferred_to as Json).agent_ids = 'jones'), 'agent_ids: must be an array'],
      [(p) => ((p.transferred_to as Json).agent_ids = [7]), 'agent_ids[0]: must be a non-empty'],
      [(p) => delete p.chat_id, 'payload.chat_id: must be a non-empty string'],
      [(p) => (p.queue = { queued_at_us: 'now' }), 'payload.queue.queued_at_us: must be an RFC'],
    ];
    for (const [spoil, error] of cases) {
      const body = structuredClone(transfers[0]!);
      spoil(body.payload as Json);
      const mapping = livechatConnector.mapWebhook(body, {}, RECEIVED);
      expect(mapping).toMatchObject({ kind: 'invalid', type: 'chat_transferred' });
      expect((mapping as { error: string }).error).toContain(error);
    }
  });
});

describe('livechat verify', () => {
  const raw = JSON.stringify(sequence[1]);

  it('accepts the secret_key the team registered', () => {
    expect(livechatConnector.verify(request(raw), SECRET)).toEqual({ ok: true });
  });

  it('refuses another secret, without echoing either', () => {
    const check = livechatConnector.verify(request(raw), 'another-secret');
    expect(check).toEqual({
      ok: false,
      error: "secret_key: does not match this team's LiveChat secret",
    });
    expect(JSON.stringify(check)).not.toContain(SECRET);
  });

  it('refuses a body altered to carry another secret_key', () => {
    const altered = raw.replace(SECRET, 'laudla991lamda0pnoaa1');
    expect(livechatConnector.verify(request(altered), SECRET)).toMatchObject({ ok: false });
    const prefix = raw.replace(SECRET, `${SECRET}x`);
    expect(livechatConnector.verify(request(prefix), SECRET)).toMatchObject({ ok: false });
  });

  it('refuses a body without its secret_key (the token stands for a signature header)', () => {
    const body = structuredClone(sequence[1]!);
    delete body.secret_key;
    expect(livechatConnector.verify(request(JSON.stringify(body)), SECRET)).toEqual({
      ok: false,
      error: 'secret_key: missing from the webhook body',
    });
    expect(livechatConnector.verify(request('not json'), SECRET)).toMatchObject({ ok: false });
    expect(livechatConnector.verify(request('[]'), SECRET)).toMatchObject({ ok: false });
  });

  it('refuses everything when no secret is configured', () => {
    const body = JSON.stringify({ ...sequence[1], secret_key: '' });
    expect(livechatConnector.verify(request(body), '')).toMatchObject({ ok: false });
  });

  it('has no timestamp to go stale, and no header to check', () => {
    // An old delivery with the right token passes: LiveChat's scheme carries no time (a
    // replayed message is a duplicate by (chatId, id) in the store).
    const late = { ...request(raw), now: NOW + 365 * 86_400_000 };
    expect(livechatConnector.verify(late, SECRET)).toEqual({ ok: true });
    // The token covers who sent the body, not what it says: the rest of the body is only
    // protected by HTTPS (docs/integrations/livechat-connector.md, Notes).
    const edited = raw.replace('never arrived', 'arrived broken');
    expect(edited).not.toBe(raw);
    expect(livechatConnector.verify(request(edited), SECRET)).toEqual({ ok: true });
  });
});

// Export: the Get Chat response of https://platform.text.com/docs/messaging/agent-chat-api/v3.5#get-chat
// (a chat with its `thread`, `events` and `users`), and a List Archives page of
// https://platform.text.com/docs/messaging/agent-chat-api/v3.5#list-archives ("1 chat per 1 thread").
describe('livechat export', () => {
  const getChat = fixture('get_chat.json');

  it('maps one archived conversation to the same events as its webhooks', () => {
    const mapping = livechatConnector.mapExport(getChat, {});
    expect(mapping.kind).toBe('events');
    if (mapping.kind !== 'events') return;
    expect(mapping.chatId).toBe(CHAT_ID);
    validated(mapping.events);
    expect(mapping.events).toEqual(webhookEvents(sequence));
  });

  it('gives the same timing as the live webhooks', () => {
    const live = audit(validated(webhookEvents(sequence)));
    const mapping = livechatConnector.mapExport(getChat, {});
    if (mapping.kind !== 'events') throw new Error(mapping.error);
    const exported = audit(validated(mapping.events));
    for (const key of ['firstResponseS', 'longestGapS', 'greetedByName', 'closed'] as const) {
      expect(exported[key], key).toEqual(live[key]);
    }
  });

  it('takes one List Archives item per record, closed at its last event when archived', () => {
    const page = fixture<{ chats: Json[] }>('list_archives.json');
    expect(livechatConnector.mapExport(page, {})).toMatchObject({
      kind: 'invalid',
      error: expect.stringContaining('chats: is a whole List Archives page'),
    });
    const mapping = livechatConnector.mapExport(page.chats[0], { tierField: 'tag:tier-' });
    if (mapping.kind !== 'events') throw new Error(mapping.error);
    expect(mapping.events[0]).toMatchObject({ type: 'chat.started', customer: { tier: 'vip' } });
    // This item has no archiving system message: `active: false` closes it at its last event.
    expect(mapping.events.at(-1)).toEqual({
      type: 'chat.closed',
      chatId: CHAT_ID,
      at: Date.parse('2026-11-23T10:02:10.000Z'),
    });
    const chat = audit(validated(mapping.events));
    const live = audit(validated(webhookEvents(sequence)));
    expect(chat.firstResponseS).toBe(live.firstResponseS);
    expect(chat.longestGapS).toBe(live.longestGapS);
    expect(chat.greetedByName).toBe(true);
    expect(chat.closed).toBe(true);
  });

  it('names the field of a malformed record', () => {
    const record = structuredClone(getChat);
    ((record.thread as Json).events as Json[])[3]!.created_at = 1795428019;
    expect(livechatConnector.mapExport(record, {})).toEqual({
      kind: 'invalid',
      error: expect.stringContaining('thread.events[3].created_at: must be an RFC 3339 time'),
    });
    expect(livechatConnector.mapExport({ id: 'X', threads: [{}, {}] }, {})).toMatchObject({
      kind: 'invalid',
      error: expect.stringContaining('threads: holds 2 threads'),
    });
    expect(livechatConnector.mapExport('chat', {})).toMatchObject({ kind: 'invalid' });
  });
});

describe('livechat connector on arbitrary input', () => {
  const options = fc.record(
    {
      tierField: fc.oneof(
        fc.string(),
        fc.constantFrom('tag:tier-', 'session_fields.tier', 'customer.name', 'constructor.name'),
      ),
      channelField: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'thread.id')),
    },
    { requiredKeys: [] },
  );
  /** Mostly a well-formed value, sometimes any JSON value, sometimes absent (optional keys). */
  const mostly = <T>(valid: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: fc.jsonValue(), weight: 1 });
  const optional = <T extends Record<string, unknown>>(
    model: {
      [K in keyof T]: fc.Arbitrary<T[K]>;
    },
  ) =>
    fc.oneof(
      { arbitrary: fc.record(model), weight: 4 },
      { arbitrary: fc.record(model, { requiredKeys: [] }), weight: 1 },
    );
  const time = mostly(
    fc
      .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z') })
      .filter((d) => !Number.isNaN(d.getTime()))
      .map((d) => d.toISOString().replace('Z', '123Z')),
  );
  const id = mostly(
    fc.oneof(
      { arbitrary: fc.string({ minLength: 1, maxLength: 40 }), weight: 9 },
      {
        arbitrary: fc.string({ minLength: 190, maxLength: 210 }),
        weight: 1,
      },
    ),
  );
  const liveEvent = optional({
    id,
    type: mostly(
      fc.constantFrom('message', 'file', 'rich_message', 'system_message', 'filled_form', 'form'),
    ),
    created_at: time,
    author_id: mostly(
      fc.oneof(
        fc.constantFrom('smith@example.com', '505591fc9fc2d6e92798bed7d9d8f079', 'b7eff798'),
        fc.string({ minLength: 1, maxLength: 210 }),
      ),
    ),
    text: mostly(fc.string()),
    visibility: mostly(fc.constantFrom('all', 'agents')),
    system_message_type: fc.constantFrom('manual_archived_customer', 'routing.idle'),
    properties: mostly(fc.constant({ lc2: { welcome_message: true } })),
    fields: fc.jsonValue(),
    elements: fc.jsonValue(),
  });
  const user = optional({
    id,
    type: mostly(fc.constantFrom('customer', 'agent')),
    name: mostly(fc.string({ maxLength: 300 })),
    session_fields: mostly(fc.array(fc.dictionary(fc.constantFrom('tier', 'x'), fc.jsonValue()))),
  });
  const thread = optional({
    id,
    created_at: time,
    active: mostly(fc.boolean()),
    tags: mostly(fc.array(fc.string())),
    events: mostly(fc.array(liveEvent, { maxLength: 5 })),
  });
  const chat = optional({
    id,
    users: mostly(fc.array(user, { maxLength: 4 })),
    properties: fc.jsonValue(),
    thread,
  });
  const webhook = <T>(action: string, payload: fc.Arbitrary<T>) =>
    optional({
      secret_key: mostly(fc.constant(SECRET)),
      action: mostly(fc.constant(action)),
      payload,
    });
  const transfer = optional({
    chat_id: id,
    thread_id: id,
    transferred_to: mostly(
      optional({
        agent_ids: mostly(
          fc.array(
            fc.oneof(
              fc.constantFrom('jones@example.com', '505591fc9fc2d6e92798bed7d9d8f079'),
              fc.string({ maxLength: 210 }),
            ),
            { maxLength: 3 },
          ),
        ),
        group_ids: fc.jsonValue(),
      }),
    ),
    queue: mostly(optional({ queued_at_us: time })),
  });
  const body = fc.oneof(
    webhook('incoming_chat', optional({ chat })),
    webhook('incoming_event', optional({ chat_id: id, thread_id: id, event: liveEvent })),
    webhook('chat_deactivated', fc.jsonValue()),
    webhook('chat_transferred', transfer),
  );

  function checkEvents(events: readonly ProtocolEventObject[]) {
    for (const e of events) {
      const result = validateEvent(e);
      if (result.kind !== 'event')
        throw new Error(`${JSON.stringify(e)}: ${JSON.stringify(result)}`);
    }
  }

  it('never throws from mapWebhook, and every event it produces is valid', () => {
    const kinds = { events: 0, ignored: 0, invalid: 0 };
    fc.assert(
      fc.property(
        fc.oneof({ arbitrary: body, weight: 8 }, fc.jsonValue(), fc.anything()),
        options,
        (input, opts) => {
          const mapping = livechatConnector.mapWebhook(input, opts, NOW);
          kinds[mapping.kind] += 1;
          expect(['events', 'ignored', 'invalid']).toContain(mapping.kind);
          if (mapping.kind === 'events') checkEvents(mapping.events);
          if (mapping.kind === 'invalid') expect(mapping.error).toMatch(/^[\w.[\]]+: /);
        },
      ),
      { numRuns: 2000 },
    );
    // The generator reaches the mapping itself, not only the first refusal.
    expect(kinds.events).toBeGreaterThan(50);
  });

  it('never throws from mapExport, and every event it produces is valid', () => {
    let mapped = 0;
    fc.assert(
      fc.property(
        fc.oneof({ arbitrary: chat, weight: 8 }, fc.jsonValue(), fc.anything()),
        options,
        (input, opts) => {
          const mapping = livechatConnector.mapExport(input, opts);
          expect(['events', 'invalid']).toContain(mapping.kind);
          if (mapping.kind === 'events') {
            mapped += 1;
            checkEvents(mapping.events);
            for (const e of mapping.events) expect(e.chatId).toBe(mapping.chatId);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(mapped).toBeGreaterThan(50);
  });

  it('never throws from verify, and passes only the right secret_key', () => {
    const rawBody = fc.oneof(
      body.map((b) => Buffer.from(JSON.stringify(b))),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    );
    const headers = fc.dictionary(
      fc.string(),
      fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined)),
    );
    fc.assert(
      fc.property(
        rawBody,
        headers,
        fc.oneof(fc.constant(SECRET), fc.string()),
        (raw, h, secret) => {
          const check = livechatConnector.verify(
            { headers: h, rawBody: raw, url: '/v1/connectors/livechat/t', now: NOW },
            secret,
          );
          let key: unknown;
          try {
            key = (JSON.parse(raw.toString('utf8')) as Json)?.secret_key;
          } catch {
            key = undefined;
          }
          expect(check.ok).toBe(secret !== '' && key === secret);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('stays quick on huge strings', () => {
    const huge = 'x'.repeat(2_000_000);
    const body = structuredClone(sequence[1]!);
    event(body).text = huge;
    event(body).id = huge;
    const started = performance.now();
    expect(livechatConnector.mapWebhook(body, {})).toMatchObject({ kind: 'invalid' });
    expect(livechatConnector.verify(request(JSON.stringify(body)), SECRET)).toEqual({ ok: true });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
