// The Front connector (src/server/connectors/front.ts) against payloads written from Front's
// own documentation: a live chat's webhooks, the same conversation from the Core API, the
// application-webhook signature, and arbitrary JSON.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  type AuditChat,
  auditEvent,
  auditReport,
  type ChatEvent,
  createAuditRun,
  createReplay,
  DEFAULT_CONFIG,
  validateEvent,
} from '../../../src/core/index.ts';
import {
  frontChallenge,
  frontConnector,
  htmlToText,
} from '../../../src/server/connectors/front.ts';
import type {
  ProtocolEventObject,
  WebhookMapping,
  WebhookRequest,
} from '../../../src/server/connectors/types.ts';
import { timelineOf } from '../../support/events.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/front/${name}`, import.meta.url), 'utf8'));

const CHAT = 'front-cnv_yo1kg5q';
const SECRET = 'a8f3c0d2e4b6978812ab34cd56ef7890';
const NOW = Date.UTC(2026, 10, 23, 10, 9, 12);

/** Every event must be one the engine takes as a protocol event. */
function validated(events: readonly ProtocolEventObject[]): ChatEvent[] {
  return events.map((e) => {
    const v = validateEvent(e);
    expect(v, JSON.stringify(e)).toMatchObject({ kind: 'event' });
    return (v as { kind: 'event'; event: ChatEvent }).event;
  });
}

function eventsOf(mapping: WebhookMapping): ProtocolEventObject[] {
  if (mapping.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(mapping)}`);
  return mapping.events;
}

/**
 * Audits like `audit` does: one pass, then the chats that got an event older than one already
 * applied (a webhook's repeated chat.started carries the conversation's creation time) again
 * in time order.
 */
function audit(events: readonly ChatEvent[]): AuditChat {
  const run = createAuditRun(DEFAULT_CONFIG);
  for (const e of events) auditEvent(run, e);
  const replay = createReplay(run);
  for (const e of events) replay.add(e);
  const report = auditReport(run, replay.timelines);
  expect(report.chats).toHaveLength(1);
  return report.chats[0]!;
}

function signed(body: string, secret = SECRET, timestamp = String(NOW - 1500)): WebhookRequest {
  const signature = createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('base64');
  return {
    headers: {
      'content-type': 'application/json',
      'x-front-signature': signature,
      'x-front-request-timestamp': timestamp,
    },
    rawBody: Buffer.from(body, 'utf8'),
    url: '/v1/connectors/front/acme',
    now: NOW,
  };
}

describe('Front webhooks: one live chat', () => {
  // Fixture: tests/server/connectors/fixtures/front/webhook-sequence.json, seven application
  // webhook bodies `{type, authorization, payload}` as in
  // https://dev.frontapp.com/docs/application-webhooks (envelope as read by Front's sample app
  // https://github.com/dugjason/front-webhook-application/blob/main/src/controllers/webhook.ts),
  // each `payload` an Event of https://dev.frontapp.com/reference/events with its
  // Conversation (https://dev.frontapp.com/reference/conversations), Message
  // (https://dev.frontapp.com/reference/messages), Comment
  // (https://dev.frontapp.com/reference/comments) and Teammate
  // (https://dev.frontapp.com/reference/teammates) objects.
  const sequence = fixture('webhook-sequence.json') as unknown[];
  const mappings = sequence.map((body) => frontConnector.mapWebhook(body, {}));
  const all = mappings.flatMap(eventsOf);

  it('maps start, customer message, bot reply, internal note, agent replies and close', () => {
    expect(mappings.map((m) => m.type)).toEqual([
      'inbound_received',
      'outbound_sent',
      'new_comment_added',
      'outbound_sent',
      'inbound_received',
      'outbound_sent',
      'conversation_archived',
    ]);
    const [first, bot, note, reply, , lastReply, close] = mappings.map(eventsOf);
    expect(first).toEqual([
      {
        type: 'chat.started',
        chatId: CHAT,
        at: 1795428000500,
        customer: { id: 'crd_2njtoem', name: 'Dana Lee' },
        channel: 'front_chat',
      },
      {
        type: 'message',
        chatId: CHAT,
        id: 'msg_1q15qmtq',
        at: 1795428000500,
        author: 'customer',
        text: 'Hi, my order never arrived',
      },
    ]);
    expect(bot?.[1]).toEqual({
      type: 'message',
      chatId: CHAT,
      id: 'msg_1q15r0a2',
      at: 1795428002000,
      author: 'bot',
      text: 'Thanks for reaching out! A teammate will join you shortly.',
    });
    expect(note).toEqual([
      {
        type: 'message',
        chatId: CHAT,
        id: 'com_1ywg3f2',
        at: 1795428010250,
        author: 'agent',
        agentId: 'tea_6r55a',
        text: 'VIP customer, check the order history first',
        internal: true,
      },
    ]);
    expect(reply?.[0]).toMatchObject({ type: 'chat.started', assignee: 'tea_6r55a' });
    expect(reply?.[1]).toEqual({
      type: 'message',
      chatId: CHAT,
      id: 'msg_1q15s7kd',
      at: 1795428019250,
      author: 'agent',
      agentId: 'tea_6r55a',
      text: 'Hi Dana! Sorry to hear that.\nLet me check your order.',
    });
    // The plain `text` field is preferred to the HTML body.
    expect(lastReply?.[1]).toMatchObject({
      text: 'Found it & it ships today.\nAnything else I can help with?',
    });
    expect(close).toEqual([{ type: 'chat.closed', chatId: CHAT, at: 1795428552000 }]);
  });

  it('produces only events the engine validates, with the host ids as event ids', () => {
    const events = validated(all);
    const ids = events.flatMap((e) => (e.type === 'message' ? [e.id] : []));
    expect(ids).toEqual([
      'msg_1q15qmtq',
      'msg_1q15r0a2',
      'com_1ywg3f2',
      'msg_1q15s7kd',
      'msg_1q15t2vx',
      'msg_1q15u9pe',
    ]);
  });

  it('times the chat: a bot reply and a note are no first response', () => {
    const chat = audit(validated(all));
    expect(chat).toMatchObject({
      chatId: CHAT,
      firstResponseS: 18.75,
      greetedByName: true,
      longestGapS: 131.25, // from the hold ("Let me check") to the next public reply
      closed: true,
    });
  });

  it('a bare event (rule webhook with full event data, GET /events) maps the same', () => {
    const envelope = sequence[3] as { payload: Record<string, unknown> };
    const bare = frontConnector.mapWebhook(envelope.payload, {});
    expect(bare).toMatchObject({ kind: 'events', type: 'outbound' });
    expect(eventsOf(bare)).toEqual(eventsOf(mappings[3]!));
    const outReply = frontConnector.mapWebhook({ ...envelope.payload, type: 'out_reply' }, {});
    expect(eventsOf(outReply)).toEqual(eventsOf(mappings[3]!));
  });

  it('a retried delivery repeats the same message id (deduplicated by the engine)', () => {
    const again = eventsOf(frontConnector.mapWebhook(sequence[0], {}));
    expect(again).toEqual(eventsOf(mappings[0]!));
  });

  // Fixture: the same conversation as the Core API returns it: GET /conversations/{id}
  // (https://dev.frontapp.com/reference/get-conversation-by-id) with the `_results` of
  // GET /conversations/{id}/messages (https://dev.frontapp.com/reference/list-conversation-messages),
  // /comments (https://dev.frontapp.com/reference/list-conversation-comments),
  // /events (https://dev.frontapp.com/reference/list-conversation-events) and /inboxes, newest first.
  it('the export of the same conversation gives the same timing', () => {
    const mapping = frontConnector.mapExport(fixture('export-conversation.json'), {});
    if (mapping.kind !== 'events') throw new Error(mapping.error);
    expect(mapping.chatId).toBe(CHAT);
    const exported = validated(mapping.events);
    expect(exported[0]).toMatchObject({ type: 'chat.started', at: 1795428000500 });
    expect(exported.at(-1)).toMatchObject({ type: 'chat.closed', at: 1795428552000 });
    const fromExport = audit(exported);
    const fromWebhooks = audit(validated(all));
    for (const key of ['firstResponseS', 'longestGapS', 'greetedByName', 'closed'] as const) {
      expect(fromExport[key], key).toEqual(fromWebhooks[key]);
    }
    // Same messages, same ids, same authors and texts, in time order.
    const messages = (events: readonly ChatEvent[]) => events.filter((e) => e.type === 'message');
    expect(messages(exported)).toEqual(messages(validated(all)));
  });

  it('an open conversation exports without chat.closed', () => {
    const record = fixture('export-conversation.json') as Record<string, unknown>;
    const mapping = frontConnector.mapExport(
      { ...record, status: 'assigned', status_category: 'open', events: [] },
      {},
    );
    if (mapping.kind !== 'events') throw new Error(mapping.error);
    expect(mapping.events.some((e) => e.type === 'chat.closed')).toBe(false);
  });
});

describe('Front assignments', () => {
  // Fixture: tests/server/connectors/fixtures/front/webhook-assignee-changed.json, two
  // application webhooks `assignee_changed` of the sequence's conversation, each `payload` an
  // Event of https://dev.frontapp.com/reference/events: `assign` ("When a conversation is
  // assigned to a teammate": source a teammate or rule, target the Teammate of
  // https://dev.frontapp.com/reference/teammates) to tea_7k22b, then `unassign` (source a
  // rule, no target). The conversation in each is after the change (`assignee`).
  const [assign, unassign] = fixture('webhook-assignee-changed.json') as Record<string, unknown>[];
  const sequence = fixture('webhook-sequence.json') as unknown[];

  function ownerAfter(events: readonly ProtocolEventObject[]): string | null {
    const state = timelineOf(validated(events)).state;
    if (!state) throw new Error('no chat');
    return state.owner;
  }

  it('hands the chat to the teammate it is assigned to, and to the queue when unassigned', () => {
    expect(frontConnector.mapWebhook(assign, {})).toEqual({
      kind: 'events',
      type: 'assignee_changed',
      events: [{ type: 'chat.assigned', chatId: CHAT, at: 1795428300250, agentId: 'tea_7k22b' }],
    });
    expect(frontConnector.mapWebhook(unassign, {})).toEqual({
      kind: 'events',
      type: 'assignee_changed',
      events: [{ type: 'chat.assigned', chatId: CHAT, at: 1795428400500, agentId: null }],
    });
    // The chat until its close: tea_6r55a works it.
    const chat = sequence
      .slice(0, -1)
      .flatMap((body) => eventsOf(frontConnector.mapWebhook(body, {})));
    expect(ownerAfter(chat)).toBe('tea_6r55a');
    const toPriya = eventsOf(frontConnector.mapWebhook(assign, {}));
    expect(ownerAfter([...chat, ...toPriya])).toBe('tea_7k22b');
    const toQueue = eventsOf(frontConnector.mapWebhook(unassign, {}));
    expect(ownerAfter([...chat, ...toPriya, ...toQueue])).toBeNull();
  });

  it('a bare event maps the same; a bot teammate is nobody; a malformed one is named', () => {
    expect(frontConnector.mapWebhook((assign as { payload: unknown }).payload, {})).toMatchObject({
      kind: 'events',
      events: [{ agentId: 'tea_7k22b' }],
    });
    const toRule = structuredClone(assign) as {
      payload: { target: { data: Record<string, unknown> } };
    };
    toRule.payload.target.data.type = 'rule';
    expect(frontConnector.mapWebhook(toRule, {})).toMatchObject({ events: [{ agentId: null }] });
    const noTarget = structuredClone(assign) as { payload: Record<string, unknown> };
    delete noTarget.payload.target;
    expect(frontConnector.mapWebhook(noTarget, {})).toMatchObject({
      kind: 'invalid',
      type: 'assignee_changed',
      error: expect.stringMatching(/^payload\.target: /),
    });
    const noTime = structuredClone(unassign) as { payload: Record<string, unknown> };
    delete noTime.payload.emitted_at;
    expect(frontConnector.mapWebhook(noTime, {})).toMatchObject({
      kind: 'invalid',
      error: expect.stringMatching(/^payload\.emitted_at: /),
    });
  });
});

describe('Front tier and channel settings', () => {
  const inbound = (fixture('webhook-sequence.json') as unknown[])[0];
  const started = (options: Parameters<typeof frontConnector.mapWebhook>[1]) =>
    eventsOf(frontConnector.mapWebhook(inbound, options))[0]!;

  it('tier from a tag prefix or a conversation custom field', () => {
    expect(started({ tierField: 'tag:tier-' }).customer).toMatchObject({ tier: 'vip' });
    expect(started({ tierField: 'custom_fields.Plan' }).customer).toMatchObject({
      tier: 'Enterprise',
    });
    expect(started({ tierField: 'conversation.custom_fields.Plan' }).customer).toMatchObject({
      tier: 'Enterprise',
    });
    expect(started({ tierField: 'custom_fields.Missing' }).customer).not.toHaveProperty('tier');
    // Only the payload's own fields: not inherited ones.
    expect(started({ tierField: 'constructor.name' }).customer).not.toHaveProperty('tier');
  });

  it('channel: the message type by default, or the inbox name, a tag, a field', () => {
    expect(started({}).channel).toBe('front_chat');
    expect(started({ channelField: 'inbox' }).channel).toBe('Live chat');
    expect(started({ channelField: 'custom_fields.Plan' }).channel).toBe('Enterprise');
    expect(validateEvent(started({ tierField: 'tag:tier-', channelField: 'inbox' })).kind).toBe(
      'event',
    );
  });

  it('the export reads the same settings', () => {
    const mapping = frontConnector.mapExport(fixture('export-conversation.json'), {
      tierField: 'tag:tier-',
      channelField: 'inbox',
    });
    if (mapping.kind !== 'events') throw new Error(mapping.error);
    expect(mapping.events[0]).toMatchObject({
      customer: { id: 'crd_2njtoem', name: 'Dana Lee', tier: 'vip' },
      channel: 'Live chat',
    });
  });
});

describe('Front types not used, and malformed payloads', () => {
  // Fixtures: the `sync` validation body of https://dev.frontapp.com/docs/application-webhooks,
  // and a `tag_added` webhook whose event is a `tag` (https://dev.frontapp.com/reference/events).
  it('ignores the validation request and unused event types', () => {
    expect(frontConnector.mapWebhook(fixture('webhook-sync.json'), {})).toEqual({
      kind: 'ignored',
      type: 'sync',
    });
    expect(frontConnector.mapWebhook(fixture('webhook-tag-added.json'), {})).toEqual({
      kind: 'ignored',
      type: 'tag_added',
    });
    expect(
      frontConnector.mapWebhook({ type: 'conversation_reopened', payload: { type: 'reopen' } }, {}),
    ).toEqual({ kind: 'ignored', type: 'conversation_reopened' });
  });

  it('names the malformed field of a used type', () => {
    const inbound = structuredClone((fixture('webhook-sequence.json') as unknown[])[0]) as {
      payload: { conversation: Record<string, unknown>; target: { data: Record<string, unknown> } };
    };
    const broken = (edit: (b: typeof inbound) => void) => {
      const body = structuredClone(inbound);
      edit(body);
      return frontConnector.mapWebhook(body, {});
    };
    expect(broken((b) => delete b.payload.target.data.id)).toMatchObject({
      kind: 'invalid',
      type: 'inbound_received',
      error: expect.stringMatching(/^payload\.target\.data\.id: /),
    });
    expect(broken((b) => (b.payload.target.data.created_at = '2026-11-23'))).toMatchObject({
      kind: 'invalid',
      error: expect.stringMatching(/^payload\.target\.data\.created_at: /),
    });
    expect(broken((b) => (b.payload.conversation.id = 42))).toMatchObject({
      kind: 'invalid',
      error: expect.stringMatching(/^payload\.conversation\.id: /),
    });
    expect(broken((b) => (b.payload.target.data.id = 'm'.repeat(201)))).toMatchObject({
      kind: 'invalid',
      error: 'payload.target.data.id: is 201 characters, more than 200',
    });
    expect(frontConnector.mapWebhook({ type: 'conversation_archived' }, {})).toMatchObject({
      kind: 'invalid',
      error: expect.stringMatching(/^payload: /),
    });
    expect(frontConnector.mapExport({ id: 'cnv_1', created_at: 1795428000 }, {})).toEqual({
      kind: 'invalid',
      error: 'messages: must be a list of messages (missing)',
    });
  });

  it('clips names and texts, strips HTML', () => {
    expect(htmlToText('<style>p{x}</style><p>A &lt;b&gt; &#x1F600;</p><script>x()</script>b')).toBe(
      'A <b> 😀\nb',
    );
    expect(htmlToText('a < b and <unclosed')).toBe('a < b and <unclosed');
    const inbound = structuredClone((fixture('webhook-sequence.json') as unknown[])[0]) as {
      payload: {
        conversation: { recipient: { name: string } };
        target: { data: { body: string } };
      };
    };
    inbound.payload.conversation.recipient.name = 'N'.repeat(500);
    inbound.payload.target.data.body = `<p>${'x'.repeat(30_000)}</p>`;
    const [start, message] = eventsOf(frontConnector.mapWebhook(inbound, {}));
    expect((start!.customer as { name: string }).name).toHaveLength(200);
    expect(message!.text).toHaveLength(20_000);
    validated([start!, message!]);
  });
});

describe('Front signature (X-Front-Signature)', () => {
  // https://dev.frontapp.com/docs/application-webhooks "Verifying integrity": base64
  // HMAC-SHA256, keyed with the app's signing secret, of `<x-front-request-timestamp>:<raw body>`;
  // the timestamp is in milliseconds. Stale: https://dev.frontapp.com/docs/security-1 (5 minutes).
  const body = JSON.stringify((fixture('webhook-sequence.json') as unknown[])[0]);

  it('accepts a valid signature', () => {
    expect(frontConnector.verify(signed(body), SECRET)).toEqual({ ok: true });
  });

  it('refuses a wrong secret, an altered body, a missing header, a stale timestamp', () => {
    const wrong = frontConnector.verify(signed(body, 'not-the-secret'), SECRET);
    expect(wrong).toMatchObject({ ok: false });
    const altered = { ...signed(body), rawBody: Buffer.from(body.replace('Dana', 'Dina')) };
    expect(frontConnector.verify(altered, SECRET)).toMatchObject({ ok: false });
    const { 'x-front-signature': _, ...noSignature } = signed(body).headers;
    expect(frontConnector.verify({ ...signed(body), headers: noSignature }, SECRET)).toEqual({
      ok: false,
      error: 'missing X-Front-Signature header',
    });
    const { 'x-front-request-timestamp': __, ...noStamp } = signed(body).headers;
    expect(frontConnector.verify({ ...signed(body), headers: noStamp }, SECRET)).toEqual({
      ok: false,
      error: 'missing X-Front-Request-Timestamp header',
    });
    const stale = frontConnector.verify(signed(body, SECRET, String(NOW - 6 * 60_000)), SECRET);
    expect(stale).toMatchObject({ ok: false, error: expect.stringMatching(/^stale /) });
    const future = frontConnector.verify(signed(body, SECRET, String(NOW + 6 * 60_000)), SECRET);
    expect(future).toMatchObject({ ok: false });
    // The timestamp is signed: moving it breaks the signature.
    const moved = signed(body);
    moved.headers = { ...moved.headers, 'x-front-request-timestamp': String(NOW - 1000) };
    expect(frontConnector.verify(moved, SECRET)).toMatchObject({ ok: false });
    for (const result of [wrong, stale]) {
      expect(JSON.stringify(result)).not.toContain(SECRET);
    }
  });

  it('answers the validation challenge from its header', () => {
    const sync = signed(JSON.stringify(fixture('webhook-sync.json')));
    expect(frontChallenge(sync)).toBeNull();
    sync.headers = { ...sync.headers, 'x-front-challenge': 'c8e2f1a9b7' };
    expect(frontChallenge(sync)).toBe('c8e2f1a9b7');
    expect(frontConnector.verify(sync, SECRET)).toEqual({ ok: true });
  });
});

describe('Front connector on arbitrary input', () => {
  const checkEvents = (events: readonly ProtocolEventObject[]) => {
    for (const e of events) expect(validateEvent(e).kind).toBe('event');
  };

  it('never throws, and every event it produces validates', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue()), fc.anything(), (value, options) => {
        const hook = frontConnector.mapWebhook(value, options as never);
        if (hook.kind === 'events') checkEvents(hook.events);
        const record = frontConnector.mapExport(value, options as never);
        if (record.kind === 'events') checkEvents(record.events);
      }),
      { numRuns: 300 },
    );
  });

  it('survives arbitrary values inside a real payload', () => {
    const inbound = (fixture('webhook-sequence.json') as unknown[])[0] as {
      payload: { conversation: Record<string, unknown>; target: { data: Record<string, unknown> } };
    };
    const record = fixture('export-conversation.json') as Record<string, unknown>;
    const keys = ['id', 'created_at', 'is_inbound', 'author', 'body', 'text', 'recipient', 'tags'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const body = structuredClone(inbound);
        body.payload.target.data[key] = value;
        body.payload.conversation[key] = value;
        const hook = frontConnector.mapWebhook(body, { tierField: 'tag:tier-' });
        if (hook.kind === 'events') checkEvents(hook.events);
        const exported = frontConnector.mapExport(
          {
            ...record,
            [key]: value,
            messages: [{ ...(record.messages as object[])[0], [key]: value }],
          },
          { channelField: 'inbox' },
        );
        if (exported.kind === 'events') checkEvents(exported.events);
      }),
      { numRuns: 300 },
    );
  });

  it('verify never throws on arbitrary requests', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('x-front-signature', 'x-front-request-timestamp', 'x'),
          fc.oneof(fc.string(), fc.array(fc.string())),
        ),
        fc.uint8Array({ maxLength: 200 }),
        fc.oneof(fc.string(), fc.constant(SECRET)),
        fc.oneof(fc.integer(), fc.double()),
        (headers, bytes, secret, now) => {
          const result = frontConnector.verify(
            { headers, rawBody: Buffer.from(bytes), url: '/', now },
            secret,
          );
          expect(typeof result.ok).toBe('boolean');
          expect(frontChallenge({ headers, rawBody: Buffer.from(bytes), url: '/', now })).not.toBe(
            undefined,
          );
        },
      ),
      { numRuns: 300 },
    );
    expect(frontConnector.verify(null as never, SECRET)).toMatchObject({ ok: false });
  });

  it('a huge HTML body stays linear', () => {
    const body = '<script>'.repeat(50_000) + '<p>'.repeat(50_000) + '&amp;'.repeat(50_000);
    const started = performance.now();
    htmlToText(body);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
