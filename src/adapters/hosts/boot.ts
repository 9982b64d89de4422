// The shell every helpdesk app shares (dist/hosts/<host>/app.js): connect the host adapter,
// then dock the widget through its public commands exactly as any host page does
// (`ChatPlaybook('init' | 'focus' | 'on', …)`), so the widget never learns which helpdesk it
// is in. Outside its host (opened directly, no handshake, a permission missing) it shows one
// polite message in the dock instead, logs once, and stops: no retry loop.
import { chunkUrl, loadChunk, SOCKET_CHUNK, SOCKET_KEY } from '../chunks.ts';
import { browserClock, type Clock } from '../clock.ts';
import type { SocketTransport, SocketTransportExtras } from '../socket-transport.ts';
import type { SocketTransportOptions, Transport } from '../transport.ts';
import { withServer } from './compose.ts';
import { type HostAdapter, type HostContext, HostUnavailable } from './types.ts';

type Command = (...args: unknown[]) => unknown;

export interface BootOptions {
  /** The dock element or its selector (default `#playbook`). */
  target?: string | HTMLElement;
  win?: Window & { ChatPlaybook?: Command };
  /** Gets a server token from the team's token URL (default: fetch with the host's cookies). */
  fetchToken?: (url: string) => Promise<string>;
}

export interface BootResult {
  /** `docked`: the widget runs; `unavailable`: the polite message is shown. */
  state: 'docked' | 'unavailable';
  context?: HostContext;
  message?: string;
}

/** The polite message when the app is not where it can work: text only, never markup. */
export function showUnavailable(dock: HTMLElement, label: string, err: unknown): string {
  const reason = err instanceof HostUnavailable ? err.reason : 'outside';
  const detail = err instanceof Error ? err.message : String(err);
  const lead =
    reason === 'permission'
      ? `Chat Playbook needs a permission ${label} did not give.`
      : reason === 'timeout'
        ? `${label} did not answer Chat Playbook.`
        : `Chat Playbook runs inside ${label}.`;
  const hint =
    reason === 'permission'
      ? 'Ask your admin to check the app’s permissions, then reload.'
      : `Open it from ${label}’s app panel beside a conversation.`;
  const box = dock.ownerDocument.createElement('div');
  box.className = 'cp-host-unavailable';
  box.setAttribute('role', 'status');
  const title = dock.ownerDocument.createElement('p');
  title.className = 'cp-host-unavailable-title';
  title.textContent = lead;
  const text = dock.ownerDocument.createElement('p');
  text.textContent = hint;
  const small = dock.ownerDocument.createElement('p');
  small.className = 'cp-host-unavailable-detail';
  small.textContent = detail;
  box.append(title, text, small);
  dock.replaceChildren(box);
  return `${lead} ${hint}`;
}

async function defaultFetchToken(url: string): Promise<string> {
  const res = await fetch(url, { credentials: 'include', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`token URL answered HTTP ${res.status}`);
  const body = (await res.json()) as { token?: unknown };
  if (typeof body.token !== 'string' || body.token === '') {
    throw new Error('token URL must answer { "token": "…" }');
  }
  return body.token;
}

/** Thresholds from a settings field: an object, or JSON text as host settings store it. */
function thresholdsOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // init names the field and keeps the defaults
  }
}

export async function bootHostApp(
  adapter: HostAdapter,
  options: BootOptions = {},
): Promise<BootResult> {
  const win = options.win ?? (window as Window & { ChatPlaybook?: Command });
  const doc = win.document;
  const target = options.target ?? '#playbook';
  const dock = typeof target === 'string' ? doc.querySelector<HTMLElement>(target) : target;
  if (!dock) throw new Error(`no dock element ${String(target)}`);
  const command: Command = (...args) => win.ChatPlaybook?.(...args);

  let context: HostContext;
  try {
    context = await adapter.connect();
  } catch (err) {
    adapter.dispose();
    const message = showUnavailable(dock, adapter.label, err);
    console.info(`[chat-playbook] ${message}`);
    return { state: 'unavailable', message };
  }

  const { agent, settings } = context;
  let transport: Transport = adapter;
  let role: 'agent' | 'supervisor' = 'agent';
  if (settings.serverUrl && settings.tokenUrl) {
    const tokenUrl = settings.tokenUrl;
    const getToken = () => (options.fetchToken ?? defaultFetchToken)(tokenUrl);
    try {
      // The socket transport chunk, from beside the widget's bundle.
      const create = await loadChunk<
        (o: SocketTransportOptions & SocketTransportExtras, c: Clock) => SocketTransport
      >(chunkUrl(SOCKET_CHUNK, doc, null), SOCKET_KEY, doc);
      const server = create(
        { url: settings.serverUrl, token: await getToken(), getToken },
        browserClock(),
      );
      transport = withServer(adapter, server);
      // Only the server can store team settings: a supervisor is one there.
      if (agent.role === 'supervisor') role = 'supervisor';
    } catch (err) {
      console.info(
        `[chat-playbook] not connected to ${settings.serverUrl} (${(err as Error).message}): settings and picks stay in this browser`,
      );
    }
  }

  command('init', {
    target: dock,
    agent: agent.name ? { id: agent.id, name: agent.name } : { id: agent.id },
    role,
    ...(settings.library ? { library: settings.library } : {}),
    ...(settings.thresholds !== undefined ? { thresholds: thresholdsOf(settings.thresholds) } : {}),
    transport,
  });
  if (adapter.insertReply) {
    const insert = adapter.insertReply.bind(adapter);
    command('on', 'reply', (reply: { chatId: string; text: string }) => {
      insert(reply).catch((err: unknown) =>
        console.info(`[chat-playbook] could not insert the reply: ${(err as Error).message}`),
      );
    });
  }
  if (adapter.openChat) {
    const open = adapter.openChat.bind(adapter);
    command('on', 'open', (payload: { chatId: string }) => open(payload.chatId));
  }
  adapter.onFields?.((chatId, fields) => command('fields', chatId, fields, adapter.label));
  adapter.onFocus((chatId) => command('focus', chatId));
  if (context.chatId) command('focus', context.chatId);
  return { state: 'docked', context };
}
