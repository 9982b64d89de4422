// The Zendesk mapping (docs/integrations.md, "Zendesk"), pure and free of Node modules so the
// Zendesk sidebar app (src/adapters/hosts/zendesk.ts) runs it in the browser too: a ticket and
// its comments become the same protocol events, with the same chat ids (`zendesk-<ticket id>`)
// and message ids (comment ids), whether they arrive by webhook, by REST export or in the app.
// The signature check (node:crypto) stays in zendesk.ts.
//
// Live events come from a Zendesk webhook subscribed to Zendesk event types:
// `zen:event-type:ticket.comment_added`, `…ticket.status_changed`,
// `…ticket.agent_assignment_changed` and, optionally, `…ticket.created`
// (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/).
// Zendesk messaging (the live-chat channel) writes every message of a conversation to its
// ticket as a comment, so a ticket is a chat and its comments are the messages.
// Past conversations for `audit --from zendesk` are the REST API's ticket with its comments
// (GET /api/v2/tickets/{id}.json + GET /api/v2/tickets/{id}/comments.json?include=users).
//
// Pure: no I/O, no clock (time comes from the caller).
import { FIELD_LIMITS } from '../../core/events.ts';
import { isObject } from '../../core/guards.ts';
import { parseAt } from '../../core/time.ts';
import {
  clip,
  displayText,
  errorText,
  fail,
  fieldReaders,
  joinPath as join,
  limited,
  mappingOptions,
  type Obj,
  own,
  ownObject,
  valueAt,
} from './payload.ts';
import {
  chatIdFor,
  type ExportMapping,
  type MappingOptions,
  type ProtocolEventObject,
  type WebhookMapping,
} from './types.ts';

// ---------------------------------------------------------------------------
// Zendesk's readers over untrusted JSON (the shared ones are in payload.ts). A FieldError
// names the field; the two entry points turn it into `invalid` (and anything unexpected too:
// they never throw). Zendesk's errors do not echo values: `missing`, or what it must be.

const { objectAt, optionalString, optionalBoolean } = fieldReaders((what, value) =>
  value === undefined ? 'missing' : what,
);

/**
 * A Zendesk id: a non-empty string or a safe integer (the webhooks send ids as strings, the
 * REST API as numbers). Undefined when absent or null; a FieldError when malformed.
 */
function optionalId(obj: Obj, field: string, path: string): string | undefined {
  const value = own(obj, field);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  fail(path, 'must be an id (a non-empty string or an integer)');
}

function requiredId(obj: Obj, field: string, path: string): string {
  return optionalId(obj, field, path) ?? fail(path, 'missing');
}

/** A Zendesk timestamp (ISO-8601 with Z); undefined when absent or null. */
function optionalTime(obj: Obj, field: string, path: string): number | undefined {
  const value = own(obj, field);
  if (value === undefined || value === null) return undefined;
  const at = typeof value === 'string' ? parseAt(value) : null;
  if (at === null) fail(path, 'must be an ISO-8601 time such as 2025-01-08T10:12:07Z');
  return at;
}

function requiredTime(obj: Obj, field: string, path: string): number {
  return optionalTime(obj, field, path) ?? fail(path, 'missing');
}

function requiredBoolean(obj: Obj, field: string, path: string): boolean {
  return optionalBoolean(obj, field, path) ?? fail(path, 'missing');
}

// ---------------------------------------------------------------------------
// Tier and channel: `tag:<prefix>` (the first ticket tag starting with <prefix>, the prefix
// removed: `tag:tier_` + tag `tier_vip` → `vip`), or a dotted path into the ticket as both the
// webhook `detail` and the REST `ticket` name it (`priority`, `via.channel`, `brand_id`; a
// leading `ticket.` or `detail.` is allowed). Values are lower-cased: the webhooks send
// enums upper-case (`HIGH`), the REST API lower-case (`high`).

const DEFAULT_CHANNEL_FIELD = 'via.channel';

export function ticketValue(ticket: Obj, spec: string | undefined): string | undefined {
  if (typeof spec !== 'string') return undefined;
  const trimmed = spec.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('tag:')) {
    const prefix = trimmed.slice(4).toLowerCase();
    const tags = own(ticket, 'tags');
    if (!Array.isArray(tags)) return undefined;
    for (const tag of tags) {
      if (typeof tag !== 'string') continue;
      const lower = tag.toLowerCase();
      if (lower.startsWith(prefix) && lower.length > prefix.length) {
        return lower.slice(prefix.length);
      }
    }
    return undefined;
  }
  const value = valueAt(ticket, trimmed.replace(/^(ticket|detail)\./, '').split('.'));
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

// ---------------------------------------------------------------------------
// The mapping both paths share: a ticket (webhook `detail` or REST `ticket`) and its
// comments (webhook `event.comment` or REST `comments[]`).

interface TicketContext {
  chatId: string;
  /** The ticket's creation time: the chat's Start. */
  createdAt: number | undefined;
  requesterId: string | undefined;
  assignee: string | undefined;
  tier: string | undefined;
  channel: string | undefined;
}

function ticketContext(ticket: Obj, base: string, options: MappingOptions): TicketContext {
  const ticketId = requiredId(ticket, 'id', join(base, 'id'));
  const chatId = limited(chatIdFor('zendesk', ticketId), FIELD_LIMITS.chatId, join(base, 'id'));
  const requesterId = optionalId(ticket, 'requester_id', join(base, 'requester_id'));
  const assigneeId = optionalId(ticket, 'assignee_id', join(base, 'assignee_id'));
  return {
    chatId,
    createdAt: optionalTime(ticket, 'created_at', join(base, 'created_at')),
    requesterId:
      requesterId === undefined
        ? undefined
        : limited(requesterId, FIELD_LIMITS['customer.id'], join(base, 'requester_id')),
    assignee:
      assigneeId === undefined
        ? undefined
        : limited(assigneeId, FIELD_LIMITS.assignee, join(base, 'assignee_id')),
    tier: displayText(ticketValue(ticket, options.tierField), FIELD_LIMITS['customer.tier']),
    channel: displayText(
      ticketValue(ticket, options.channelField ?? DEFAULT_CHANNEL_FIELD),
      FIELD_LIMITS.channel,
    ),
  };
}

function chatStarted(
  ctx: TicketContext,
  at: number,
  name: string | undefined,
): ProtocolEventObject {
  const customer: Obj = {};
  if (ctx.requesterId !== undefined) customer.id = ctx.requesterId;
  const shortName = displayText(name, FIELD_LIMITS['customer.name']);
  if (shortName !== undefined) customer.name = shortName;
  if (ctx.tier !== undefined) customer.tier = ctx.tier;
  const event: ProtocolEventObject = { type: 'chat.started', chatId: ctx.chatId, at, customer };
  if (ctx.channel !== undefined) event.channel = ctx.channel;
  if (ctx.assignee !== undefined) event.assignee = ctx.assignee;
  return event;
}

/** The Zendesk system user: "-1 represents the Zendesk system" (Webhooks API, created_by). */
export const ZENDESK_SYSTEM_USER = '-1';

interface CommentFacts {
  id: string;
  at: number;
  text: string;
  isPublic: boolean;
  authorId: string | undefined;
  /** True for agents and admins; undefined when the source does not say. */
  staff: boolean | undefined;
  /** The comment's own via channel (REST only): `answer_bot_*` is Zendesk's answer bot. */
  viaChannel: string | undefined;
}

type Authorship = { author: 'customer' | 'agent' | 'bot'; internal: boolean; agentId?: string };

/**
 * Who wrote a comment: a private comment (`public: false`) is an internal note; the Zendesk
 * system user and the answer bot are bots; staff are agents; everyone else (the requester,
 * or an end user in CC) is the customer.
 */
function authorship(c: CommentFacts, requesterId: string | undefined): Authorship {
  const staff = c.staff ?? (c.authorId !== undefined && c.authorId !== requesterId);
  if (!c.isPublic) {
    return staff && c.authorId !== undefined && c.authorId !== ZENDESK_SYSTEM_USER
      ? { author: 'agent', internal: true, agentId: c.authorId }
      : { author: 'agent', internal: true };
  }
  if (c.authorId === ZENDESK_SYSTEM_USER || c.viaChannel?.startsWith('answer_bot')) {
    return { author: 'bot', internal: false };
  }
  if (staff) {
    return c.authorId !== undefined
      ? { author: 'agent', internal: false, agentId: c.authorId }
      : { author: 'agent', internal: false };
  }
  return { author: 'customer', internal: false };
}

function messageEvent(
  ctx: TicketContext,
  c: CommentFacts,
  idPath: string,
  authorPath: string,
): ProtocolEventObject {
  const who = authorship(c, ctx.requesterId);
  const event: ProtocolEventObject = {
    type: 'message',
    chatId: ctx.chatId,
    id: limited(c.id, FIELD_LIMITS.id, idPath),
    at: c.at,
    author: who.author,
    text: clip(c.text, FIELD_LIMITS.text),
  };
  if (who.internal) event.internal = true;
  if (who.agentId !== undefined) {
    event.agentId = limited(who.agentId, FIELD_LIMITS.agentId, authorPath);
  }
  return event;
}

export const CLOSED_STATUSES: ReadonlySet<string> = new Set(['solved', 'closed']);

export function isClosedStatus(status: string): boolean {
  return CLOSED_STATUSES.has(status.trim().toLowerCase());
}

// ---------------------------------------------------------------------------
// Webhooks: Zendesk event payloads `{ type, id, time, subject, account_id, detail, event }`.

const TICKET_CREATED = 'zen:event-type:ticket.created';
const COMMENT_ADDED = 'zen:event-type:ticket.comment_added';
const STATUS_CHANGED = 'zen:event-type:ticket.status_changed';
const AGENT_ASSIGNMENT_CHANGED = 'zen:event-type:ticket.agent_assignment_changed';

/**
 * When a ticket update happened: the ticket's `updated_at` in the event's snapshot (whole
 * seconds, the same instant the REST API gives the comment's `created_at`), else the event's
 * own `time`.
 */
function updateTime(payload: Obj, detail: Obj): number {
  return (
    optionalTime(detail, 'updated_at', 'detail.updated_at') ??
    optionalTime(payload, 'time', 'time') ??
    fail('detail.updated_at', 'missing (and no event time)')
  );
}

function mapCommentAdded(payload: Obj, options: MappingOptions): ProtocolEventObject[] {
  const detail = objectAt(payload, 'detail', 'detail');
  const ctx = ticketContext(detail, 'detail', options);
  const event = objectAt(payload, 'event', 'event');
  const comment = objectAt(event, 'comment', 'event.comment');
  const author = objectAt(comment, 'author', 'event.comment.author');
  const facts: CommentFacts = {
    id: requiredId(comment, 'id', 'event.comment.id'),
    at: updateTime(payload, detail),
    text: optionalString(comment, 'body', 'event.comment.body') ?? '',
    isPublic: requiredBoolean(comment, 'is_public', 'event.comment.is_public'),
    authorId: optionalId(author, 'id', 'event.comment.author.id'),
    staff: requiredBoolean(author, 'is_staff', 'event.comment.author.is_staff'),
    viaChannel: undefined,
  };
  const message = messageEvent(ctx, facts, 'event.comment.id', 'event.comment.author.id');
  // The requester's own comments name the customer (ticket.created does not): each one also
  // carries the chat's chat.started; the engine keeps the first and ignores the others.
  const byRequester =
    ctx.requesterId !== undefined && facts.authorId === ctx.requesterId && !facts.staff;
  if (byRequester && ctx.createdAt !== undefined) {
    const name = optionalString(author, 'name', 'event.comment.author.name');
    return [chatStarted(ctx, ctx.createdAt, name), message];
  }
  return [message];
}

function mapStatusChanged(payload: Obj): ProtocolEventObject[] | null {
  const detail = objectAt(payload, 'detail', 'detail');
  const ticketId = requiredId(detail, 'id', 'detail.id');
  const chatId = limited(chatIdFor('zendesk', ticketId), FIELD_LIMITS.chatId, 'detail.id');
  const event = objectAt(payload, 'event', 'event');
  const current =
    optionalString(event, 'current', 'event.current') ?? fail('event.current', 'missing');
  if (!isClosedStatus(current)) return null;
  return [{ type: 'chat.closed', chatId, at: updateTime(payload, detail) }];
}

/**
 * Agent assignment changed: `event.current` is the newly assigned agent's id (`previous` the
 * one before), and `detail` the ticket after the change. No agent is a queue chat: `current`
 * null or empty, or Zendesk's "0" for no id (as in its event payloads' `organization_id`).
 * A group reassignment alone (`…group_assignment_changed`) keeps the agent and is not used.
 */
function mapAgentAssignment(payload: Obj): ProtocolEventObject[] {
  const detail = objectAt(payload, 'detail', 'detail');
  const ticketId = requiredId(detail, 'id', 'detail.id');
  const chatId = limited(chatIdFor('zendesk', ticketId), FIELD_LIMITS.chatId, 'detail.id');
  const event = objectAt(payload, 'event', 'event');
  const raw = own(event, 'current');
  if (raw === undefined) fail('event.current', 'missing');
  const current = raw === '' ? undefined : optionalId(event, 'current', 'event.current');
  const agentId =
    current === undefined || current === '0'
      ? null
      : limited(current, FIELD_LIMITS.agentId, 'event.current');
  return [{ type: 'chat.assigned', chatId, at: updateTime(payload, detail), agentId }];
}

export function mapWebhook(payload: unknown, options: MappingOptions): WebhookMapping {
  if (!isObject(payload)) {
    return { kind: 'invalid', type: '', error: 'payload: must be a JSON object' };
  }
  const rawType = own(payload, 'type');
  if (typeof rawType !== 'string' || rawType === '') {
    return { kind: 'invalid', type: '', error: 'type: must be a non-empty string' };
  }
  const type = clip(rawType, FIELD_LIMITS.type);
  try {
    switch (rawType) {
      case TICKET_CREATED:
        // Counted, not stored: ticket events carry no names, and a nameless chat.started
        // stored first would stop the greeting by name from ever being checked (the engine
        // keeps the first chat.started). The requester's first comment starts the chat with
        // the name, at the ticket's creation time.
        return { kind: 'ignored', type };
      case COMMENT_ADDED:
        return { kind: 'events', type, events: mapCommentAdded(payload, mappingOptions(options)) };
      case STATUS_CHANGED: {
        const events = mapStatusChanged(payload);
        // A status change that does not solve or close the ticket is nothing for the timers.
        return events ? { kind: 'events', type, events } : { kind: 'ignored', type };
      }
      case AGENT_ASSIGNMENT_CHANGED:
        return { kind: 'events', type, events: mapAgentAssignment(payload) };
      default:
        return { kind: 'ignored', type };
    }
  } catch (err) {
    return { kind: 'invalid', type, error: errorText(err) };
  }
}

// ---------------------------------------------------------------------------
// Export (`audit --from zendesk`): one record per ticket, either the ticket object with a
// `comments` array added, or `{ ticket, comments, users?, ticket_metric? }` (the bodies of
// GET /api/v2/tickets/{id}.json, …/comments.json?include=users and …/metrics.json merged).

interface UserFacts {
  name: string | undefined;
  staff: boolean | undefined;
}

/** Sideloaded users (`include=users`): `role` is `end-user`, `agent` or `admin`. */
function usersById(record: Obj): Map<string, UserFacts> {
  const users = new Map<string, UserFacts>();
  const list = own(record, 'users');
  if (!Array.isArray(list)) return users;
  for (const user of list) {
    if (!isObject(user)) continue;
    const rawId = own(user, 'id');
    const id =
      typeof rawId === 'number' && Number.isSafeInteger(rawId)
        ? String(rawId)
        : typeof rawId === 'string'
          ? rawId
          : undefined;
    if (id === undefined) continue;
    const rawRole = own(user, 'role');
    const role = typeof rawRole === 'string' ? rawRole.toLowerCase() : undefined;
    const name = own(user, 'name');
    users.set(id, {
      name: typeof name === 'string' ? name : undefined,
      staff: role === undefined ? undefined : role === 'agent' || role === 'admin',
    });
  }
  return users;
}

/** When the ticket was solved: the ticket metric's `solved_at`, else its `updated_at`. */
function solvedTime(record: Obj, ticket: Obj, base: string): number {
  for (const [holder, field, path] of [
    [record, 'ticket_metric', 'ticket_metric'],
    [record, 'metric_set', 'metric_set'],
    [ticket, 'metric_set', join(base, 'metric_set')],
  ] as const) {
    const metric = ownObject(holder, field);
    if (metric === undefined) continue;
    const at = optionalTime(metric, 'solved_at', `${path}.solved_at`);
    if (at !== undefined) return at;
  }
  return requiredTime(ticket, 'updated_at', join(base, 'updated_at'));
}

export function mapExport(record: unknown, options: MappingOptions): ExportMapping {
  try {
    if (!isObject(record)) return { kind: 'invalid', error: 'record: must be a JSON object' };
    const wrapped = ownObject(record, 'ticket');
    const ticket = wrapped ?? record;
    const base = wrapped ? 'ticket' : '';
    const list = own(record, 'comments') ?? own(ticket, 'comments');
    const comments = Array.isArray(list)
      ? list
      : fail('comments', list === undefined ? 'missing' : 'must be an array');
    const ctx = ticketContext(ticket, base, mappingOptions(options));
    const start = ctx.createdAt ?? fail(join(base, 'created_at'), 'missing');
    const users = usersById(record);
    const requester = ctx.requesterId === undefined ? undefined : users.get(ctx.requesterId);
    const events: ProtocolEventObject[] = [chatStarted(ctx, start, requester?.name)];
    comments.forEach((value, i) => {
      const path = `comments[${i}]`;
      if (!isObject(value)) fail(path, 'must be an object');
      const authorId = optionalId(value, 'author_id', `${path}.author_id`);
      const channel = own(own(value, 'via'), 'channel');
      const viaChannel = typeof channel === 'string' ? channel : undefined;
      const facts: CommentFacts = {
        id: requiredId(value, 'id', `${path}.id`),
        at: requiredTime(value, 'created_at', `${path}.created_at`),
        text:
          optionalString(value, 'body', `${path}.body`) ??
          optionalString(value, 'plain_body', `${path}.plain_body`) ??
          '',
        isPublic: requiredBoolean(value, 'public', `${path}.public`),
        authorId,
        staff: authorId === undefined ? undefined : users.get(authorId)?.staff,
        viaChannel,
      };
      events.push(messageEvent(ctx, facts, `${path}.id`, `${path}.author_id`));
    });
    const status = optionalString(ticket, 'status', join(base, 'status'));
    if (status !== undefined && isClosedStatus(status)) {
      events.push({
        type: 'chat.closed',
        chatId: ctx.chatId,
        at: solvedTime(record, ticket, base),
      });
    }
    return { kind: 'events', chatId: ctx.chatId, events };
  } catch (err) {
    return { kind: 'invalid', error: errorText(err) };
  }
}
