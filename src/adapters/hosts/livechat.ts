// The LiveChat details widget (docs/integrations.md "Sidebar app: LiveChat"): the app runs in
// the Agent App's Details sidebar through `@livechat/agent-app-sdk` 1.16.0 and follows the
// chat the agent has open.
//
// What the SDK gives (node_modules/@livechat/agent-app-sdk/dist/agentapp.es.js, and the Agent
// App SDK page https://platform.text.com/docs/extending-agent-app/products-sdk/agent-app-sdk):
// - `createDetailsWidget()`: the handshake with the Agent App (the `Trusted` driver of
//   @livechat/widget-core-sdk, built on @livechat/postmessage `connectToParent`), then the
//   `plugin_inited` message; resolves to the widget;
// - `customer_profile` (and `getCustomerProfile()` for the one that came first): the customer
//   and the open chat, `chat: { chat_id, id (the thread id), groupID }` ("may be empty when a
//   visitor is not currently chatting"). Older Agent Apps sent only `chat.id` = the chat id;
//   both are read;
// - `message` after `watchMessages()`: `{ chat, message, message_id, message_source }` for
//   every incoming and outgoing message (IMessage in types/widgets/details/interfaces.d.ts);
//   used only as a cue to read the chat again at once;
// - `putMessage(text)`: appends the text to the open chat's message box.
//
// The profile carries no messages, so the conversation comes from the Agent Chat API with the
// agent's own access token (OAuth implicit grant, docs/integrations.md): `get_chat`
// (https://platform.text.com/docs/messaging/agent-chat-api/v3.5#get-chat) on every chat
// switch, every few seconds (default 5 s) while it is open, and at once on a `message` cue.
// The response is mapped by the connector's own mapping (src/server/connectors/livechat-map.ts),
// so the chat id (`livechat-<chat id>-<thread id>`) and the message ids are the ones `serve`
// gets from LiveChat's webhooks. The chat's first agent (in its `users`) is chat.started's
// assignee; a later read showing another agent or none (a transfer) is a chat.assigned at the
// moment it is seen (assignee.ts). The agent comes from the Accounts API
// (`GET https://accounts.livechat.com/v2/accounts/me`, scope `accounts--my:ro`): LiveChat's agent
// id is the agent's login e-mail, as in every chat's `author_id`.
//
// Security, at the boundary: the SDK itself accepts the first handshake from any window and
// origin (connectToParent reads every `message` event) and, in `connection=plain` mode, any
// page on a LiveChat domain. So before the SDK hears a message, a capturing listener installed
// first drops (stopImmediatePropagation) every SDK-shaped message that is not from the parent
// window, not from an https origin on LiveChat's domains (the SDK's own ALLOWED_DOMAINS list,
// in @livechat/widget-core-sdk's getIsEventOriginAllowed, without the development hosts), larger
// than MAX_MESSAGE_BYTES, nested deeper than MAX_MESSAGE_DEPTH or not of the wire shape. Every
// value read after that is schema-checked again; each kind of refusal is reported once. The
// adapter touches no DOM: the widget renders text only.
import { validateEvent } from '../../core/events.ts';
import { isObject, nestsDeeperThan } from '../../core/guards.ts';
import type { ChatEvent } from '../../core/index.ts';
import { mapExport } from '../../server/connectors/livechat-map.ts';
import type { PlaybookAction, TransportSink, TransportStatus } from '../transport.ts';
import { assignedKey, startedAssignee, watchAssignees } from './assignee.ts';
import {
  type HostAdapter,
  type HostAgent,
  type HostContext,
  type HostSettings,
  HostUnavailable,
  type InsertResult,
  type MessageWindow,
} from './types.ts';

export const LIVECHAT_API = 'https://api.livechatinc.com/v3.5';
export const LIVECHAT_ACCOUNTS = 'https://accounts.livechat.com';
/** How often the open chat is read again (ms). */
export const POLL_MS = 5000;
/** How long the app waits for the Agent App's handshake before the polite message (ms). */
export const HANDSHAKE_TIMEOUT_MS = 5000;
/** A message from the Agent App larger than this (UTF-16 units of its text) is dropped. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** A message from the Agent App nested deeper than this is dropped before anything walks it. */
export const MAX_MESSAGE_DEPTH = 16;
/** An API response longer than this (characters) is not parsed. */
export const MAX_RESPONSE_CHARS = 8 * 1024 * 1024;
/** Chats whose event ids are remembered (the oldest are forgotten past this). */
const MAX_CHATS = 200;
/** The fingerprint of @livechat/postmessage's messages (FINGERPRINT in its dist). */
const FINGERPRINT = '@@livechat/postmessenger';
/** @livechat/widget-core-sdk ALLOWED_DOMAINS, without the development hosts (my.lc, legacy.lc). */
const LIVECHAT_DOMAINS = ['livechatinc.com', 'livechat.com', 'text.com', 'helpdesk.com'];
/** LiveChat chat and thread ids: `PJ0MRSHTDG`, `K600PKZON8`. */
const LIVECHAT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_SETTING = 2048;
const MAX_THRESHOLDS_TEXT = 64 * 1024;
const MAX_REPLY_TEXT = 20_000;

// ---------------------------------------------------------------------------------------
// Origins and settings

/** An https origin (no port) on one of LiveChat's domains: where the Agent App runs. */
export function isLivechatOrigin(origin: unknown): boolean {
  if (typeof origin !== 'string' || origin.length > 200) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.port !== '' || url.origin !== origin) return false;
  const host = url.hostname;
  return LIVECHAT_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function urlSetting(value: string, secure: string[], plain: string[]): string | null {
  if (value.length > MAX_SETTING) return null;
  try {
    const url = new URL(value);
    if (secure.includes(url.protocol)) return url.href;
    if (plain.includes(url.protocol) && LOOPBACK.has(url.hostname)) return url.href;
  } catch {
    // not a URL
  }
  return null;
}

/** What the widget URL in Developer Console carries: the team lead's settings. */
export interface LivechatSettings extends HostSettings {
  /** Where the channel is read (the connector's channelField syntax). */
  channelField?: string;
  /** The Client Id of the app's Authorization block (for the agent's access token). */
  clientId?: string;
}

/**
 * The settings from the widget URL's query (a details widget has no settings screen in
 * LiveChat): `library`, `thresholds` (JSON), `tierField`, `channelField`, `serverUrl`,
 * `tokenUrl`, `clientId`. A value that is not acceptable is left out and named in `problems`;
 * a `tokenUrl` off both serverUrl's origin and `appOrigin` drops it and serverUrl.
 */
export function settingsFromUrl(
  search: string,
  appOrigin?: string,
): {
  settings: LivechatSettings;
  problems: string[];
} {
  const query = new URLSearchParams(search.length > 64 * 1024 ? '' : search);
  const settings: LivechatSettings = {};
  const problems: string[] = [];
  const text = (name: string, max = MAX_SETTING): string | undefined => {
    const value = query.get(name);
    if (value === null || value.trim() === '') return undefined;
    if (value.length > max) {
      problems.push(`${name}: longer than ${max} characters`);
      return undefined;
    }
    return value.trim();
  };
  const library = text('library');
  if (library !== undefined) {
    const url = urlSetting(library, ['https:'], ['http:']);
    if (url) settings.library = url;
    else problems.push('library: must be an https URL');
  }
  const thresholds = text('thresholds', MAX_THRESHOLDS_TEXT);
  if (thresholds !== undefined) settings.thresholds = thresholds;
  const tierField = text('tierField', 200);
  if (tierField !== undefined) settings.tierField = tierField;
  const channelField = text('channelField', 200);
  if (channelField !== undefined) settings.channelField = channelField;
  const serverUrl = text('serverUrl');
  if (serverUrl !== undefined) {
    const url = urlSetting(serverUrl, ['https:', 'wss:'], ['http:', 'ws:']);
    if (url) settings.serverUrl = url;
    else problems.push('serverUrl: must be an https or wss URL');
  }
  const tokenUrl = text('tokenUrl');
  if (tokenUrl !== undefined) {
    const url = urlSetting(tokenUrl, ['https:'], ['http:']);
    if (url) settings.tokenUrl = url;
    else problems.push('tokenUrl: must be an https URL');
  }
  // The app sends the agent's LiveChat access token to tokenUrl (to prove who the agent is):
  // only to the team's own servers, i.e. serverUrl's origin or the app's own origin.
  if (settings.tokenUrl) {
    const origin = new URL(settings.tokenUrl).origin;
    const server = settings.serverUrl ? new URL(settings.serverUrl) : null;
    const serverOrigin = server
      ? `${server.protocol === 'wss:' ? 'https:' : server.protocol === 'ws:' ? 'http:' : server.protocol}//${server.host}`
      : null;
    if (origin !== serverOrigin && origin !== appOrigin) {
      problems.push('tokenUrl: must be on serverUrl’s origin or the app’s own origin');
      delete settings.tokenUrl;
      delete settings.serverUrl;
    }
  }
  const clientId = text('clientId', 200);
  if (clientId !== undefined) {
    if (/^[A-Za-z0-9_-]{1,200}$/.test(clientId)) settings.clientId = clientId;
    else problems.push('clientId: must be the Client Id of the app’s Authorization block');
  }
  return { settings, problems };
}

// ---------------------------------------------------------------------------------------
// The implicit grant (https://platform.text.com/docs/authorization/agent-authorization#implicit-grant)

/** The LiveChat OAuth Server URL that sends the agent back with `#access_token=…`. */
export function authorizeUrl(options: {
  clientId: string;
  redirectUri: string;
  state: string;
  accountsUrl?: string;
}): string {
  const query = new URLSearchParams({
    response_type: 'token',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    state: options.state,
  });
  return `${options.accountsUrl ?? LIVECHAT_ACCOUNTS}/?${query.toString()}`;
}

export type TokenFragment =
  | { kind: 'token'; token: string; expiresAt: number }
  | { kind: 'error'; error: string }
  | { kind: 'none' };

/**
 * Reads the redirect back from the OAuth server (`#access_token=…&token_type=Bearer&
 * expires_in=28800&state=…`, or `#error=…`): only with the `state` this page sent.
 */
export function readTokenFragment(hash: string, expectedState: string | null, now: number) {
  if (hash.length < 2 || hash.length > 8192) return { kind: 'none' } as TokenFragment;
  const params = new URLSearchParams(hash.slice(1));
  const state = params.get('state');
  const error = params.get('error');
  const token = params.get('access_token');
  if (error === null && token === null) return { kind: 'none' } as TokenFragment;
  if (!expectedState || state !== expectedState) {
    return { kind: 'error', error: 'the sign-in answer did not carry this page’s state' } as const;
  }
  if (error !== null) return { kind: 'error', error: error.slice(0, 100) } as const;
  if (!token || token.length > 4096 || !/^[\x21-\x7e]+$/.test(token)) {
    return { kind: 'error', error: 'the access token is malformed' } as const;
  }
  const seconds = Number(params.get('expires_in') ?? '28800');
  const life = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 86_400) : 28_800;
  return { kind: 'token', token, expiresAt: now + life * 1000 } as TokenFragment;
}

// ---------------------------------------------------------------------------------------
// The SDK and window the adapter uses (fakes in unit tests)

/** The parts of the SDK's details widget the adapter uses (IDetailsWidget). */
export interface LivechatWidget {
  on(event: string, handler: (data: unknown) => void): void;
  off(event: string, handler: (data: unknown) => void): void;
  putMessage(text: string): Promise<void>;
  watchMessages?(): Promise<void>;
  getCustomerProfile?(): unknown;
}

/** The parts of `window` the adapter uses: the parent, and message listeners. */
export type LivechatWindow = MessageWindow;

export type ReportKind =
  | 'origin'
  | 'source'
  | 'size'
  | 'shape'
  | 'profile'
  | 'message'
  | 'api'
  | 'forbidden'
  | 'not-found'
  | 'mapping'
  | 'event'
  | 'token';

export interface LivechatDeps {
  /** The SDK's `createDetailsWidget` (handshake with the Agent App). */
  createDetailsWidget(): Promise<LivechatWidget>;
  win: LivechatWindow;
  /** The agent's LiveChat access token (Bearer), e.g. from the implicit grant. */
  getAccessToken(): Promise<string>;
  /** Called when LiveChat refuses the token (HTTP 401): drop any copy kept for next time. */
  forgetToken?(): void;
  settings?: LivechatSettings;
  fetch?: typeof fetch;
  now?(): number;
  /** Read the open chat again this often (ms, default 5 s). */
  pollMs?: number;
  /** Handshake timeout (ms, default 5 s). */
  timeoutMs?: number;
  /** Which origins may speak for the Agent App (default: isLivechatOrigin). */
  isAllowedOrigin?(origin: string): boolean;
  apiUrl?: string;
  accountsUrl?: string;
  /** Called once per kind with a one-line reason (the entry logs it with console.info). */
  report?(kind: ReportKind, message: string): void;
}

// ---------------------------------------------------------------------------------------
// Messages at the boundary

/**
 * True when `value`'s text (strings, keys, and a few units per other value) is longer than
 * `budget`: walks at most `budget` units, so a huge message costs no more than a small one.
 */
export function largerThan(value: unknown, budget: number): boolean {
  let left = budget;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') left -= item.length + 2;
    else if (Array.isArray(item)) {
      left -= 2 + item.length;
      if (left >= 0) for (const child of item) stack.push(child);
    } else if (isObject(item)) {
      const keys = Object.keys(item);
      left -= 2 + keys.length;
      if (left >= 0) {
        for (const key of keys) {
          left -= key.length + 3;
          stack.push(item[key]);
        }
      }
    } else left -= 8;
    if (left < 0) return true;
  }
  return false;
}

function own(value: unknown, key: string): unknown {
  if (!isObject(value)) return undefined;
  const property = Object.getOwnPropertyDescriptor(value, key);
  return property !== undefined && 'value' in property ? property.value : undefined;
}

/** An SDK-shaped message: @livechat/postmessage's, or the `plain` driver's `{event_name}`. */
function forTheSdk(data: unknown): boolean {
  return isObject(data) && (own(data, FINGERPRINT) !== undefined || 'event_name' in data);
}

/** An Agent App event as the SDK's Connection reads it: `livechat:<name>` and its data. */
function sdkEvent(value: unknown): boolean {
  const name = own(value, 'event_name');
  return typeof name === 'string' && name.length <= 100 && name.startsWith('livechat:');
}

/**
 * The wire shapes the SDK's child side reads (@livechat/postmessage dist, connectToParent and
 * createMessageHandler): handshake, call (only `handle` with one Agent App event), response to
 * the app's own calls, and emit; or the plain driver's bare event.
 */
function wellFormed(data: Record<string, unknown>): boolean {
  if (own(data, FINGERPRINT) === undefined) return sdkEvent(data);
  if (own(data, FINGERPRINT) !== true) return false;
  const owner = own(data, 'owner');
  const instance = own(data, 'instance');
  if (typeof owner !== 'string' || owner === '' || owner.length > 100) return false;
  if (typeof instance !== 'number' || !Number.isInteger(instance)) return false;
  const request = own(data, 'request');
  if (request !== undefined && request !== null && typeof request !== 'number') return false;
  const body = own(data, 'data');
  switch (own(data, 'type')) {
    case 'handshake':
      return body === undefined || body === null || isObject(body);
    case 'call': {
      const args = own(body, 'args');
      return (
        own(body, 'method') === 'handle' &&
        Array.isArray(args) &&
        args.length === 1 &&
        sdkEvent(args[0])
      );
    }
    case 'response':
      return typeof own(body, 'error') === 'boolean';
    case 'emit':
      return typeof own(body, 'event') === 'string';
    default:
      return false;
  }
}

interface Selection {
  /** LiveChat's chat id. */
  chat: string;
  /** The thread the agent has open, when the Agent App says. */
  thread: string | null;
}

/** The open chat of a `customer_profile`: a Selection, null (no chat), or 'invalid'. */
export function selectionOf(profile: unknown): Selection | null | 'invalid' {
  if (!isObject(profile)) return 'invalid';
  const chat = own(profile, 'chat');
  if (chat === undefined || chat === null) return null;
  if (!isObject(chat)) return 'invalid';
  const chatId = own(chat, 'chat_id');
  const id = own(chat, 'id');
  if (chatId !== undefined && chatId !== null) {
    if (typeof chatId !== 'string' || !LIVECHAT_ID.test(chatId)) return 'invalid';
    if (id === undefined || id === null || id === '') return { chat: chatId, thread: null };
    if (typeof id !== 'string' || !LIVECHAT_ID.test(id)) return 'invalid';
    return { chat: chatId, thread: id };
  }
  if (id === undefined || id === null || id === '') return null;
  if (typeof id !== 'string' || !LIVECHAT_ID.test(id)) return 'invalid';
  return { chat: id, thread: null };
}

class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The key under which an event counts as sent: a message by its id, a hand-over by its time
 * and agent, the rest by type.
 */
function eventKey(event: ChatEvent): string {
  if (event.type === 'message') return `m:${event.id}`;
  if (event.type === 'chat.assigned') return assignedKey(event);
  return event.type;
}

// ---------------------------------------------------------------------------------------
// The adapter

export function createLivechatAdapter(deps: LivechatDeps): HostAdapter {
  const win = deps.win;
  const settings = deps.settings ?? {};
  const now = deps.now ?? (() => Date.now());
  const doFetch: typeof fetch = deps.fetch ?? ((...args) => fetch(...args));
  const pollMs = deps.pollMs ?? POLL_MS;
  const timeoutMs = deps.timeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  const allowed = deps.isAllowedOrigin ?? isLivechatOrigin;
  const apiUrl = deps.apiUrl ?? LIVECHAT_API;
  const accountsUrl = deps.accountsUrl ?? LIVECHAT_ACCOUNTS;
  const mapping = {
    ...(settings.tierField ? { tierField: settings.tierField } : {}),
    ...(settings.channelField ? { channelField: settings.channelField } : {}),
  };

  const reported = new Set<ReportKind>();
  const report = (kind: ReportKind, message: string) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    deps.report?.(kind, message);
  };

  let widget: LivechatWidget | null = null;
  let connecting: Promise<HostContext> | null = null;
  let disposed = false;
  let token: string | null = null;
  let organization: string | null = null;
  let sink: TransportSink | null = null;
  let pending: ChatEvent[] = [];
  let status: TransportStatus = 'online';
  /** The chat the Agent App has open, and a counter of its switches. */
  let selection: Selection | null = null;
  let selectionSeq = 0;
  /** The protocol chat id of the open chat, once read. */
  let current: string | null = null;
  let currentSeq = -1;
  /** Sent event keys per protocol chat (insertion order = age). */
  const sent = new Map<string, Set<string>>();
  const focusListeners = new Set<(chatId: string) => void>();
  const assignees = watchAssignees();
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let soonTimer: ReturnType<typeof setTimeout> | null = null;
  let inflight: Promise<void> | null = null;
  let again = false;
  /** After the token is refused: no more reads (no retry loop). */
  let stopped = false;
  /** Set when connect() has read the first chat: switches are read from then on. */
  let ready = false;

  // The boundary: before the SDK's own listener (capture phase, installed first).
  const guard = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (!forTheSdk(data)) return;
    let refusal: ReportKind | null = null;
    if (event.source !== win.parent) refusal = 'source';
    else if (!allowed(event.origin)) refusal = 'origin';
    else if (largerThan(data, MAX_MESSAGE_BYTES)) refusal = 'size';
    else if (nestsDeeperThan(data, MAX_MESSAGE_DEPTH)) refusal = 'shape';
    else if (!wellFormed(data as Record<string, unknown>)) refusal = 'shape';
    if (refusal === null) return;
    event.stopImmediatePropagation();
    const why = {
      source: 'a message from a window other than the Agent App was ignored',
      origin: `a message from ${String(event.origin).slice(0, 80)} (not LiveChat) was ignored`,
      size: `a message larger than ${MAX_MESSAGE_BYTES / 1024} KiB was ignored`,
      shape: 'a message of an unknown shape was ignored',
    } as const;
    report(refusal, why[refusal as keyof typeof why]);
  };

  function emit(events: ChatEvent[]): void {
    if (events.length === 0 || disposed) return;
    if (sink) sink.events(events);
    else pending.push(...events);
  }

  function setStatus(next: TransportStatus): void {
    if (status === next) return;
    status = next;
    sink?.status(next);
  }

  /** Validates mapped events and keeps only those not sent before. */
  function fresh(chatId: string, objects: readonly unknown[]): ChatEvent[] {
    let keys = sent.get(chatId);
    if (keys) {
      sent.delete(chatId);
    } else {
      keys = new Set();
      while (sent.size >= MAX_CHATS) sent.delete(sent.keys().next().value as string);
    }
    sent.set(chatId, keys);
    const out: ChatEvent[] = [];
    for (const object of objects) {
      const result = validateEvent(object);
      if (result.kind !== 'event') {
        if (result.kind === 'invalid') report('event', `LiveChat event skipped: ${result.error}`);
        continue;
      }
      const key = eventKey(result.event);
      if (keys.has(key)) continue;
      keys.add(key);
      out.push(result.event);
    }
    return out;
  }

  async function readJson(res: Response, what: string): Promise<unknown> {
    const text = await res.text();
    if (text.length > MAX_RESPONSE_CHARS) throw new ApiError(`${what}: answer too large`, 0);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(`${what}: answer is not JSON`, res.status);
    }
    if (nestsDeeperThan(body, 64)) throw new ApiError(`${what}: answer nested too deep`, 0);
    return body;
  }

  function headers(json: boolean): Record<string, string> {
    const out: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (json) out['Content-Type'] = 'application/json';
    // Tokens of the European data center start with `fra:`: "add the X-Region: fra header"
    // (https://platform.text.com/docs/management/configuration-api/v3.5#data-centers).
    const region = /^([a-z]{2,5}):/.exec(token ?? '')?.[1];
    if (region && region !== 'dal') out['X-Region'] = region;
    return out;
  }

  async function call(url: string, what: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: headers(body !== undefined),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (err) {
      throw new ApiError(`${what}: ${(err as Error).message || 'network error'}`, 0);
    }
    if (!res.ok) {
      // Agent Chat API errors: `{ "error": { "type": "…", "message": "…" } }`.
      const detail = await readJson(res, what).catch(() => undefined);
      const message = own(own(detail, 'error'), 'message');
      throw new ApiError(
        `${what}: HTTP ${res.status}${typeof message === 'string' ? ` (${message.slice(0, 120)})` : ''}`,
        res.status,
      );
    }
    return readJson(res, what);
  }

  async function readAgent(): Promise<HostAgent> {
    const me = await call(`${accountsUrl}/v2/accounts/me`, 'Accounts API accounts/me');
    const email = own(me, 'email');
    const accountId = own(me, 'account_id');
    const name = own(me, 'name');
    const org = own(me, 'organization_id');
    if (typeof org === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(org)) organization = org;
    const id =
      typeof email === 'string' && email.length > 0 && email.length <= 200
        ? email
        : typeof accountId === 'string' && accountId.length > 0 && accountId.length <= 200
          ? accountId
          : null;
    if (!id) throw new ApiError('Accounts API accounts/me: no e-mail or account_id', 0);
    const agent: HostAgent = { id };
    if (typeof name === 'string' && name.trim() !== '') agent.name = name.trim().slice(0, 200);
    return agent;
  }

  /** Reads the selected chat, sends what is new; focuses it when it is a new conversation. */
  async function readSelected(focus: boolean): Promise<void> {
    const chosen = selection;
    const seq = selectionSeq;
    if (!chosen || !token || stopped || disposed) return;
    const record = await call(`${apiUrl}/agent/action/get_chat`, 'Agent Chat API get_chat', {
      chat_id: chosen.chat,
      ...(chosen.thread ? { thread_id: chosen.thread } : {}),
    });
    if (disposed) return;
    if (own(record, 'id') !== chosen.chat) {
      throw new ApiError('Agent Chat API get_chat: answered about another chat', 0);
    }
    const mapped = mapExport(record, mapping);
    if (mapped.kind !== 'events') {
      report('mapping', `LiveChat chat ${chosen.chat} could not be read: ${mapped.error}`);
      return;
    }
    emit(fresh(mapped.chatId, mapped.events));
    // Another agent in the chat than the last read showed (a transfer): handed over now.
    const handover = assignees.note(mapped.chatId, startedAssignee(mapped.events) ?? null, now());
    if (handover) emit(fresh(mapped.chatId, [handover]));
    setStatus('online');
    // Only the latest switch moves the widget (a slow answer for an old one does not).
    if (seq === selectionSeq && (seq !== currentSeq || mapped.chatId !== current)) {
      const changed = mapped.chatId !== current;
      current = mapped.chatId;
      currentSeq = seq;
      if (focus && changed) for (const listener of focusListeners) listener(mapped.chatId);
    }
  }

  function failed(err: unknown): void {
    const code = err instanceof ApiError ? err.status : 0;
    const message = err instanceof Error ? err.message : String(err);
    if (code === 401) {
      // The token is refused (expired or revoked): stop, say so once; reopening gets a new one.
      deps.forgetToken?.();
      stopped = true;
      stopPolling();
      setStatus('error');
      report('token', `${message}: LiveChat refused the access token; reopen the app`);
    } else if (code === 403) {
      report('forbidden', `${message}: the app lacks a scope (chats--all:ro, chats--access:ro)`);
    } else if (code === 404) {
      report('not-found', message);
    } else {
      setStatus('error');
      report('api', message);
    }
  }

  /** One read at a time; a request during a read runs once after it. */
  function refresh(focus = true): Promise<void> {
    if (inflight) {
      again = true;
      return inflight;
    }
    inflight = (async () => {
      try {
        do {
          again = false;
          try {
            await readSelected(focus);
          } catch (err) {
            failed(err);
          }
        } while (again && !disposed && !stopped);
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  }

  function refreshSoon(): void {
    if (soonTimer !== null || disposed || stopped) return;
    soonTimer = setTimeout(() => {
      soonTimer = null;
      void refresh();
    }, 200);
  }

  function stopPolling(): void {
    if (pollTimer !== null) clearInterval(pollTimer);
    pollTimer = null;
    if (soonTimer !== null) clearTimeout(soonTimer);
    soonTimer = null;
  }

  const onProfile = (profile: unknown) => {
    if (disposed) return;
    if (largerThan(profile, MAX_MESSAGE_BYTES)) {
      report('size', 'a customer profile too large was ignored');
      return;
    }
    const next = selectionOf(profile);
    if (next === 'invalid') {
      report('profile', 'a customer profile of an unknown shape was ignored');
      return;
    }
    // A profile without a chat (the Customers section): the widget keeps the last chat.
    if (next === null) return;
    if (selection && selection.chat === next.chat && selection.thread === next.thread) {
      refreshSoon();
      return;
    }
    selection = next;
    selectionSeq += 1;
    if (ready) void refresh();
  };

  const onMessage = (message: unknown) => {
    if (disposed || !selection) return;
    const chat = own(message, 'chat');
    if (!isObject(message) || (chat !== undefined && typeof chat !== 'string')) {
      report('message', 'a message notice of an unknown shape was ignored');
      return;
    }
    if (chat === undefined || chat === selection.chat) refreshSoon();
  };

  function withTimeout<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new HostUnavailable(
              `No answer from LiveChat's Agent App within ${Math.round(timeoutMs / 1000)} s.`,
              'timeout',
            ),
          ),
        timeoutMs,
      );
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  async function connectOnce(): Promise<HostContext> {
    if (disposed) throw new HostUnavailable('The app was closed.', 'outside');
    if (win.parent === win || win.parent === null || win.parent === undefined) {
      throw new HostUnavailable('This page was opened outside LiveChat.', 'outside');
    }
    win.addEventListener('message', guard, true);
    try {
      widget = await withTimeout(deps.createDetailsWidget());
    } catch (err) {
      if (err instanceof HostUnavailable) throw err;
      throw new HostUnavailable(
        `LiveChat's Agent App did not complete the handshake (${(err as Error)?.message ?? err}).`,
        'timeout',
      );
    }
    if (disposed) throw new HostUnavailable('The app was closed.', 'outside');
    widget.on('customer_profile', onProfile);
    widget.on('message', onMessage);
    widget.watchMessages?.().catch(() => {});
    const first = widget.getCustomerProfile?.();
    if (first !== null && first !== undefined && !selection) onProfile(first);

    try {
      const value = await deps.getAccessToken();
      if (typeof value !== 'string' || value === '' || value.length > 4096) {
        throw new Error('no access token');
      }
      token = value;
    } catch (err) {
      throw new HostUnavailable(
        `LiveChat gave no access token to Chat Playbook (${(err as Error)?.message ?? err}).`,
        'permission',
      );
    }
    let agent: HostAgent;
    try {
      agent = await readAgent();
    } catch (err) {
      const code = err instanceof ApiError ? err.status : 0;
      if (code === 401) deps.forgetToken?.();
      throw new HostUnavailable(
        `LiveChat did not say who the agent is: ${(err as Error).message}.`,
        code === 0 || code >= 500 ? 'timeout' : 'permission',
      );
    }
    // The conversation open now, with its history, before the widget docks.
    let refused: ApiError | null = null;
    if (selection) {
      try {
        await readSelected(false);
      } catch (err) {
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) refused = err;
        if (refused?.status === 401) deps.forgetToken?.();
        else failed(err);
      }
    }
    if (refused) {
      throw new HostUnavailable(
        `${refused.message}: the app needs the chats--all:ro and chats--access:ro scopes.`,
        'permission',
      );
    }
    ready = true;
    // The agent switched chats while the first one was read: read the latest.
    if (selection && selectionSeq !== currentSeq) await refresh(false);
    const { clientId: _clientId, channelField: _channelField, ...hostSettings } = settings;
    return { agent, settings: hostSettings, chatId: current };
  }

  return {
    label: 'LiveChat',
    get scope() {
      return organization ? `livechat:${organization}` : 'livechat';
    },
    connect() {
      if (!connecting) connecting = connectOnce();
      return connecting;
    },
    onFocus(listener) {
      focusListeners.add(listener);
      return () => focusListeners.delete(listener);
    },
    start(s) {
      if (disposed) return;
      sink = s;
      s.status(status);
      const queued = pending;
      pending = [];
      if (queued.length > 0) s.events(queued);
      if (pollTimer === null && !stopped) {
        pollTimer = setInterval(() => {
          if (selection && !stopped) void refresh();
        }, pollMs);
      }
    },
    send(action: PlaybookAction) {
      if (!disposed) sink?.events([action]);
      return Promise.resolve();
    },
    now,
    async insertReply(reply: { chatId: string; text: string }): Promise<InsertResult> {
      if (!widget || disposed) throw new Error('LiveChat is not connected');
      if (reply.chatId !== current) {
        throw new Error('that conversation is no longer the one open in LiveChat');
      }
      const text = String(reply.text ?? '');
      if (text.trim() === '' || text.length > MAX_REPLY_TEXT) {
        throw new Error('the reply is empty or too long for LiveChat');
      }
      await widget.putMessage(text);
      return 'inserted';
    },
    dispose() {
      disposed = true;
      stopPolling();
      win.removeEventListener('message', guard, true);
      if (widget) {
        widget.off('customer_profile', onProfile);
        widget.off('message', onMessage);
      }
      focusListeners.clear();
      sink = null;
      pending = [];
    },
  };
}
