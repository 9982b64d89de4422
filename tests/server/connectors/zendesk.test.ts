// The Zendesk connector (src/server/connectors/zendesk.ts): webhook signature, the mapping of
// Zendesk event webhooks and of REST exports to protocol v1 events, and the promise that no
// JSON input makes it throw or produce an event the engine refuses.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
import type { ProtocolEventObject, WebhookRequest } from '../../../src/server/connectors/types.ts';
import { zendeskConnector as zendesk } from '../../../src/server/connectors/zendesk.ts';
import { timelineOf } from '../../support/events.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures/zendesk');
const raw = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const json = (name: string): unknown => JSON.parse(raw(name).toString('utf8'));
type Obj = Record<string, unknown>;

const CHAT = 'zendesk-35436';
const OPTIONS = { tierField: 'tag:tier_' };

// Payloads follow "Ticket events" (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/):
// the envelope {account_id, detail, event, id, subject, time, type, zendesk_event_version},
// `detail` with the listed ticket properties (ids as strings, enums upper-case), and for
// "Comment created" event.comment = {author: {id, is_staff, name}, body, id, is_public}; for
// "Status changed" event = {current, previous}. The 10002 comment is an automated reply by
// the Zendesk system user ("-1 represents the Zendesk system", Webhooks API:
// https://developer.zendesk.com/api-reference/event-connectors/webhooks/webhooks/).
const SEQUENCE = json('webhook-sequence.json') as Obj[];

// Export record: the ticket of "Show Ticket" (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/),
// the comments of "List Comments" with `include=users` (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/),
// the via objects of the "Via object reference" (https://developer.zendesk.com/documentation/ticketing/reference-guides/via-object-reference/)
// and `ticket_metric` of "Show Ticket Metrics" (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metrics/).
const EXPORT = json('export-ticket.json') as Obj;

// "Agent assignment changed" of the same Ticket events page: `detail` the ticket after the
// change, event = {current, previous} (the assigned agent's id, and the one before). The
// ticket goes from agent …495 to agent …496, then back to no agent (current null).
const REASSIGNED = json('webhook-agent-assignment.json') as Obj[];

/** Who owns the chat once the engine has these events, in any order (protocol.md "Ownership"). */
function ownerAfter(events: readonly ProtocolEventObject[]): string | null {
  const state = timelineOf(validated(events)).state;
  if (!state) throw new Error('no chat');
  return state.owner;
}

/** Every event must be one the engine accepts as a protocol event. */
function validated(events: readonly ProtocolEventObject[]): ChatEvent[] {
  return events.map((e) => {
    const v = validateEvent(e);
    if (v.kind !== 'event')
      throw new Error(`not an event: ${JSON.stringify(v)} ${JSON.stringify(e)}`);
    return v.event;
  });
}

function webhookEvents(payloads: readonly unknown[]): ProtocolEventObject[] {
  return payloads.flatMap((p) => {
    const m = zendesk.mapWebhook(p, OPTIONS);
    // Ticket created is counted and ignored (no names in ticket events).
    if (m.kind === 'ignored' && m.type === 'zen:event-type:ticket.created') return [];
    if (m.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(m)}`);
    return m.events;
  });
}

function exportEvents(record: unknown): ProtocolEventObject[] {
  const m = zendesk.mapExport(record, OPTIONS);
  if (m.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(m)}`);
  expect(m.chatId).toBe(CHAT);
  return m.events;
}

/** Audits one chat the way `audit` does: stream, then replay what arrived out of order. */
function auditOf(events: readonly ProtocolEventObject[]): AuditChat {
  const chatEvents = validated(events);
  const run = createAuditRun(DEFAULT_CONFIG);
  for (const e of chatEvents) auditEvent(run, e);
  // A later requester comment repeats chat.started at the ticket's creation: out of order.
  const replay = createReplay(run);
  for (const e of chatEvents) replay.add(e);
  const report = auditReport(run, replay.timelines);
  expect(report.chats).toHaveLength(1);
  return report.chats[0]!;
}

const timing = (c: AuditChat) => ({
  firstResponseS: c.firstResponseS,
  longestGapS: c.longestGapS,
  greetedByName: c.greetedByName,
  closed: c.closed,
});

const T = (hms: string) => Date.parse(`2025-01-08T${hms}Z`);

describe('zendesk webhooks: one live chat', () => {
  it('maps created, customer, bot, agent, private note and solved to the right events', () => {
    const events = webhookEvents(SEQUENCE);
    expect(validated(events)).toHaveLength(events.length);
    const [customerStart, customer, bot, reply, note, ...rest] = events;
    // ticket.created is counted and ignored (it carries no names); the requester's comment
    // starts the chat with the customer's name, at the ticket's creation time.
    expect(customerStart).toMatchObject({
      type: 'chat.started',
      at: T('10:12:07'),
      customer: { id: '8447388090494', name: 'Dana Lee', tier: 'gold' },
    });
    expect(customer).toEqual({
      type: 'message',
      chatId: CHAT,
      id: '10001',
      at: T('10:12:07'),
      author: 'customer',
      text: 'Hi, my order #4411 never arrived',
    });
    expect(bot).toMatchObject({ id: '10002', author: 'bot', at: T('10:12:08') });
    expect(reply).toMatchObject({
      id: '10003',
      author: 'agent',
      agentId: '8447388090495',
      at: T('10:12:31'),
    });
    expect(reply).not.toHaveProperty('internal');
    expect(note).toMatchObject({
      id: '10004',
      author: 'agent',
      internal: true,
      agentId: '8447388090495',
    });
    expect(rest.at(-1)).toEqual({ type: 'chat.closed', chatId: CHAT, at: T('10:15:30') });
  });

  it('takes ids from Zendesk, so a redelivered comment is the same message', () => {
    const again = webhookEvents([SEQUENCE[3]!, SEQUENCE[3]!]);
    expect(again[0]).toEqual(again[1]);
  });

  it('an assignment known at creation is the chat.started assignee', () => {
    const p = structuredClone(SEQUENCE[1]!) as Obj;
    (p.detail as Obj).assignee_id = '8447388090495';
    expect(webhookEvents([p])[0]).toMatchObject({ assignee: '8447388090495' });
  });

  it('a reassignment hands the chat to the new agent; no agent hands it to the queue', () => {
    expect(REASSIGNED.map((p) => zendesk.mapWebhook(p, OPTIONS))).toEqual([
      {
        kind: 'events',
        type: 'zen:event-type:ticket.agent_assignment_changed',
        events: [
          { type: 'chat.assigned', chatId: CHAT, at: T('10:14:00'), agentId: '8447388090496' },
        ],
      },
      {
        kind: 'events',
        type: 'zen:event-type:ticket.agent_assignment_changed',
        events: [{ type: 'chat.assigned', chatId: CHAT, at: T('10:14:40'), agentId: null }],
      },
    ]);
    // The chat's own webhooks name agent …495 (the assignee, and the author of the replies).
    const assigned = structuredClone(SEQUENCE) as Obj[];
    for (const p of assigned) (p.detail as Obj).assignee_id = '8447388090495';
    const chat = webhookEvents(assigned.slice(0, -1));
    expect(ownerAfter(chat)).toBe('8447388090495');
    const [toColleague, toQueue] = REASSIGNED.map((p) => webhookEvents([p]));
    expect(ownerAfter([...chat, ...toColleague!])).toBe('8447388090496');
    expect(ownerAfter([...chat, ...toColleague!, ...toQueue!])).toBeNull();
    // Zendesk's "0" for no id, and an empty current, are no agent too.
    for (const current of ['0', '']) {
      const p = structuredClone(REASSIGNED[0]!);
      p.event = { current, previous: '8447388090495' };
      expect(webhookEvents([p])).toEqual([
        { type: 'chat.assigned', chatId: CHAT, at: T('10:14:00'), agentId: null },
      ]);
    }
  });

  it('a status change that does not solve or close is ignored; closed closes', () => {
    const open = structuredClone(SEQUENCE.at(-1)!) as Obj;
    open.event = { current: 'PENDING', previous: 'OPEN' };
    expect(zendesk.mapWebhook(open, {})).toEqual({
      kind: 'ignored',
      type: 'zen:event-type:ticket.status_changed',
    });
    const closed = structuredClone(SEQUENCE.at(-1)!) as Obj;
    closed.event = { current: 'closed', previous: 'solved' };
    expect(webhookEvents([closed])[0]).toMatchObject({ type: 'chat.closed' });
  });

  it('an event type the connector does not use is ignored', () => {
    // "Priority changed" of Ticket events (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/):
    // event = {current, previous}.
    expect(zendesk.mapWebhook(json('webhook-priority-changed.json'), OPTIONS)).toEqual({
      kind: 'ignored',
      type: 'zen:event-type:ticket.priority_changed',
    });
  });

  it('a used type with a missing or malformed field is invalid, naming the field', () => {
    const cases: [(p: Obj) => void, string][] = [
      [(p) => delete ((p.event as Obj).comment as Obj).is_public, 'event.comment.is_public'],
      [(p) => (((p.event as Obj).comment as Obj).id = {}), 'event.comment.id'],
      [(p) => delete (((p.event as Obj).comment as Obj).author as Obj).is_staff, 'is_staff'],
      [(p) => ((p.detail as Obj).updated_at = 'yesterday'), 'detail.updated_at'],
      [(p) => delete (p.detail as Obj).id, 'detail.id'],
      [(p) => ((p.detail as Obj).id = '9'.repeat(300)), 'detail.id'],
      [(p) => delete p.event, 'event'],
    ];
    for (const [spoil, field] of cases) {
      const p = structuredClone(SEQUENCE[1]!) as Obj;
      spoil(p);
      const m = zendesk.mapWebhook(p, OPTIONS);
      expect(m.kind).toBe('invalid');
      if (m.kind === 'invalid') {
        expect(m.type).toBe('zen:event-type:ticket.comment_added');
        expect(m.error.split(':')[0]).toContain(field);
      }
    }
    const status = structuredClone(SEQUENCE.at(-1)!) as Obj;
    status.event = {};
    expect(zendesk.mapWebhook(status, {})).toMatchObject({
      kind: 'invalid',
      error: /event.current/,
    });
    for (const event of [{}, { current: { id: 1 } }]) {
      const assignment = { ...structuredClone(REASSIGNED[0]!), event };
      expect(zendesk.mapWebhook(assignment, {})).toMatchObject({
        kind: 'invalid',
        type: 'zen:event-type:ticket.agent_assignment_changed',
        error: /^event\.current: /,
      });
    }
    expect(zendesk.mapWebhook([], {})).toMatchObject({ kind: 'invalid', error: /payload/ });
    expect(zendesk.mapWebhook({ detail: {} }, {})).toMatchObject({
      kind: 'invalid',
      error: /type/,
    });
  });

  it('tier and channel come from the fields the team names', () => {
    const p = SEQUENCE[1]!;
    const started = (opts: object) => {
      const m = zendesk.mapWebhook(p, opts);
      return m.kind === 'events' ? m.events[0] : undefined;
    };
    expect(started({})).not.toHaveProperty('customer.tier');
    expect(started({ tierField: 'priority', channelField: 'brand_id' })).toMatchObject({
      customer: { tier: 'normal' },
      channel: '8447346621310',
    });
    expect(started({ tierField: 'tag:order_', channelField: 'detail.via.channel' })).toMatchObject({
      customer: { tier: 'issue' },
      channel: 'native_messaging',
    });
    expect(started({ tierField: 'tag:none_' })).not.toHaveProperty('customer.tier');
  });
});

describe('zendesk export: the same conversation from the REST API', () => {
  it('maps a ticket with its comments: start at creation, every comment, close when solved', () => {
    const events = exportEvents(EXPORT);
    expect(validated(events)).toHaveLength(events.length);
    expect(events[0]).toEqual({
      type: 'chat.started',
      chatId: CHAT,
      at: T('10:12:07'),
      customer: { id: '8447388090494', name: 'Dana Lee', tier: 'gold' },
      channel: 'native_messaging',
      assignee: '8447388090495',
    });
    expect(
      events.filter((e) => e.type === 'message').map((e) => [e.id, e.author, e.internal]),
    ).toEqual([
      ['10001', 'customer', undefined],
      ['10002', 'bot', undefined],
      ['10003', 'agent', undefined],
      ['10004', 'agent', true],
      ['10005', 'agent', undefined],
      ['10006', 'customer', undefined],
      ['10007', 'agent', undefined],
    ]);
    // Solved at the ticket metric's solved_at, not at the later automatic close (updated_at).
    expect(events.at(-1)).toEqual({ type: 'chat.closed', chatId: CHAT, at: T('10:15:30') });
  });

  it('gives the same timing as the live webhooks', () => {
    const exported = timing(auditOf(exportEvents(EXPORT)));
    expect(exported).toEqual({
      firstResponseS: 24,
      longestGapS: 91,
      greetedByName: true,
      closed: true,
    });
    // With or without ticket.created ticked, everything matches, greeting included.
    const live = SEQUENCE.filter((p) => p.type !== 'zen:event-type:ticket.created');
    expect(timing(auditOf(webhookEvents(live)))).toEqual(exported);
    expect(timing(auditOf(webhookEvents(SEQUENCE)))).toEqual(exported);
  });

  it('accepts the ticket object with comments (and users) embedded', () => {
    const { ticket, ...rest } = EXPORT as { ticket: Obj };
    expect(exportEvents({ ...ticket, ...rest })).toEqual(exportEvents(EXPORT));
  });

  it('without the metric a solved ticket closes at updated_at; without users, non-requesters are agents', () => {
    const { ticket_metric: _m, users: _u, ...bare } = EXPORT;
    const events = exportEvents(bare);
    expect(events.at(-1)).toMatchObject({
      type: 'chat.closed',
      at: Date.parse('2025-01-12T11:00:03Z'),
    });
    expect(events[0]).not.toHaveProperty('customer.name');
    expect(events.find((e) => e.id === '10003')).toMatchObject({ author: 'agent' });
  });

  it('an open ticket has no chat.closed; a malformed comment names its field', () => {
    const open = structuredClone(EXPORT) as { ticket: Obj; comments: Obj[] };
    open.ticket.status = 'open';
    expect(exportEvents(open).some((e) => e.type === 'chat.closed')).toBe(false);
    const bad = structuredClone(EXPORT) as { comments: Obj[] };
    delete bad.comments[2]!.created_at;
    expect(zendesk.mapExport(bad, {})).toEqual({
      kind: 'invalid',
      error: 'comments[2].created_at: missing',
    });
    expect(zendesk.mapExport({ ticket: { id: 1 } }, {})).toMatchObject({
      kind: 'invalid',
      error: /^comments: missing/,
    });
  });
});

describe('zendesk signature (X-Zendesk-Webhook-Signature)', () => {
  // "Verifying webhook authenticity" (https://developer.zendesk.com/documentation/webhooks/verifying/):
  // base64(HMACSHA256(TIMESTAMP + BODY)) with the webhook's signing secret.
  const SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
  // The signed body: a "Priority changed" ticket event, bytes as on the wire
  // (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/).
  const BODY = raw('webhook-priority-changed.json');
  const STAMP = '2025-01-08T10:13:11Z';
  const sign = (secret: string, stamp: string, body: Buffer) =>
    createHmac('sha256', secret).update(stamp).update(body).digest('base64');
  const request = (over: Partial<WebhookRequest> = {}, headers: Obj = {}): WebhookRequest => ({
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': sign(SECRET, STAMP, BODY),
      'x-zendesk-webhook-signature-timestamp': STAMP,
      ...headers,
    } as WebhookRequest['headers'],
    rawBody: BODY,
    url: '/v1/connectors/zendesk/acme',
    now: Date.parse(STAMP) + 2_000,
    ...over,
  });

  it('accepts a valid signature', () => {
    expect(zendesk.verify(request(), SECRET)).toEqual({ ok: true });
  });

  it('refuses a wrong secret, an altered body, a missing header, a stale timestamp', () => {
    const wrong = zendesk.verify(request(), 'another-secret');
    expect(wrong).toMatchObject({ ok: false, error: /does not match/ });
    const altered = Buffer.from(BODY.toString('utf8').replace('HIGH', 'LOW'));
    expect(zendesk.verify(request({ rawBody: altered }), SECRET)).toMatchObject({ ok: false });
    expect(
      zendesk.verify(request({}, { 'x-zendesk-webhook-signature': undefined }), SECRET),
    ).toMatchObject({ ok: false, error: /missing X-Zendesk-Webhook-Signature header/ });
    expect(
      zendesk.verify(request({}, { 'x-zendesk-webhook-signature-timestamp': undefined }), SECRET),
    ).toMatchObject({ ok: false, error: /missing X-Zendesk-Webhook-Signature-Timestamp/ });
    // Correctly signed, but replayed six minutes later.
    const stale = zendesk.verify(request({ now: Date.parse(STAMP) + 6 * 60_000 }), SECRET);
    expect(stale).toMatchObject({ ok: false, error: /stale/ });
    const future = zendesk.verify(request({ now: Date.parse(STAMP) - 6 * 60_000 }), SECRET);
    expect(future).toMatchObject({ ok: false, error: /future/ });
    // A timestamp changed after signing breaks the signature.
    const moved = request({}, { 'x-zendesk-webhook-signature-timestamp': '2025-01-08T10:13:12Z' });
    expect(zendesk.verify(moved, SECRET)).toMatchObject({ ok: false, error: /does not match/ });
    expect(zendesk.verify(request(), '')).toMatchObject({ ok: false });
  });

  it('never echoes the secret', () => {
    for (const r of [
      request(),
      request({ rawBody: Buffer.from('{}') }),
      request({}, { 'x-zendesk-webhook-signature': 'x' }),
    ]) {
      const check = zendesk.verify(r, 'hunter2-secret');
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.error).not.toContain('hunter2');
    }
  });
});

describe('zendesk connector on arbitrary input', () => {
  const check = (events: readonly ProtocolEventObject[]) => {
    for (const e of events) expect(validateEvent(e).kind).toBe('event');
  };

  it('mapWebhook and mapExport never throw on any JSON, and what they produce validates', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (value, other) => {
        for (const input of [value, other]) {
          const w = zendesk.mapWebhook(input, OPTIONS);
          if (w.kind === 'events') check(w.events);
          const x = zendesk.mapExport(input, OPTIONS);
          if (x.kind === 'events') check(x.events);
        }
      }),
      { numRuns: 300 },
    );
  });

  // Real payloads with one field replaced by arbitrary JSON reach every accessor.
  const paths = (value: unknown, prefix: string[] = []): string[][] =>
    value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])])
      : [];
  const replaceAt = (value: unknown, path: string[], next: unknown): unknown => {
    const copy = structuredClone(value) as Obj;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Obj;
    node[path.at(-1)!] = next;
    return copy;
  };

  it('payloads with one field spoiled never throw, and what they produce validates', () => {
    const samples: unknown[] = [...SEQUENCE, ...REASSIGNED, EXPORT];
    const spoiled = fc
      .integer({ min: 0, max: samples.length - 1 })
      .chain((i) =>
        fc.tuple(
          fc.constant(samples[i]),
          fc.constantFrom(...paths(samples[i])),
          fc.oneof(
            fc.jsonValue(),
            fc.string({ minLength: 190, maxLength: 30_000 }),
            fc.constantFrom(null, -1, 1e300, '', '-1', 'SOLVED', true),
          ),
        ),
      );
    fc.assert(
      fc.property(
        spoiled,
        fc.constantFrom({}, OPTIONS, { tierField: 'x.y', channelField: 'tag:' }),
        ([sample, path, next], opts) => {
          const input = replaceAt(sample, path, next);
          const w = zendesk.mapWebhook(input, opts);
          if (w.kind === 'events') check(w.events);
          if (w.kind === 'invalid') expect(w.error).toMatch(/^[\w.[\]]+: /);
          const x = zendesk.mapExport(input, opts);
          if (x.kind === 'events') check(x.events);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('verify never throws on arbitrary headers and bodies', () => {
    const headerValue = fc.oneof(
      fc.string(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'x-zendesk-webhook-signature',
            'x-zendesk-webhook-signature-timestamp',
            'x-other',
          ),
          headerValue,
        ),
        fc.uint8Array({ maxLength: 200 }),
        fc.oneof(fc.integer(), fc.double()),
        fc.string(),
        (headers, body, now, secret) => {
          const r = zendesk.verify(
            { headers, rawBody: Buffer.from(body), url: '/v1/connectors/zendesk/t', now },
            secret,
          );
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});
