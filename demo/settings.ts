// The demo's team settings page (demo/settings.html, `npm run demo` → /demo/settings.html):
// the widget mounted full width with `view: 'settings'` (docs/settings.md), signed in as the
// demo supervisor the way the supervisor's helpdesk page is (`/?role=supervisor`): a session
// from `GET /demo/session?role=supervisor`, its token on the socket transport of this origin.
// Like the helpdesk page, it keeps its session alive while open and ends it when it goes, so
// the preview shows that session's simulated chats.
import { setUpThemeSwitch } from './theme.ts';

type Command = (...args: unknown[]) => unknown;
const ChatPlaybook: Command = (...args) =>
  (window as unknown as { ChatPlaybook: Command }).ChatPlaybook(...args);

interface Session {
  user: { id: string; name: string; role: 'agent' | 'supervisor' };
  token: string;
  /** Sent with the page's POSTs to the demo's backend. */
  sessionToken: string;
  heartbeatMs: number;
}

setUpThemeSwitch();

function keepAlive(session: Session): void {
  const post = (path: string, keepalive = false) =>
    fetch(path, {
      method: 'POST',
      keepalive,
      headers: { 'Content-Type': 'application/json', 'X-Demo-Session': session.sessionToken },
      body: '{}',
    }).catch(() => {});
  const heartbeat = setInterval(() => post('/demo/alive'), session.heartbeatMs);
  addEventListener('pagehide', () => {
    clearInterval(heartbeat);
    void post('/demo/end', true);
  });
  // Back from the back/forward cache, the session has ended: start a new one.
  addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
}

async function main(): Promise<void> {
  const response = await fetch('/demo/session?role=supervisor');
  if (!response.ok) throw new Error(`/demo/session: HTTP ${response.status}`);
  const session = (await response.json()) as Session;
  const { user } = session;
  document.getElementById('desk-avatar')!.textContent = user.name.slice(0, 1);
  document.getElementById('desk-agent-name')!.textContent = `${user.name} · Supervisor`;
  keepAlive(session);
  ChatPlaybook('on', 'error', (error: { field?: string; message: string }) => {
    console.info('[demo] widget error event:', error);
  });
  ChatPlaybook('init', {
    target: '#playbook',
    agent: { id: user.id, name: user.name },
    role: user.role,
    view: 'settings',
    transport: { url: location.origin, token: session.token },
  });
}

main().catch((err: Error) => {
  console.error(`[demo] ${err.message}`);
  const p = document.createElement('p');
  p.className = 'banner';
  p.setAttribute('role', 'alert');
  p.textContent = `The settings page runs with the demo's server (npm run demo): ${err.message}`;
  document.getElementById('playbook')?.replaceChildren(p);
});
