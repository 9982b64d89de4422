// The live demo helpdesk (`npm run demo`, demo/live.html): conversations stream from the
// Chat Playbook server, fed by the helpdesk simulator (src/server/simulator.ts). Host code
// only: it docks the widget through `window.ChatPlaybook` on the socket transport, and
// follows the same conversations as a second socket.io client with a token of its own.
// What the agent types goes to the demo's backend (`POST /demo/say`), which signs it as a
// helpdesk webhook would: the page never holds the server's secret.
// Each page load is a session of its own (a fresh simulated helpdesk from this moment): the
// page keeps it alive while open (`POST /demo/alive`) and ends it when it goes (`/demo/end`).
// URL options: ?role=supervisor, ?dock=narrow, ?speed=X, ?skip=S, ?chat=ID (docs/realtime.md).

import built from 'virtual:demo-library';
import { render } from 'preact';
import { browserClock } from '../src/adapters/clock.ts';
import { createSocketTransport } from '../src/adapters/socket-transport.ts';
import type { TransportStatus } from '../src/adapters/transport.ts';
import { type ClockState, createDesk, type Desk } from './desk.ts';
import { Helpdesk } from './Helpdesk.tsx';
import { setUpThemeSwitch } from './theme.ts';

type Command = (...args: unknown[]) => unknown;
const ChatPlaybook: Command = (...args) =>
  (window as unknown as { ChatPlaybook: Command }).ChatPlaybook(...args);

interface Session {
  team: string;
  user: { id: string; name: string; role: 'agent' | 'supervisor' };
  token: string;
  deskToken: string;
  /** Sent with every POST to the demo's backend: proves the request comes from this page. */
  sessionToken: string;
  /** How often the page tells the backend it is still open. */
  heartbeatMs: number;
}

let sessionToken = '';

const params = new URLSearchParams(location.search);
const role = params.get('role') === 'supervisor' ? 'supervisor' : 'agent';
if (params.get('dock') === 'narrow') document.querySelector('.desk')?.classList.add('dock-narrow');
/** `?chat=c-3002`: the conversation to open as soon as it arrives. */
const wanted = params.get('chat');
setUpThemeSwitch();

// The SOP library, built from the Markdown sources by the dev server or the build (in Node:
// the page never carries the Markdown parser).
if (!built.ok) console.warn(`[demo] the SOP library has problems:\n${built.problems.join('\n')}`);

const desk = createDesk();
/** Set once the agent picks a conversation; until then the page follows the most urgent. */
let chosen = false;

/** The chat the widget was last told to show. */
let focused: string | null = null;

function select(chatId: string, byUser: boolean): void {
  if (byUser) chosen = true;
  if (desk.get().selected !== chatId) desk.select(chatId);
  focused = chatId;
  ChatPlaybook('focus', chatId);
}

/** The open chat whose customer has waited longest for a first answer. */
function mostUrgent(d: Desk): string | null {
  const waiting = d
    .get()
    .conversations.filter(
      (c) =>
        c.closedAt === null &&
        c.messages.some((m) => m.author === 'customer') &&
        !c.messages.some((m) => m.author === 'agent' && !m.internal),
    )
    .sort((a, b) => a.startedAt - b.startedAt);
  return (
    waiting[0]?.chatId ?? d.get().conversations.find((c) => c.closedAt === null)?.chatId ?? null
  );
}

/** Set when the backend says this page's session is over (idle, or replaced by newer pages). */
let ended = false;

async function post(path: string, body: unknown): Promise<void> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Demo-Session': sessionToken },
    body: JSON.stringify(body),
  });
  if (response.status === 410) ended = true;
  if (!response.ok) {
    const detail = (await response.json().catch(() => ({}))) as { error?: string };
    throw new Error(detail.error ?? `HTTP ${response.status}`);
  }
}

/** The session's query: the role, and the simulation's `speed` and `skip` when given. */
function sessionQuery(): string {
  const query = new URLSearchParams({ role });
  for (const name of ['speed', 'skip']) {
    const value = params.get(name);
    if (value !== null) query.set(name, value);
  }
  return query.toString();
}

async function main(): Promise<void> {
  const response = await fetch(`/demo/session?${sessionQuery()}`);
  if (!response.ok) {
    const detail = (await response.json().catch(() => ({}))) as { error?: string };
    throw new Error(`/demo/session: ${detail.error ?? `HTTP ${response.status}`}`);
  }
  const session = (await response.json()) as Session;
  sessionToken = session.sessionToken;
  const { user } = session;
  document.getElementById('desk-avatar')!.textContent = user.name.slice(0, 1);
  document.getElementById('desk-agent-name')!.textContent =
    `${user.name} · ${user.role === 'supervisor' ? 'Supervisor' : 'Online'}`;
  document.getElementById('desk-agent')!.title =
    `Signed in as ${user.name} (${user.role} ${user.id}, team ${session.team})`;

  // Host → widget: the documented queue; the socket transport on this page's origin (the
  // dev server proxies /socket.io to the realtime server).
  ChatPlaybook('on', 'error', (error: { field?: string; message: string }) => {
    console.info('[demo] widget error event:', error);
  });
  ChatPlaybook(
    'on',
    'clock',
    (p: { chatId: string; clock: 'firstResponse' | 'gap'; state: ClockState }) =>
      desk.setClock(p.chatId, p.clock, p.state),
  );
  ChatPlaybook('on', 'reply', (reply: { chatId: string; text: string }) => {
    // The chosen reply lands in that conversation's composer, ready to edit and send.
    select(reply.chatId, true);
    const draft = desk.get().conversations.find((c) => c.chatId === reply.chatId)?.draft ?? '';
    desk.setDraft(
      reply.chatId,
      draft.trim() === '' ? reply.text : `${draft.trimEnd()} ${reply.text}`,
    );
    requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>('#composer')?.focus());
  });
  ChatPlaybook('init', {
    target: '#playbook',
    agent: { id: user.id, name: user.name },
    role: user.role,
    library: built.ok ? built.library : undefined,
    transport: { url: location.origin, token: session.token },
    // The sidebar's "Team settings" opens the full-width page (docs/settings.md).
    settingsUrl: '/demo/settings.html',
    // `/` anywhere on the helpdesk page (outside its own fields) jumps to the SOP search.
    searchShortcut: true,
  });

  let status: TransportStatus = 'connecting';
  const send = (chatId: string, text: string, internal: boolean) => {
    post('/demo/say', { chatId, text, internal, as: user.role }).catch((err: Error) => {
      // Not sent: the text goes back into the composer.
      console.warn(`[demo] could not send: ${err.message}`);
      if (ended) rerender();
      if (desk.get().conversations.find((c) => c.chatId === chatId)?.draft === '') {
        desk.setDraft(chatId, text);
      }
    });
  };

  const rerender = () =>
    render(
      <Helpdesk
        desk={desk}
        agentName={user.name}
        libraryProblems={built.ok ? [] : built.problems}
        onSelect={(chatId) => select(chatId, true)}
        onSend={send}
        onClose={(chatId) => {
          post('/demo/close', { chatId }).catch((err: Error) => {
            console.warn(`[demo] could not close: ${err.message}`);
            if (ended) rerender();
          });
        }}
        notice={
          ended ? (
            <>
              This demo session has ended (the page was idle, or newer pages replaced it).{' '}
              <a href={location.pathname + location.search}>Start a new one</a>
            </>
          ) : null
        }
        footer={
          <>
            Live demo: simulated customers write to the Chat Playbook server; you answer as{' '}
            {user.name}. Server: <span class={`feed feed-${status}`}>{status}</span>.{' '}
            <a href={location.pathname + location.search}>Start over</a> ·{' '}
            {user.role === 'supervisor' ? (
              <a href="/">Agent view</a>
            ) : (
              <a href="/?role=supervisor">Supervisor view</a>
            )}
          </>
        }
      />,
      document.getElementById('app')!,
    );
  rerender();

  // The helpdesk's own view of the same conversations: a second client of the server.
  const feed = createSocketTransport(
    { url: location.origin, token: session.deskToken },
    browserClock(),
  );
  feed.start({
    events(events) {
      for (const event of events) desk.apply(event as unknown as Record<string, unknown>);
      if (wanted && !chosen && desk.get().conversations.some((c) => c.chatId === wanted)) {
        select(wanted, true);
        return;
      }
      const current = desk.get().conversations.find((c) => c.chatId === desk.get().selected);
      // Follow the most urgent chat until the agent picks one (or starts typing in one).
      const busy = current !== undefined && current.draft.trim() !== '';
      if ((!chosen && !busy) || !current) {
        const next = mostUrgent(desk);
        if (next && (next !== desk.get().selected || next !== focused)) select(next, false);
      }
    },
    status(next) {
      status = next;
      rerender();
    },
    config() {},
  });

  // The session lives while the page does: a heartbeat, a goodbye, and a new session when the
  // browser brings the page back from its back/forward cache (the old one ended on pagehide).
  const alive = () => {
    if (!ended) post('/demo/alive', {}).catch(() => rerender());
  };
  const heartbeat = setInterval(alive, session.heartbeatMs);
  addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') alive();
  });
  addEventListener('pagehide', () => {
    clearInterval(heartbeat);
    feed.dispose();
    void fetch('/demo/end', {
      method: 'POST',
      keepalive: true,
      headers: { 'Content-Type': 'application/json', 'X-Demo-Session': sessionToken },
      body: '{}',
    }).catch(() => {});
  });
  addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
}

main().catch((err: Error) => {
  console.error(`[demo] ${err.message}`);
  const app = document.getElementById('app');
  if (app) {
    app.textContent = '';
    const p = document.createElement('p');
    p.className = 'banner';
    p.setAttribute('role', 'alert');
    p.textContent = `The live demo could not start (it runs with its server: npm run demo): ${err.message}`;
    app.appendChild(p);
  }
});
