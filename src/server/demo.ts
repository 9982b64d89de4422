// `npm run demo` (scripts/demo.mjs) in-process: the realtime server with the embedded store,
// the helpdesk simulator feeding it, and the demo helpdesk pages (built into dist/demo) on
// Vite's preview server, which proxies /socket.io and /v1 to the server, so the page, the
// widget and its socket are one origin under the strict CSP. It serves only the built pages
// and dist/'s bundles: never the sources, package files or the demo's stored event log. The page docks the widget with the documented script tag
// (dist/chat-playbook.iife.js, which loads dist/chat-playbook.socket.js from beside itself).
//
// Demo-only endpoints on the page's origin (the secret never reaches the page):
//   GET  /demo/session?role=agent|supervisor  the demo user's tokens (widget + the desk's feed)
//   POST /demo/say    {chatId, text, internal?}  an agent message, signed and POSTed to /v1/events
//   POST /demo/close  {chatId}                   chat.closed, likewise
// The POSTs must be JSON, carry the session's `X-Demo-Session` token and come from the page's
// own origin, so another site cannot make the demo speak (CSRF).
// Development only: vite is a devDependency, and nothing in the CLI imports this file.
import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Connect, Plugin, PreviewServer } from 'vite';
import { preview } from 'vite';
import { type RunningServer, signBody, startServer } from './index.ts';
import {
  type PlannedChat,
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
  /** Simulator settings, or false for none (an idle helpdesk). */
  simulator?: Partial<Omit<SimulatorOptions, 'scenarios' | 'ingest'>> | false;
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
  simulator: Simulator | null;
  /** The page server: Vite's preview of the built demo pages (dist/demo), nothing else. */
  pages: PreviewServer;
  close(): Promise<void>;
}

/**
 * What the demo serves and so must be built: the script-tag bundle, the transport chunk it
 * loads from beside itself, and the demo pages (vite.config.ts builds them into dist/demo).
 */
const BUNDLES = [
  'chat-playbook.iife.js',
  'chat-playbook.socket.js',
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
    ...readdirSync(root)
      .filter((name) => /^vite\..*config\.ts$/.test(name))
      .map((name) => join(root, name)),
    join(root, 'package-lock.json'),
  ].filter((path) => existsSync(path));
  return inputs.some((path) => newestMtime(path) > built);
}

/**
 * `npm run build`: the script-tag bundle and its lazily loaded chunks (and the CLI and ESM
 * builds with them), exactly as the package's build script makes them.
 */
export function buildWidgetBundles(root = ROOT): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`npm run build exited with ${code}`)),
    );
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

/** Same value, in constant time (false for different lengths). */
function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Whether a state-changing demo request comes from the demo page itself: a JSON body (a
 * cross-site form can only send text/plain, urlencoded or multipart without a preflight,
 * which this server never grants), the per-session token the page got from /demo/session
 * in a header, and no foreign Origin. Returns why not, or null.
 */
function crossSiteRefusal(
  req: IncomingMessage,
  origin: string,
  sessionToken: string,
): string | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return 'send Content-Type: application/json';
  const given = req.headers['x-demo-session'];
  if (typeof given !== 'string' || !sameToken(given, sessionToken)) {
    return 'missing or wrong X-Demo-Session header (from /demo/session)';
  }
  const from = req.headers.origin;
  if (from !== undefined && from !== origin) return `cross-origin request from ${from}`;
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'cross-site request';
  return null;
}

/** The demo's own endpoints and the agent page at `/`. */
function liveDemoPlugin(
  root: string,
  server: RunningServer,
  secret: string,
  origin: () => string,
): Plugin {
  // One token per run of the demo, given to the page with its session.
  const sessionToken = randomBytes(24).toString('base64url');
  const post = async (events: Record<string, unknown>[]) => {
    // Signed like any helpdesk webhook: the page never sees the secret.
    const body = JSON.stringify(events);
    const response = await fetch(`${server.url}/v1/teams/${DEMO_TEAM}/events`, {
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
      const user =
        url.searchParams.get('role') === 'supervisor' ? DEMO_USERS.supervisor : DEMO_USERS.agent;
      const token = server.token({
        team: DEMO_TEAM,
        role: user.role,
        sub: user.id,
        name: user.name,
      });
      // The page's own feed of the conversations (a second socket.io client).
      const deskToken = server.token({
        team: DEMO_TEAM,
        role: 'agent',
        sub: `desk-${user.id}`,
        name: 'Demo helpdesk',
      });
      return json(res, 200, { team: DEMO_TEAM, user, token, deskToken, sessionToken });
    }
    if (route !== 'POST /demo/say' && route !== 'POST /demo/close') return next();
    const refusal = crossSiteRefusal(req, origin(), sessionToken);
    if (refusal) {
      req.resume();
      return json(res, 403, { error: refusal });
    }
    readJson(req)
      .then(async (body) => {
        const chatId = body.chatId;
        if (typeof chatId !== 'string' || chatId === '' || chatId.length > 200) {
          return json(res, 400, { error: 'chatId: a non-empty string' });
        }
        if (route === 'POST /demo/close') {
          const r = await post([{ type: 'chat.closed', chatId, at: new Date().toISOString() }]);
          return json(res, r.status, r.body);
        }
        const text = typeof body.text === 'string' ? body.text.trim() : '';
        if (text === '' || text.length > 8000) {
          return json(res, 400, { error: 'text: 1 to 8000 characters' });
        }
        const user = body.as === 'supervisor' ? DEMO_USERS.supervisor : DEMO_USERS.agent;
        said += 1;
        const r = await post([
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

/** Starts the demo: server + simulator + page (live), or the scripted page alone (`local`). */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const root = options.root ?? ROOT;
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5173;
  const local = options.local === true;

  // Both pages dock the built bundle through its script tag, so both need it built.
  if (options.build !== false && widgetBundlesStale(root)) {
    log('dist is missing or older than the sources: npm run build…');
    await buildWidgetBundles(root);
  }

  let server: RunningServer | null = null;
  let simulator: Simulator | null = null;
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
        warn: (message) => log(`server: ${message}`),
      });
      plugins.push(liveDemoPlugin(root, server, secret, () => origin));
      proxy['/socket.io'] = { target: server.url, ws: true };
      proxy['/v1'] = { target: server.url };
      proxy['/healthz'] = { target: server.url };
    } else plugins.push(bundlesPlugin(root));
    // Vite's preview serves the built pages in dist/demo and nothing else: no sources, no
    // package files, no stored event log.
    pages = await preview({
      root,
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      clearScreen: false,
      plugins,
      preview: { host, port, strictPort: port !== 0, open: false, proxy },
    });
    const address = pages.httpServer.address();
    const actualPort = address && typeof address === 'object' ? address.port : port;
    origin = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

    if (server && options.simulator !== false) {
      const running = server;
      simulator = startSimulator({
        ...(options.simulator ?? {}),
        agentId: DEMO_USERS.agent.id,
        scenarios: loadScenarios(join(root, 'demo/scenarios')),
        ingest: (events) => running.ingest(events, DEMO_TEAM),
        onChat: (chat: PlannedChat) => {
          if (options.simulator) options.simulator.onChat?.(chat);
          log(
            `chat ${chat.chatId}: ${chat.customer} (${chat.scenario}) — ${
              chat.kind === 'yours' ? 'waiting for you' : 'a colleague’s chat'
            }`,
          );
        },
        warn: (message) => log(message),
      });
    }

    const ps = pages;
    let closing: Promise<void> | null = null;
    return {
      mode: local ? 'local' : 'live',
      url: `${origin}/`,
      supervisorUrl: `${origin}/?role=supervisor`,
      server,
      simulator,
      pages: ps,
      close() {
        closing ??= (async () => {
          await simulator?.close();
          await ps.close();
          await server?.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await simulator?.close();
    await pages?.close().catch(() => {});
    await server?.close().catch(() => {});
    throw err;
  }
}
