// The Zendesk Support ticket sidebar app (docs/integrations.md "Zendesk: sidebar app"), on the
// Zendesk App Framework SDK `zendesk_app_framework_sdk` 2.0.11 (ZAF v2), injected as `deps.init`
// (ZAFClient.init) so the adapter is testable with a fake client.
//
// What the SDK gives (node_modules/zendesk_app_framework_sdk/lib/index.js, lib/client.js; the
// Apps Support API, https://developer.zendesk.com/api-reference/apps/apps-support-api/ticket_sidebar/):
// - `ZAFClient.init()` reads `origin` and `app_guid` from the app's URL and returns false
//   without them (opened outside Zendesk); else it posts `iframe.handshake` to the parent and
//   the framework answers `app.registered` with `{ metadata, context }`. The SDK has no
//   handshake timeout of its own: this adapter gives up after 5 s, once.
// - `client.get([...paths])`: the ticket (`ticket.id`, `ticket.requester`, `ticket.organization`,
//   `ticket.tags`, `ticket.via`, `ticket.createdAt`, `ticket.status`, `ticket.conversation`, …)
//   and `currentUser`; `client.metadata()` → `{ settings }`: the app's manifest parameters.
// - Events: `ticket.conversation.changed`, `ticket.status.changed`,
//   `ticket.assignee.user.id.changed`, `app.activated`.
// - Ownership: `ticket.assignee.user.id` is the chat.started assignee; a later assignee, once
//   `ticket.updatedAt` shows the ticket saved, is a chat.assigned at that time (assignee.ts).
// - `client.request(…)`: the Support REST API with the agent's own session (no token).
// - `client.invoke('ticket.editor.insert', html)`, else `comment.appendText` (plain text).
//
// Message ids. `ticket.conversation` entries carry no id (author, channel, message, timestamp,
// attachments), while the webhook connector (src/server/connectors/zendesk.ts) uses comment
// ids. So the messages come from the ticket's comments, read through `client.request`
// (GET /api/v2/tickets/{id}/comments.json?include=users): the very REST shape `audit --from
// zendesk` maps, mapped here by the same pure function (`mapExport`, zendesk-map.ts), so chat
// ids (`zendesk-<ticket id>`) and message ids (comment ids) agree with `serve`'s connector and
// the engine keeps one copy. Only when that request fails on a ticket's first load (no API
// access) are the messages read from `ticket.conversation`, with ids derived from each entry
// (`zc-<hash>-<n>`): the sidebar still works, but beside a connector those chats would arrive
// twice (documented). A ticket keeps the source it started with, so ids never change midway.
//
// Staying current: the framework's events (immediately), and a cheap poll of the ticket's
// local data every 5 s (postMessage to the parent, no API call) as a backstop for comments the
// events do not announce; the REST comments are read again only when the conversation or the
// ticket changed. Events already sent are never sent again.
//
// Security, at the boundary (a capture-phase `message` listener that runs before the SDK's):
// only the parent window, from the exact Zendesk origin the app was opened for (and only
// `https://<subdomain>.zendesk.com`), with a JSON message of a sane size and depth, for this
// app instance; anything else is stopped before the SDK sees it and changes nothing. Every
// value read from Zendesk is schema-checked before use; events are validated by the engine's
// `validateEvent`. The adapter never touches the DOM: the widget renders host data as text.
import { validateEvent } from '../../core/events.ts';
import { isObject, nestsDeeperThan } from '../../core/guards.ts';
import type { ChatEvent } from '../../core/index.ts';
import { parseAt } from '../../core/time.ts';
import { isClosedStatus, mapExport } from '../../server/connectors/zendesk-map.ts';
import type { PlaybookAction, TransportSink } from '../transport.ts';
import { assignedKey, watchAssignees } from './assignee.ts';
import {
  type HostAdapter,
  type HostAgent,
  type HostContext,
  type HostSettings,
  HostUnavailable,
  type InsertResult,
  type MessageWindow,
} from './types.ts';

/** How long the app waits for Zendesk's `app.registered` answer. */
export const HANDSHAKE_TIMEOUT_MS = 5000;
/** The backstop poll of the ticket's local data (0 turns it off). */
export const POLL_INTERVAL_MS = 5000;
/** How long one REST page of comments may take before the refresh gives up (until the next). */
export const REQUEST_TIMEOUT_MS = 10_000;
/** A message from the parent larger than this (JSON text, UTF-16 units) is stopped. */
export const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;
/** A message nested deeper than this is stopped before anything walks it. */
export const MAX_MESSAGE_DEPTH = 32;
/** The only parents the app talks to: a Zendesk account, https, no port, no path. */
export const ZENDESK_ORIGIN = /^https:\/\/[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.zendesk\.com$/;
/** Comment pages read per refresh (100 comments a page). */
const MAX_COMMENT_PAGES = 10;
const MAX_SEEN = 100_000;
const MAX_URL_LENGTH = 2048;
const MAX_THRESHOLDS_TEXT = 64 * 1024;
const MAX_FIELD_TEXT = 200;
const MAX_REPLY_TEXT = 20_000;

/** What the adapter reads of the ticket, in one `client.get` (a postMessage round trip). */
export const TICKET_PATHS = [
  'ticket.id',
  'ticket.requester',
  'ticket.organization',
  'ticket.tags',
  'ticket.via',
  'ticket.createdAt',
  'ticket.updatedAt',
  'ticket.status',
  'ticket.priority',
  'ticket.type',
  'ticket.assignee',
  'ticket.brand',
  'ticket.conversation',
] as const;

/** The manifest parameters (scripts/package-zendesk.mjs) the app reads from `metadata.settings`. */
export const SETTING_NAMES = {
  library: 'libraryUrl',
  thresholds: 'thresholds',
  tierField: 'tierField',
  serverUrl: 'serverUrl',
  tokenUrl: 'tokenUrl',
} as const;

// ---------------------------------------------------------------------------------------
// The SDK and the window, as far as the adapter uses them

/** The part of the SDK's client (lib/client.js `Client.prototype`) the adapter calls. */
export interface ZafClient {
  on(name: string, handler: (data: unknown) => void): void;
  get(paths: string[]): Promise<unknown>;
  invoke(name: string, ...args: string[]): Promise<unknown>;
  metadata(): Promise<unknown>;
  request(options: { url: string; type: 'GET'; dataType: 'json' }): Promise<unknown>;
}

/** The parts of `window` the adapter uses (a fake in unit tests). */
export interface ZendeskWindow extends MessageWindow {
  readonly location: { readonly search: string; readonly hash: string };
}

export interface ZendeskDeps {
  /** `ZAFClient.init` of the SDK: a client, or false when the URL has no origin/app_guid. */
  init(): ZafClient | false;
  win: ZendeskWindow;
  now?(): number;
  /** The `app.registered` timeout (default 5 s). */
  handshakeMs?: number;
  /** The backstop poll interval (default 5 s; 0: no poll). */
  pollMs?: number;
  /** Timeout of one REST request (default 10 s). */
  requestMs?: number;
  /** Which parent origins count as Zendesk (default `https://<subdomain>.zendesk.com`). */
  originPattern?: RegExp;
}

export interface ZendeskAdapter extends HostAdapter {
  /** Messages the boundary stopped (wrong source, origin, size, depth or shape). */
  stopped(): number;
}

// ---------------------------------------------------------------------------------------
// Reading Zendesk's values (everything is untrusted until checked here)

type Obj = Record<string, unknown>;

function own(value: unknown, key: string): unknown {
  if (!isObject(value)) return undefined;
  const property = Object.getOwnPropertyDescriptor(value, key);
  return property !== undefined && 'value' in property ? property.value : undefined;
}

/** A Zendesk id (a safe positive integer, or its digits), as text; undefined otherwise. */
export function zendeskId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return value;
  return undefined;
}

/** Short display text (a name, a status): a string, trimmed, at most `max` units. */
function text(value: unknown, max = MAX_FIELD_TEXT): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.length > max ? undefined : trimmed;
}

/**
 * A Zendesk time as ISO-8601: the framework gives ISO strings (older versions gave
 * `Date#toString()` text, accepted too); undefined when it is neither.
 */
export function zendeskTime(value: unknown): string | undefined {
  const at = parseAt(value);
  if (at !== null) return new Date(at).toISOString();
  if (
    typeof value === 'string' &&
    value.length <= 100 &&
    /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}\b/.test(value)
  ) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  return undefined;
}

function tagsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((tag): tag is string => typeof tag === 'string' && tag.length <= 200);
}

/** The result of a `client.get` of several paths: `{ '<path>': value, errors: {...} }`. */
function pathValue(result: unknown, path: string): unknown {
  const errors = own(result, 'errors');
  if (isObject(errors) && own(errors, path) !== undefined) return undefined;
  return own(result, path);
}

/** A conversation entry of `ticket.conversation`, checked. */
interface Entry {
  at: string;
  authorId: string | undefined;
  authorName: string | undefined;
  role: string;
  channel: string;
  text: string;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/**
 * Plain text of a conversation entry's HTML (`message.contentType: text/html`), by string
 * operations only: the HTML is never parsed into a document, so nothing in it can run.
 */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|tr)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8}|#39);/gi, (entity, name: string) => {
      const lower = name.toLowerCase();
      if (ENTITIES[lower] !== undefined) return ENTITIES[lower];
      const code = lower.startsWith('#x')
        ? Number.parseInt(lower.slice(2), 16)
        : lower.startsWith('#')
          ? Number.parseInt(lower.slice(1), 10)
          : Number.NaN;
      return Number.isFinite(code) &&
        code > 0 &&
        code <= 0x10ffff &&
        (code < 0xd800 || code > 0xdfff)
        ? String.fromCodePoint(code)
        : entity;
    })
    .replace(/[ \t\r\f\v]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function entryOf(value: unknown): Entry | null {
  if (!isObject(value)) return null;
  const at = zendeskTime(own(value, 'timestamp'));
  const author = own(value, 'author');
  const message = own(value, 'message');
  const content = own(message, 'content');
  if (at === undefined || !isObject(author) || typeof content !== 'string') return null;
  const role = text(own(author, 'role'), 50) ?? 'unknown';
  const contentType = own(message, 'contentType');
  return {
    at,
    authorId: zendeskId(own(author, 'id')),
    authorName: text(own(author, 'name')),
    role: role.toLowerCase(),
    channel: (text(own(own(value, 'channel'), 'name'), 100) ?? '').toLowerCase(),
    text: contentType === 'text/plain' ? content : htmlText(content),
  };
}

/** The ticket as the sidebar reads it: validated, with what the mapping needs. */
interface Ticket {
  id: string;
  chatId: string;
  status: string | undefined;
  createdAt: string | undefined;
  updatedAt: string | undefined;
  requesterId: string | undefined;
  requesterName: string | undefined;
  /** The REST shape of the ticket (GET /api/v2/tickets/{id}.json) built from ZAF's fields. */
  rest: Obj;
  /** `ticket.conversation`, checked (malformed entries left out). */
  entries: Entry[];
  /** A cheap fingerprint of the conversation: a change triggers a comments refresh. */
  signature: string;
}

function ticketOf(result: unknown): Ticket | null {
  const id = zendeskId(pathValue(result, 'ticket.id'));
  if (id === undefined) return null;
  const requester = pathValue(result, 'ticket.requester');
  const organization = pathValue(result, 'ticket.organization');
  const assignee = pathValue(result, 'ticket.assignee');
  const brand = pathValue(result, 'ticket.brand');
  const via = pathValue(result, 'ticket.via');
  const status = text(pathValue(result, 'ticket.status'), 50)?.toLowerCase();
  const createdAt = zendeskTime(pathValue(result, 'ticket.createdAt'));
  const updatedAt = zendeskTime(pathValue(result, 'ticket.updatedAt'));
  const requesterId = zendeskId(own(requester, 'id'));
  const channel = text(typeof via === 'string' ? via : own(via, 'channel'), 100);
  // Ids as text: what the connector makes of both the webhooks' strings and REST's numbers.
  const rest: Obj = { id };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) rest[key] = value;
  };
  set('created_at', createdAt);
  set('updated_at', updatedAt);
  set('status', status);
  set('priority', text(pathValue(result, 'ticket.priority'), 50));
  set('type', text(pathValue(result, 'ticket.type'), 50));
  rest.tags = tagsOf(pathValue(result, 'ticket.tags'));
  if (channel !== undefined) rest.via = { channel };
  set('requester_id', requesterId);
  set('assignee_id', zendeskId(own(own(assignee, 'user'), 'id')));
  set('brand_id', zendeskId(own(brand, 'id')));
  const orgId = zendeskId(own(organization, 'id'));
  set('organization_id', orgId);
  // Beyond the REST ticket, for a tierField such as `organization.name` (sidebar only).
  if (orgId !== undefined) {
    rest.organization = {
      id: orgId,
      name: text(own(organization, 'name')),
      tags: tagsOf(own(organization, 'tags')),
    };
  }
  const list = pathValue(result, 'ticket.conversation');
  const entries = Array.isArray(list)
    ? list.map(entryOf).filter((entry): entry is Entry => entry !== null)
    : [];
  const last = entries[entries.length - 1];
  return {
    id,
    chatId: `zendesk-${id}`,
    status,
    createdAt,
    updatedAt,
    requesterId,
    requesterName: text(own(requester, 'name')),
    rest,
    entries,
    signature: `${entries.length}|${last?.at ?? ''}|${last?.text.length ?? 0}|${status ?? ''}`,
  };
}

/** A REST comment (GET /api/v2/tickets/{id}/comments.json), kept only when well-formed. */
function commentOf(value: unknown): Obj | null {
  if (!isObject(value)) return null;
  const id = zendeskId(own(value, 'id'));
  const createdAt = zendeskTime(own(value, 'created_at'));
  const isPublic = own(value, 'public');
  if (id === undefined || createdAt === undefined || typeof isPublic !== 'boolean') return null;
  const body = own(value, 'body');
  const plain = own(value, 'plain_body');
  const comment: Obj = {
    id,
    created_at: createdAt,
    public: isPublic,
    body: typeof body === 'string' ? body : typeof plain === 'string' ? plain : '',
  };
  const rawAuthor = own(value, 'author_id');
  // -1 is the Zendesk system (a bot to the mapping).
  const authorId = rawAuthor === -1 || rawAuthor === '-1' ? '-1' : zendeskId(rawAuthor);
  if (authorId !== undefined) comment.author_id = authorId;
  const channel = text(own(own(value, 'via'), 'channel'), 100);
  if (channel !== undefined) comment.via = { channel };
  return comment;
}

function userOf(value: unknown): Obj | null {
  const id = zendeskId(own(value, 'id'));
  if (id === undefined) return null;
  const user: Obj = { id };
  const name = text(own(value, 'name'));
  const role = text(own(value, 'role'), 50);
  if (name !== undefined) user.name = name;
  if (role !== undefined) user.role = role;
  return user;
}

/** FNV-1a (32-bit) of a string, as 8 hex digits: a stable fingerprint, not a secret. */
function fnv1a(input: string, seed = 0x811c9dc5): string {
  let hash = seed;
  for (let i = 0; i < input.length; i += 1) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The REST-shaped comments of `ticket.conversation` (the fallback source): an id derived from
 * the entry (`zc-<hash>-<n>`, n counting identical earlier entries), `public: false` for the
 * `internal` channel, and authors with a role other than end-user/agent/admin as the Zendesk
 * system user (-1, a bot to the mapping).
 */
function conversationRecord(ticket: Ticket): { comments: Obj[]; users: Obj[] } {
  const counts = new Map<string, number>();
  const users = new Map<string, Obj>();
  const comments = ticket.entries.map((entry) => {
    const key = [entry.at, entry.authorId ?? '', entry.role, entry.channel, entry.text].join(
      '\u0000',
    );
    const hash = fnv1a(key) + fnv1a(key, 0x01000193);
    const n = counts.get(hash) ?? 0;
    counts.set(hash, n + 1);
    const person = ['end-user', 'agent', 'admin'].includes(entry.role);
    const authorId = person ? entry.authorId : '-1';
    if (person && entry.authorId !== undefined && !users.has(entry.authorId)) {
      const user: Obj = { id: entry.authorId, role: entry.role };
      if (entry.authorName !== undefined) user.name = entry.authorName;
      users.set(entry.authorId, user);
    }
    const comment: Obj = {
      id: `zc-${hash}-${n}`,
      created_at: entry.at,
      public: entry.channel !== 'internal',
      body: entry.text,
    };
    if (authorId !== undefined) comment.author_id = authorId;
    if (entry.channel !== '') comment.via = { channel: entry.channel };
    return comment;
  });
  return { comments, users: [...users.values()] };
}

// ---------------------------------------------------------------------------------------
// Settings and identity

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An https URL (http on loopback, for `zcli apps:server`), or for the library a relative path. */
function urlSetting(value: unknown, relative: boolean): string | undefined {
  const raw = text(value, MAX_URL_LENGTH);
  if (raw === undefined) return undefined;
  if (relative && /^(?!\/\/)[\w./-]+$/.test(raw) && !raw.includes('..')) return raw;
  try {
    const url = new URL(raw);
    const secure =
      url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    return secure && url.username === '' && url.password === '' ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** The team lead's settings (manifest parameters), checked; what is wrong is named. */
export function settingsOf(metadata: unknown): { settings: HostSettings; ignored: string[] } {
  const values = own(metadata, 'settings');
  const settings: HostSettings = {};
  const ignored: string[] = [];
  const given = (name: string) => {
    const value = own(values, name);
    return value === undefined || value === null || value === '' ? undefined : value;
  };
  const read = <T>(name: string, parse: (value: unknown) => T | undefined): T | undefined => {
    const value = given(name);
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed === undefined) ignored.push(name);
    return parsed;
  };
  const library = read(SETTING_NAMES.library, (v) => urlSetting(v, true));
  if (library !== undefined) settings.library = library;
  const thresholds = read(SETTING_NAMES.thresholds, (v) =>
    typeof v === 'string' && v.length <= MAX_THRESHOLDS_TEXT ? v : undefined,
  );
  if (thresholds !== undefined && thresholds.trim() !== '') settings.thresholds = thresholds;
  const tierField = read(SETTING_NAMES.tierField, (v) => text(v));
  if (tierField !== undefined) settings.tierField = tierField;
  const serverUrl = read(SETTING_NAMES.serverUrl, (v) => urlSetting(v, false));
  const tokenUrl = read(SETTING_NAMES.tokenUrl, (v) => urlSetting(v, false));
  if (serverUrl !== undefined) settings.serverUrl = serverUrl;
  if (tokenUrl !== undefined) settings.tokenUrl = tokenUrl;
  return { settings, ignored };
}

/** The agent from `currentUser` (ZAF User object): id, name; an admin is a supervisor. */
export function agentOf(result: unknown): HostAgent | null {
  const user = pathValue(result, 'currentUser');
  const id = zendeskId(own(user, 'id'));
  if (id === undefined) return null;
  const agent: HostAgent = { id };
  const name = text(own(user, 'name'));
  if (name !== undefined) agent.name = name;
  const role = own(user, 'role');
  agent.role = role === 'admin' ? 'supervisor' : 'agent';
  return agent;
}

/** `origin` and `app_guid` as the SDK reads them (query, else hash); null when ambiguous. */
export function launchParams(location: {
  search: string;
  hash: string;
}): { origin: string; guid: string } | null {
  const query = new URLSearchParams(location.search.replace(/^\?/, ''));
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const one = (name: string): string | null | undefined => {
    const all = [...query.getAll(name), ...hash.getAll(name)];
    if (all.length === 0) return undefined;
    return all.length === 1 ? all[0]! : null; // twice: the SDK and we might read different ones
  };
  const origin = one('origin');
  const guid = one('app_guid');
  if (!origin || !guid || guid.length > 100 || !/^[\w-]+$/.test(guid)) return null;
  return { origin, guid };
}

// ---------------------------------------------------------------------------------------
// The adapter

/** Escapes text for `ticket.editor.insert`, which takes HTML (newlines become <br>). */
export function textToHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r?\n/g, '<br>');
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

interface ChatState {
  ticket: Ticket;
  /** Where its messages come from: the REST comments, or `ticket.conversation`. */
  source: 'comments' | 'conversation' | undefined;
  /** The conversation signature last loaded. */
  loaded: string | undefined;
  lastAt: number;
  closed: boolean;
  /** The status at the first read: a ticket solved before the app opened closes at updatedAt. */
  firstStatus: string | undefined;
  /** The `ticket.updatedAt` at which the assignee was last noted. */
  assigneeAt: string | undefined;
}

export function createZendeskAdapter(deps: ZendeskDeps): ZendeskAdapter {
  const now = deps.now ?? (() => Date.now());
  const handshakeMs = deps.handshakeMs ?? HANDSHAKE_TIMEOUT_MS;
  const pollMs = deps.pollMs ?? POLL_INTERVAL_MS;
  const requestMs = deps.requestMs ?? REQUEST_TIMEOUT_MS;
  const originPattern = deps.originPattern ?? ZENDESK_ORIGIN;
  const { win } = deps;

  let client: ZafClient | null = null;
  let sink: TransportSink | null = null;
  let disposed = false;
  let connected = false;
  let connecting: Promise<HostContext> | null = null;
  let scope: string | undefined;
  let tierField: string | undefined;
  let stoppedCount = 0;
  let guard: ((event: MessageEvent) => void) | null = null;
  let poll: ReturnType<typeof setInterval> | undefined;
  const pending: ChatEvent[] = [];
  const seen = new Set<string>();
  const chats = new Map<string, ChatState>();
  let current: ChatState | null = null;
  const focusListeners = new Set<(chatId: string) => void>();
  const assignees = watchAssignees();

  // Serialized refreshes: a trigger during a refresh runs one more afterwards.
  let running: Promise<void> | null = null;
  let again = false;
  let focusAgain = false;

  function emit(events: ChatEvent[]): void {
    if (disposed || events.length === 0) return;
    if (sink) sink.events(events);
    else pending.push(...events);
  }

  /** Validates mapped events, drops those already sent, emits the rest. */
  function emitNew(objects: unknown[]): void {
    const out: ChatEvent[] = [];
    for (const object of objects) {
      const checked = validateEvent(object);
      if (checked.kind !== 'event') continue;
      const event = checked.event;
      const key =
        event.type === 'message'
          ? `${event.chatId}|m|${event.id}`
          : event.type === 'chat.assigned'
            ? assignedKey(event)
            : event.type === 'chat.started' || event.type === 'chat.closed'
              ? `${event.chatId}|${event.type}`
              : null;
      if (key === null || seen.has(key)) continue;
      if (seen.size >= MAX_SEEN) seen.clear();
      seen.add(key);
      out.push(event);
    }
    emit(out);
  }

  // ---- the boundary: before the SDK sees a message

  function acceptable(event: MessageEvent, origin: string, guid: string): boolean {
    if (event.source !== win.parent || event.origin !== origin) return false;
    let data: unknown = event.data;
    if (typeof data === 'string') {
      if (data.length > MAX_MESSAGE_CHARS) return false;
      try {
        data = JSON.parse(data) as unknown;
      } catch {
        return false;
      }
    } else {
      if (!isObject(data) || nestsDeeperThan(data, MAX_MESSAGE_DEPTH)) return false;
      try {
        if (JSON.stringify(data).length > MAX_MESSAGE_CHARS) return false;
      } catch {
        return false;
      }
    }
    if (!isObject(data) || nestsDeeperThan(data, MAX_MESSAGE_DEPTH)) return false;
    const key = own(data, 'key');
    const id = own(data, 'id');
    const instance = own(data, 'instanceGuid');
    if (key !== undefined && (typeof key !== 'string' || key.length > 200)) return false;
    if (id !== undefined && !(typeof id === 'number' && Number.isSafeInteger(id) && id > 0)) {
      return false;
    }
    // The SDK throws on a message for an instance it does not know: stop those here.
    if (instance !== undefined && instance !== null && instance !== guid) return false;
    return key !== undefined || id !== undefined;
  }

  function installGuard(origin: string, guid: string): void {
    // Stays installed after dispose (the SDK's listener cannot be removed): then it stops all.
    guard = (event: MessageEvent) => {
      if (!disposed && acceptable(event, origin, guid)) return;
      stoppedCount += 1;
      event.stopImmediatePropagation();
    };
    win.addEventListener('message', guard, true);
  }

  // ---- reading the ticket and its messages

  async function readTicket(zaf: ZafClient): Promise<Ticket | null> {
    const result = await zaf.get([...TICKET_PATHS]);
    return ticketOf(result);
  }

  async function restComments(
    zaf: ZafClient,
    ticketId: string,
  ): Promise<{ comments: Obj[]; users: Obj[] } | null> {
    const base = `/api/v2/tickets/${ticketId}/comments.json`;
    let url = `${base}?include=users`;
    const comments: Obj[] = [];
    const users: Obj[] = [];
    for (let page = 0; page < MAX_COMMENT_PAGES; page += 1) {
      let body: unknown;
      try {
        body = await timeout(
          zaf.request({ url, type: 'GET', dataType: 'json' }),
          requestMs,
          'the comments request',
        );
      } catch {
        return null;
      }
      const list = own(body, 'comments');
      if (!Array.isArray(list)) return null;
      for (const value of list) {
        const comment = commentOf(value);
        if (comment) comments.push(comment);
      }
      const people = own(body, 'users');
      if (Array.isArray(people)) {
        for (const value of people) {
          const user = userOf(value);
          if (user) users.push(user);
        }
      }
      // Zendesk's next page: only its query is taken, on this ticket's comments path (the
      // request stays relative, so on this account).
      const next = own(body, 'next_page');
      if (typeof next !== 'string' || next.length > MAX_URL_LENGTH) break;
      let nextUrl: URL;
      try {
        nextUrl = new URL(next, 'https://invalid.invalid');
      } catch {
        break;
      }
      if (nextUrl.pathname !== base) break;
      url = `${base}${nextUrl.search}`;
    }
    return { comments, users };
  }

  function mapRecord(state: ChatState, comments: Obj[], users: Obj[]): void {
    const { ticket } = state;
    const rest = { ...ticket.rest };
    // The chat starts with the ticket (else with its first message).
    if (rest.created_at === undefined) {
      const first = comments[0]?.created_at;
      if (first === undefined) return;
      rest.created_at = first;
    }
    const people = [...users];
    if (
      ticket.requesterId !== undefined &&
      !people.some((user) => user.id === ticket.requesterId)
    ) {
      const requester: Obj = { id: ticket.requesterId, role: 'end-user' };
      if (ticket.requesterName !== undefined) requester.name = ticket.requesterName;
      people.push(requester);
    }
    // Closing is decided below (live or at load), not by the export's status.
    delete rest.status;
    const options = tierField === undefined ? {} : { tierField };
    const mapped = mapExport({ ticket: rest, comments, users: people }, options);
    if (mapped.kind !== 'events') return;
    for (const event of mapped.events) {
      if (typeof event.at === 'number' && event.at > state.lastAt) state.lastAt = event.at;
    }
    emitNew(mapped.events);
  }

  async function loadMessages(zaf: ZafClient, state: ChatState): Promise<boolean> {
    if (state.source !== 'conversation') {
      const rest = await restComments(zaf, state.ticket.id);
      if (rest) {
        state.source = 'comments';
        mapRecord(state, rest.comments, rest.users);
        return true;
      }
      // Started on comments: keep those ids, try again on the next change.
      if (state.source === 'comments') return false;
      state.source = 'conversation';
    }
    const record = conversationRecord(state.ticket);
    mapRecord(state, record.comments, record.users);
    return true;
  }

  /**
   * A reassignment saved in Zendesk. `ticket.assignee` is what the ticket form shows, saved or
   * not, so a new assignee counts once `ticket.updatedAt` has moved (the ticket was saved or
   * updated elsewhere), at that time: the instant the webhook connector gives it too.
   */
  function noteAssignee(state: ChatState): void {
    const { ticket } = state;
    const at = ticket.updatedAt === undefined ? null : parseAt(ticket.updatedAt);
    if (at === null || ticket.updatedAt === state.assigneeAt) return;
    state.assigneeAt = ticket.updatedAt;
    const assignee = ticket.rest.assignee_id;
    const change = assignees.note(
      ticket.chatId,
      typeof assignee === 'string' ? assignee : null,
      at,
    );
    if (change) emitNew([change]);
  }

  function closeIfSolved(state: ChatState, live: boolean): void {
    const { ticket } = state;
    if (state.closed || ticket.status === undefined || !isClosedStatus(ticket.status)) return;
    const updated = ticket.updatedAt === undefined ? null : parseAt(ticket.updatedAt);
    // Solved before the app opened: at the ticket's last update; seen live: now. Never
    // before the last message (the engine ignores what follows a close).
    const base = live ? now() : (updated ?? state.lastAt);
    state.closed = true;
    emitNew([{ type: 'chat.closed', chatId: ticket.chatId, at: Math.max(base, state.lastAt) }]);
  }

  async function refreshOnce(zaf: ZafClient, focus: boolean): Promise<void> {
    const ticket = await readTicket(zaf);
    if (!ticket || disposed) return; // malformed or missing: changes nothing
    let state = chats.get(ticket.chatId);
    const switched = current?.ticket.chatId !== ticket.chatId;
    if (!state) {
      state = {
        ticket,
        source: undefined,
        loaded: undefined,
        lastAt: 0,
        closed: false,
        firstStatus: ticket.status,
        assigneeAt: undefined,
      };
      chats.set(ticket.chatId, state);
    }
    state.ticket = ticket;
    current = state;
    if (state.loaded !== ticket.signature) {
      if (await loadMessages(zaf, state)) state.loaded = ticket.signature;
    }
    if (disposed) return;
    noteAssignee(state);
    const live = state.firstStatus === undefined || !isClosedStatus(state.firstStatus);
    closeIfSolved(state, live);
    if (switched || focus) for (const listener of [...focusListeners]) listener(ticket.chatId);
  }

  function refresh(focus = false): Promise<void> {
    const zaf = client;
    if (!zaf || disposed) return Promise.resolve();
    if (running) {
      again = true;
      focusAgain ||= focus;
      return running;
    }
    running = (async () => {
      let wantFocus = focus;
      do {
        again = false;
        try {
          await refreshOnce(zaf, wantFocus);
        } catch {
          // A timed-out or refused read changes nothing; the next trigger tries again.
        }
        wantFocus = focusAgain;
        focusAgain = false;
      } while (again && !disposed);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  // ---- connecting

  async function doConnect(): Promise<HostContext> {
    // Opened directly (top level): not in Zendesk. Checked before the SDK posts anything.
    if (win.parent === win || win.parent === null || win.parent === undefined) {
      throw new HostUnavailable('This page was opened on its own, not in Zendesk.', 'outside');
    }
    const params = launchParams(win.location);
    if (!params) {
      throw new HostUnavailable(
        'Zendesk did not open this app (no origin or app_guid).',
        'outside',
      );
    }
    if (params.origin.length > 300 || !originPattern.test(params.origin)) {
      throw new HostUnavailable(
        'The app was opened for a parent that is not a Zendesk account.',
        'outside',
      );
    }
    installGuard(params.origin, params.guid);
    const zaf = deps.init();
    if (!zaf) throw new HostUnavailable('Zendesk did not open this app.', 'outside');
    client = zaf;

    const registered = new Promise<unknown>((resolve) => zaf.on('app.registered', resolve));
    let data: unknown;
    try {
      data = await timeout(registered, handshakeMs, 'the Zendesk handshake');
    } catch {
      throw new HostUnavailable(
        `Zendesk did not answer within ${Math.round(handshakeMs / 1000)} s.`,
        'timeout',
      );
    }
    const context = own(data, 'context');
    const location = own(context, 'location');
    if (location !== undefined && location !== 'ticket_sidebar') {
      throw new HostUnavailable(
        'Chat Playbook is a ticket sidebar app: add it to the ticket sidebar.',
        'outside',
      );
    }
    const subdomain = text(own(own(context, 'account'), 'subdomain'), 63);
    scope = `zendesk:${
      subdomain && /^[a-z0-9][a-z0-9-]*$/i.test(subdomain)
        ? subdomain.toLowerCase()
        : new URL(params.origin).hostname.split('.')[0]
    }`;

    let user: unknown;
    let metadata: unknown;
    let ticket: Ticket | null;
    try {
      [user, metadata, ticket] = await Promise.all([
        zaf.get(['currentUser']),
        timeout(zaf.metadata(), handshakeMs, 'the app settings'),
        readTicket(zaf),
      ]);
    } catch (err) {
      const timedOut = (err as Error)?.name === 'TimeoutError' || /timed out/.test(String(err));
      throw new HostUnavailable(
        timedOut
          ? 'Zendesk did not answer the app’s first questions in time.'
          : 'Zendesk refused to tell the app who you are or which ticket is open.',
        timedOut ? 'timeout' : 'permission',
      );
    }
    const agent = agentOf(user);
    if (!agent) {
      throw new HostUnavailable('Zendesk did not say who is signed in.', 'permission');
    }
    const { settings, ignored } = settingsOf(metadata);
    if (ignored.length > 0) {
      console.info(
        `[chat-playbook] Zendesk app settings ignored (not a valid value): ${ignored.join(', ')}`,
      );
    }
    tierField = settings.tierField;

    // The events are triggers only: their payloads are not trusted or used, the refresh reads
    // (and checks) the ticket itself, and unchanged data changes nothing.
    zaf.on('ticket.conversation.changed', () => void refresh());
    zaf.on('ticket.status.changed', () => void refresh());
    zaf.on('ticket.assignee.user.id.changed', () => void refresh());
    zaf.on('app.activated', () => void refresh(true));
    connected = true;
    // The history of the open ticket, before the widget starts (buffered until then).
    if (ticket) void refresh();
    return { agent, settings, chatId: ticket?.chatId ?? null };
  }

  return {
    label: 'Zendesk',
    get scope() {
      return scope;
    },
    connect() {
      connecting ??= doConnect();
      return connecting;
    },
    start(s) {
      if (disposed) return;
      sink = s;
      s.status('online');
      if (pending.length > 0) s.events(pending.splice(0));
      if (connected && pollMs > 0 && poll === undefined) {
        poll = setInterval(() => void refresh(), pollMs);
      }
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
      const zaf = client;
      if (!zaf || disposed) throw new Error('not connected to Zendesk');
      if (!current || reply.chatId !== current.ticket.chatId) {
        throw new Error('the reply is for another ticket than the one open in Zendesk');
      }
      if (typeof reply.text !== 'string' || reply.text.length > MAX_REPLY_TEXT) {
        throw new Error('the reply is too long for the editor');
      }
      try {
        // The editor takes HTML: the reply goes in as escaped text.
        await zaf.invoke('ticket.editor.insert', textToHtml(reply.text));
      } catch {
        await zaf.invoke('comment.appendText', reply.text);
      }
      return 'inserted';
    },
    dispose() {
      disposed = true;
      sink = null;
      if (poll !== undefined) clearInterval(poll);
      poll = undefined;
      focusListeners.clear();
    },
    stopped: () => stoppedCount,
  };
}
