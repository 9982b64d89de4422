// `npm run demo` (scripts/demo.mjs) in-process: the realtime server with the embedded store,
// the helpdesk simulator feeding it, and the demo helpdesk pages (built into dist/demo) on
// Vite's preview server, which proxies /socket.io and /v1 to the server, so the page, the
// widget and its socket are one origin under the strict CSP. It serves only the built pages
// and dist/'s bundles: never the sources, package files or the demo's stored event log. The
// page docks the widget with the documented script tag (dist/chat-playbook.iife.js, which
// loads dist/chat-playbook.socket.js from beside itself).
//
// Every page load is a session of its own (src/server/demo-sessions.ts): with the simulator,
// its own team `demo-<id>` and its own simulator run from that moment, so a page opened late
// never shows old chats with long-breached clocks. Without (`simulator: false`), the sessions
// share team `default`, for events posted by hand or by tests.
//
// Demo-only endpoints on the page's origin (the secret never reaches the page):
//   GET  /demo/session?role=agent|supervisor[&speed=X][&skip=S]  a new session: the demo
//        user's tokens (widget + the desk's feed) and the session's token
//   POST /demo/alive  {}                         the page is still there (every `heartbeatMs`)
//   POST /demo/end    {}                         the page is going away: the session ends
//   POST /demo/say    {chatId, text, internal?}  an agent message, signed and POSTed to /v1/events
//   POST /demo/close  {chatId}                   chat.closed, likewise
// The POSTs must be JSON, carry the session's `X-Demo-Session` token and come from the page's
// own origin, so another site cannot make the demo speak (CSRF).
// Development only: vite is a devDependency, and nothing in the CLI imports this file.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Connect, Logger, Plugin, PreviewServer } from 'vite';
import { createLogger, preview } from 'vite';
import { type DemoSession, DemoSessions, type EndReason } from './demo-sessions.ts';
import { type ConfigVersion, type RunningServer, signBody, startServer } from './index.ts';
import {
  parseScenario,
  type SimScenario,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from './simulator.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Who the demo pages are signed in as. */
export const DEMO_USERS = {
  agent: { id: 'a-3', name: 'Sam', role: 'agent' },
  supervisor: { id: 's-1', name: 'Riley', role: 'supervisor' },
} as const;
export const DEMO_TEAM = 'default';

export interface DemoOptions {
  /** The page's port (default 5173; 0 picks a free one). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keep the server's event log in this directory (default: memory only). */
  data?: string;
  /** The scripted local-transport demo instead (no server, no simulator). */
  local?: boolean;
  /** Build the widget bundles when dist is missing or older than the sources (default true). */
  build?: boolean;
  /** Settings of each page's simulator run, or false for none (an idle, shared helpdesk). */
  simulator?: Partial<Omit<SimulatorOptions, 'scenarios' | 'ingest' | 'isOpen'>> | false;
  /** Page sessions alive at once (default 8) and how long a silent page keeps its own (default 3 minutes). */
  sessions?: { max?: number; idleMs?: number };
  /** Aborts the start (a build in progress is stopped with its processes). */
  signal?: AbortSignal;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** The project root (default: this repository). */
  root?: string;
}

export interface RunningDemo {
  mode: 'live' | 'local';
  /** The agent page. */
  url: string;
  /** The same page signed in as a supervisor. */
  supervisorUrl: string;
  /** The realtime server (live mode). */
  server: RunningServer | null;
  /** The pages' sessions (live mode): `sessions.next()` resolves with the next page's. */
  sessions: DemoSessions<SessionRun, SessionParams> | null;
  /** The page server: Vite's preview of the built demo pages (dist/demo), nothing else. */
  pages: PreviewServer;
  close(): Promise<void>;
}

/** What a page asks for when it opens its session (`GET /demo/session`). */
export interface SessionParams {
  role: keyof typeof DEMO_USERS;
  /** Simulation speed (the scripts' pace, arrivals and patience; not the thresholds). */
  speed: number;
  /** Seconds the simulation has already run when the page opens. */
  skipS: number;
}

/** What a session runs: its team and, when the demo simulates, its own simulator. */
export interface SessionRun {
  team: string;
  simulator: Simulator | null;
}

export type DemoPageSession = DemoSession<SessionRun, SessionParams>;

export const SPEED_RANGE = { min: 0.1, max: 20 } as const;
export const MAX_SKIP_S = 3600;

/** Validates the page's query (`role`, `speed`, `skip`); errors name the parameter. */
export function parseSessionParams(
  query: URLSearchParams,
): { ok: true; params: SessionParams } | { ok: false; error: string } {
  const role = query.get('role') ?? 'agent';
  if (role !== 'agent' && role !== 'supervisor') {
    return { ok: false, error: 'role: agent or supervisor' };
  }
  const number = (name: string, fallback: number) => {
    const raw = query.get(name);
    return raw === null || raw.trim() === '' ? fallback : Number(raw);
  };
  const speed = number('speed', 1);
  if (!(speed >= SPEED_RANGE.min && speed <= SPEED_RANGE.max)) {
    return { ok: false, error: `speed: a number from ${SPEED_RANGE.min} to ${SPEED_RANGE.max}` };
  }
  const skipS = number('skip', 0);
  if (!(skipS >= 0 && skipS <= MAX_SKIP_S)) {
    return { ok: false, error: `skip: seconds from 0 to ${MAX_SKIP_S}` };
  }
  return { ok: true, params: { role, speed, skipS } };
}

/**
 * What the demo serves and so must be built: the script-tag bundle, the transport chunk it
 * loads from beside itself, and the demo pages (vite.config.ts builds them into dist/demo).
 */
const BUNDLES = [
  'chat-playbook.iife.js',
  'chat-playbook.socket.js',
  'chat-playbook.supervisor.js',
  'chat-playbook.reply.js',
  'demo/index.html',
  'demo/demo/live.html',
];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when a widget bundle is missing or older than the sources or build configs. */
export function widgetBundlesStale(root = ROOT): boolean {
  const outputs = BUNDLES.map((name) => join(root, 'dist', name));
  if (!outputs.every((file) => existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const src = join(root, 'src');
  const inputs = [
    // The widget's sources (everything but the server and the CLI) and the demo pages'.
    ...readdirSync(src)
      .filter((name) => name !== 'server' && name !== 'cli')
      .map((name) => join(src, name)),
    ...['demo', 'index.html'].map((name) => join(root, name)),
    ...['vite.config.ts', 'build'].map((name) => join(root, name)),
    join(root, 'package-lock.json'),
  ].filter((path) => existsSync(path));
  return inputs.some((path) => newestMtime(path) > built);
}

/**
 * `npm run build`: the script-tag bundle and its lazily loaded chunks (and the CLI and ESM
 * builds with them), exactly as the package's build script makes them. The build runs in a
 * process group of its own, so an abort (Ctrl-C, SIGTERM) stops npm and everything it started.
 */
export function buildWidgetBundles(root = ROOT, signal?: AbortSignal): Promise<void> {
  return new Promise((done, fail) => {
    if (signal?.aborted) {
      fail(new Error('build aborted'));
      return;
    }
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: process.platform !== 'win32',
    });
    const abort = () => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') {
          process.kill(-child.pid, 'SIGTERM');
        } else child.kill('SIGTERM');
      } catch {
        // already gone
      }
    };
    signal?.addEventListener('abort', abort, { once: true });
    child.on('error', fail);
    child.on('exit', (code) => {
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) fail(new Error('build aborted'));
      else if (code === 0) done();
      else fail(new Error(`npm run build exited with ${code}`));
    });
  });
}

export function loadScenarios(dir: string): SimScenario[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) =>
      parseScenario(name.replace(/^\d+-|\.jsonl$/g, ''), readFileSync(join(dir, name), 'utf8')),
    )
    .filter((s): s is SimScenario => s !== null);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<Record<string, unknown>> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          resolveBody(value as Record<string, unknown>);
        } else reject(new Error('expected a JSON object'));
      } catch {
        reject(new Error('expected a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

/**
 * Serves dist/chat-playbook.*.js (+ maps) as they are: the script-tag bundle and the chunks it
 * loads from beside itself (socket transport, search), not transformed by Vite.
 */
function serveBundles(root: string) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const path = (req.url ?? '').split('?')[0]!;
    const match = /^\/dist\/(chat-playbook\.[a-z]+\.js(?:\.map)?)$/.exec(path);
    const file = match ? join(root, 'dist', match[1]!) : '';
    if (!match) {
      next();
      return;
    }
    if (!existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end(`${match[1]} is not built: npm run build`);
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.endsWith('.map')
        ? 'application/json; charset=utf-8'
        : 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
    res.end(readFileSync(file));
  };
}

let said = 0;

/**
 * Whether a state-changing demo request comes from a demo page itself: a JSON body (a
 * cross-site form can only send text/plain, urlencoded or multipart without a preflight,
 * which this server never grants), the token the page got from /demo/session in a header,
 * and no foreign Origin. Returns the page's session, or the refusal.
 */
function pageSession(
  req: IncomingMessage,
  origin: string,
  sessions: DemoSessions<SessionRun, SessionParams>,
): { session: DemoPageSession } | { status: 403 | 410; error: string } {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    return { status: 403, error: 'send Content-Type: application/json' };
  const from = req.headers.origin;
  if (from !== undefined && from !== origin) {
    return { status: 403, error: `cross-origin request from ${from}` };
  }
  if (req.headers['sec-fetch-site'] === 'cross-site')
    return { status: 403, error: 'cross-site request' };
  const found = sessions.find(req.headers['x-demo-session']);
  if (found.ok) return { session: found.session };
  if (found.reason === 'ended') {
    return { status: 410, error: 'this demo session has ended: reload the page for a new one' };
  }
  return { status: 403, error: 'missing or wrong X-Demo-Session header (from /demo/session)' };
}

/** The demo's own endpoints and the agent page at `/`. */
function liveDemoPlugin(
  root: string,
  server: RunningServer,
  secret: string,
  sessions: DemoSessions<SessionRun, SessionParams>,
  heartbeatMs: number,
  origin: () => string,
): Plugin {
  const post = async (team: string, events: Record<string, unknown>[]) => {
    // Signed like any helpdesk webhook: the page never sees the secret.
    const body = JSON.stringify(events);
    const response = await fetch(`${server.url}/v1/teams/${team}/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature-256': signBody(secret, body) },
      body,
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const routes: Connect.NextHandleFunction = (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    // The agent page is the live helpdesk (the scripted one stays at /index.html).
    if (req.method === 'GET' && url.pathname === '/') {
      req.url = `/demo/live.html${url.search}`;
      return next();
    }
    if (!url.pathname.startsWith('/demo/') || url.pathname.endsWith('.html')) return next();
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /demo/session') {
      const parsed = parseSessionParams(url.searchParams);
      if (!parsed.ok) return json(res, 400, { error: parsed.error });
      const session = sessions.create(parsed.params, Date.now());
      const { team } = session.running;
      const user = DEMO_USERS[parsed.params.role];
      const token = server.token({ team, role: user.role, sub: user.id, name: user.name });
      // The page's own feed of the conversations (a second socket.io client).
      const deskToken = server.token({
        team,
        role: 'agent',
        sub: `desk-${user.id}`,
        name: 'Demo helpdesk',
      });
      return json(res, 200, {
        team,
        user,
        token,
        deskToken,
        sessionToken: session.token,
        heartbeatMs,
        simulated: session.running.simulator !== null,
      });
    }
    const known = ['POST /demo/alive', 'POST /demo/end', 'POST /demo/say', 'POST /demo/close'];
    if (!known.includes(route)) return next();
    const found = pageSession(req, origin(), sessions);
    if (!('session' in found)) {
      req.resume();
      return json(res, found.status, { error: found.error });
    }
    const { session } = found;
    sessions.touch(session, Date.now());
    readJson(req)
      .then(async (body) => {
        if (route === 'POST /demo/alive') return json(res, 200, { ok: true });
        if (route === 'POST /demo/end') {
          await sessions.end(session, 'gone');
          return json(res, 200, { ok: true });
        }
        const { team } = session.running;
        const chatId = body.chatId;
        if (typeof chatId !== 'string' || chatId === '' || chatId.length > 200) {
          return json(res, 400, { error: 'chatId: a non-empty string' });
        }
        if (route === 'POST /demo/close') {
          const r = await post(team, [
            { type: 'chat.closed', chatId, at: new Date().toISOString() },
          ]);
          return json(res, r.status, r.body);
        }
        const text = typeof body.text === 'string' ? body.text.trim() : '';
        if (text === '' || text.length > 8000) {
          return json(res, 400, { error: 'text: 1 to 8000 characters' });
        }
        const user = body.as === 'supervisor' ? DEMO_USERS.supervisor : DEMO_USERS.agent;
        said += 1;
        const r = await post(team, [
          {
            type: 'message',
            chatId,
            id: `${user.id}-${Date.now().toString(36)}-${said}`,
            at: new Date().toISOString(),
            author: 'agent',
            agentId: user.id,
            text,
            ...(body.internal === true ? { internal: true } : {}),
          },
        ]);
        return json(res, r.status, r.body);
      })
      .catch((err: unknown) => json(res, 400, { error: (err as Error).message }));
  };
  return {
    name: 'chat-playbook-live-demo',
    configurePreviewServer(pages) {
      pages.middlewares.use(serveBundles(root));
      pages.middlewares.use(routes);
    },
  };
}

/**
 * The demo's thresholds are one team's, whatever page they are set on: a configuration saved
 * in one session's team (the supervisor's page) is saved in every other live session's team
 * too, and in each new one's. Returns the new session's part (and stops listening on dispose).
 */
function shareConfig(
  server: RunningServer,
  sessions: () => readonly DemoPageSession[],
): { apply(team: string): void; dispose(): void } {
  let shared: ConfigVersion | null = null;
  const same = (version: ConfigVersion) =>
    shared !== null && JSON.stringify(shared.config) === JSON.stringify(version.config);
  const copy = (team: string, version: ConfigVersion) =>
    void server.hub
      .saveConfig(team, version.config, version.by ?? { sub: 'demo' }, version.comment)
      .catch(() => {});
  const dispose = server.hub.listen({
    events() {},
    picks() {},
    config(team, version) {
      // Copies land here too: the same configuration is not passed on again.
      if (!team.startsWith('demo-') || same(version)) return;
      shared = version;
      for (const session of sessions()) {
        if (session.running.team !== team) copy(session.running.team, version);
      }
    },
  });
  return {
    apply(team) {
      if (shared) copy(team, shared);
    },
    dispose,
  };
}

/** Closes a team's open chats, so that compaction drops them once the retention has passed. */
async function closeOpenChats(server: RunningServer, team: string): Promise<void> {
  const index = await server.hub.sync(team);
  const at = new Date().toISOString();
  const closes = [...index.chats.keys()]
    .filter((chatId) => index.closedAt(chatId) === null)
    .map((chatId) => ({ type: 'chat.closed', chatId, at }));
  if (closes.length > 0) await server.ingest(closes, team);
}

/** The scripted page's bundles, for the local mode (no demo endpoints). */
function bundlesPlugin(root: string): Plugin {
  return {
    name: 'chat-playbook-bundles',
    configurePreviewServer(pages) {
      pages.middlewares.use(serveBundles(root));
      pages.middlewares.use((req, _res, next) => {
        // The scripted page is the demo's front page in local mode.
        if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?'))) {
          req.url = `/index.html${req.url.slice(1)}`;
        }
        next();
      });
    },
  };
}

/**
 * Vite's logger at `warn`, without the proxy's reports of a page that went away while its
 * socket was being written to (a closed tab: nothing went wrong).
 */
function pagesLogger(): Logger {
  const logger = createLogger('warn');
  const error = logger.error.bind(logger);
  logger.error = (message, options) => {
    const code = (options?.error as NodeJS.ErrnoException | undefined)?.code;
    if (/ws proxy/.test(message) && (code === 'EPIPE' || code === 'ECONNRESET')) return;
    error(message, options);
  };
  return logger;
}

/** A simulated session's closed chats are dropped from the server this long after closing. */
const SIMULATED_RETENTION_MS = 15 * 60_000;

/** Starts the demo: server + page sessions + page (live), or the scripted page alone (`local`). */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const root = options.root ?? ROOT;
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5173;
  const local = options.local === true;
  const simulate = options.simulator !== false;
  const idleMs = options.sessions?.idleMs ?? 3 * 60_000;

  // Both pages dock the built bundle through its script tag, so both need it built.
  if (options.build !== false && widgetBundlesStale(root)) {
    log('dist is missing or older than the sources: npm run build…');
    await buildWidgetBundles(root, options.signal);
  }
  if (options.signal?.aborted) throw new Error('demo start aborted');

  let server: RunningServer | null = null;
  let sessions: DemoSessions<SessionRun, SessionParams> | null = null;
  let sweeper: ReturnType<typeof setInterval> | null = null;
  let disposeConfig: () => void = () => {};
  let pages: PreviewServer | null = null;
  let origin = '';
  const secret = randomBytes(32).toString('base64url');
  try {
    const plugins: Plugin[] = [];
    const proxy: Record<string, { target: string; ws?: boolean; changeOrigin?: boolean }> = {};
    if (!local) {
      server = await startServer({
        secret,
        port: 0,
        data: options.data,
        // Every page's simulated team is closed when the page goes: dropped soon after.
        ...(simulate ? { retentionMs: SIMULATED_RETENTION_MS, compactEveryMs: 60_000 } : {}),
        warn: (message) => log(`server: ${message}`),
      });
      const running = server;
      const scenarios = simulate ? loadScenarios(join(root, 'demo/scenarios')) : [];
      const simulator = options.simulator || {};
      const config = shareConfig(running, () => sessions?.list() ?? []);
      disposeConfig = config.dispose;
      sessions = new DemoSessions<SessionRun, SessionParams>({
        max: options.sessions?.max ?? 8,
        idleMs,
        start(id, params) {
          if (!simulate) return { team: DEMO_TEAM, simulator: null };
          const team = `demo-${id}`;
          config.apply(team);
          log(`page session ${id} (${params.role}, speed ${params.speed}, skip ${params.skipS} s)`);
          return {
            team,
            simulator: startSimulator({
              ...simulator,
              speed: params.speed * (simulator.speed ?? 1),
              skipMs: params.skipS * 1000,
              agentId: DEMO_USERS.agent.id,
              scenarios,
              ingest: (events) => running.ingest(events, team),
              isOpen: async (chatId) => (await running.hub.sync(team)).closedAt(chatId) === null,
              warn: (message) => log(`${team}: ${message}`),
            }),
          };
        },
        async stop(session, reason: EndReason) {
          const { team, simulator: run } = session.running;
          log(`page session ${session.id} ended (${reason})`);
          if (!run) return;
          await run.close();
          await closeOpenChats(running, team).catch((err: unknown) =>
            log(`${team}: could not close its chats: ${(err as Error).message}`),
          );
        },
      });
      const pageSessions = sessions;
      sweeper = setInterval(() => pageSessions.sweep(Date.now()), Math.min(15_000, idleMs / 4));
      sweeper.unref();
      plugins.push(
        liveDemoPlugin(
          root,
          server,
          secret,
          sessions,
          Math.max(1000, Math.round(idleMs / 4)),
          () => origin,
        ),
      );
      proxy['/socket.io'] = { target: server.url, ws: true };
      proxy['/v1'] = { target: server.url };
      proxy['/healthz'] = { target: server.url };
    } else plugins.push(bundlesPlugin(root));
    // Vite's preview serves the built pages in dist/demo and nothing else: no sources, no
    // package files, no stored event log.
    pages = await preview({
      root,
      configFile: join(root, 'vite.config.ts'),
      customLogger: pagesLogger(),
      clearScreen: false,
      plugins,
      preview: { host, port, strictPort: port !== 0, open: false, proxy },
    });
    const address = pages.httpServer.address();
    const actualPort = address && typeof address === 'object' ? address.port : port;
    origin = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

    const ps = pages;
    const pageSessions = sessions;
    const sweep = sweeper;
    let closing: Promise<void> | null = null;
    return {
      mode: local ? 'local' : 'live',
      url: `${origin}/`,
      supervisorUrl: `${origin}/?role=supervisor`,
      server,
      sessions,
      pages: ps,
      close() {
        closing ??= (async () => {
          if (sweep) clearInterval(sweep);
          disposeConfig();
          await pageSessions?.closeAll();
          await ps.close();
          await server?.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    if (sweeper) clearInterval(sweeper);
    disposeConfig();
    await sessions?.closeAll();
    await pages?.close().catch(() => {});
    await server?.close().catch(() => {});
    throw err;
  }
}
