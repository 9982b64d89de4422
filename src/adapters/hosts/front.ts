// The Front sidebar plugin's host adapter (docs/integrations.md "Front: sidebar app"): speaks
// `@frontapp/plugin-sdk` 1.10.0 (injected through `deps.sdk`, so tests give a fake) and hands
// the widget protocol events built from the conversation the teammate has open.
//
// Sources, each read for this file:
// - The SDK's own code, node_modules/@frontapp/plugin-sdk/dist/index.es.js: `buildWebViewBridge`
//   and `connectToParent` (the handshake and the MessagePort wire: see the Chromium test), the
//   context Proxy that turns every name in `context.functionArities` into an RPC, and
//   `contextUpdates` (an rxjs Observable with replay of the latest context).
// - Its types, node_modules/@frontapp/ui-bridge/dist/internal/*.d.ts: `SingleConversationContext`
//   (`conversation`, `teammate`, `listMessages`, `listComments`, `createDraft`, `updateDraft`),
//   `ApplicationMessage` (`id`, `status` inbound|outbound, `date`, `from`, `content`),
//   `ApplicationComment` (`id`, `author`, `content.body`, `createdAt`), `ApplicationConversation`.
// - Front's docs: https://dev.frontapp.com/reference/context-updates (a new context on every
//   change of the selected conversation, its assignee, status…),
//   https://dev.frontapp.com/reference/plugin-sdk-context (context types),
//   https://dev.frontapp.com/reference/plugin-sdk-conversation (status is per teammate:
//   open, archived, trashed, spam; `statusCategory` resolved with ticketing; type names),
//   https://dev.frontapp.com/reference/plugin-sdk-message (`content` is lazy-loaded, may be
//   absent), https://dev.frontapp.com/reference/listmessages and /docs/pagination-1
//   (`{results, nextPageToken}`), https://dev.frontapp.com/reference/createdraft
//   (`replyOptions: {type: 'reply', originalMessageId}`, `content: {body, type: 'text'}`),
//   https://dev.frontapp.com/reference/updatedraft (`updateMode: 'insert'` inserts at the caret).
//
// Ownership: the conversation's `assignee` is chat.started's; a later context with another
// teammate or none is a chat.assigned at the moment it is seen (assignee.ts).
//
// Mapping: the SDK's conversation, messages and comments are converted to the Core API's shape
// and mapped by the connector's own pure code (src/server/connectors/front-map.ts), so a chat
// has the same chat id (`front-<cnv_…>`) and message ids (`msg_…`, `com_…`) whether it comes
// from this plugin or from `serve`'s Front webhooks, and the engine keeps one copy.
//
// Boundary: every value from Front is read field by field and schema-checked; a context with a
// wrong shape or a far too large field is ignored as a whole (nothing changes), a malformed
// message is skipped. Nothing here touches the DOM: the widget renders text only.
import { validateEvent } from '../../core/events.ts';
import { isObject } from '../../core/guards.ts';
import type { ChatEvent } from '../../core/index.ts';
import { mapExport } from '../../server/connectors/front-map.ts';
import { own } from '../../server/connectors/payload.ts';
import type { PlaybookAction, TransportSink } from '../transport.ts';
import { assignedKey, startedAssignee, watchAssignees } from './assignee.ts';
import {
  type HostAdapter,
  type HostContext,
  type HostSettings,
  HostUnavailable,
  type InsertResult,
} from './types.ts';

/** How long Front has to send the first context before the polite message shows. */
export const HANDSHAKE_TIMEOUT_MS = 5000;
/** How often the open conversation's messages are read again (the SDK has no message event). */
export const POLL_MS = 5000;
/** At most this many pages of `listMessages` / `listComments` per read. */
export const MAX_PAGES = 20;
/** A page with more results than this is malformed (Front's pages hold tens). */
export const MAX_PAGE_RESULTS = 1000;
/** Any string of a context longer than this makes the context "far too large": ignored. */
export const MAX_CONTEXT_STRING = 10_000;
/** Any list of a context (tags, inboxes, custom fields) longer than this: ignored too. */
export const MAX_CONTEXT_LIST = 1000;
/** A message or comment body is read up to this many characters (mapping clips to 20,000). */
export const MAX_BODY = 200_000;
/** The longest conversation id: `front-` + id must fit the protocol's 200-character chat id. */
const MAX_CONVERSATION_ID = 200 - 'front-'.length;
const MAX_ID = 200;
const MAX_SETTING = 2048;
const MAX_THRESHOLDS_TEXT = 64 * 1024;
/** Remembered event keys (never emit twice); the oldest are forgotten past this. */
const MAX_SEEN = 100_000;

/** A subscription as rxjs returns it. */
export interface Unsubscribable {
  unsubscribe(): void;
}

/** What the adapter uses of `@frontapp/plugin-sdk`'s default export (`Front`). */
export interface FrontSdk {
  contextUpdates: {
    subscribe(observer: {
      next: (context: unknown) => void;
      error: (err: unknown) => void;
    }): Unsubscribable;
  };
}

export interface FrontTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
}

export interface FrontDeps {
  /** `Front` from `@frontapp/plugin-sdk`. */
  sdk: FrontSdk;
  /** Whether the page is in a frame (`window.parent !== window`): Front loads plugins in one. */
  framed: boolean;
  /** The plugin page's own URL: its query parameters are the team's settings. */
  url: string;
  now?: () => number;
  timers?: FrontTimers;
  handshakeTimeoutMs?: number;
  pollMs?: number;
  /** Where non-fatal problems are reported, each kind once (default console.info). */
  log?: (line: string) => void;
}

// ---------------------------------------------------------------------------------------------
// Reading Front's values (the boundary)

type Obj = Record<string, unknown>;

/** Thrown while reading a context: the context is ignored as a whole. */
class Refused extends Error {}

function refuse(what: string): never {
  throw new Refused(what);
}

function str(value: unknown, what: string, max = MAX_CONTEXT_STRING): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') refuse(`${what} must be a string`);
  if (value.length > max) refuse(`${what} is far too large`);
  return value;
}

function requiredId(value: unknown, what: string, max: number): string {
  const id = str(value, what, max);
  if (id === undefined || id.trim() === '') refuse(`${what} must be a non-empty string`);
  return id;
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) refuse(`${what} must be a list`);
  if (value.length > MAX_CONTEXT_LIST) refuse(`${what} is far too large`);
  return value;
}

/** A time from Front: a Date (the SDK's type, cloned by postMessage), epoch ms or ISO text. */
function timeOf(value: unknown): number | undefined {
  let ms: number;
  if (Object.prototype.toString.call(value) === '[object Date]') {
    ms = (value as Date).getTime();
  } else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && value.length <= 40) ms = Date.parse(value);
  else return undefined;
  // Epoch milliseconds between 1973 and 5138: a number in seconds is not taken for one.
  return Number.isFinite(ms) && ms >= 1e11 && ms < 1e14 ? ms : undefined;
}

/**
 * The SDK's conversation `type` as the Core API names a message's `type` (the connector's
 * channel): the TypeScript types say `frontChat`, the docs `front_chat`; both are read.
 */
const CHANNEL_NAMES: Readonly<Record<string, string>> = {
  frontChat: 'front_chat',
  front_chat: 'front_chat',
  phoneCall: 'call',
  phone_call: 'call',
  twitterDm: 'tweet_dm',
  twitter_dm: 'tweet_dm',
  googlePlay: 'googleplay',
  google_play: 'googleplay',
};

function channelName(type: string | undefined): string | undefined {
  if (type === undefined || type.trim() === '') return undefined;
  return Object.hasOwn(CHANNEL_NAMES, type) ? CHANNEL_NAMES[type] : type;
}

/** The open conversation, read from a context and converted to the Core API's shape. */
interface ConversationView {
  id: string;
  chatId: string;
  closed: boolean;
  draftId?: string;
  channel?: string;
  /** The conversation's fields as the connector's mapping reads them (Core API names). */
  record: Obj;
}

/** A context, read and checked: `proxy` is the SDK's object, for the RPC calls. */
interface ContextView {
  proxy: Obj;
  teammate: { id: string; name?: string };
  conversation: ConversationView | null;
}

function readRecipient(value: unknown): Obj | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) refuse('conversation.recipient must be an object');
  const out: Obj = {};
  const handle = str(own(value, 'handle'), 'recipient.handle');
  const name = str(own(value, 'name'), 'recipient.name');
  if (handle !== undefined) out.handle = handle;
  if (name !== undefined) out.name = name;
  const contact = own(value, 'contact');
  if (isObject(contact)) {
    const contactId = str(own(contact, 'id'), 'recipient.contact.id', MAX_ID);
    // The connector reads the contact id from the Core API's link (`…/contacts/crd_…`).
    if (contactId) {
      out._links = {
        related: { contact: `https://api2.frontapp.com/contacts/${encodeURIComponent(contactId)}` },
      };
    }
  }
  return out;
}

function readNamed(value: unknown, what: string): Obj[] {
  return list(value, what).flatMap((item) => {
    if (!isObject(item)) refuse(`${what} must hold objects`);
    const name = str(own(item, 'name'), `${what}[].name`);
    return name === undefined ? [] : [{ name }];
  });
}

/** `customFieldAttributes` (`[{name, value}]`) → the Core API's `custom_fields` object. */
function readCustomFields(value: unknown): Obj {
  const fields: Obj = {};
  for (const item of list(value, 'conversation.customFieldAttributes')) {
    if (!isObject(item)) refuse('conversation.customFieldAttributes must hold objects');
    const name = str(own(item, 'name'), 'customFieldAttributes[].name');
    const raw = own(item, 'value');
    const scalar =
      typeof raw === 'string'
        ? str(raw, 'customFieldAttributes[].value')
        : typeof raw === 'number' || typeof raw === 'boolean'
          ? raw
          : undefined;
    if (name !== undefined && scalar !== undefined && !Object.hasOwn(fields, name)) {
      fields[name] = scalar;
    }
  }
  return fields;
}

function readConversation(value: unknown): ConversationView {
  if (!isObject(value)) refuse('conversation must be an object');
  const id = requiredId(own(value, 'id'), 'conversation.id', MAX_CONVERSATION_ID);
  const status = str(own(value, 'status'), 'conversation.status');
  const category = str(own(value, 'statusCategory'), 'conversation.statusCategory');
  const draftId = str(own(value, 'draftId'), 'conversation.draftId', MAX_ID);
  const channel = channelName(str(own(value, 'type'), 'conversation.type'));
  const record: Obj = { id };
  const recipient = readRecipient(own(value, 'recipient'));
  if (recipient) record.recipient = recipient;
  const assignee = own(value, 'assignee');
  if (isObject(assignee)) {
    const assigneeId = str(own(assignee, 'id'), 'conversation.assignee.id', MAX_ID);
    if (assigneeId) record.assignee = { id: assigneeId };
  }
  record.tags = readNamed(own(value, 'tags'), 'conversation.tags');
  record.inboxes = readNamed(own(value, 'inboxes'), 'conversation.inboxes');
  record.custom_fields = readCustomFields(own(value, 'customFieldAttributes'));
  const subject = str(own(value, 'subject'), 'conversation.subject');
  if (subject !== undefined) record.subject = subject;
  if (status !== undefined) record.status = status;
  return {
    id,
    chatId: `front-${id}`,
    // The teammate's own status (Front's statuses are per teammate), or a resolved ticket.
    closed: status === 'archived' || status === 'trashed' || category === 'resolved',
    ...(draftId ? { draftId } : {}),
    ...(channel ? { channel } : {}),
    record,
  };
}

const CONVERSATION_TYPES: ReadonlySet<string> = new Set([
  'singleConversation',
  'singleConversationPopover',
]);

/** A context from `contextUpdates`, checked; null when it is not one (wrong shape, too large). */
function readContext(raw: unknown): ContextView | null {
  if (!isObject(raw)) return null;
  try {
    // Every read goes through the SDK's Proxy, which reads `functionArities` first: a context
    // without it throws here, and is refused like any other wrong shape.
    const proxy = raw as Obj;
    const arities = proxy.functionArities;
    if (!isObject(arities)) refuse('functionArities must be an object');
    requiredId(proxy.id, 'context.id', MAX_CONTEXT_STRING);
    const type = requiredId(proxy.type, 'context.type', 100);
    const teammate = proxy.teammate;
    if (!isObject(teammate)) refuse('teammate must be an object');
    const teammateId = requiredId(own(teammate, 'id'), 'teammate.id', MAX_ID);
    const name = str(own(teammate, 'name'), 'teammate.name');
    const conversation = CONVERSATION_TYPES.has(type) ? readConversation(proxy.conversation) : null;
    return {
      proxy,
      teammate: name?.trim() ? { id: teammateId, name: name.trim() } : { id: teammateId },
      conversation,
    };
  } catch {
    return null;
  }
}

/** One page of `listMessages` / `listComments`: `{results, nextPageToken}`. */
function readPage(value: unknown): { results: unknown[]; next?: string } {
  if (!isObject(value)) refuse('a page must be an object');
  const results = own(value, 'results');
  if (!Array.isArray(results)) refuse('page.results must be a list');
  if (results.length > MAX_PAGE_RESULTS) refuse('page.results is far too large');
  const next = own(value, 'nextPageToken');
  if (next === undefined || next === null || next === '') return { results };
  if (typeof next !== 'string' || next.length > MAX_CONTEXT_STRING) {
    refuse('page.nextPageToken must be a string');
  }
  return { results, next };
}

function bodyOf(content: unknown): { body?: string; text?: string } {
  if (!isObject(content)) return {};
  const body = own(content, 'body');
  if (typeof body !== 'string') return {};
  const clipped = body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body;
  // The SDK's `content.type` is `html` or `text`; a comment's body is Markdown (text).
  return own(content, 'type') === 'html' ? { body: clipped } : { text: clipped };
}

/** A message of `listMessages` in the Core API's shape, or null (malformed, or an unsent draft). */
function readMessage(value: unknown, channel: string | undefined): Obj | null {
  if (!isObject(value)) return null;
  const id = own(value, 'id');
  if (typeof id !== 'string' || id.trim() === '' || id.length > MAX_ID) return null;
  const status = own(value, 'status');
  if (status !== 'inbound' && status !== 'outbound') return null;
  const at = timeOf(own(value, 'date'));
  if (at === undefined) return null; // a draft has no date (ApplicationMessage.date)
  const out: Obj = {
    id,
    is_inbound: status === 'inbound',
    created_at: at / 1000,
    // The plugin SDK does not say which teammate (or rule) sent an outbound message.
    author: null,
    ...bodyOf(own(value, 'content')),
  };
  if (channel) out.type = channel;
  const from = own(value, 'from');
  if (isObject(from)) {
    const handle = own(from, 'handle');
    const name = own(from, 'name');
    const recipient: Obj = { role: 'from' };
    if (typeof handle === 'string' && handle.length <= MAX_CONTEXT_STRING)
      recipient.handle = handle;
    if (typeof name === 'string' && name.length <= MAX_CONTEXT_STRING) recipient.name = name;
    out.recipients = [recipient];
  }
  return out;
}

/** A comment of `listComments` in the Core API's shape (an internal note), or null. */
function readComment(value: unknown): Obj | null {
  if (!isObject(value)) return null;
  const id = own(value, 'id');
  if (typeof id !== 'string' || id.trim() === '' || id.length > MAX_ID) return null;
  const at = timeOf(own(value, 'createdAt'));
  if (at === undefined) return null;
  const out: Obj = { id, posted_at: at / 1000 };
  const { body, text } = bodyOf(own(value, 'content'));
  out.body = text ?? body ?? '';
  const author = own(value, 'author');
  const authorId = isObject(author) ? own(author, 'id') : undefined;
  out.author =
    typeof authorId === 'string' && authorId.trim() !== '' && authorId.length <= MAX_ID
      ? { id: authorId }
      : null;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Settings: the plugin URL's query parameters (Front plugins have no per-team settings UI)

/** A URL setting: https, or the plugin page's own origin (development); else dropped. */
function urlSetting(value: string | null, base: URL, name: string, warn: (m: string) => void) {
  if (value === null || value.trim() === '') return undefined;
  if (value.length > MAX_SETTING) {
    warn(`the ${name} setting is longer than ${MAX_SETTING} characters: ignored`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    warn(`the ${name} setting is not a URL: ignored`);
    return undefined;
  }
  const secure = url.protocol === 'https:' || (name === 'serverUrl' && url.protocol === 'wss:');
  if (!secure && url.origin !== base.origin) {
    warn(`the ${name} setting must be an https URL: ignored`);
    return undefined;
  }
  return url.href;
}

export function readFrontSettings(pageUrl: string, warn: (m: string) => void): HostSettings {
  let base: URL;
  try {
    base = new URL(pageUrl);
  } catch {
    return {};
  }
  const q = base.searchParams;
  const settings: HostSettings = {};
  const library = urlSetting(q.get('library'), base, 'library', warn);
  if (library) settings.library = library;
  const thresholds = q.get('thresholds');
  if (thresholds !== null && thresholds.trim() !== '') {
    if (thresholds.length > MAX_THRESHOLDS_TEXT)
      warn('the thresholds setting is too long: ignored');
    else settings.thresholds = thresholds; // JSON text: init validates it and names the field
  }
  const tierField = q.get('tierField');
  if (tierField !== null && tierField.trim() !== '') {
    if (tierField.length > 200) warn('the tierField setting is too long: ignored');
    else settings.tierField = tierField.trim();
  }
  const serverUrl = urlSetting(q.get('serverUrl'), base, 'serverUrl', warn);
  const tokenUrl = urlSetting(q.get('tokenUrl'), base, 'tokenUrl', warn);
  if (serverUrl && tokenUrl) {
    // Whoever frames this page chooses its URL: a token URL of the team's paired with a server
    // of someone else's would hand them the agent's token. The token goes only to its own origin.
    if (httpOrigin(serverUrl) === httpOrigin(tokenUrl)) {
      settings.serverUrl = serverUrl;
      settings.tokenUrl = tokenUrl;
    } else warn('serverUrl and tokenUrl must be on the same origin: both ignored');
  } else if (serverUrl || tokenUrl) warn('serverUrl and tokenUrl go together: ignored');
  return settings;
}

/** The origin of an https/wss URL with wss: read as https: (a socket URL and its host). */
function httpOrigin(href: string): string {
  const url = new URL(href);
  if (url.protocol === 'wss:') url.protocol = 'https:';
  return url.origin;
}

// ---------------------------------------------------------------------------------------------
// The adapter

type Fn = (...args: unknown[]) => Promise<unknown>;

/** The RPC `name` of a context (the SDK's Proxy makes one per `functionArities` entry). */
function rpc(proxy: Obj, name: string): Fn | undefined {
  try {
    const fn = proxy[name];
    return typeof fn === 'function' ? (fn as Fn) : undefined;
  } catch {
    return undefined;
  }
}

interface Fetched {
  messages: Obj[];
  comments: Obj[];
}

const defaultTimers: FrontTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (id) => clearInterval(id as ReturnType<typeof setInterval>),
};

export function createFrontAdapter(deps: FrontDeps): HostAdapter {
  const now = deps.now ?? (() => Date.now());
  const timers = deps.timers ?? defaultTimers;
  const pollMs = deps.pollMs ?? POLL_MS;
  const handshakeMs = deps.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  const log = deps.log ?? ((line: string) => console.info(`[chat-playbook] ${line}`));
  const reported = new Set<string>();
  /** Each kind of problem is reported once per app load: never a console storm. */
  const report = (kind: string, line: string) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    log(line);
  };

  let sink: TransportSink | null = null;
  let disposed = false;
  let subscription: Unsubscribable | null = null;
  /** The SDK's stream errored (a context it could not wrap): subscribe again on the next tick. */
  let broken = false;
  let ticker: unknown = null;
  let current: ContextView | null = null;
  let teammateId: string | null = null;
  /** Bumped on every conversation switch: answers for an older conversation are dropped. */
  let generation = 0;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let prefetched: { generation: number; data: Fetched } | null = null;
  const focusListeners = new Set<(chatId: string) => void>();
  const seen = new Set<string>();
  /** Per chat: the latest message time we emitted, and a close time noticed live. */
  const lastAt = new Map<string, number>();
  const closedNoticedAt = new Map<string, number>();
  /** Per chat: the message a reply answers (the latest customer message, else the latest). */
  const replyTarget = new Map<string, string>();
  const assignees = watchAssignees();

  let firstContext: ((view: ContextView) => void) | null = null;
  let firstError: ((err: unknown) => void) | null = null;

  const remember = (key: string) => {
    seen.add(key);
    if (seen.size > MAX_SEEN) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
  };

  function emit(events: ChatEvent[]) {
    if (!disposed && sink && events.length > 0) sink.events(events);
  }

  function subscribe() {
    broken = false;
    subscription = deps.sdk.contextUpdates.subscribe({
      next: (raw) => onContext(raw),
      error: () => {
        // rxjs ends a subscription on error (the SDK wraps each context in a Proxy, which
        // throws for a context that is not an object): keep the last good context and
        // subscribe again on the next tick, when a good context has replaced the bad one.
        broken = true;
        report('stream', 'Front sent a context the plugin SDK could not read: it was ignored');
      },
    });
  }

  function onContext(raw: unknown) {
    if (disposed) return;
    const view = readContext(raw);
    if (!view) {
      report('context', 'Front sent a context of an unexpected shape: it was ignored');
      return;
    }
    if (teammateId !== null && view.teammate.id !== teammateId) {
      report('teammate', 'Front switched teammate: reload the plugin to sign in as them');
      return;
    }
    const previous = current;
    current = view;
    if (firstContext) {
      firstContext(view);
      return;
    }
    const conversation = view.conversation;
    if (!conversation) return;
    const before = previous?.conversation;
    // Closed before our eyes (the same conversation, open in the previous context): now.
    if (before?.id === conversation.id && !before.closed && conversation.closed) {
      if (!closedNoticedAt.has(conversation.chatId))
        closedNoticedAt.set(conversation.chatId, now());
    }
    if (before?.id !== conversation.id) {
      generation += 1;
      for (const listener of [...focusListeners]) listener(conversation.chatId);
    }
    // Every context change (a new message changes the conversation's blurb) reads it again.
    if (sink) void refresh();
  }

  async function readAll(proxy: Obj, name: string): Promise<unknown[]> {
    const fn = rpc(proxy, name);
    if (!fn) return [];
    const all: unknown[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { results, next } = readPage(await fn(...(token === undefined ? [] : [token])));
      all.push(...results);
      if (next === undefined) break;
      token = next;
    }
    return all;
  }

  async function fetchConversation(view: ContextView): Promise<Fetched> {
    const channel = view.conversation?.channel;
    if (!rpc(view.proxy, 'listMessages')) throw new Error('listMessages is not offered here');
    const rawMessages = await readAll(view.proxy, 'listMessages');
    // listComments is optional: older Front contexts may not offer it (no internal notes then).
    let rawComments: unknown[] = [];
    try {
      rawComments = await readAll(view.proxy, 'listComments');
    } catch {
      report('comments', 'Front did not list the conversation’s comments: no internal notes');
    }
    const messages: Obj[] = [];
    let skipped = 0;
    for (const raw of rawMessages) {
      const message = readMessage(raw, channel);
      if (message) messages.push(message);
      else skipped++;
    }
    const comments: Obj[] = [];
    for (const raw of rawComments) {
      const comment = readComment(raw);
      if (comment) comments.push(comment);
      else skipped++;
    }
    if (skipped > 0) report('skipped', `skipped ${skipped} malformed message(s) from Front`);
    return { messages, comments };
  }

  function apply(conversation: ConversationView, data: Fetched, settings: HostSettings) {
    const { chatId } = conversation;
    const events: ChatEvent[] = [];
    if (data.messages.length + data.comments.length > 0) {
      const mapped = mapExport(
        // `status` is left out: the close is decided here (a live close is at the moment seen).
        {
          ...conversation.record,
          status: 'open',
          messages: data.messages,
          comments: data.comments,
        },
        { ...(settings.tierField ? { tierField: settings.tierField } : {}) },
      );
      if (mapped.kind === 'invalid') {
        report('mapping', `a Front conversation could not be read (${mapped.error})`);
        return;
      }
      for (const object of mapped.events) {
        const key =
          object.type === 'chat.started' ? `${chatId}|started` : `${chatId}|m|${String(object.id)}`;
        if (seen.has(key)) continue;
        const checked = validateEvent(object);
        if (checked.kind !== 'event') continue;
        remember(key);
        events.push(checked.event);
        lastAt.set(chatId, Math.max(lastAt.get(chatId) ?? 0, checked.event.at));
      }
      // Another assignee than the last context showed (a new context comes with each change
      // of assignee): handed over now.
      const handover = assignees.note(chatId, startedAssignee(mapped.events) ?? null, now());
      if (handover && !seen.has(assignedKey(handover))) {
        remember(assignedKey(handover));
        events.push(handover);
      }
      // The message a reply answers: the latest from the customer, else the latest.
      const byTime = [...data.messages].sort(
        (a, b) => (a.created_at as number) - (b.created_at as number),
      );
      const inbound = byTime.filter((m) => m.is_inbound === true);
      const target = (inbound[inbound.length - 1] ?? byTime[byTime.length - 1])?.id;
      if (typeof target === 'string') replyTarget.set(chatId, target);
    }
    if (conversation.closed && !seen.has(`${chatId}|closed`) && lastAt.has(chatId)) {
      // Closed while we watched: now. Already closed when opened: at its last message (the
      // plugin SDK gives no archive time), never before it.
      const last = lastAt.get(chatId) ?? 0;
      const at = Math.max(closedNoticedAt.get(chatId) ?? last, last);
      remember(`${chatId}|closed`);
      events.push({ type: 'chat.closed', chatId, at });
    }
    emit(events);
  }

  let settings: HostSettings = {};

  function refresh(): Promise<void> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        const view = current;
        const conversation = view?.conversation;
        if (!view || !conversation || disposed) break;
        const mine = generation;
        let data: Fetched;
        try {
          if (prefetched && prefetched.generation === mine) {
            data = prefetched.data;
            prefetched = null;
          } else data = await fetchConversation(view);
        } catch (err) {
          report(
            'fetch',
            `Front did not list the conversation’s messages (${(err as Error)?.message})`,
          );
          break;
        }
        // The teammate opened another conversation meanwhile: this answer is stale.
        if (mine !== generation || disposed) continue;
        apply(conversation, data, settings);
      } while (again && !disposed);
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function stop() {
    if (ticker !== null) timers.clearInterval(ticker);
    ticker = null;
    subscription?.unsubscribe();
    subscription = null;
    broken = false;
  }

  function tick() {
    if (disposed) return;
    if (broken) subscribe();
    if (sink && current?.conversation) void refresh();
  }

  let connecting: Promise<HostContext> | null = null;

  const adapter: HostAdapter = {
    label: 'Front',
    get scope() {
      // The plugin context names no company; a teammate id belongs to one company.
      return teammateId ? `front:${teammateId}` : 'front';
    },
    connect() {
      if (connecting) return connecting;
      connecting = new Promise<HostContext>((resolve, reject) => {
        if (!deps.framed) {
          reject(new HostUnavailable('This page was opened directly, not by Front.', 'outside'));
          return;
        }
        let settled = false;
        const fail = (err: HostUnavailable) => {
          if (settled) return;
          settled = true;
          firstContext = null;
          firstError = null;
          timers.clearTimeout(timeout);
          stop(); // once: no retry, nothing left listening
          reject(err);
        };
        const timeout = timers.setTimeout(
          () =>
            fail(
              new HostUnavailable(
                `Front sent no conversation context within ${Math.round(handshakeMs / 1000)} s.`,
                'timeout',
              ),
            ),
          handshakeMs,
        );
        firstError = (err) => fail(err as HostUnavailable);
        firstContext = (view) => {
          firstContext = null;
          timers.clearTimeout(timeout);
          teammateId = view.teammate.id;
          settings = readFrontSettings(deps.url, (m) => report(`setting:${m}`, m));
          const conversation = view.conversation;
          const done = () => {
            if (settled) return;
            settled = true;
            firstError = null;
            resolve({
              agent: view.teammate,
              settings,
              chatId: current?.conversation?.chatId ?? null,
            });
          };
          if (!conversation) return done();
          // The first read tells whether Front lets this plugin list the conversation.
          const mine = generation;
          fetchConversation(view).then(
            (data) => {
              prefetched = { generation: mine, data };
              done();
            },
            (err: unknown) => {
              // A malformed answer is Front's data, reported once and read again on the next
              // tick; a refused call (the SDK's `function_error`) is a missing permission.
              if (err instanceof Refused) {
                report('fetch', `Front sent an unexpected list of messages (${err.message})`);
                done();
                return;
              }
              fail(
                new HostUnavailable(
                  `Front refused to list the conversation’s messages (${(err as Error)?.message}).`,
                  'permission',
                ),
              );
            },
          );
        };
        subscribe();
        ticker = timers.setInterval(tick, pollMs);
      });
      return connecting;
    },
    start(s) {
      if (disposed) return;
      sink = s;
      s.status('online');
      if (current?.conversation) void refresh();
    },
    send(action: PlaybookAction) {
      // No server: the agent's ticks and notes come straight back, as on the local transport.
      if (!disposed) sink?.events([action]);
      return Promise.resolve();
    },
    now,
    onFocus(listener) {
      focusListeners.add(listener);
      return () => focusListeners.delete(listener);
    },
    async insertReply(reply): Promise<InsertResult> {
      const view = current;
      const conversation = view?.conversation;
      if (!view || !conversation) throw new Error('no conversation is open in Front');
      if (conversation.chatId !== reply.chatId) {
        throw new Error('the reply is for another conversation than the one open in Front');
      }
      const content = { body: reply.text, type: 'text' };
      if (conversation.draftId) {
        const update = rpc(view.proxy, 'updateDraft');
        if (!update) throw new Error('Front does not offer updateDraft here');
        await update(conversation.draftId, { updateMode: 'insert', content });
        return 'inserted';
      }
      const create = rpc(view.proxy, 'createDraft');
      if (!create) throw new Error('Front does not offer createDraft here');
      const original = replyTarget.get(conversation.chatId);
      await create({
        content,
        ...(original ? { replyOptions: { type: 'reply', originalMessageId: original } } : {}),
      });
      return 'inserted';
    },
    dispose() {
      disposed = true;
      sink = null;
      generation += 1;
      firstContext = null;
      firstError?.(new HostUnavailable('The app was closed.', 'outside'));
      stop();
      focusListeners.clear();
    },
  };
  return adapter;
}
