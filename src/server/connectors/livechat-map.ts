// LiveChat's mapping (docs/integrations.md, LiveChat): Configuration API v3.5 webhooks and Agent
// Chat API v3.5 chats (Get Chat, List Archives) → protocol v1 event objects. Pure, with no Node
// modules: the connector (livechat.ts, which adds the `secret_key` check) and the LiveChat
// details widget in the browser (src/adapters/hosts/livechat.ts) share it, so a chat arriving
// both ways has the same chat id (`livechat-<chat id>-<thread id>`) and the same message ids.
// No I/O, no timers, no clock (shared/spec/protocol.md for the events).
//
// Everything here follows LiveChat's own documentation (github.com/livechat/livechat-public-docs):
// - webhooks v3.5 (bodies `{webhook_id, secret_key, action, organization_id, payload,
//   additional_data}`; `chat_transferred`: `chat_id`, `thread_id` "if the chat is active",
//   `transferred_to.{agent_ids,group_ids}`, `queue` "if the chat is queued after the
//   transfer"): https://platform.text.com/docs/management/webhooks/v3.5
// - events, users, threads: https://platform.text.com/docs/messaging/agent-chat-api/v3.5/data-structures
// - Get Chat / List Archives: https://platform.text.com/docs/messaging/agent-chat-api/v3.5#list-archives
// - system messages: https://platform.text.com/docs/messaging/references/system-messages
// - default properties (lc2.welcome_message, source.customer_client_id):
//   https://platform.text.com/docs/messaging/references/default-properties
//
// One protocol chat is one LiveChat *thread*: a LiveChat chat (`PJ0MRSHTDG`) lives on across
// the customer's visits, and every visit is a new thread with its own start, messages and close
// (List Archives returns "1 chat per 1 thread"). So the chat id is
// `livechat-<chat id>-<thread id>`, the same from the webhooks and from an export.
import { FIELD_LIMITS, MAX_TEXT_LENGTH } from '../../core/events.ts';
import { isObject } from '../../core/guards.ts';
import { parseAt } from '../../core/time.ts';
import {
  byTime,
  clip,
  FieldError,
  fail,
  fieldReaders,
  joinPath as join,
  jsonPreview,
  limited,
  mappingOptions,
  type Obj,
  own,
  scalarText,
  showingValue,
} from './payload.ts';
import {
  chatIdFor,
  type ExportMapping,
  type MappingOptions,
  type ProtocolEventObject,
  type WebhookMapping,
} from './types.ts';

type Role = 'customer' | 'agent' | 'bot';

// LiveChat's readers over untrusted JSON (the shared ones are in payload.ts). A FieldError names
// the field and shows the bad value as JSON.

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string' && value.length > 60) {
    return `got ${JSON.stringify(value.slice(0, 57))}...`;
  }
  const json = jsonPreview(value);
  return json === undefined ? `got a ${typeof value}` : `got ${json}`;
}

const { objectAt, optionalBoolean } = fieldReaders(showingValue(describe));

/** A required id: a non-empty string, refused (not clipped) when longer than `limit`. */
function idAt(parent: unknown, key: string, path: string, limit: number): string {
  const value = own(parent, key);
  if (typeof value !== 'string' || value === '') {
    fail(path, `must be a non-empty string (${describe(value)})`);
  }
  return limited(value, limit, path);
}

/** LiveChat times are RFC 3339 strings with microseconds (`2020-05-07T07:11:28.288340Z`). */
function timeAt(parent: unknown, key: string, path: string): number {
  const value = own(parent, key);
  const ms = typeof value === 'string' ? parseAt(value) : null;
  if (ms === null) {
    fail(path, `must be an RFC 3339 time such as 2020-05-07T07:11:28.288340Z (${describe(value)})`);
  }
  return ms;
}

function arrayAt(parent: unknown, key: string, path: string): unknown[] {
  const value = own(parent, key);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, `must be an array (${describe(value)})`);
  return value;
}

/**
 * A dotted path below `root`. Unlike the other hosts' paths it steps into arrays too
 * (`access.group_ids.0`); at most 32 keys, none empty.
 */
function walk(root: unknown, path: string): unknown {
  const parts = path.split('.');
  if (parts.length > 32 || parts.some((p) => p === '')) return undefined;
  let value = root;
  for (const part of parts) value = own(value, part);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Who wrote an event

/** Bot ids are generated 32-digit hex (Create Bot, Configuration API v3.5). */
const BOT_ID = /^[0-9a-f]{32}$/;

/**
 * The role of a user id when the chat's `users` list is not at hand (`incoming_event` carries
 * only `author_id`). Agents are identified by their login e-mail (`smith@example.com`); bots
 * "don't have passwords or emails" and get a generated hex id; customers get a UUID.
 */
function roleFromId(id: string): Role {
  if (id.includes('@')) return 'agent';
  if (BOT_ID.test(id)) return 'bot';
  return 'customer';
}

/** A chat user's role: `type` is `customer` or `agent`; bots appear as agents without an e-mail. */
function roleOfUser(id: string, type: unknown): Role {
  if (type === 'customer') return 'customer';
  if (type === 'bot') return 'bot';
  if (type === 'agent') return id.includes('@') ? 'agent' : 'bot';
  return roleFromId(id);
}

interface ChatUser {
  role: Role;
  user: Obj;
  path: string;
}

interface ChatUsers {
  byId: Map<string, ChatUser>;
  customer: ChatUser | undefined;
  /** The first human agent of the chat: the one it is assigned to. */
  agent: ChatUser | undefined;
}

function readUsers(chat: Obj, chatPath: string): ChatUsers {
  const list = arrayAt(chat, 'users', join(chatPath, 'users'));
  const users: ChatUsers = { byId: new Map(), customer: undefined, agent: undefined };
  list.forEach((user, i) => {
    const path = `${join(chatPath, 'users')}[${i}]`;
    if (!isObject(user)) fail(path, `must be an object (${describe(user)})`);
    const id = own(user, 'id');
    if (typeof id !== 'string' || id === '') {
      fail(`${path}.id`, `must be a non-empty string (${describe(id)})`);
    }
    const entry: ChatUser = { role: roleOfUser(id, own(user, 'type')), user, path };
    if (!users.byId.has(id)) users.byId.set(id, entry);
    if (entry.role === 'customer' && !users.customer) users.customer = entry;
    if (entry.role === 'agent' && !users.agent) users.agent = entry;
  });
  return users;
}

/** LiveChat's own automatic messages, sent in an agent's name: the welcome message, greetings. */
function isAutomated(event: Obj): boolean {
  const lc2 = own(own(event, 'properties'), 'lc2');
  return (
    own(lc2, 'welcome_message') === true ||
    own(lc2, 'greeting_id') !== undefined ||
    own(lc2, 'greeting_unique_id') !== undefined
  );
}

// ---------------------------------------------------------------------------------------------
// Events

/** The event types that carry chat content; others (`custom`, `form`, …) are not used. */
const USED_EVENT_TYPES: ReadonlySet<string> = new Set([
  'message',
  'file',
  'rich_message',
  'system_message',
  'filled_form',
]);

/** System messages that LiveChat writes when a thread is archived (closed). */
const ARCHIVED: ReadonlySet<string> = new Set([
  'manual_archived_agent',
  'manual_archived_customer',
  'archived_customer_disconnected',
  'customer_banned',
  'routing.archived_deleted',
  'routing.archived_disconnected',
  'routing.archived_inactive',
  'routing.archived_offline',
  'routing.archived_other',
  'routing.archived_remotely_signed_out',
  'routing.archived_signed_out',
  'system_archived',
]);

/** `visibility: agents` (v3.4+; `recipients` before) marks a note agents alone can see. */
function isInternal(event: Obj, path: string): boolean {
  const key = own(event, 'visibility') !== undefined ? 'visibility' : 'recipients';
  const value = own(event, key);
  if (value === undefined || value === 'all') return false;
  if (value === 'agents') return true;
  return fail(join(path, key), `must be "all" or "agents" (${describe(value)})`);
}

function answerText(value: unknown): string {
  if (Array.isArray(value)) return value.slice(0, 50).map(answerText).filter(Boolean).join(', ');
  if (isObject(value)) return scalarText(own(value, 'label')) ?? '';
  return scalarText(value) ?? '';
}

function formText(event: Obj): string {
  const fields = own(event, 'fields');
  const parts: string[] = [];
  if (Array.isArray(fields)) {
    for (const field of fields.slice(0, 100)) {
      const label = scalarText(own(field, 'label')) ?? '';
      const answer = answerText(own(field, 'answer') ?? own(field, 'value'));
      if (label || answer) parts.push(`${label} ${answer}`.trim());
    }
  }
  const formType = scalarText(own(event, 'form_type'));
  return `[${formType ? `${formType} form` : 'form'}] ${parts.join('; ')}`.trim();
}

function richText(event: Obj): string {
  const elements = own(event, 'elements');
  const parts: string[] = [];
  if (Array.isArray(elements)) {
    for (const element of elements.slice(0, 10)) {
      const title = scalarText(own(element, 'title'));
      const subtitle = scalarText(own(element, 'subtitle'));
      if (title) parts.push(title);
      if (subtitle) parts.push(subtitle);
    }
  }
  if (parts.length > 0) return parts.join('\n');
  const template = scalarText(own(event, 'template_id'));
  return template ? `[${template}]` : '[rich message]';
}

interface Author {
  author: 'customer' | 'agent' | 'bot' | 'system';
  agentId?: string;
}

function authorOf(event: Obj, path: string, users: ChatUsers | null): Author {
  const authorId = own(event, 'author_id');
  if (typeof authorId !== 'string' || authorId === '') {
    fail(join(path, 'author_id'), `must be a non-empty string (${describe(authorId)})`);
  }
  const role = users?.byId.get(authorId)?.role ?? roleFromId(authorId);
  if (role === 'customer') return { author: 'customer' };
  if (role === 'bot' || isAutomated(event)) return { author: 'bot' };
  return {
    author: 'agent',
    agentId: limited(authorId, FIELD_LIMITS.agentId, join(path, 'author_id')),
  };
}

/**
 * One LiveChat event → its protocol events (a message; and `chat.closed` after it when it is
 * the system message of an archived thread), or null for a type the connector does not use.
 */
function mapEvent(
  event: unknown,
  path: string,
  chatId: string,
  users: ChatUsers | null,
): ProtocolEventObject[] | null {
  if (!isObject(event)) fail(path, `must be an object (${describe(event)})`);
  const type = own(event, 'type');
  if (typeof type !== 'string' || type === '') {
    fail(join(path, 'type'), `must be a non-empty string (${describe(type)})`);
  }
  if (!USED_EVENT_TYPES.has(type)) return null;
  const id = idAt(event, 'id', join(path, 'id'), FIELD_LIMITS.id);
  const at = timeAt(event, 'created_at', join(path, 'created_at'));
  const internal = isInternal(event, path);
  let who: Author;
  let text: string;
  let closes = false;
  switch (type) {
    case 'message': {
      const value = own(event, 'text');
      if (typeof value !== 'string')
        fail(join(path, 'text'), `must be a string (${describe(value)})`);
      who = authorOf(event, path, users);
      text = value;
      break;
    }
    case 'file':
      who = authorOf(event, path, users);
      text =
        `[file] ${scalarText(own(event, 'name')) ?? scalarText(own(event, 'url')) ?? ''}`.trim();
      break;
    case 'rich_message':
      who = authorOf(event, path, users);
      text = richText(event);
      break;
    case 'filled_form':
      // A pre-chat, post-chat or ask-for-email form: data about the customer, not a message
      // to answer, so it never starts a clock.
      who = { author: 'system' };
      text = formText(event);
      break;
    default: {
      // system_message: written by LiveChat itself (it has no author_id).
      const kind = scalarText(own(event, 'system_message_type'));
      who = { author: 'system' };
      text = scalarText(own(event, 'text')) ?? kind ?? '';
      closes = kind !== undefined && ARCHIVED.has(kind);
    }
  }
  const message: ProtocolEventObject = {
    type: 'message',
    chatId,
    id,
    at,
    author: who.author,
    text: clip(text, MAX_TEXT_LENGTH),
  };
  if (internal) message.internal = true;
  if (who.agentId !== undefined) message.agentId = who.agentId;
  return closes ? [message, { type: 'chat.closed', chatId, at }] : [message];
}

// ---------------------------------------------------------------------------------------------
// Chats

function conversationId(chatId: string, threadId: string, path: string): string {
  const id = chatIdFor('livechat', `${chatId}-${threadId}`);
  if (id.length > FIELD_LIMITS.chatId) {
    fail(path, `with the thread id makes a chat id of ${id.length} characters, more than 200`);
  }
  return id;
}

/**
 * Reads a team's field (MappingOptions) from a chat:
 * - `tag:<prefix>`: the thread's first tag starting with the prefix, minus the prefix
 *   (`tag:tier-` and the tag `tier-vip` → `vip`);
 * - `session_fields.<key>`: the customer's session field (set by the chat widget);
 * - `customer.<path>`: a dotted path in the chat's customer user;
 * - `thread.<path>`: a dotted path in the thread (e.g. `thread.properties.routing.start_url`);
 * - any other dotted path, in the chat (e.g. `properties.<namespace>.<name>`, `access.group_ids.0`).
 */
function readField(spec: string, chat: Obj, thread: Obj, customer: Obj | undefined) {
  if (spec.startsWith('tag:')) {
    const prefix = spec.slice(4).toLowerCase();
    const tags = own(thread, 'tags');
    if (!Array.isArray(tags)) return undefined;
    for (const tag of tags) {
      if (typeof tag !== 'string' || !tag.toLowerCase().startsWith(prefix)) continue;
      const rest = scalarText(tag.slice(prefix.length));
      if (rest) return rest;
    }
    return undefined;
  }
  if (spec.startsWith('session_fields.')) {
    const key = spec.slice('session_fields.'.length);
    const fields = own(customer, 'session_fields');
    if (!Array.isArray(fields)) return undefined;
    for (const field of fields) {
      const value = scalarText(own(field, key));
      if (value) return value;
    }
    return undefined;
  }
  if (spec.startsWith('customer.'))
    return scalarText(walk(customer, spec.slice('customer.'.length)));
  if (spec.startsWith('thread.')) return scalarText(walk(thread, spec.slice('thread.'.length)));
  return scalarText(walk(chat, spec));
}

/** The default channel: the Client ID of the app the customer chats through (widget, Messenger…). */
const DEFAULT_CHANNEL_FIELDS = [
  'properties.source.customer_client_id',
  'thread.properties.source.customer_client_id',
];

function fieldOption(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function chatStarted(
  chat: Obj,
  thread: Obj,
  threadPath: string,
  chatId: string,
  users: ChatUsers,
  options: MappingOptions,
): ProtocolEventObject {
  const started: ProtocolEventObject = {
    type: 'chat.started',
    chatId,
    at: timeAt(thread, 'created_at', join(threadPath, 'created_at')),
  };
  const customerUser = users.customer?.user;
  const customer: Record<string, string> = {};
  if (users.customer) {
    customer.id = idAt(
      customerUser,
      'id',
      `${users.customer.path}.id`,
      FIELD_LIMITS['customer.id'],
    );
    const name = scalarText(own(customerUser, 'name'));
    if (name) customer.name = clip(name, FIELD_LIMITS['customer.name']);
  }
  const tierField = fieldOption(options.tierField);
  const tier = tierField ? readField(tierField, chat, thread, customerUser) : undefined;
  if (tier) customer.tier = clip(tier, FIELD_LIMITS['customer.tier']);
  if (Object.keys(customer).length > 0) started.customer = customer;
  const channelField = fieldOption(options.channelField);
  const channels = channelField ? [channelField] : DEFAULT_CHANNEL_FIELDS;
  for (const field of channels) {
    const channel = readField(field, chat, thread, customerUser);
    if (channel) {
      started.channel = clip(channel, FIELD_LIMITS.channel);
      break;
    }
  }
  const assignee = own(users.agent?.user, 'id');
  if (typeof assignee === 'string' && assignee.length <= FIELD_LIMITS.assignee) {
    started.assignee = assignee;
  }
  return started;
}

interface Conversation {
  chatId: string;
  events: ProtocolEventObject[];
  /** The greatest `at` of the thread's events and its creation. */
  lastAt: number;
  closed: boolean;
}

/** A chat with one thread (incoming_chat, Get Chat, one List Archives item) → its events. */
function mapConversation(
  chat: Obj,
  chatPath: string,
  thread: Obj,
  threadPath: string,
  options: MappingOptions,
): Conversation {
  const rawChatId = idAt(chat, 'id', join(chatPath, 'id'), FIELD_LIMITS.chatId);
  const threadId = idAt(thread, 'id', join(threadPath, 'id'), FIELD_LIMITS.chatId);
  const chatId = conversationId(rawChatId, threadId, join(chatPath, 'id'));
  const users = readUsers(chat, chatPath);
  const started = chatStarted(chat, thread, threadPath, chatId, users, options);
  const events: ProtocolEventObject[] = [started];
  let lastAt = started.at as number;
  let closed = false;
  arrayAt(thread, 'events', join(threadPath, 'events')).forEach((event, i) => {
    const mapped = mapEvent(event, `${join(threadPath, 'events')}[${i}]`, chatId, users);
    for (const e of mapped ?? []) {
      events.push(e);
      lastAt = Math.max(lastAt, e.at as number);
      if (e.type === 'chat.closed') closed = true;
    }
  });
  return { chatId, events, lastAt, closed };
}

function actionOf(body: unknown): string {
  const action = own(body, 'action');
  return typeof action === 'string' ? clip(action, FIELD_LIMITS.type) : '';
}

/**
 * The agent a transfer hands the chat to: the first agent (not a bot) of
 * `transferred_to.agent_ids`; null when it went to groups only (the queue).
 */
function transferTarget(payload: Obj): string | null {
  const target = objectAt(payload, 'transferred_to', 'payload.transferred_to');
  const ids = arrayAt(target, 'agent_ids', 'payload.transferred_to.agent_ids');
  for (const [i, id] of ids.entries()) {
    const path = `payload.transferred_to.agent_ids[${i}]`;
    if (typeof id !== 'string' || id === '') {
      fail(path, `must be a non-empty string (${describe(id)})`);
    }
    if (roleFromId(id) === 'agent') return limited(id, FIELD_LIMITS.agentId, path);
  }
  return null;
}

/**
 * `chat_transferred` → chat.assigned. Its payload has no time of its own: a queued chat's
 * `queue.queued_at_us` (queued by the transfer), else the time the server received it.
 */
function mapTransfer(payload: Obj, action: string, receivedAt: number | undefined): WebhookMapping {
  // `thread_id` is "present if the chat is active": an inactive chat has no thread to own.
  const thread = own(payload, 'thread_id');
  if (thread === undefined || thread === null) return { kind: 'ignored', type: action };
  const rawChatId = idAt(payload, 'chat_id', 'payload.chat_id', FIELD_LIMITS.chatId);
  const threadId = idAt(payload, 'thread_id', 'payload.thread_id', FIELD_LIMITS.chatId);
  const chatId = conversationId(rawChatId, threadId, 'payload.chat_id');
  const agentId = transferTarget(payload);
  const queue = own(payload, 'queue');
  const queuedAt = own(queue, 'queued_at_us');
  const at =
    queuedAt === undefined || queuedAt === null
      ? receivedAt
      : timeAt(queue, 'queued_at_us', 'payload.queue.queued_at_us');
  if (at === undefined) return { kind: 'ignored', type: action };
  return { kind: 'events', type: action, events: [{ type: 'chat.assigned', chatId, at, agentId }] };
}

function mapWebhookBody(
  body: unknown,
  options: MappingOptions,
  receivedAt: number | undefined,
): WebhookMapping {
  if (!isObject(body)) fail('body', `must be a JSON object (${describe(body)})`);
  const action = own(body, 'action');
  if (typeof action !== 'string' || action === '') {
    fail('action', `must be a non-empty string (${describe(action)})`);
  }
  switch (action) {
    case 'incoming_chat': {
      const chat = objectAt(own(body, 'payload'), 'chat', 'payload.chat');
      const thread = objectAt(chat, 'thread', 'payload.chat.thread');
      const { events } = mapConversation(
        chat,
        'payload.chat',
        thread,
        'payload.chat.thread',
        options,
      );
      return { kind: 'events', type: action, events: byTime(events) };
    }
    case 'incoming_event': {
      const payload = objectAt(body, 'payload', 'payload');
      const event = objectAt(payload, 'event', 'payload.event');
      const eventType = own(event, 'type');
      if (typeof eventType === 'string' && eventType !== '' && !USED_EVENT_TYPES.has(eventType)) {
        return { kind: 'ignored', type: action };
      }
      const rawChatId = idAt(payload, 'chat_id', 'payload.chat_id', FIELD_LIMITS.chatId);
      const threadId = idAt(payload, 'thread_id', 'payload.thread_id', FIELD_LIMITS.chatId);
      const chatId = conversationId(rawChatId, threadId, 'payload.chat_id');
      const events = mapEvent(event, 'payload.event', chatId, null);
      return events ? { kind: 'events', type: action, events } : { kind: 'ignored', type: action };
    }
    case 'chat_transferred':
      return mapTransfer(objectAt(body, 'payload', 'payload'), action, receivedAt);
    default:
      // Everything else, `chat_deactivated` included: its payload (`chat_id`, `thread_id`,
      // optional `user_id`) carries no time, and the close arrives with its time as the
      // archiving system message in `incoming_event` (mapped above to `chat.closed`).
      return { kind: 'ignored', type: clip(action, FIELD_LIMITS.type) };
  }
}

function mapExportRecord(record: unknown, options: MappingOptions): ExportMapping {
  if (!isObject(record)) {
    fail(
      'record',
      `must be one chat object as Get Chat or List Archives returns it (${describe(record)})`,
    );
  }
  if (Array.isArray(own(record, 'chats'))) {
    fail('chats', "is a whole List Archives page: give one chat per record (jq -c '.chats[]')");
  }
  let thread: Obj;
  let threadPath: string;
  const threads = own(record, 'threads');
  if (own(record, 'thread') === undefined && Array.isArray(threads)) {
    if (threads.length !== 1) {
      fail(
        'threads',
        `holds ${threads.length} threads: give one thread per record, as List Archives does`,
      );
    }
    thread = objectAt(threads, '0', 'threads[0]');
    threadPath = 'threads[0]';
  } else {
    thread = objectAt(record, 'thread', 'thread');
    threadPath = 'thread';
  }
  const conversation = mapConversation(record, '', thread, threadPath, options);
  const active = optionalBoolean(thread, 'active', join(threadPath, 'active'));
  if (active === false && !conversation.closed) {
    // An archived thread without its archiving system message: closed at its last event.
    conversation.events.push({
      type: 'chat.closed',
      chatId: conversation.chatId,
      at: conversation.lastAt,
    });
  }
  return { kind: 'events', chatId: conversation.chatId, events: byTime(conversation.events) };
}

function errorText(err: unknown): string {
  if (err instanceof FieldError) return err.message;
  try {
    return `payload: could not be read (${clip(String(err), 200)})`;
  } catch {
    return 'payload: could not be read';
  }
}

/**
 * Maps one decoded webhook body (never throws: a malformed one is `invalid`, field named).
 * `receivedAt` (epoch ms) times a `chat_transferred`, which carries no time of its own.
 */
export function mapWebhook(
  payload: unknown,
  options: MappingOptions,
  receivedAt?: number,
): WebhookMapping {
  try {
    return mapWebhookBody(payload, mappingOptions(options), receivedAt);
  } catch (err) {
    return { kind: 'invalid', type: actionOf(payload), error: errorText(err) };
  }
}

/**
 * Maps one chat with one thread, as Get Chat returns it (or one List Archives item): never
 * throws; a malformed one is `invalid`, with the field named.
 */
export function mapExport(record: unknown, options: MappingOptions): ExportMapping {
  try {
    return mapExportRecord(record, mappingOptions(options));
  } catch (err) {
    return { kind: 'invalid', error: errorText(err) };
  }
}

/** The protocol chat id of one LiveChat thread: `livechat-<chat id>-<thread id>`. */
export function livechatChatId(chatId: string, threadId: string): string {
  return chatIdFor('livechat', `${chatId}-${threadId}`);
}
