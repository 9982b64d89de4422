// The generic postMessage bridge (docs/integrations.md "Sidebar app: any other host"): for a
// helpdesk without an app SDK of its own, the host page embeds dist/hosts/bridge/index.html in
// an iframe and speaks a small, versioned message protocol with it. No SDK: the "wire" is
// `window.postMessage` between the parent (the host) and this frame.
//
//   parent → app  { "playbook": 1, "type": "hello" | "settings" | "context" | "events" | "focus", … }
//   app → parent  { "playbook": 1, "type": "ready" | "reply" | "error", … }
//
// Security, at the boundary, before anything else reads a message:
// - an exact-origin allowlist from the app's own URL (`?origins=https://desk.acme.com,…`):
//   never `*`, never `null`, https (plain http only for loopback, for development);
// - only the parent window may speak, and only from an allowed origin; the first allowed
//   origin that says `hello` is the one the app talks to, with that exact targetOrigin;
// - every message is size-checked (1 MiB of JSON), depth-checked (`nestsDeeperThan`) and
//   schema-checked; events go through the engine's own `validateEvent`;
// - anything else changes nothing and is reported once per kind (`deps.report`, and to the
//   parent as an `error` message once it has said hello);
// - host data is never put into HTML: the adapter touches no DOM, the widget renders text.
import { validateEvent } from '../../core/events.ts';
import { describeValue, isObject, nestsDeeperThan } from '../../core/guards.ts';
import type { ChatEvent } from '../../core/index.ts';
import type { PlaybookAction, TransportSink } from '../transport.ts';
import {
  type HostAdapter,
  type HostAgent,
  type HostContext,
  type HostSettings,
  HostUnavailable,
  type InsertResult,
} from './types.ts';

/** The protocol version this app speaks (the `playbook` field of every message). */
export const BRIDGE_VERSION = 1;
/** A message larger than this, as JSON text in UTF-8, is ignored. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** A message nested deeper than this is ignored before anything walks it. */
export const MAX_MESSAGE_DEPTH = 16;
/** The most events one `events` / `context` / `focus` message may carry. */
export const MAX_EVENTS_PER_MESSAGE = 5000;
/** How long the app waits for `hello` and `context` before it shows the polite message. */
export const HANDSHAKE_TIMEOUT_MS = 5000;
/** At most this many allowed origins in the app's URL. */
export const MAX_ORIGINS = 20;
/** Remembered event keys (for "never emit twice"); the oldest are forgotten past this. */
const MAX_SEEN = 100_000;
const MAX_URL_LENGTH = 2048;
const MAX_THRESHOLDS_TEXT = 64 * 1024;
const MAX_LABEL = 40;

/** What a report is about: each kind is reported once per app load. */
export type ReportKind =
  | 'origin'
  | 'source'
  | 'size'
  | 'depth'
  | 'shape'
  | 'version'
  | 'type'
  | 'order'
  | 'hello'
  | 'context'
  | 'settings'
  | 'settings-late'
  | 'events'
  | 'event'
  | 'focus';

/** The parts of `window` the bridge uses (a fake in unit tests). */
export interface BridgeWindow {
  readonly location: { readonly search: string; readonly origin: string; readonly href: string };
  readonly parent: { postMessage(message: unknown, targetOrigin: string): void };
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export interface BridgeDeps {
  win: BridgeWindow;
  /** The app URL's query (default `win.location.search`): `origins` and optional `host`. */
  search?: string;
  /** Called once per kind with a one-line reason (the entry logs it with console.info). */
  report?(kind: ReportKind, message: string): void;
  now?(): number;
  /** Handshake timeout (default 5 s). */
  timeoutMs?: number;
}

// ---------------------------------------------------------------------------------------
// The allowlist

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for `https:` URLs, and `http:` ones on loopback (development only). */
function secureOrLoopback(url: URL, secure: string, plain: string): boolean {
  return url.protocol === secure || (url.protocol === plain && LOOPBACK.has(url.hostname));
}

/**
 * The exact origins of `?origins=a,b` in the app's URL. Every entry must be a serialized
 * origin (scheme, host, optional port; no path, no trailing slash, no `*`): one bad entry
 * refuses the whole list, so a typo shows instead of silently allowing less (or more).
 */
export function parseOrigins(search: string): { origins: string[] } | { error: string } {
  const raw = new URLSearchParams(search).get('origins');
  if (raw === null || raw.trim() === '') {
    return { error: 'the app’s address names no allowed host origins (?origins=https://…)' };
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.length > MAX_ORIGINS) {
    return { error: `the app’s address names ${entries.length} origins, more than ${MAX_ORIGINS}` };
  }
  const origins: string[] = [];
  for (const entry of entries) {
    let url: URL | null = null;
    try {
      url = entry.length <= 200 ? new URL(entry) : null;
    } catch {
      url = null;
    }
    if (!url || url.origin !== entry || !secureOrLoopback(url, 'https:', 'http:')) {
      return {
        error: `origins: ${describeValue(entry)} is not an exact https origin (e.g. https://desk.example.com)`,
      };
    }
    if (!origins.includes(entry)) origins.push(entry);
  }
  return { origins };
}

/** The host's name from `?host=` (text only, short), for the polite message. */
function labelOf(search: string): string {
  const raw = new URLSearchParams(search).get('host')?.trim() ?? '';
  return raw !== '' && raw.length <= MAX_LABEL && !/[\p{Cc}<>]/u.test(raw) ? raw : 'your helpdesk';
}

// ---------------------------------------------------------------------------------------
// Size: an iterative walk that estimates the JSON text in UTF-8 and stops past the limit,
// so a huge message costs no copy (no JSON.stringify) and nothing but JSON values passes.

function utf8Length(text: string, budget: number): number {
  if (text.length > budget) return text.length; // already over, at ≥ 1 byte a character
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xe000 ? 2 : 3;
  }
  return bytes;
}

/** The JSON size of `value` in bytes (a lower bound once over `max`), or null if not JSON. */
export function jsonSize(value: unknown, max: number): number | null {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= max) {
    const node = stack.pop();
    if (node === null || typeof node === 'boolean') total += 5;
    else if (typeof node === 'number') total += Number.isFinite(node) ? String(node).length : 4;
    else if (typeof node === 'string') total += utf8Length(node, max - total) + 2;
    else if (node === undefined) total += 0;
    else if (Array.isArray(node)) {
      total += 2 + node.length;
      for (const child of node) stack.push(child);
    } else if (typeof node === 'object') {
      const proto = Object.getPrototypeOf(node);
      if (proto !== Object.prototype && proto !== null) return null; // Date, Map, Blob, …
      for (const [key, child] of Object.entries(node)) {
        total += utf8Length(key, max - total) + 4;
        stack.push(child);
      }
      total += 2;
    } else return null; // bigint, symbol, function
  }
  return total;
}

// ---------------------------------------------------------------------------------------
// Schema checks of the message bodies: each returns the value or throws a BridgeError
// naming the field (the report says which).

class BridgeError extends Error {
  constructor(
    readonly kind: ReportKind,
    message: string,
  ) {
    super(message);
  }
}

function fail(kind: ReportKind, message: string): never {
  throw new BridgeError(kind, message);
}

function optionalText(
  obj: Record<string, unknown>,
  field: string,
  max: number,
  kind: ReportKind,
  path: string,
): string | undefined {
  const value = obj[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') fail(kind, `${path}: must be a string (${describeValue(value)})`);
  if (value.length > max) fail(kind, `${path}: is longer than ${max} characters`);
  return value;
}

function chatIdOf(value: unknown, kind: ReportKind, path: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 200) {
    fail(
      kind,
      `${path}: must be a chat id, a string of 1 to 200 characters (${describeValue(value)})`,
    );
  }
  return value;
}

function agentOf(value: unknown): HostAgent {
  if (!isObject(value))
    fail('context', `context.agent: must be an object (${describeValue(value)})`);
  const id = value.id;
  if (typeof id !== 'string' || id === '' || id.length > 200) {
    fail(
      'context',
      `context.agent.id: must be a string of 1 to 200 characters (${describeValue(id)})`,
    );
  }
  const agent: HostAgent = { id };
  const name = optionalText(value, 'name', 200, 'context', 'context.agent.name');
  if (name !== undefined) agent.name = name;
  const role = value.role;
  if (role !== undefined && role !== 'agent' && role !== 'supervisor') {
    fail('context', `context.agent.role: must be "agent" or "supervisor" (${describeValue(role)})`);
  }
  if (role !== undefined) agent.role = role;
  return agent;
}

/** A URL the app may fetch or connect to: relative to the app or https (wss) / loopback. */
function urlOf(
  value: string,
  base: string,
  secure: string,
  plain: string,
  path: string,
  relative: boolean,
): string {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    fail('settings', `${path}: is not a URL (${describeValue(value)})`);
  }
  const isRelative = relative && !/^[a-z][a-z0-9+.-]*:/i.test(value) && !value.startsWith('//');
  if (!isRelative && !secureOrLoopback(url, secure, plain)) {
    fail('settings', `${path}: must be a ${secure}// URL (${describeValue(value)})`);
  }
  return value;
}

/** The origin of an http(s) or ws(s) URL, with ws mapped to http (where tokens are sent). */
function httpOrigin(value: string, base: string): string {
  const url = new URL(value, base);
  const protocol =
    url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  return `${protocol}//${url.host}`;
}

/**
 * The team lead's settings from the host, each field checked; a bad field is dropped and
 * reported, the others kept. Thresholds are passed on as given: `init` validates them.
 */
export function settingsOf(
  value: unknown,
  where: string,
  base: string,
  problems: string[],
): HostSettings {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    problems.push(`${where}: must be an object (${describeValue(value)})`);
    return {};
  }
  const settings: HostSettings = {};
  const field = (name: keyof HostSettings, read: () => void) => {
    try {
      read();
    } catch (err) {
      if (!(err instanceof BridgeError)) throw err;
      problems.push(err.message);
      delete settings[name];
    }
  };
  field('library', () => {
    const library = optionalText(value, 'library', MAX_URL_LENGTH, 'settings', `${where}.library`);
    if (library !== undefined) {
      settings.library = urlOf(library, base, 'https:', 'http:', `${where}.library`, true);
    }
  });
  field('thresholds', () => {
    const thresholds = value.thresholds;
    if (thresholds === undefined || thresholds === null || thresholds === '') return;
    if (typeof thresholds === 'string') {
      if (thresholds.length > MAX_THRESHOLDS_TEXT) {
        fail('settings', `${where}.thresholds: is longer than ${MAX_THRESHOLDS_TEXT} characters`);
      }
    } else if (!isObject(thresholds)) {
      fail(
        'settings',
        `${where}.thresholds: must be an object or JSON text (${describeValue(thresholds)})`,
      );
    }
    settings.thresholds = thresholds;
  });
  field('tierField', () => {
    const tierField = optionalText(value, 'tierField', 200, 'settings', `${where}.tierField`);
    if (tierField !== undefined) settings.tierField = tierField;
  });
  field('serverUrl', () => {
    const serverUrl = optionalText(
      value,
      'serverUrl',
      MAX_URL_LENGTH,
      'settings',
      `${where}.serverUrl`,
    );
    if (serverUrl === undefined) return;
    const socket = /^wss?:/i.test(serverUrl);
    settings.serverUrl = socket
      ? urlOf(serverUrl, base, 'wss:', 'ws:', `${where}.serverUrl`, false)
      : urlOf(serverUrl, base, 'https:', 'http:', `${where}.serverUrl`, false);
  });
  field('tokenUrl', () => {
    const tokenUrl = optionalText(
      value,
      'tokenUrl',
      MAX_URL_LENGTH,
      'settings',
      `${where}.tokenUrl`,
    );
    if (tokenUrl !== undefined) {
      settings.tokenUrl = urlOf(tokenUrl, base, 'https:', 'http:', `${where}.tokenUrl`, true);
    }
  });
  return settings;
}

/**
 * The agent's widget token is fetched with the agent's cookies and sent to `serverUrl`: both
 * come from the host page, so a page that frames the app could pair the team's real token
 * URL with a server of its own. The token URL must therefore be on the host page's own
 * origin, on the server's origin, or on the app's origin; otherwise both are dropped.
 */
export function tokenUrlAllowed(
  settings: HostSettings,
  hostOrigin: string,
  appOrigin: string,
  base: string,
): boolean {
  if (!settings.tokenUrl || !settings.serverUrl) return true;
  const token = httpOrigin(settings.tokenUrl, base);
  return (
    token === hostOrigin || token === appOrigin || token === httpOrigin(settings.serverUrl, base)
  );
}

// ---------------------------------------------------------------------------------------
// The adapter

/** The key under which an event counts as "already sent" (messages by the host's id). */
function eventKey(event: ChatEvent): string {
  switch (event.type) {
    case 'message':
      return `m\u0000${event.chatId}\u0000${event.id}`;
    case 'chat.started':
      return `s\u0000${event.chatId}`;
    case 'chat.closed':
      return `c\u0000${event.chatId}`;
    default:
      return `o\u0000${JSON.stringify(event)}`;
  }
}

export interface BridgeAdapter extends HostAdapter {
  /** The origin that said hello (the only one the app posts to), once one has. */
  readonly hostOrigin: string | null;
}

export function createBridgeAdapter(deps: BridgeDeps): BridgeAdapter {
  const { win } = deps;
  const search = deps.search ?? win.location.search;
  const now = deps.now ?? (() => Date.now());
  const timeoutMs = deps.timeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  const label = labelOf(search);
  const base = win.location.href;

  const reported = new Set<ReportKind>();
  const seen = new Set<string>();
  const focusListeners = new Set<(chatId: string) => void>();
  let allowed: string[] = [];
  let hostOrigin: string | null = null;
  let sink: TransportSink | null = null;
  let pending: ChatEvent[] = [];
  let disposed = false;
  let connecting: Promise<HostContext> | null = null;
  let connected: HostContext | null = null;
  let current: string | null = null;
  let earlySettings: HostSettings = {};
  let settle: { resolve(c: HostContext): void; reject(e: HostUnavailable): void } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function post(message: Record<string, unknown>): void {
    if (!hostOrigin || disposed) return;
    // Only ever the exact origin that said hello: never '*'.
    win.parent.postMessage({ playbook: BRIDGE_VERSION, ...message }, hostOrigin);
  }

  /** Reports made before the widget started, for its `error` event once it has. */
  const unheard: string[] = [];

  function report(kind: ReportKind, message: string): void {
    if (reported.has(kind)) return;
    reported.add(kind);
    deps.report?.(kind, message);
    post({ type: 'error', kind, message });
    const text = `bridge: ${message}`;
    if (sink?.error) sink.error(text);
    else unheard.push(text);
  }

  function emit(events: ChatEvent[]): void {
    const fresh: ChatEvent[] = [];
    for (const event of events) {
      const key = eventKey(event);
      if (seen.has(key)) continue;
      seen.add(key);
      if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value!);
      fresh.push(event);
    }
    if (fresh.length === 0) return;
    if (sink) sink.events(fresh);
    else pending.push(...fresh);
  }

  /** Validates a message's `events` list with the engine's own check; bad ones are dropped. */
  function eventsOf(value: unknown, path: string): ChatEvent[] {
    if (value === undefined) return [];
    if (!Array.isArray(value))
      fail('events', `${path}: must be a list of events (${describeValue(value)})`);
    if (value.length > MAX_EVENTS_PER_MESSAGE) {
      fail('events', `${path}: has ${value.length} events, more than ${MAX_EVENTS_PER_MESSAGE}`);
    }
    const events: ChatEvent[] = [];
    value.forEach((item, i) => {
      const result = validateEvent(item);
      if (result.kind === 'event') events.push(result.event);
      else if (result.kind === 'invalid') report('event', `${path}[${i}]: ${result.error}`);
      // 'ignored': a well-formed type the timers do not use (protocol.md), never an error.
    });
    return events;
  }

  function focus(chatId: string): void {
    current = chatId;
    for (const listener of focusListeners) listener(chatId);
  }

  function finish(): void {
    clearTimeout(timer);
    timer = undefined;
    settle = null;
  }

  function onContext(body: Record<string, unknown>): void {
    const agent = agentOf(body.agent);
    const chatId =
      body.chatId === undefined || body.chatId === null
        ? null
        : chatIdOf(body.chatId, 'context', 'context.chatId');
    const events = eventsOf(body.events, 'context.events');
    if (connected) {
      // A later context: the conversation may have changed; who and how stay as at start.
      emit(events);
      if (chatId && chatId !== current) focus(chatId);
      return;
    }
    const problems: string[] = [];
    const settings = {
      ...earlySettings,
      ...settingsOf(body.settings, 'context.settings', base, problems),
    };
    if (!tokenUrlAllowed(settings, hostOrigin!, win.location.origin, base)) {
      problems.push(
        'context.settings.tokenUrl: must be on the host page’s origin or on serverUrl’s origin: serverUrl and tokenUrl dropped',
      );
      delete settings.serverUrl;
      delete settings.tokenUrl;
    }
    if (problems.length > 0) report('settings', problems.join('; '));
    emit(events);
    current = chatId;
    connected = { agent, settings, chatId };
    const done = settle;
    finish();
    done?.resolve(connected);
  }

  function handle(type: string, body: Record<string, unknown>, origin: string): void {
    if (type === 'hello') {
      if (hostOrigin === null) hostOrigin = origin;
      else if (origin !== hostOrigin) {
        fail('hello', `a hello from ${origin} was ignored: the app already talks to ${hostOrigin}`);
      }
      // Every hello from that origin is answered (a host may repeat it until it hears back).
      post({ type: 'ready', versions: [BRIDGE_VERSION], app: 'chat-playbook' });
      return;
    }
    if (hostOrigin === null || origin !== hostOrigin) {
      fail('order', `a "${type}" message from an origin that has not said hello was ignored`);
    }
    switch (type) {
      case 'settings': {
        if (connected) {
          fail(
            'settings-late',
            'settings after the context are ignored: reload the app to apply them',
          );
        }
        const problems: string[] = [];
        earlySettings = {
          ...earlySettings,
          ...settingsOf(body.settings, 'settings', base, problems),
        };
        if (problems.length > 0) report('settings', problems.join('; '));
        return;
      }
      case 'context':
        onContext(body);
        return;
      case 'events':
        if (body.events === undefined) fail('events', 'events: missing');
        emit(eventsOf(body.events, 'events'));
        return;
      case 'focus': {
        const chatId = chatIdOf(body.chatId, 'focus', 'focus.chatId');
        // The conversation's history first (the host sends it whole; the app drops repeats).
        emit(eventsOf(body.events, 'focus.events'));
        focus(chatId);
        return;
      }
      default:
        fail('type', `a message of unknown type ${describeValue(type)} was ignored`);
    }
  }

  const onMessage = (event: MessageEvent): void => {
    if (disposed) return;
    const { origin, source } = event;
    // The app's own window (the page's scripts) is not a host: silently not ours.
    if ((source as unknown) === (win as unknown)) return;
    if (!allowed.includes(origin)) {
      report(
        'origin',
        `a message from ${describeValue(origin)} was ignored: not an allowed origin`,
      );
      return;
    }
    if ((source as unknown) !== (win.parent as unknown)) {
      report('source', 'a message from a window other than the host page was ignored');
      return;
    }
    let data: unknown = event.data;
    if (typeof data === 'string') {
      if (utf8Length(data, MAX_MESSAGE_BYTES) > MAX_MESSAGE_BYTES) {
        report('size', 'a message over 1 MiB was ignored');
        return;
      }
      try {
        data = JSON.parse(data) as unknown;
      } catch {
        report('shape', 'a text message that is not JSON was ignored');
        return;
      }
    }
    if (nestsDeeperThan(data, MAX_MESSAGE_DEPTH)) {
      report('depth', `a message nested deeper than ${MAX_MESSAGE_DEPTH} levels was ignored`);
      return;
    }
    const size = jsonSize(data, MAX_MESSAGE_BYTES);
    if (size === null || !isObject(data)) {
      report('shape', 'a message that is not a JSON object {"playbook":1,"type":…} was ignored');
      return;
    }
    if (size > MAX_MESSAGE_BYTES) {
      report('size', 'a message over 1 MiB was ignored');
      return;
    }
    if (data.playbook !== BRIDGE_VERSION) {
      if (typeof data.playbook === 'number') {
        report(
          'version',
          `a message of bridge version ${data.playbook} was ignored: this app speaks ${BRIDGE_VERSION}`,
        );
      } else {
        report('shape', `a message without "playbook": ${BRIDGE_VERSION} was ignored`);
      }
      return;
    }
    const type = data.type;
    if (typeof type !== 'string' || type === '' || type.length > 40) {
      report('shape', `a message without a "type" was ignored (${describeValue(type)})`);
      return;
    }
    try {
      handle(type, data, origin);
    } catch (err) {
      if (err instanceof BridgeError) report(err.kind, err.message);
      else report('shape', `a "${type}" message could not be read`);
    }
  };

  return {
    label,
    get scope() {
      return `bridge:${hostOrigin ? new URL(hostOrigin).host : 'unknown'}`;
    },
    get hostOrigin() {
      return hostOrigin;
    },

    connect() {
      if (connecting) return connecting;
      connecting = new Promise<HostContext>((resolve, reject) => {
        if (disposed) {
          reject(new HostUnavailable('the app was closed', 'outside'));
          return;
        }
        if ((win.parent as unknown) === (win as unknown)) {
          reject(new HostUnavailable('it was opened on its own, not in a host page', 'outside'));
          return;
        }
        const parsed = parseOrigins(search);
        if ('error' in parsed) {
          reject(new HostUnavailable(parsed.error, 'permission'));
          return;
        }
        allowed = parsed.origins;
        settle = { resolve, reject };
        win.addEventListener('message', onMessage);
        timer = setTimeout(() => {
          const said = hostOrigin !== null;
          finish();
          win.removeEventListener('message', onMessage);
          reject(
            new HostUnavailable(
              said
                ? `the host page said hello but sent no context within ${timeoutMs / 1000} s`
                : `no hello from an allowed host page (${allowed.join(', ')}) within ${timeoutMs / 1000} s`,
              'timeout',
            ),
          );
        }, timeoutMs);
      });
      return connecting;
    },

    onFocus(listener) {
      focusListeners.add(listener);
      // The host switched while the shell was still starting: catch up after its own focus.
      if (connected && current && current !== connected.chatId) {
        const chatId = current;
        queueMicrotask(() => {
          if (focusListeners.has(listener) && current === chatId) listener(chatId);
        });
      }
      return () => focusListeners.delete(listener);
    },

    start(s) {
      if (disposed) return;
      sink = s;
      s.status('online');
      const backlog = pending;
      pending = [];
      if (backlog.length > 0) s.events(backlog);
      for (const message of unheard.splice(0)) s.error?.(message);
    },

    send(action: PlaybookAction) {
      // No server: the agent's ticks and notes come straight back, as with the local transport.
      if (!disposed) sink?.events([action]);
      return Promise.resolve();
    },

    now,

    async insertReply(reply): Promise<InsertResult> {
      if (!hostOrigin || disposed) throw new Error('no host page to insert the reply into');
      const extra = reply as { sopId?: unknown; replyId?: unknown };
      post({
        type: 'reply',
        chatId: reply.chatId,
        text: reply.text,
        ...(typeof extra.sopId === 'string' ? { sopId: extra.sopId } : {}),
        ...(typeof extra.replyId === 'string' ? { replyId: extra.replyId } : {}),
      });
      return 'inserted';
    },

    openChat(chatId: string) {
      // The host page opens that conversation and answers with `focus` (or does not).
      post({ type: 'open', chatId });
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      clearTimeout(timer);
      win.removeEventListener('message', onMessage);
      focusListeners.clear();
      sink = null;
      pending = [];
    },
  };
}
