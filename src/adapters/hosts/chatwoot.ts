// Chatwoot dashboard app (docs/integrations.md "Chatwoot: sidebar app"). Chatwoot has no app
// SDK: it loads the app's URL in an iframe beside the conversation and talks to it with
// window.postMessage. What it sends and answers (chatwoot/chatwoot
// app/javascript/dashboard/components/widgets/DashboardApp/Frame.vue, `sendContext` and
// `triggerEvent`; user guide https://www.chatwoot.com/hc/user-guide/articles/1677691702-how-to-use-dashboard-apps):
// - on the iframe's `load`, and again when the app tab is shown again, the theme changes or
//   the custom attribute definitions load: the STRING
//   JSON.stringify({ event: 'appContext', data: { conversation, contact, currentAgent,
//   customAttributes, theme } }), posted with target origin '*'. `conversation` is the
//   dashboard's selected chat (the API / push_event_data shape, with the `messages` the
//   dashboard has loaded), `contact` the contact of `conversation.meta.sender.id`,
//   `currentAgent` `{ id, name, email }`;
// - the string 'chatwoot-dashboard-app:fetch-info' posted by the app to its parent: answered
//   with the same appContext, only while the app's tab is visible, only to the asking frame.
// - A conversation switch: ConversationBox.vue keys the frame by `currentChat.id`, so current
//   Chatwoot loads the app afresh for each conversation (it connects and focuses that one);
//   a context for another conversation in the same page (older Chatwoot, or a re-sent
//   context) refocuses the widget too.
// - Nothing is pushed when a message arrives: the adapter asks again every 5 s (fetch-info),
//   and sends each event once. The conversation's `meta.assignee` (an agent, else nobody) is
//   chat.started's assignee; a later context with another one is a chat.assigned at the
//   moment it is seen (assignee.ts).
// Validated at the boundary: only messages whose source is window.parent (and, when the app
// URL names `origin`, from that exact origin), strings of at most 2 MiB, JSON of the shape
// above; anything else changes nothing. The conversation is mapped by the connector's own
// code (src/server/connectors/chatwoot-map.ts), so chat and message ids are those of the
// webhooks: with `serve` fed by the Chatwoot connector too, the engine keeps one copy.
// No composer call exists for dashboard apps: `insertReply` is absent and the widget copies
// the reply to the clipboard (and says so).

import { validateEvent } from '../../core/events.ts';
import { isObject, nestsDeeperThan } from '../../core/guards.ts';
import type { ChatEvent } from '../../core/types.ts';
import { mapExport, mapMessage } from '../../server/connectors/chatwoot-map.ts';
import type { MappingOptions } from '../../server/connectors/types.ts';
import type { PlaybookAction, TransportSink } from '../transport.ts';
import { assignedKey, startedAssignee, watchAssignees } from './assignee.ts';
import {
  type HostAdapter,
  type HostAgent,
  type HostContext,
  type HostSettings,
  HostUnavailable,
} from './types.ts';

/** What the app posts to its parent to get the context again (Frame.vue FETCH_INFO_MESSAGE). */
export const CHATWOOT_FETCH_INFO = 'chatwoot-dashboard-app:fetch-info';
/** The `event` of Chatwoot's context message (Frame.vue APP_CONTEXT_EVENT). */
export const CHATWOOT_APP_CONTEXT = 'appContext';
/** A message longer than this (UTF-16 units) is ignored unread. */
export const CHATWOOT_MAX_MESSAGE_CHARS = 2 * 1024 * 1024;
/** How long connect() waits for the first appContext. */
export const CHATWOOT_HANDSHAKE_MS = 5_000;
/** How often the app asks for the context again while it runs. */
export const CHATWOOT_POLL_MS = 5_000;
/** Messages read from one context at most (the dashboard loads them 20 at a time). */
const MAX_MESSAGES = 5_000;
/** Deeper JSON is not a Chatwoot context (its own nesting stays under ten levels). */
const MAX_DEPTH = 32;
/** The longest value of a URL parameter (thresholds JSON included). */
const MAX_PARAM_CHARS = 8_000;

/** A window the app posts to (its parent). */
export interface MessageTarget {
  postMessage(message: string, targetOrigin: string): void;
}

/** The part of the app's window the adapter uses. */
export interface MessageSource {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export interface ChatwootDeps {
  /** The app's window: Chatwoot's messages arrive here. */
  win: MessageSource;
  /** `window.parent`, or null when the page is not in a frame (opened directly). */
  parent: MessageTarget | null;
  /** The app page's URL: the team's settings are its query parameters. */
  href: string;
  now?: () => number;
  /** Timers (tests pass fake ones). */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
  handshakeMs?: number;
  pollMs?: number;
}

/** The app URL's parameters (docs: "Sidebar app"), read once. */
export interface ChatwootParams {
  /** The Chatwoot origin messages must come from (exact), if the team names it. */
  origin: string | null;
  settings: HostSettings;
  mapping: MappingOptions;
  /** A parameter that could not be used, for the polite message. */
  problem: string | null;
}

function param(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const text = value.trim();
  return text === '' || text.length > MAX_PARAM_CHARS ? undefined : text;
}

/** Reads the team's settings from the app URL (`?origin=…&library=…&thresholds=…`). */
export function readParams(href: string): ChatwootParams {
  let query: URLSearchParams;
  try {
    query = new URL(href).searchParams;
  } catch {
    query = new URLSearchParams();
  }
  const settings: HostSettings = {};
  const library = param(query, 'library');
  if (library !== undefined) settings.library = library;
  const thresholds = param(query, 'thresholds');
  if (thresholds !== undefined) settings.thresholds = thresholds;
  const tierField = param(query, 'tierField');
  if (tierField !== undefined) settings.tierField = tierField;
  const serverUrl = param(query, 'serverUrl');
  if (serverUrl !== undefined) settings.serverUrl = serverUrl;
  const tokenUrl = param(query, 'tokenUrl');
  if (tokenUrl !== undefined) settings.tokenUrl = tokenUrl;
  const mapping: MappingOptions = {};
  if (tierField !== undefined) mapping.tierField = tierField;
  const channelField = param(query, 'channelField');
  if (channelField !== undefined) mapping.channelField = channelField;

  let origin: string | null = null;
  let problem: string | null = null;
  const named = param(query, 'origin');
  if (named !== undefined) {
    try {
      const url = new URL(named);
      const exact = url.origin;
      if ((url.protocol === 'https:' || url.protocol === 'http:') && exact === named) {
        origin = exact;
      }
    } catch {
      // reported below
    }
    if (origin === null) {
      problem = `The app URL's origin parameter must be Chatwoot's origin, such as https://chat.example.com (got ${JSON.stringify(named.slice(0, 80))}).`;
    }
  }
  return { origin, settings, mapping, problem };
}

/** A validated appContext: the agent, and the conversation (when one is open). */
interface AppContext {
  agent: HostAgent;
  /** The conversation with the contact merged into `meta.sender`, or null. */
  conversation: Record<string, unknown> | null;
  accountId: string | null;
}

type Parsed = { ok: true; context: AppContext } | { ok: false; error: string };

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^\S{1,200}$/.test(value)) return value;
  return null;
}

/** A real (stored) Chatwoot message: integer id, not a pending or failed echo. */
function storedMessage(message: unknown): boolean {
  if (!isObject(message)) return false;
  const id = message.id;
  const stored =
    (typeof id === 'number' && Number.isSafeInteger(id)) ||
    (typeof id === 'string' && /^\d{1,18}$/.test(id));
  // createPendingMessage (dashboard/helper/commons.js): a UUID id, status 'progress'.
  const status = message.status;
  return stored && status !== 'progress' && status !== 'failed';
}

/** Schema-checks one message from the parent. Never throws. */
export function parseAppContext(data: unknown): Parsed {
  if (typeof data !== 'string') return { ok: false, error: 'not a string' };
  if (data.length > CHATWOOT_MAX_MESSAGE_CHARS) return { ok: false, error: 'too large' };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (!isObject(value) || value.event !== CHATWOOT_APP_CONTEXT) {
    return { ok: false, error: 'not an appContext event' };
  }
  if (nestsDeeperThan(value, MAX_DEPTH)) return { ok: false, error: 'nested too deep' };
  const payload = value.data;
  if (!isObject(payload)) return { ok: false, error: 'data: must be an object' };
  const current = payload.currentAgent;
  const agentId = isObject(current) ? idText(current.id) : null;
  if (!isObject(current) || agentId === null) {
    return { ok: false, error: 'data.currentAgent: must be { id, name, email }' };
  }
  const agent: HostAgent = { id: agentId };
  if (typeof current.name === 'string' && current.name.trim() !== '') {
    agent.name = current.name.trim().slice(0, 200);
  }
  const conv = payload.conversation;
  if (conv !== undefined && conv !== null && !isObject(conv)) {
    return { ok: false, error: 'data.conversation: must be an object' };
  }
  if (!isObject(conv) || conv.id === undefined || conv.id === null) {
    return { ok: true, context: { agent, conversation: null, accountId: null } };
  }
  const messages = conv.messages;
  if (messages !== undefined && messages !== null && !Array.isArray(messages)) {
    return { ok: false, error: 'data.conversation.messages: must be a list' };
  }
  // The contact fills what the conversation's sender lacks (e.g. custom attributes for a
  // `contact.custom_attributes.…` tierField): Frame.vue sends the contact of meta.sender.id.
  const meta = isObject(conv.meta) ? conv.meta : {};
  const sender = isObject(meta.sender) ? meta.sender : undefined;
  const contact = isObject(payload.contact) ? payload.contact : undefined;
  const sameContact = contact && (!sender || idText(sender.id) === idText(contact.id));
  const merged: Record<string, unknown> = {
    ...conv,
    meta: { ...meta, sender: sameContact ? { ...contact, ...sender } : sender },
    messages: Array.isArray(messages) ? messages.slice(-MAX_MESSAGES) : [],
  };
  return {
    ok: true,
    context: { agent, conversation: merged, accountId: idText(conv.account_id) },
  };
}

type Mapped = { ok: true; chatId: string; events: ChatEvent[] } | { ok: false; error: string };

/**
 * The conversation's protocol events by the connector's mapping: chat.started, its stored
 * messages (pending echoes and unreadable messages left out, one by one) and, when resolved,
 * chat.closed; each validated as the engine will.
 */
export function mapConversation(conv: Record<string, unknown>, options: MappingOptions): Mapped {
  const head = mapExport({ ...conv, messages: [] }, options);
  if (head.kind === 'invalid') return { ok: false, error: head.error };
  const list = Array.isArray(conv.messages) ? conv.messages : [];
  const kept = list.filter(
    (message) => storedMessage(message) && mapMessage(message, head.chatId).kind === 'event',
  );
  const mapped = mapExport({ ...conv, messages: kept }, options);
  if (mapped.kind === 'invalid') return { ok: false, error: mapped.error };
  const events: ChatEvent[] = [];
  for (const raw of mapped.events) {
    const checked = validateEvent(raw);
    if (checked.kind === 'event') events.push(checked.event);
  }
  return { ok: true, chatId: mapped.chatId, events };
}

/**
 * Once per event: chat.started and chat.closed per chat, messages per (chat, id), hand-overs
 * per (chat, time, agent).
 */
function eventKey(event: ChatEvent): string {
  if (event.type === 'message') return `${event.chatId}\u0000m\u0000${event.id}`;
  if (event.type === 'chat.assigned') return assignedKey(event);
  return `${event.chatId}\u0000${event.type}`;
}

export function createChatwootAdapter(deps: ChatwootDeps): HostAdapter {
  const now = deps.now ?? (() => Date.now());
  const later = deps.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const cancel =
    deps.clearTimeout ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const every = deps.setInterval ?? ((fn: () => void, ms: number) => setInterval(fn, ms));
  const stopEvery =
    deps.clearInterval ?? ((h: unknown) => clearInterval(h as ReturnType<typeof setInterval>));
  const params = readParams(deps.href);

  let sink: TransportSink | null = null;
  let disposed = false;
  let connecting: Promise<HostContext> | null = null;
  let listening = false;
  let poller: unknown = null;
  let scope = 'chatwoot';
  let currentChat: string | null = null;
  let connected = false;
  const pending: ChatEvent[] = [];
  const sent = new Set<string>();
  const focusListeners = new Set<(chatId: string) => void>();
  const assignees = watchAssignees();
  /** Set while connect() waits: the first usable context settles it. */
  let onFirst: ((context: AppContext, origin: string) => void) | null = null;
  let lastRefusal: string | null = null;

  const deliver = (events: ChatEvent[]): void => {
    const fresh = events.filter((event) => {
      const key = eventKey(event);
      if (sent.has(key)) return false;
      sent.add(key);
      return true;
    });
    if (fresh.length === 0 || disposed) return;
    if (sink) sink.events(fresh);
    else pending.push(...fresh);
  };

  /** Maps and delivers a context; true when it was usable. */
  const take = (context: AppContext): boolean => {
    if (!context.conversation) return true;
    const mapped = mapConversation(context.conversation, params.mapping);
    if (!mapped.ok) {
      lastRefusal = mapped.error;
      return false;
    }
    const switched = connected && mapped.chatId !== currentChat;
    currentChat = mapped.chatId;
    deliver(mapped.events);
    // Another assignee than the last context showed (`meta.assignee`): handed over now.
    const handover = assignees.note(mapped.chatId, startedAssignee(mapped.events) ?? null, now());
    if (handover) deliver([handover]);
    if (switched) for (const listener of [...focusListeners]) listener(mapped.chatId);
    return true;
  };

  const onMessage = (event: MessageEvent): void => {
    if (disposed || deps.parent === null || event.source !== deps.parent) return;
    if (params.origin !== null && event.origin !== params.origin) return;
    const parsed = parseAppContext(event.data);
    if (!parsed.ok) {
      // Only an appContext that could not be read is worth naming if the handshake fails.
      if (typeof event.data === 'string' && event.data.includes(CHATWOOT_APP_CONTEXT)) {
        lastRefusal = parsed.error;
      }
      return;
    }
    // A context whose conversation cannot be read changes nothing (and settles nothing).
    if (!take(parsed.context)) return;
    onFirst?.(parsed.context, event.origin);
  };

  const ask = (): void => {
    if (disposed || deps.parent === null) return;
    try {
      // The request carries nothing: '*' when the team did not name Chatwoot's origin.
      deps.parent.postMessage(CHATWOOT_FETCH_INFO, params.origin ?? '*');
    } catch {
      // a parent that cannot be posted to answers nothing: the handshake times out
    }
  };

  const stopListening = (): void => {
    if (listening) deps.win.removeEventListener('message', onMessage);
    listening = false;
    if (poller !== null) stopEvery(poller);
    poller = null;
  };

  function connect(): Promise<HostContext> {
    if (connecting) return connecting;
    connecting = new Promise<HostContext>((resolve, reject) => {
      if (disposed) {
        reject(new HostUnavailable('The app was closed.', 'outside'));
        return;
      }
      if (deps.parent === null) {
        reject(
          new HostUnavailable(
            'This page was opened on its own, not as a Chatwoot dashboard app.',
            'outside',
          ),
        );
        return;
      }
      if (params.problem !== null) {
        reject(new HostUnavailable(params.problem, 'permission'));
        return;
      }
      deps.win.addEventListener('message', onMessage);
      listening = true;
      const timer = later(() => {
        onFirst = null;
        stopListening();
        const detail = lastRefusal
          ? `Chatwoot's context could not be read (${lastRefusal}).`
          : params.origin
            ? `No conversation context came from ${params.origin} within ${Math.round((deps.handshakeMs ?? CHATWOOT_HANDSHAKE_MS) / 1000)} s.`
            : `No conversation context came within ${Math.round((deps.handshakeMs ?? CHATWOOT_HANDSHAKE_MS) / 1000)} s.`;
        reject(new HostUnavailable(detail, 'timeout'));
      }, deps.handshakeMs ?? CHATWOOT_HANDSHAKE_MS);
      onFirst = (context, origin) => {
        onFirst = null;
        cancel(timer);
        let host = 'unknown';
        try {
          host = new URL(origin).host || host;
        } catch {
          // an opaque origin ('null'): scope by account only
        }
        scope = `chatwoot:${host}${context.accountId ? `/${context.accountId}` : ''}`;
        connected = true;
        poller = every(ask, deps.pollMs ?? CHATWOOT_POLL_MS);
        resolve({ agent: context.agent, settings: params.settings, chatId: currentChat });
      };
      ask();
    });
    return connecting;
  }

  return {
    label: 'Chatwoot',
    get scope() {
      return scope;
    },
    connect,
    onFocus(listener) {
      focusListeners.add(listener);
      return () => {
        focusListeners.delete(listener);
      };
    },
    start(s: TransportSink) {
      if (disposed) return;
      sink = s;
      s.status('online');
      if (pending.length > 0) s.events(pending.splice(0));
    },
    send(action: PlaybookAction) {
      // No server: the agent's ticks and notes come straight back (createLocalTransport).
      if (!disposed) sink?.events([action]);
      return Promise.resolve();
    },
    now,
    dispose() {
      disposed = true;
      onFirst = null;
      stopListening();
      sink = null;
      pending.length = 0;
      focusListeners.clear();
    },
  };
}
