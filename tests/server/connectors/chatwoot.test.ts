// The Chatwoot connector against payloads written from Chatwoot's own documentation and
// sources (fixtures in ./fixtures/chatwoot/; each use names the page it follows).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  auditEvent,
  auditReport,
  type ChatEvent,
  createAuditRun,
  DEFAULT_CONFIG,
  validateEvent,
} from '../../../src/core/index.ts';
import { chatwootConnector } from '../../../src/server/connectors/chatwoot.ts';
import type {
  MappingOptions,
  ProtocolEventObject,
  WebhookRequest,
} from '../../../src/server/connectors/types.ts';
import { timelineOf } from '../../support/events.ts';

type Obj = Record<string, unknown>;

function fixture<T = unknown>(name: string): T {
  const url = new URL(`./fixtures/chatwoot/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

const OPTIONS: MappingOptions = { tierField: 'contact.custom_attributes.tier' };
const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (seconds: number) => T0 + seconds * 1000;

/** Every event validates as a protocol event (what the route stores). */
function validated(events: readonly ProtocolEventObject[]): ChatEvent[] {
  return events.map((event) => {
    const result = validateEvent(event);
    expect(result, JSON.stringify(event)).toMatchObject({ kind: 'event' });
    return (result as { kind: 'event'; event: ChatEvent }).event;
  });
}

function audit(events: readonly ChatEvent[]) {
  const run = createAuditRun(DEFAULT_CONFIG);
  for (const event of events) auditEvent(run, event);
  const report = auditReport(run);
  expect(report.chats).toHaveLength(1);
  const chat = report.chats[0]!;
  return {
    firstResponseS: chat.firstResponseS,
    longestGapS: chat.longestGapS,
    greetedByName: chat.greetedByName,
    closed: chat.closed,
  };
}

function webhookEvents(payloads: readonly unknown[], options = OPTIONS): ProtocolEventObject[] {
  return payloads.flatMap((payload) => {
    const mapped = chatwootConnector.mapWebhook(payload, options);
    expect(mapped.kind, JSON.stringify(mapped)).toBe('events');
    return mapped.kind === 'events' ? mapped.events : [];
  });
}

// webhook-sequence.json follows the payload samples of
// https://www.chatwoot.com/docs/product/others/webhook-events (message_created: created_at an
// ISO string, message_type a name, `private`, `sender`, the conversation object embedded;
// conversation_* events: the conversation object itself with `event` and, for status changes,
// `changed_attributes`), with the fields current Chatwoot adds to the conversation object
// (created_at / updated_at / last_activity_at, labels, meta.assignee_type: see
// app/presenters/conversations/event_data_presenter.rb in chatwoot/chatwoot), senders as
// Contact#webhook_data (no `type`), User#webhook_data (`type: "user"`) and
// AgentBot#webhook_data (`type: "agent_bot"`) of app/models/*.rb in chatwoot/chatwoot.
// Order: conversation_created, incoming, bot reply, agent reply, incoming, private note,
// agent reply, incoming, conversation_status_changed (resolved).
const SEQUENCE = fixture<Obj[]>('webhook-sequence.json');

// conversation-export.json follows https://developers.chatwoot.com/api-reference/conversations/conversation-details
// (GET /api/v1/accounts/{account_id}/conversations/{id}) with its `messages` replaced by the
// `payload` of https://developers.chatwoot.com/api-reference/messages/get-messages
// (message_type 0–3, created_at in Unix seconds, sender with `type`), activity messages included.
const EXPORT = fixture<Obj>('conversation-export.json');

// webhook-reassignment.json: three conversation_updated webhooks of the same conversation,
// as WebhookListener#conversation_updated sends them: the conversation object
// (Conversations::EventDataPresenter#push_data, meta.assignee the agent's User#push_event_data)
// plus `event` and `changed_attributes`, one `{ <attribute>: { previous_value, current_value } }`
// per attribute the save changed (BaseListener#extract_changed_attributes). Chatwoot sends it
// when assignee_id, status, labels, priority … change (Conversation#notify_conversation_updation):
// https://github.com/chatwoot/chatwoot/blob/develop/app/listeners/webhook_listener.rb,
// https://github.com/chatwoot/chatwoot/blob/develop/app/listeners/base_listener.rb,
// https://github.com/chatwoot/chatwoot/blob/develop/app/models/conversation.rb.
// Order: agent 3 → agent 8 (with updated_at among the changes), labels only, agent 8 → nobody.
const REASSIGNED = fixture<Obj[]>('webhook-reassignment.json');

/** Who owns the chat once the engine has these events, in any order (protocol.md "Ownership"). */
function ownerAfter(events: readonly ProtocolEventObject[]): string | null {
  const state = timelineOf(validated(events)).state;
  if (!state) throw new Error('no chat');
  return state.owner;
}

// webhook-contact-created.json: the contact_created sample of
// https://www.chatwoot.com/docs/product/others/webhook-events (Contact#webhook_data + event).
const CONTACT_CREATED = fixture<Obj>('webhook-contact-created.json');

describe('chatwoot webhooks', () => {
  it('maps a whole chat: start, customer, bot, agent, private note, close', () => {
    const events = webhookEvents(SEQUENCE);
    const chatId = 'chatwoot-1042';
    expect(events).toEqual([
      {
        type: 'chat.started',
        chatId,
        at: at(0),
        customer: { id: '77', name: 'Dana Lee', tier: 'vip' },
        channel: 'WebWidget',
        assignee: '3',
      },
      {
        type: 'message',
        chatId,
        id: '5001',
        at: at(4),
        author: 'customer',
        text: 'Hi, my order never arrived',
      },
      {
        type: 'message',
        chatId,
        id: '5002',
        at: at(5),
        author: 'bot',
        text: 'Thanks for your message! An agent will be with you shortly.',
      },
      {
        type: 'message',
        chatId,
        id: '5003',
        at: at(23),
        author: 'agent',
        agentId: '3',
        text: 'Hi Dana! Sorry to hear that. Could you share the order number?',
      },
      { type: 'message', chatId, id: '5004', at: at(50), author: 'customer', text: "It's 1042" },
      {
        type: 'message',
        chatId,
        id: '5005',
        at: at(60),
        author: 'agent',
        agentId: '3',
        internal: true,
        text: 'Customer is VIP, order stuck at the depot',
      },
      {
        type: 'message',
        chatId,
        id: '5006',
        at: at(100),
        author: 'agent',
        agentId: '3',
        text: 'Thanks Dana, it ships today with express delivery.',
      },
      {
        type: 'message',
        chatId,
        id: '5007',
        at: at(120),
        author: 'customer',
        text: 'Great, thank you!',
      },
      // updated_at 1795428150.204718 (Unix seconds with a fraction) → ms, rounded.
      { type: 'chat.closed', chatId, at: at(150.205) },
    ]);
    const checked = validated(events);
    expect(audit(checked)).toEqual({
      firstResponseS: 23,
      longestGapS: 50,
      greetedByName: true,
      closed: true,
    });
  });

  it('gives the export of the same conversation the same timing', () => {
    const mapped = chatwootConnector.mapExport(EXPORT, OPTIONS);
    expect(mapped.kind).toBe('events');
    if (mapped.kind !== 'events') return;
    expect(mapped.chatId).toBe('chatwoot-1042');
    const fromExport = validated(mapped.events);
    const fromWebhooks = validated(webhookEvents(SEQUENCE));
    expect(audit(fromExport)).toEqual(audit(fromWebhooks));
    // Same start, customer, tier and channel as the webhook's chat.started.
    expect(mapped.events[0]).toEqual(webhookEvents(SEQUENCE)[0]);
    // Activity messages are system messages; the close is the last activity.
    expect(mapped.events.filter((e) => e.author === 'system').map((e) => e.id)).toEqual([
      '5000',
      '5008',
    ]);
    expect(mapped.events.at(-1)).toEqual({
      type: 'chat.closed',
      chatId: 'chatwoot-1042',
      at: at(150),
    });
  });

  it('accepts the messages endpoint response as it comes ({ meta, payload })', () => {
    const record = clone(EXPORT);
    record.messages = { meta: {}, payload: record.messages };
    expect(chatwootConnector.mapExport(record, OPTIONS)).toEqual(
      chatwootConnector.mapExport(EXPORT, OPTIONS),
    );
  });

  it('ignores events it does not use', () => {
    expect(chatwootConnector.mapWebhook(CONTACT_CREATED, OPTIONS)).toEqual({
      kind: 'ignored',
      type: 'contact_created',
    });
    for (const event of ['conversation_updated', 'message_updated', 'webwidget_triggered']) {
      const payload = { ...clone(SEQUENCE[1]!), event };
      expect(chatwootConnector.mapWebhook(payload, OPTIONS)).toEqual({
        kind: 'ignored',
        type: event,
      });
    }
    // A status change that does not resolve (reopened, pending, snoozed) stores nothing.
    const reopened = { ...clone(SEQUENCE[8]!), status: 'open' };
    expect(chatwootConnector.mapWebhook(reopened, OPTIONS)).toEqual({
      kind: 'ignored',
      type: 'conversation_status_changed',
    });
  });

  it('hands the chat to the agent it is reassigned to, and to the queue when unassigned', () => {
    const chatId = 'chatwoot-1042';
    expect(REASSIGNED.map((payload) => chatwootConnector.mapWebhook(payload, OPTIONS))).toEqual([
      {
        kind: 'events',
        type: 'conversation_updated',
        // The change's own updated_at (changed_attributes), 10:01:10.500.
        events: [{ type: 'chat.assigned', chatId, at: at(70.5), agentId: '8' }],
      },
      // Labels changed, not the assignee: nothing for ownership.
      { kind: 'ignored', type: 'conversation_updated' },
      {
        kind: 'events',
        type: 'conversation_updated',
        // No updated_at among the changes: the conversation's updated_at (Unix seconds).
        events: [{ type: 'chat.assigned', chatId, at: at(100.75), agentId: null }],
      },
    ]);
    const start = webhookEvents(SEQUENCE.slice(0, 2));
    const toPriya = webhookEvents([REASSIGNED[0]]);
    const unassigned = webhookEvents([REASSIGNED[2]]);
    expect(ownerAfter(start)).toBe('3');
    expect(ownerAfter([...start, ...toPriya])).toBe('8');
    // Agent 3 still writes in the chat after the transfer: the assignment stays with agent 8.
    expect(ownerAfter([...webhookEvents(SEQUENCE.slice(0, 8)), ...toPriya])).toBe('8');
    expect(ownerAfter([...start, ...toPriya, ...unassigned])).toBeNull();
  });

  it('refuses a malformed reassignment, naming the field', () => {
    const bad = clone(REASSIGNED[0]!);
    bad.changed_attributes = [{ assignee_id: { previous_value: 3, current_value: { id: 8 } } }];
    expect(chatwootConnector.mapWebhook(bad, OPTIONS)).toMatchObject({
      kind: 'invalid',
      type: 'conversation_updated',
      error: expect.stringMatching(/^changed_attributes\[0\]\.assignee_id\.current_value: /),
    });
  });

  it('refuses a malformed payload of a type it uses, naming the field', () => {
    const cases: Array<[Obj, string]> = [];
    const noTime = clone(SEQUENCE[1]!);
    delete noTime.created_at;
    cases.push([noTime, 'created_at: must be Unix seconds or an ISO-8601 time']);
    const badTime = { ...clone(SEQUENCE[1]!), created_at: 'yesterday' };
    cases.push([badTime, 'created_at: must be Unix seconds or an ISO-8601 time']);
    const noConversation = clone(SEQUENCE[1]!);
    delete noConversation.conversation;
    cases.push([noConversation, 'conversation: must be the conversation object']);
    const noConversationId = clone(SEQUENCE[1]!);
    delete (noConversationId.conversation as Obj).id;
    cases.push([noConversationId, 'conversation.id: must be a number or a non-empty string']);
    cases.push([{ ...clone(SEQUENCE[1]!), message_type: 'inbound' }, 'message_type: must be']);
    cases.push([{ ...clone(SEQUENCE[1]!), id: null }, 'id: must be a number']);
    cases.push([{ ...clone(SEQUENCE[5]!), private: 'yes' }, 'private: must be true or false']);
    cases.push([{ ...clone(SEQUENCE[1]!), content: { text: 'hi' } }, 'content: must be a string']);
    const noStart = clone(SEQUENCE[0]!);
    delete noStart.id;
    cases.push([noStart, 'id: must be a number or a non-empty string']);
    cases.push([{ ...clone(SEQUENCE[0]!), created_at: 'soon' }, 'created_at: must be']);
    cases.push([{ ...clone(SEQUENCE[8]!), status: 7 }, 'status: must be a non-empty string']);
    const noCloseTime = clone(SEQUENCE[8]!);
    for (const key of ['updated_at', 'last_activity_at', 'timestamp']) delete noCloseTime[key];
    cases.push([noCloseTime, 'updated_at: missing']);
    cases.push([{ ...clone(SEQUENCE[1]!), id: 'x'.repeat(201) }, 'id: is 201 characters']);
    for (const [payload, error] of cases) {
      const mapped = chatwootConnector.mapWebhook(payload, OPTIONS);
      expect(mapped.kind, error).toBe('invalid');
      if (mapped.kind === 'invalid') {
        expect(mapped.error.startsWith(error), `${mapped.error} ≠ ${error}`).toBe(true);
        expect(mapped.type).toBe(payload.event);
      }
    }
    expect(chatwootConnector.mapWebhook({ id: 1 }, OPTIONS)).toMatchObject({
      kind: 'invalid',
      error: 'event: must be a non-empty string (missing)',
    });
    expect(chatwootConnector.mapWebhook([SEQUENCE[1]], OPTIONS)).toMatchObject({ kind: 'invalid' });
  });

  it('refuses a malformed export record, naming the field', () => {
    const badMessage = clone(EXPORT);
    ((badMessage.messages as Obj[])[2] as Obj).created_at = 'noon';
    expect(chatwootConnector.mapExport(badMessage, OPTIONS)).toMatchObject({
      kind: 'invalid',
      error: expect.stringMatching(/^messages\[2\]\.created_at: /),
    });
    const noMessages = { ...clone(EXPORT), messages: 'none' };
    expect(chatwootConnector.mapExport(noMessages, OPTIONS)).toMatchObject({
      kind: 'invalid',
      error: expect.stringMatching(/^messages: /),
    });
    expect(chatwootConnector.mapExport(null, OPTIONS)).toMatchObject({ kind: 'invalid' });
  });

  it('reads message times as ISO strings, Ruby time strings or Unix seconds', () => {
    for (const created of ['2026-11-23T10:00:04.000Z', '2026-11-23 10:00:04 UTC', 1795428004]) {
      const payload = { ...clone(SEQUENCE[1]!), created_at: created };
      const mapped = chatwootConnector.mapWebhook(payload, OPTIONS);
      expect(mapped).toMatchObject({ kind: 'events', events: [{ at: at(4) }] });
    }
    // message_type as the API's number, sender typed by the API's sender_type.
    const numeric = {
      ...clone(SEQUENCE[3]!),
      message_type: 1,
      sender: { id: 3 },
      sender_type: 'User',
    };
    expect(chatwootConnector.mapWebhook(numeric, OPTIONS)).toMatchObject({
      events: [{ author: 'agent', agentId: '3' }],
    });
    const automated = { ...clone(SEQUENCE[3]!), sender: null };
    expect(chatwootConnector.mapWebhook(automated, OPTIONS)).toMatchObject({
      events: [{ author: 'bot' }],
    });
    const template = { ...clone(SEQUENCE[3]!), message_type: 'template' };
    expect(chatwootConnector.mapWebhook(template, OPTIONS)).toMatchObject({
      events: [{ author: 'bot' }],
    });
  });

  it('reads tier and channel where the team says', () => {
    const started = (options: MappingOptions, change: (c: Obj) => void = () => {}) => {
      const payload = clone(SEQUENCE[0]!);
      change(payload);
      const mapped = chatwootConnector.mapWebhook(payload, options);
      return mapped.kind === 'events' ? mapped.events[0] : undefined;
    };
    expect(started({})).not.toHaveProperty('customer.tier');
    expect(
      started({ tierField: 'label:tier-' }, (c) => (c.labels = ['orders', 'tier-gold'])),
    ).toMatchObject({
      customer: { tier: 'gold' },
    });
    expect(
      started(
        { tierField: 'custom_attributes.plan' },
        (c) => (c.custom_attributes = { plan: 'pro' }),
      ),
    ).toMatchObject({ customer: { tier: 'pro' } });
    expect(started({ tierField: 'contact.constructor.name' })).not.toHaveProperty('customer.tier');
    expect(started({ channelField: 'inbox_id' })).toMatchObject({ channel: '1' });
    expect(started({ channelField: 'custom_attributes.none' })).toMatchObject({
      channel: 'WebWidget',
    });
    const long = started({ tierField: 'contact.name' }, (c) => {
      ((c.meta as Obj).sender as Obj).name = 'N'.repeat(5000);
    });
    const customer = long?.customer as Obj | undefined;
    expect(customer?.name).toHaveLength(200);
    expect(customer?.tier).toHaveLength(100);
  });
});

describe('chatwoot signature (X-Chatwoot-Signature)', () => {
  // https://github.com/chatwoot/chatwoot/pull/13573 and the webhook schema of the API reference:
  // `sha256=` + hex HMAC-SHA256(secret, `${X-Chatwoot-Timestamp}.${raw body}`), timestamp in
  // Unix seconds.
  const SECRET = 'cw-webhook-secret-5f3a9c1e7b2d';
  const body = Buffer.from(JSON.stringify(SEQUENCE[1]));
  const ts = '1795428200';
  const now = 1795428200 * 1000 + 1_500;

  function sign(secret: string, timestamp: string, raw: Buffer): string {
    return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex')}`;
  }

  function request(overrides: Partial<WebhookRequest> = {}, headers?: WebhookRequest['headers']) {
    return {
      headers: headers ?? {
        'content-type': 'application/json',
        'x-chatwoot-signature': sign(SECRET, ts, body),
        'x-chatwoot-timestamp': ts,
        'x-chatwoot-delivery': '0b8e4c1a-7d5e-4f63-9a44-2c1d3e5f7a90',
      },
      rawBody: body,
      url: '/v1/connectors/chatwoot/acme',
      now,
      ...overrides,
    };
  }

  it('accepts a valid signature', () => {
    expect(chatwootConnector.verify(request(), SECRET)).toEqual({ ok: true });
    const upper = request(
      {},
      {
        'x-chatwoot-signature': sign(SECRET, ts, body).toUpperCase().replace('SHA256=', 'sha256='),
        'x-chatwoot-timestamp': ts,
      },
    );
    expect(chatwootConnector.verify(upper, SECRET)).toEqual({ ok: true });
  });

  it('refuses a wrong secret, an altered body, missing headers and a stale timestamp', () => {
    const refusals: Array<[WebhookRequest, string, RegExp]> = [
      [request(), 'another-secret', /does not match/],
      [
        request({ rawBody: Buffer.from(body.toString().replace('never', 'did')) }),
        SECRET,
        /does not match/,
      ],
      [request({}, { 'x-chatwoot-timestamp': ts }), SECRET, /missing X-Chatwoot-Signature/],
      [
        request({}, { 'x-chatwoot-signature': sign(SECRET, ts, body) }),
        SECRET,
        /missing X-Chatwoot-Timestamp/,
      ],
      [request({ now: now + 301_000 }), SECRET, /stale X-Chatwoot-Timestamp/],
      [request({ now: now - 305_000 }), SECRET, /stale X-Chatwoot-Timestamp/],
      [
        request(
          {},
          { 'x-chatwoot-signature': sign(SECRET, ts, body), 'x-chatwoot-timestamp': '1795428201' },
        ),
        SECRET,
        /does not match/,
      ],
      [
        request({}, { 'x-chatwoot-signature': 'deadbeef', 'x-chatwoot-timestamp': ts }),
        SECRET,
        /sha256=<64 hex digits>/,
      ],
      [request(), '', /no Chatwoot webhook secret/],
    ];
    for (const [req, secret, error] of refusals) {
      const result = chatwootConnector.verify(req, secret);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatch(error);
        expect(result.error).not.toContain(SECRET);
      }
    }
    // The stale check runs before the signature: a replayed valid request is refused.
    const replay = chatwootConnector.verify(request({ now: now + 3_600_000 }), SECRET);
    expect(replay).toMatchObject({ ok: false, error: expect.stringMatching(/stale/) });
  });
});

describe('chatwoot connector on arbitrary input', () => {
  const options = fc.record(
    {
      tierField: fc.oneof(
        fc.string(),
        fc.constant('contact.custom_attributes.tier'),
        fc.constant('label:t'),
      ),
      channelField: fc.string(),
    },
    { requiredKeys: [] },
  );

  function expectValidEvents(mapped: { kind: string; events?: ProtocolEventObject[] }) {
    if (mapped.kind !== 'events') return;
    for (const event of mapped.events ?? []) {
      expect(validateEvent(event).kind, JSON.stringify(event)).toBe('event');
    }
  }

  /** Every path of a fixture, to replace one value with arbitrary JSON. */
  function paths(value: unknown, prefix: string[] = []): string[][] {
    if (typeof value !== 'object' || value === null) return [prefix];
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  }

  function replaced(base: unknown, path: string[], value: unknown): unknown {
    if (path.length === 0) return value;
    const copy = clone(base) as Obj;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Obj;
    node[path.at(-1)!] = value;
    return copy;
  }

  it('never throws from mapWebhook, and what it produces validates', () => {
    fc.assert(
      fc.property(fc.anything(), options, (payload, opts) => {
        expectValidEvents(chatwootConnector.mapWebhook(payload, opts));
      }),
    );
    const mutations = fc
      .constantFrom(...SEQUENCE, ...REASSIGNED)
      .chain((base) =>
        fc.tuple(fc.constant(base), fc.constantFrom(...paths(base)), fc.jsonValue(), options),
      );
    fc.assert(
      fc.property(mutations, ([base, path, value, opts]) => {
        expectValidEvents(chatwootConnector.mapWebhook(replaced(base, path, value), opts));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws from mapExport, and what it produces validates', () => {
    fc.assert(
      fc.property(fc.jsonValue(), options, (record, opts) => {
        expectValidEvents(chatwootConnector.mapExport(record, opts));
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...paths(EXPORT)),
        fc.anything(),
        options,
        (path, value, opts) => {
          expectValidEvents(chatwootConnector.mapExport(replaced(EXPORT, path, value), opts));
        },
      ),
      { numRuns: 500 },
    );
    const huge = {
      ...clone(EXPORT),
      messages: [{ ...(EXPORT.messages as Obj[])[1], content: 'x'.repeat(100_000) }],
    };
    expectValidEvents(chatwootConnector.mapExport(huge, OPTIONS));
  });

  it('never throws from verify', () => {
    const header = fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined));
    const headers = fc.record(
      { 'x-chatwoot-signature': header, 'x-chatwoot-timestamp': header },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(headers, fc.anything()),
        fc.oneof(fc.uint8Array(), fc.anything()),
        fc.oneof(fc.integer(), fc.double(), fc.anything()),
        fc.string(),
        (h, rawBody, nowValue, secret) => {
          const req = { headers: h, rawBody, url: '/', now: nowValue } as unknown as WebhookRequest;
          const result = chatwootConnector.verify(req, secret);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
    );
    expect(chatwootConnector.verify(null as unknown as WebhookRequest, 's')).toMatchObject({
      ok: false,
    });
  });
});
