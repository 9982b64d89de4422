// Chatwoot's mapping (docs/integrations/chatwoot-connector.md): its payloads → protocol v1
// event objects. Pure, with no Node modules: the connector (chatwoot.ts, which adds the
// signature check) and the Chatwoot dashboard app in the browser (src/adapters/hosts/chatwoot.ts)
// share it, so a chat arriving both ways has the same chat and message ids.
//
// Sources for every shape read here (the doc's "Notes" list where they disagree):
// - webhook payloads: https://www.chatwoot.com/docs/product/others/webhook-events and the
//   sources they come from: Message#webhook_data (created_at as an ISO string, message_type
//   as a name), Conversations::EventDataPresenter#push_data (conversation objects: `id` is
//   the display id, created_at / timestamp in Unix seconds, embedded `messages` in the
//   push_event_data shape with message_type 0–3 and created_at in Unix seconds);
//   conversation_status_changed and conversation_updated are that conversation object plus
//   `changed_attributes` (app/listeners/webhook_listener.rb, base_listener.rb), and
//   Conversation#notify_conversation_updation sends conversation_updated when `assignee_id`
//   (among others) changes.
// - export: GET /api/v1/accounts/{account_id}/conversations/{id} (conversation object) and
//   GET …/conversations/{id}/messages (`payload`: message_type 0–3, created_at Unix seconds).
//   The dashboard app's `appContext` conversation is the same push_event_data shape.
import { FIELD_LIMITS, MAX_TEXT_LENGTH } from '../../core/events.ts';
import { isObject } from '../../core/guards.ts';
import { parseAt } from '../../core/time.ts';
import {
  byTime,
  clip,
  displayText,
  errorText,
  fail,
  jsonPreview,
  limited,
  mappingOptions,
  type Obj,
  own,
  ownObject,
  scalarText,
  valueAt,
} from './payload.ts';
import {
  chatIdFor,
  type ExportMapping,
  type MappingOptions,
  type ProtocolEventObject,
  type WebhookMapping,
} from './types.ts';

/** Events mapped to protocol events; every other `event` value is ignored. */
export const CHATWOOT_USED_EVENTS: readonly string[] = [
  'conversation_created',
  'message_created',
  'conversation_status_changed',
  // Legacy name (agent bot / API inbox webhooks), same conversation payload.
  'conversation_resolved',
  // Only when it reassigns the conversation (changed_attributes names assignee_id).
  'conversation_updated',
];

// ---------------------------------------------------------------------------------------
// Chatwoot's own readers (the shared ones are in payload.ts): untrusted JSON in, never a
// throw except FieldError. A bad value is shown in the error as JSON.

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = jsonPreview(value);
  return json === undefined ? `got ${typeof value}` : `got ${json}`;
}

/** A Chatwoot id (integer in practice; a non-empty string is accepted as is). */
function idOf(value: unknown, path: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  return fail(path, `must be a number or a non-empty string (${describe(value)})`);
}

const MAX_EPOCH_MS = 8.64e15;
const RUBY_TIME =
  /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?(?:(UTC|Z)|([+-]\d{2}):?(\d{2}))$/;

/**
 * A Chatwoot time → epoch ms. Numbers (and digit strings) are Unix seconds, possibly with a
 * fraction (`updated_at`); strings are ISO-8601 (`2021-07-23T18:02:48.000Z`, webhook
 * messages) or Ruby's `Time#to_s` (`2020-03-03 13:05:57 UTC`, the user guide's sample).
 */
function secondsToMs(seconds: number, path: string, raw: unknown): number {
  const ms = Math.round(seconds * 1000);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_EPOCH_MS) {
    fail(path, `is not a usable Unix time in seconds (${describe(raw)})`);
  }
  return ms + 0;
}

function timeOf(value: unknown, path: string): number {
  if (typeof value === 'number') return secondsToMs(value, path, value);
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^\d{1,12}(\.\d{1,9})?$/.test(s)) return secondsToMs(Number(s), path, value);
    const iso = parseAt(s);
    if (iso !== null) return iso;
    const m = RUBY_TIME.exec(s);
    if (m) {
      const zone = m[3] ? 'Z' : `${m[4]}:${m[5]}`;
      const parsed = parseAt(`${m[1]}T${m[2]}${zone}`);
      if (parsed !== null) return parsed;
    }
  }
  return fail(
    path,
    `must be Unix seconds or an ISO-8601 time with Z or an offset (${describe(value)})`,
  );
}

function optionalTime(obj: unknown, key: string, path: string): number | undefined {
  const value = own(obj, key);
  return value === undefined || value === null ? undefined : timeOf(value, path);
}

// ---------------------------------------------------------------------------------------
// Tier and channel: a team names where they are read (MappingOptions).

/**
 * Reads a team-named field of a conversation object (webhook or API shape):
 * - `label:<prefix>`: the first conversation label starting with the prefix, prefix removed
 *   (`label:tier-` and the label `tier-vip` give `vip`);
 * - `contact.<path>`: a path in the conversation's contact (`meta.sender`), e.g.
 *   `contact.custom_attributes.tier`;
 * - `conversation.<path>` or any other dotted path: a path in the conversation object, e.g.
 *   `custom_attributes.tier`, `inbox_id`, `additional_attributes.type`.
 * Strings, numbers and booleans are used (as text); anything else counts as absent.
 */
function readField(conv: Obj, spec: string): string | undefined {
  const field = spec.trim();
  if (field === '') return undefined;
  if (field.startsWith('label:')) {
    const prefix = field.slice('label:'.length);
    const labels = own(conv, 'labels');
    if (!Array.isArray(labels)) return undefined;
    for (const label of labels) {
      if (typeof label === 'string' && label.startsWith(prefix) && label.length > prefix.length) {
        return label.slice(prefix.length);
      }
    }
    return undefined;
  }
  const parts = field.split('.');
  let base: unknown = conv;
  if (parts[0] === 'contact') {
    base = ownObject(ownObject(conv, 'meta'), 'sender');
    parts.shift();
  } else if (parts[0] === 'conversation') {
    parts.shift();
  }
  return scalarText(valueAt(base, parts));
}

/**
 * Default channel: the inbox's channel type without `Channel::` (`WebWidget`, `Api`, …),
 * from `channel` (webhook conversation objects) or `meta.channel` (the API's).
 */
function channelOf(conv: Obj, options: MappingOptions): string | undefined {
  const named = options.channelField ? readField(conv, options.channelField) : undefined;
  if (named !== undefined) return clip(named, FIELD_LIMITS.channel);
  const type = own(conv, 'channel') ?? own(ownObject(conv, 'meta'), 'channel');
  if (typeof type !== 'string' || type.trim() === '') return undefined;
  const short = type.trim().replace(/^Channel::/, '');
  return short === '' ? undefined : clip(short, FIELD_LIMITS.channel);
}

// ---------------------------------------------------------------------------------------
// Messages: one mapping for webhook payloads and API records.

type MessageType = 'incoming' | 'outgoing' | 'activity' | 'template';
const MESSAGE_TYPES: readonly MessageType[] = ['incoming', 'outgoing', 'activity', 'template'];

function messageTypeOf(value: unknown, path: string): MessageType {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 3) {
    return MESSAGE_TYPES[value] as MessageType;
  }
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if ((MESSAGE_TYPES as readonly string[]).includes(s)) return s as MessageType;
    if (/^[0-3]$/.test(s)) return MESSAGE_TYPES[Number(s)] as MessageType;
  }
  return fail(path, `must be incoming, outgoing, activity, template or 0–3 (${describe(value)})`);
}

type SenderKind = 'contact' | 'user' | 'bot' | 'untyped' | 'none';

const SENDER_TYPES: Readonly<Record<string, SenderKind>> = {
  contact: 'contact',
  user: 'user',
  agent_bot: 'bot',
  captain_assistant: 'bot',
};
const SENDER_CLASSES: Readonly<Record<string, SenderKind>> = {
  Contact: 'contact',
  User: 'user',
  AgentBot: 'bot',
  'Captain::Assistant': 'bot',
};

/**
 * `sender.type` (`contact`, `user`, `agent_bot`, `captain_assistant`), else the message's
 * `sender_type` class name (API shape), else `untyped` when a sender object is there without
 * a type (Contact#webhook_data has none), else `none`.
 */
function senderKindOf(msg: Obj): SenderKind {
  const sender = ownObject(msg, 'sender');
  const type = own(sender, 'type');
  if (typeof type === 'string' && Object.hasOwn(SENDER_TYPES, type.toLowerCase())) {
    return SENDER_TYPES[type.toLowerCase()] as SenderKind;
  }
  const cls = own(msg, 'sender_type');
  if (typeof cls === 'string' && Object.hasOwn(SENDER_CLASSES, cls)) {
    return SENDER_CLASSES[cls] as SenderKind;
  }
  return sender ? 'untyped' : 'none';
}

function messageEvent(msg: Obj, chatId: string, path: string): ProtocolEventObject {
  const id = limited(idOf(own(msg, 'id'), `${path}id`), FIELD_LIMITS.id, `${path}id`);
  const at = timeOf(own(msg, 'created_at'), `${path}created_at`);
  const type = messageTypeOf(own(msg, 'message_type'), `${path}message_type`);
  const priv = own(msg, 'private');
  if (priv !== undefined && priv !== null && typeof priv !== 'boolean') {
    fail(`${path}private`, `must be true or false (${describe(priv)})`);
  }
  const content = own(msg, 'content');
  if (content !== undefined && content !== null && typeof content !== 'string') {
    fail(`${path}content`, `must be a string or null (${describe(content)})`);
  }
  const kind = senderKindOf(msg);
  const event: ProtocolEventObject = {
    type: 'message',
    chatId,
    id,
    at,
    author: 'agent',
    text: clip(typeof content === 'string' ? content : '', MAX_TEXT_LENGTH),
  };
  const agentIdOf = (): void => {
    if (kind !== 'user' && kind !== 'untyped') return;
    const senderId = own(ownObject(msg, 'sender'), 'id');
    if (senderId === undefined || senderId === null) return;
    event.agentId = limited(
      idOf(senderId, `${path}sender.id`),
      FIELD_LIMITS.agentId,
      `${path}sender.id`,
    );
  };
  if (type === 'activity') {
    event.author = 'system';
  } else if (priv === true) {
    // A private note: invisible to the customer, never an answer.
    event.internal = true;
    agentIdOf();
  } else if (type === 'incoming') {
    event.author = kind === 'bot' ? 'bot' : 'customer';
  } else if (type === 'template') {
    event.author = 'bot';
  } else if (kind === 'user' || kind === 'untyped') {
    agentIdOf();
  } else {
    // Outgoing from an agent bot / Captain, or with no sender at all (automation rules,
    // auto-replies): automated, so it never answers the customer.
    event.author = 'bot';
  }
  return event;
}

// ---------------------------------------------------------------------------------------
// Conversations.

function conversationChatId(conv: Obj, path: string): string {
  const id = idOf(own(conv, 'id'), `${path}id`);
  return limited(chatIdFor('chatwoot', id), FIELD_LIMITS.chatId, `${path}id`);
}

function chatStartedEvent(
  conv: Obj,
  chatId: string,
  at: number,
  options: MappingOptions,
): ProtocolEventObject {
  const event: ProtocolEventObject = { type: 'chat.started', chatId, at };
  const meta = ownObject(conv, 'meta');
  const sender = ownObject(meta, 'sender');
  const customer: Record<string, string> = {};
  const senderId = own(sender, 'id');
  if (senderId !== undefined && senderId !== null) {
    customer.id = limited(
      idOf(senderId, 'meta.sender.id'),
      FIELD_LIMITS['customer.id'],
      'meta.sender.id',
    );
  }
  const name = displayText(own(sender, 'name'), FIELD_LIMITS['customer.name']);
  if (name !== undefined) customer.name = name;
  const tier = options.tierField ? readField(conv, options.tierField) : undefined;
  if (tier !== undefined) customer.tier = clip(tier, FIELD_LIMITS['customer.tier']);
  if (Object.keys(customer).length > 0) event.customer = customer;
  const channel = channelOf(conv, options);
  if (channel !== undefined) event.channel = channel;
  // The assignee, when it is an agent (`meta.assignee` may also be a bot or a team in newer
  // versions: `meta.assignee_type` / `meta.assignee.type` say which).
  const assignee = ownObject(meta, 'assignee');
  const assigneeType = own(assignee, 'type') ?? own(meta, 'assignee_type');
  const assigneeId = own(assignee, 'id');
  if (
    assignee &&
    (assigneeType === undefined || assigneeType === 'user' || assigneeType === 'User') &&
    (typeof assigneeId === 'number' || typeof assigneeId === 'string')
  ) {
    const id = String(assigneeId);
    if (id.trim() !== '' && id.length <= FIELD_LIMITS.assignee) event.assignee = id;
  }
  return event;
}

function messagesOf(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  // The messages endpoint's own response, `{ meta, payload: [...] }`, is accepted as well.
  const payload = own(value, 'payload');
  if (Array.isArray(payload)) return payload;
  return fail(path, `must be an array of messages (${describe(value)})`);
}

function mapMessages(list: unknown[], chatId: string, path: string): ProtocolEventObject[] {
  const events = list.map((msg, i) => {
    if (!isObject(msg)) fail(`${path}[${i}]`, `must be a message object (${describe(msg)})`);
    return messageEvent(msg, chatId, `${path}[${i}].`);
  });
  // Stable sort by time: the API lists by created_at already; this keeps that guarantee.
  return byTime(events);
}

/** Start = the conversation's `created_at`; older payloads without it: its first message. */
function startOf(conv: Obj, messages: readonly ProtocolEventObject[]): number {
  const created = optionalTime(conv, 'created_at', 'created_at');
  if (created !== undefined) return created;
  const first = messages[0]?.at;
  if (typeof first === 'number') return first;
  const ts = optionalTime(conv, 'timestamp', 'timestamp');
  if (ts !== undefined) return ts;
  return fail('created_at', 'missing (no created_at, message or timestamp to start the chat)');
}

/**
 * When a conversation_status_changed or conversation_updated happened: the change's own
 * `updated_at` in `changed_attributes` when present, else the conversation's `updated_at`
 * (Unix seconds with a fraction), else its last activity (`last_activity_at` / `timestamp`).
 */
function changeTime(conv: Obj): number {
  const changed = own(conv, 'changed_attributes');
  if (Array.isArray(changed)) {
    for (const entry of changed) {
      const updated = ownObject(entry, 'updated_at');
      const at = optionalTime(updated, 'current_value', 'changed_attributes.updated_at');
      if (at !== undefined) return at;
    }
  }
  const at =
    optionalTime(conv, 'updated_at', 'updated_at') ??
    optionalTime(conv, 'last_activity_at', 'last_activity_at') ??
    optionalTime(conv, 'timestamp', 'timestamp');
  return at ?? fail('updated_at', 'missing (no time for the change)');
}

/**
 * The agent a conversation_updated hands the conversation to: `changed_attributes` holds one
 * `{ <attribute>: { previous_value, current_value } }` per changed attribute (BaseListener
 * #extract_changed_attributes), and `assignee_id` is the assigned agent's user id, null once
 * nobody is (unassigned, or only a bot or a team left). Undefined when the assignee did not
 * change: the event updated something else (status, labels, priority, …).
 */
function assigneeChange(conv: Obj): string | null | undefined {
  const changed = own(conv, 'changed_attributes');
  if (!Array.isArray(changed)) return undefined;
  for (const [i, entry] of changed.entries()) {
    const change = ownObject(entry, 'assignee_id');
    if (change === undefined) continue;
    const path = `changed_attributes[${i}].assignee_id.current_value`;
    const current = own(change, 'current_value');
    return current === null ? null : limited(idOf(current, path), FIELD_LIMITS.agentId, path);
  }
  return undefined;
}

function statusOf(conv: Obj): string {
  const status = own(conv, 'status');
  if (typeof status !== 'string' || status.trim() === '') {
    fail('status', `must be a non-empty string (${describe(status)})`);
  }
  return status.trim().toLowerCase();
}

// ---------------------------------------------------------------------------------------
// The mapping.

function mapWebhookUnsafe(
  payload: Obj,
  event: string,
  type: string,
  options: MappingOptions,
): WebhookMapping {
  switch (event) {
    case 'conversation_created': {
      const chatId = conversationChatId(payload, '');
      const messages = mapMessages(
        messagesOf(own(payload, 'messages'), 'messages'),
        chatId,
        'messages',
      );
      const start = startOf(payload, messages);
      return {
        kind: 'events',
        type,
        events: [chatStartedEvent(payload, chatId, start, options), ...messages],
      };
    }
    case 'message_created': {
      const conv = ownObject(payload, 'conversation');
      if (!conv)
        fail(
          'conversation',
          `must be the conversation object (${describe(own(payload, 'conversation'))})`,
        );
      const chatId = conversationChatId(conv, 'conversation.');
      return { kind: 'events', type, events: [messageEvent(payload, chatId, '')] };
    }
    case 'conversation_status_changed':
    case 'conversation_resolved': {
      const chatId = conversationChatId(payload, '');
      const status = statusOf(payload);
      if (status !== 'resolved') return { kind: 'ignored', type };
      return {
        kind: 'events',
        type,
        events: [{ type: 'chat.closed', chatId, at: changeTime(payload) }],
      };
    }
    case 'conversation_updated': {
      const agentId = assigneeChange(payload);
      if (agentId === undefined) return { kind: 'ignored', type };
      const chatId = conversationChatId(payload, '');
      return {
        kind: 'events',
        type,
        events: [{ type: 'chat.assigned', chatId, at: changeTime(payload), agentId }],
      };
    }
    default:
      return { kind: 'ignored', type };
  }
}

function mapExportUnsafe(record: Obj, options: MappingOptions): ExportMapping {
  const chatId = conversationChatId(record, '');
  const messages = mapMessages(messagesOf(own(record, 'messages'), 'messages'), chatId, 'messages');
  const start = startOf(record, messages);
  const events: ProtocolEventObject[] = [chatStartedEvent(record, chatId, start, options)];
  events.push(...messages);
  if (statusOf(record) === 'resolved') {
    // The API gives no resolution time: the last activity (the "resolved" activity message
    // moves it), never before the last message or the start.
    let at = start;
    for (const m of messages) at = Math.max(at, m.at as number);
    const last =
      optionalTime(record, 'last_activity_at', 'last_activity_at') ??
      optionalTime(record, 'timestamp', 'timestamp');
    if (last !== undefined) at = Math.max(at, last);
    events.push({ type: 'chat.closed', chatId, at });
  }
  return { kind: 'events', chatId, events };
}

/** Maps one decoded Chatwoot webhook body (the connector's `mapWebhook`). Never throws. */
export function mapWebhook(payload: unknown, options: MappingOptions): WebhookMapping {
  if (!isObject(payload))
    return { kind: 'invalid', type: '', error: 'payload: must be a JSON object' };
  const event = own(payload, 'event');
  if (typeof event !== 'string' || event.trim() === '') {
    return {
      kind: 'invalid',
      type: '',
      error: `event: must be a non-empty string (${describe(event)})`,
    };
  }
  const type = clip(event, FIELD_LIMITS.type);
  try {
    return mapWebhookUnsafe(payload, event, type, mappingOptions(options));
  } catch (err) {
    return { kind: 'invalid', type, error: errorText(err) };
  }
}

/**
 * Maps one Chatwoot conversation with its messages (the API's shape, or the dashboard app's
 * `appContext` conversation) to chat.started, its messages and, when resolved, chat.closed.
 * Never throws.
 */
export function mapExport(record: unknown, options: MappingOptions): ExportMapping {
  if (!isObject(record)) {
    return { kind: 'invalid', error: 'record: must be a Chatwoot conversation object' };
  }
  try {
    return mapExportUnsafe(record, mappingOptions(options));
  } catch (err) {
    return { kind: 'invalid', error: errorText(err) };
  }
}

export type MessageMapping =
  | { kind: 'event'; event: ProtocolEventObject }
  | { kind: 'invalid'; error: string };

/**
 * Maps one Chatwoot message (webhook, API, or the dashboard's store shape) of the chat
 * `chatId` (`chatwoot-<conversation id>`), as the conversation mappings do. Never throws.
 */
export function mapMessage(message: unknown, chatId: string): MessageMapping {
  if (!isObject(message)) {
    return { kind: 'invalid', error: `message: must be a message object (${describe(message)})` };
  }
  try {
    return { kind: 'event', event: messageEvent(message, chatId, '') };
  } catch (err) {
    return { kind: 'invalid', error: errorText(err) };
  }
}
