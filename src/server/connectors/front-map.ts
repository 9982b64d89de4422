// Front (front.com): the pure mapping of Front's conversation data to protocol v1 events,
// shared by the server-side connector (front.ts: application webhooks and Core API exports) and
// the Front sidebar plugin (src/adapters/hosts/front.ts, which runs it in the browser on the
// plugin SDK's data converted to the Core API's shape). No Node modules here: the signature
// check (node:crypto) stays in front.ts, which builds `frontConnector` from these functions.
//
// Sources, each read for this file:
// - Webhook body: `{ type, authorization: { id }, payload }`, `payload` being an Event
//   (https://dev.frontapp.com/docs/application-webhooks; Front's sample app
//   https://github.com/dugjason/front-webhook-application reads `body.type`,
//   `body.authorization.id`, `body.payload.conversation.id`).
// - Event, Conversation, Message, Comment, Teammate, Recipient, Tag shapes: Front's Core API
//   OpenAPI (https://dev.frontapp.com/reference/events, /reference/conversations,
//   /reference/messages, /reference/comments). All timestamps there are Unix seconds, with a
//   fractional part (e.g. `1701292649.333`).
//
// Pure: no I/O, no timers, no clock; `mapWebhook` and `mapExport` never throw.
import { FIELD_LIMITS, MAX_TEXT_LENGTH } from '../../core/events.ts';
import { describeValue, isObject } from '../../core/guards.ts';
import {
  clip,
  displayText,
  FieldError,
  fail,
  fieldReaders,
  limited,
  mappingOptions,
  type Obj,
  own,
  scalarText,
  showingValue,
  valueAt,
} from './payload.ts';
import {
  chatIdFor,
  type ExportMapping,
  type MappingOptions,
  type ProtocolEventObject,
  type WebhookMapping,
} from './types.ts';

/** Teammate `type` values that are bots (Core API TeammateResponse): not a person replying. */
const BOT_TEAMMATE_TYPES: ReadonlySet<string> = new Set([
  'rule',
  'macro',
  'API',
  'integration',
  'CSAT',
]);

/** Front's "Unix seconds": anything at or past this is not seconds (year 5138). */
const MAX_UNIX_SECONDS = 1e11;

/** HTML beyond this many characters is not read: the text is clipped to 20,000 anyway. */
const MAX_HTML_SCAN = 200_000;

/** At most this many items of a list (tags, inboxes, recipients) are looked at. */
const MAX_LIST_SCAN = 1000;

// ---------------------------------------------------------------------------------------------
// Front's readers over untrusted JSON (the shared ones are in payload.ts). A FieldError names the
// field and describes the bad value (core's describeValue).

const { objectAt, optionalString } = fieldReaders(showingValue(describeValue));

/** A non-blank id string, refused (not clipped) beyond `max`. */
function idAt(obj: Obj, key: string, path: string, max: number): string {
  const value = own(obj, key);
  if (typeof value !== 'string' || value.trim() === '') {
    fail(path, `must be a non-empty string (${describeValue(value)})`);
  }
  return limited(value, max, path);
}

/** Unix seconds (Front's unit, fractional) → epoch milliseconds. Undefined when absent. */
function secondsAt(obj: Obj, key: string, path: string): number | undefined {
  const value = own(obj, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(path, `must be a Unix time in seconds (${describeValue(value)})`);
  }
  if (value >= MAX_UNIX_SECONDS) {
    fail(path, `must be a Unix time in seconds, not milliseconds (${describeValue(value)})`);
  }
  // Round, not truncate: 1701292649.333 * 1000 is 1701292649332.9998 in binary floating point.
  return Math.round(value * 1000);
}

/** `secondsAt`, else `fallback` (a webhook's `emitted_at`), else malformed. */
function requiredSecondsAt(obj: Obj, key: string, path: string, fallback?: number): number {
  return (
    secondsAt(obj, key, path) ?? fallback ?? fail(path, 'must be a Unix time in seconds (missing)')
  );
}

// ---------------------------------------------------------------------------------------------
// HTML bodies → plain text (linear time, whatever the input)

const BLOCK_TAGS: ReadonlySet<string> = new Set([
  'br',
  'p',
  'div',
  'li',
  'tr',
  'ul',
  'ol',
  'table',
  'blockquote',
  'pre',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
]);

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(
    /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g,
    (whole, code: string) => {
      if (code[0] !== '#') return NAMED_ENTITIES[code.toLowerCase()] ?? whole;
      const n =
        code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1));
      if (!Number.isInteger(n) || n < 1 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) {
        return '\uFFFD';
      }
      return String.fromCodePoint(n);
    },
  );
}

function isTagStart(code: number): boolean {
  // A letter, `/`, `!` or `?` right after `<`: anything else ("a < b") is text.
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 47 ||
    code === 33 ||
    code === 63
  );
}

/** Strips tags, drops `<script>`/`<style>` content and comments, decodes entities. */
export function htmlToText(html: string): string {
  const src = html.length > MAX_HTML_SCAN ? html.slice(0, MAX_HTML_SCAN) : html;
  const parts: string[] = [];
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt === -1) {
      parts.push(src.slice(i));
      break;
    }
    parts.push(src.slice(i, lt));
    if (!isTagStart(src.charCodeAt(lt + 1))) {
      parts.push('<');
      i = lt + 1;
      continue;
    }
    if (src.startsWith('!--', lt + 1)) {
      const end = src.indexOf('-->', lt + 4);
      i = end === -1 ? src.length : end + 3;
      continue;
    }
    const gt = src.indexOf('>', lt + 1);
    if (gt === -1) {
      parts.push(src.slice(lt)); // an unclosed `<…`: not a tag, keep it as text
      break;
    }
    const name = /^\/?([a-zA-Z][a-zA-Z0-9]*)/.exec(src.slice(lt + 1, Math.min(gt, lt + 40)))?.[1];
    const tag = name?.toLowerCase() ?? '';
    i = gt + 1;
    if ((tag === 'script' || tag === 'style') && src.charCodeAt(lt + 1) !== 47) {
      const close = new RegExp(`</${tag}`, 'gi');
      close.lastIndex = i;
      const found = close.exec(src);
      if (!found) break;
      const after = src.indexOf('>', found.index);
      i = after === -1 ? src.length : after + 1;
      continue;
    }
    if (BLOCK_TAGS.has(tag)) parts.push('\n');
  }
  const lines = decodeEntities(parts.join(''))
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim());
  // One line break per block boundary (`</p><p>` is one break, not a blank line).
  return lines
    .join('\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Settings a team names (MappingOptions) read on a Front conversation

/**
 * Reads a team-named field:
 * - `tag:<prefix>`: the first conversation tag whose `name` starts with `<prefix>`; the value is
 *   the rest of the name (`tag:tier-` and a tag `tier-vip` give `vip`);
 * - `inbox`: the name of the conversation's first inbox (webhook `source.data` of an inbound or
 *   outbound event; an export record's optional `inboxes`);
 * - otherwise a dotted path into the conversation object, `conversation.` optional
 *   (`custom_fields.Tier`, `recipient.handle`). Strings, numbers and booleans are read.
 */
function readTeamField(
  spec: unknown,
  conversation: Obj,
  inboxes: unknown,
  max: number,
): string | undefined {
  if (typeof spec !== 'string') return undefined;
  const field = spec.trim();
  if (field === '') return undefined;
  let value: string | undefined;
  if (field.startsWith('tag:')) {
    value = tagValue(own(conversation, 'tags'), field.slice(4));
  } else if (field === 'inbox') {
    value = firstInboxName(inboxes);
  } else {
    const path = field.startsWith('conversation.') ? field.slice('conversation.'.length) : field;
    value = scalarText(valueAt(conversation, path.split('.')));
  }
  return value ? clip(value, max) : undefined;
}

/** The first `pick(item)` that is not undefined, among a list's first MAX_LIST_SCAN items. */
function firstOf<T>(list: unknown, pick: (item: unknown) => T | undefined): T | undefined {
  if (!Array.isArray(list)) return undefined;
  const n = Math.min(list.length, MAX_LIST_SCAN);
  for (let k = 0; k < n; k++) {
    const found = pick(list[k]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function tagValue(tags: unknown, prefix: string): string | undefined {
  return firstOf(tags, (tag) => {
    const name = own(tag, 'name');
    if (typeof name !== 'string' || !name.startsWith(prefix)) return undefined;
    return name.slice(prefix.length).trim() || undefined;
  });
}

function firstInboxName(inboxes: unknown): string | undefined {
  return firstOf(inboxes, (inbox) => {
    const name = own(inbox, 'name');
    return typeof name === 'string' && name.trim() ? name.trim() : undefined;
  });
}

// ---------------------------------------------------------------------------------------------
// Shared mapping: one conversation, one message or comment

interface Context {
  chatId: string;
  conversation: Obj;
  /** Prefix of the conversation's fields in error paths (`payload.conversation.`, or ``). */
  convPath: string;
  /** Inbox objects for `channelField: inbox`. */
  inboxes: unknown;
  options: MappingOptions;
}

function conversationContext(
  conversation: Obj,
  convPath: string,
  inboxes: unknown,
  options: MappingOptions,
): Context {
  // `front-` + id must fit the chatId limit; an over-long id is refused, never clipped.
  const max = FIELD_LIMITS.chatId - 'front-'.length;
  const id = idAt(conversation, 'id', `${convPath}id`, max);
  return { chatId: chatIdFor('front', id), conversation, convPath, inboxes, options };
}

/** The contact id at the end of `_links.related.contact` (`…/contacts/crd_2njtoem`). */
function contactIdOf(recipient: Obj): string | undefined {
  const url = own(own(own(recipient, '_links'), 'related'), 'contact');
  if (typeof url !== 'string') return undefined;
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last !== '' ? last : undefined;
}

/** `from` recipient of a message (the customer, on an inbound one). */
function fromRecipient(message: Obj | undefined): Obj | undefined {
  return firstOf(own(message, 'recipients'), (r) =>
    isObject(r) && own(r, 'role') === 'from' ? r : undefined,
  );
}

function customerOf(
  ctx: Context,
  firstInbound: Obj | undefined,
): Record<string, string> | undefined {
  let recipient = own(ctx.conversation, 'recipient');
  let path = `${ctx.convPath}recipient`;
  if (!isObject(recipient)) {
    recipient = fromRecipient(firstInbound);
    path = 'recipients[role=from]';
  }
  const customer: Record<string, string> = {};
  if (isObject(recipient)) {
    const contactId = contactIdOf(recipient);
    const handle = own(recipient, 'handle');
    const id = contactId ?? (typeof handle === 'string' && handle.trim() ? handle : undefined);
    if (id !== undefined) {
      const idPath = contactId ? `${path}._links.related.contact` : `${path}.handle`;
      customer.id = limited(id, FIELD_LIMITS['customer.id'], idPath);
    }
    const name = displayText(own(recipient, 'name'), FIELD_LIMITS['customer.name']);
    if (name !== undefined) customer.name = name;
  }
  const tier = readTeamField(
    ctx.options.tierField,
    ctx.conversation,
    ctx.inboxes,
    FIELD_LIMITS['customer.tier'],
  );
  if (tier !== undefined) customer.tier = tier;
  return Object.keys(customer).length > 0 ? customer : undefined;
}

/** The text of a message: its plain `text` when present, else its HTML `body`, else `blurb`. */
function messageText(message: Obj, path: string): string {
  const text = optionalString(message, 'text', `${path}.text`);
  const body = optionalString(message, 'body', `${path}.body`);
  const blurb = optionalString(message, 'blurb', `${path}.blurb`);
  let result = '';
  if (text !== undefined && text.trim() !== '') {
    result = (text.length > MAX_HTML_SCAN ? text.slice(0, MAX_HTML_SCAN) : text)
      .replace(/\r\n?/g, '\n')
      .trim();
  } else if (body !== undefined && body.trim() !== '') result = htmlToText(body);
  else if (blurb !== undefined) result = blurb.trim();
  return clip(result, MAX_TEXT_LENGTH);
}

function chatStarted(
  ctx: Context,
  at: number,
  firstMessage: Obj | undefined,
  firstInbound: Obj | undefined,
): ProtocolEventObject {
  const event: ProtocolEventObject = { type: 'chat.started', chatId: ctx.chatId, at };
  const customer = customerOf(ctx, firstInbound);
  if (customer) event.customer = customer;
  const messageType = firstMessage ? own(firstMessage, 'type') : undefined;
  const channel =
    readTeamField(ctx.options.channelField, ctx.conversation, ctx.inboxes, FIELD_LIMITS.channel) ??
    displayText(messageType, FIELD_LIMITS.channel);
  if (channel !== undefined) event.channel = channel;
  const assignee = own(ctx.conversation, 'assignee');
  if (isObject(assignee)) {
    const assigneeId = own(assignee, 'id');
    if (typeof assigneeId === 'string' && assigneeId.trim()) {
      event.assignee = limited(assigneeId, FIELD_LIMITS.assignee, `${ctx.convPath}assignee.id`);
    }
  }
  return event;
}

/**
 * One Front message → a `message` event. Inbound (`is_inbound`, or the event type when the
 * field is absent) is the customer; outbound is an agent, or a bot when its author teammate's
 * `type` is a bot type (rule, macro, API, integration, CSAT).
 */
function messageEvent(
  ctx: Context,
  message: Obj,
  path: string,
  inboundHint: boolean | undefined,
  fallbackAt: number | undefined,
): ProtocolEventObject {
  const id = idAt(message, 'id', `${path}.id`, FIELD_LIMITS.id);
  const at = requiredSecondsAt(message, 'created_at', `${path}.created_at`, fallbackAt);
  const isInbound = own(message, 'is_inbound');
  let inbound: boolean;
  if (typeof isInbound === 'boolean') inbound = isInbound;
  else if (isInbound === undefined && inboundHint !== undefined) inbound = inboundHint;
  else fail(`${path}.is_inbound`, `must be true or false (${describeValue(isInbound)})`);
  const event: ProtocolEventObject = {
    type: 'message',
    chatId: ctx.chatId,
    id,
    at,
    author: 'customer',
    text: messageText(message, path),
  };
  if (!inbound) Object.assign(event, teammateAuthor(message, path));
  return event;
}

/** `{author:'agent', agentId}` or `{author:'bot'}` from a message's or comment's `author`. */
function teammateAuthor(item: Obj, path: string): Record<string, string> {
  const author = own(item, 'author');
  // No teammate (`null`, or a preview without the field): sent from outside Front's composer
  // (e.g. the agent's own mail client), so a person: an agent we cannot name.
  if (author === undefined || author === null) return { author: 'agent' };
  if (!isObject(author)) {
    fail(`${path}.author`, `must be an object or null (${describeValue(author)})`);
  }
  const type = own(author, 'type');
  if (typeof type === 'string' && BOT_TEAMMATE_TYPES.has(type)) return { author: 'bot' };
  const agentId = own(author, 'id');
  if (agentId === undefined || agentId === null) return { author: 'agent' };
  return {
    author: 'agent',
    agentId: idAt(author, 'id', `${path}.author.id`, FIELD_LIMITS.agentId),
  };
}

/** One Front comment → an internal note (`internal: true`), by an agent or a bot teammate. */
function commentEvent(
  ctx: Context,
  comment: Obj,
  path: string,
  fallbackAt: number | undefined,
): ProtocolEventObject {
  const id = idAt(comment, 'id', `${path}.id`, FIELD_LIMITS.id);
  const at = requiredSecondsAt(comment, 'posted_at', `${path}.posted_at`, fallbackAt);
  const body = optionalString(comment, 'body', `${path}.body`) ?? '';
  return {
    type: 'message',
    chatId: ctx.chatId,
    id,
    at,
    ...teammateAuthor(comment, path),
    text: clip(htmlToText(body), MAX_TEXT_LENGTH),
    internal: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Webhooks

type Kind = 'inbound' | 'outbound' | 'comment' | 'close' | 'assign' | 'unassign';

/** Application webhook types (the envelope's `type`) this connector uses. */
const ENVELOPE_KINDS: Readonly<Record<string, Kind>> = {
  inbound_received: 'inbound',
  outbound_sent: 'outbound',
  new_comment_added: 'comment',
  conversation_archived: 'close',
  conversation_deleted: 'close',
};

/** Core API event types (`payload.type`, or a bare event's `type`) this connector uses. */
const EVENT_KINDS: Readonly<Record<string, Kind>> = {
  inbound: 'inbound',
  outbound: 'outbound',
  out_reply: 'outbound',
  comment: 'comment',
  archive: 'close',
  trash: 'close',
  // An application webhook `assignee_changed` wraps one of these two.
  assign: 'assign',
  unassign: 'unassign',
};

function kindOf(envelopeType: unknown, eventType: unknown): Kind | undefined {
  // The event's own type is the precise one (`assignee_changed` carries `assign` or `unassign`).
  if (typeof eventType === 'string')
    return Object.hasOwn(EVENT_KINDS, eventType) ? EVENT_KINDS[eventType] : undefined;
  if (typeof envelopeType === 'string' && Object.hasOwn(ENVELOPE_KINDS, envelopeType)) {
    return ENVELOPE_KINDS[envelopeType];
  }
  return undefined;
}

function mapWebhookUnsafe(body: unknown, options: MappingOptions): WebhookMapping {
  if (!isObject(body)) {
    return {
      kind: 'invalid',
      type: '',
      error: `(body): must be a JSON object (${describeValue(body)})`,
    };
  }
  const outerType = own(body, 'type');
  const wrapped = own(body, 'payload');
  // An application webhook wraps the event: `{type, authorization, payload}`. A rule webhook
  // with full event data, or an event from `GET /events`, is the bare event.
  const enveloped =
    wrapped !== undefined ||
    (typeof outerType === 'string' && Object.hasOwn(ENVELOPE_KINDS, outerType));
  const innerType = enveloped && isObject(wrapped) ? own(wrapped, 'type') : undefined;
  const eventType = enveloped ? innerType : outerType;
  const reported =
    typeof outerType === 'string' ? outerType : typeof innerType === 'string' ? innerType : '';
  if (typeof outerType !== 'string' && typeof innerType !== 'string') {
    return {
      kind: 'invalid',
      type: '',
      error: `type: must be a string (${describeValue(outerType)})`,
    };
  }
  const kind = kindOf(enveloped ? outerType : undefined, eventType);
  if (kind === undefined) return { kind: 'ignored', type: reported };
  try {
    if (enveloped && !isObject(wrapped))
      fail('payload', `must be an object (${describeValue(wrapped)})`);
    const event = enveloped ? (wrapped as Obj) : body;
    const p = enveloped ? 'payload.' : '';
    const conversation = objectAt(event, 'conversation', `${p}conversation`);
    const inboxes = own(own(event, 'source'), 'data');
    const ctx = conversationContext(conversation, `${p}conversation.`, inboxes, options);
    const emittedAt = secondsAt(event, 'emitted_at', `${p}emitted_at`);
    if (kind === 'close' || kind === 'assign' || kind === 'unassign') {
      const at = emittedAt ?? fail(`${p}emitted_at`, 'must be a Unix time in seconds (missing)');
      const change: ProtocolEventObject =
        kind === 'close'
          ? { type: 'chat.closed', chatId: ctx.chatId, at }
          : {
              type: 'chat.assigned',
              chatId: ctx.chatId,
              at,
              agentId: kind === 'assign' ? assignedTeammate(event, p) : null,
            };
      return { kind: 'events', type: reported, events: [change] };
    }
    const target = objectAt(event, 'target', `${p}target`);
    const data = objectAt(target, 'data', `${p}target.data`);
    if (kind === 'comment') {
      return {
        kind: 'events',
        type: reported,
        events: [commentEvent(ctx, data, `${p}target.data`, emittedAt)],
      };
    }
    const message = messageEvent(ctx, data, `${p}target.data`, kind === 'inbound', emittedAt);
    // Front has no "conversation created" event: every message event carries the conversation,
    // so it also carries its chat.started (at the conversation's creation). The engine keeps
    // the first and ignores the repeats; a start arriving after a message still names the
    // customer (protocol.md).
    const createdAt = secondsAt(conversation, 'created_at', `${p}conversation.created_at`);
    const started = chatStarted(
      ctx,
      Math.min(createdAt ?? (message.at as number), message.at as number),
      data,
      message.author === 'customer' ? data : undefined,
    );
    return { kind: 'events', type: reported, events: [started, message] };
  } catch (err) {
    if (err instanceof FieldError) return { kind: 'invalid', type: reported, error: err.message };
    throw err;
  }
}

/**
 * The teammate an `assign` event hands the conversation to (its target, a Teammate); null
 * when that teammate is a bot type (a rule, an integration…): nobody's chat, the queue's.
 */
function assignedTeammate(event: Obj, p: string): string | null {
  const target = objectAt(event, 'target', `${p}target`);
  const teammate = objectAt(target, 'data', `${p}target.data`);
  const type = own(teammate, 'type');
  if (typeof type === 'string' && BOT_TEAMMATE_TYPES.has(type)) return null;
  return idAt(teammate, 'id', `${p}target.data.id`, FIELD_LIMITS.agentId);
}

// ---------------------------------------------------------------------------------------------
// Export: one conversation with its messages (and comments, events, inboxes)

/** A list given as the array itself or as the API's list response `{ _results: [...] }`. */
function listAt(record: Obj, key: string, required: boolean): unknown[] {
  const value = own(record, key);
  if (value === undefined || value === null) {
    if (required) fail(key, `must be a list of ${key} (missing)`);
    return [];
  }
  if (Array.isArray(value)) return value;
  if (isObject(value)) {
    const results = own(value, '_results');
    if (Array.isArray(results)) return results;
  }
  return fail(key, `must be a list, or an object with a _results list (${describeValue(value)})`);
}

interface Timed {
  at: number;
  seq: number;
  event: ProtocolEventObject;
}

function mapExportUnsafe(record: unknown, options: MappingOptions): ExportMapping {
  if (!isObject(record)) fail('(record)', `must be a JSON object (${describeValue(record)})`);
  const ctx = conversationContext(record, '', listAt(record, 'inboxes', false), options);
  const messages = listAt(record, 'messages', true);
  const comments = listAt(record, 'comments', false);
  const events = listAt(record, 'events', false);

  // The API lists newest first: walk oldest first so equal times keep conversation order.
  const timed: Timed[] = [];
  let firstMessage: { at: number; data: Obj } | undefined;
  let firstInbound: { at: number; data: Obj } | undefined;
  for (let k = messages.length - 1; k >= 0; k--) {
    const path = `messages[${k}]`;
    const m: unknown = messages[k];
    if (!isObject(m)) fail(path, `must be an object (${describeValue(m)})`);
    const draftMode = own(m, 'draft_mode');
    if (typeof draftMode === 'string') continue; // an unsent draft
    const event = messageEvent(ctx, m, path, undefined, undefined);
    const at = event.at as number;
    timed.push({ at, seq: timed.length, event });
    if (!firstMessage || at < firstMessage.at) firstMessage = { at, data: m };
    if (event.author === 'customer' && (!firstInbound || at < firstInbound.at)) {
      firstInbound = { at, data: m };
    }
  }
  for (let k = comments.length - 1; k >= 0; k--) {
    const path = `comments[${k}]`;
    const c: unknown = comments[k];
    if (!isObject(c)) fail(path, `must be an object (${describeValue(c)})`);
    const event = commentEvent(ctx, c, path, undefined);
    timed.push({ at: event.at as number, seq: timed.length, event });
  }
  timed.sort((a, b) => a.at - b.at || a.seq - b.seq);

  const createdAt = secondsAt(record, 'created_at', 'created_at');
  const earliest = timed[0]?.at;
  const startAt =
    createdAt !== undefined && earliest !== undefined
      ? Math.min(createdAt, earliest)
      : (createdAt ?? earliest ?? fail('created_at', 'must be a Unix time in seconds (missing)'));
  const out: ProtocolEventObject[] = [
    chatStarted(ctx, startAt, firstMessage?.data, firstInbound?.data),
    ...timed.map((t) => t.event),
  ];

  const closedAt = exportClosedAt(record, events, timed);
  if (closedAt !== undefined) out.push({ type: 'chat.closed', chatId: ctx.chatId, at: closedAt });
  return { kind: 'events', chatId: ctx.chatId, events: out };
}

/**
 * When an exported conversation closed: null when it is open (`status` not `archived` or
 * `deleted`, and `status_category` not `resolved`). The time is the latest `archive`/`trash`
 * event of its `events` list when given, else its `updated_at`, else its last message.
 */
function exportClosedAt(record: Obj, events: unknown[], timed: Timed[]): number | undefined {
  const status = own(record, 'status');
  const category = own(record, 'status_category');
  const closed = status === 'archived' || status === 'deleted' || category === 'resolved';
  if (!closed) return undefined;
  let latest: number | undefined;
  for (let k = 0; k < events.length; k++) {
    const e: unknown = events[k];
    if (!isObject(e)) fail(`events[${k}]`, `must be an object (${describeValue(e)})`);
    const type = own(e, 'type');
    if (type !== 'archive' && type !== 'trash') continue;
    const at = requiredSecondsAt(e, 'emitted_at', `events[${k}].emitted_at`);
    if (latest === undefined || at > latest) latest = at;
  }
  const last = timed[timed.length - 1]?.at;
  const fallback = latest ?? secondsAt(record, 'updated_at', 'updated_at') ?? last;
  // A close before the last message would cut the chat short: it closed after it.
  return fallback !== undefined && last !== undefined ? Math.max(fallback, last) : fallback;
}

// ---------------------------------------------------------------------------------------------
// Entry points (never throw)

/** Maps one decoded application-webhook body (or a bare Core API event). */
export function mapWebhook(payload: unknown, options: MappingOptions): WebhookMapping {
  try {
    return mapWebhookUnsafe(payload, mappingOptions(options));
  } catch (err) {
    return {
      kind: 'invalid',
      type: '',
      error: `(body): could not be read (${(err as Error)?.message})`,
    };
  }
}

/**
 * Maps one conversation in the Core API's shape, with its `messages` (and optional `comments`,
 * `events`, `inboxes`): `chat.started`, the messages and notes in time order, `chat.closed`.
 */
export function mapExport(record: unknown, options: MappingOptions): ExportMapping {
  try {
    return mapExportUnsafe(record, mappingOptions(options));
  } catch (err) {
    if (err instanceof FieldError) return { kind: 'invalid', error: err.message };
    return { kind: 'invalid', error: `(record): could not be read (${(err as Error)?.message})` };
  }
}
