// A tiny static server for the browser tests (node:http on 127.0.0.1, a free port): the built
// bundles under /dist/, the demo SOP library as /fixtures/library.json and the test pages and
// scripts each test registers. Every HTML page is sent with the strict CSP from embed.md
// unless the page opts into hashes for inline scripts (to run the embed.md snippet as
// written); nothing else is relaxed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { buildLibrary } from '../../../demo/sop-library.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const DIST = join(ROOT, 'dist');
export const STRICT_CSP = "default-src 'self'; style-src 'self'; script-src 'self'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface PageOptions {
  /** `strict` (default): the embed.md policy; `inline-hashes`: that policy plus sha256 hashes of the page's inline scripts; `none`. */
  csp?: 'strict' | 'inline-hashes' | 'none';
  /** Extra directives appended to the policy, e.g. `connect-src 'self' ws://…` for a socket. */
  extraCsp?: string;
}

export interface TestServer {
  origin: string;
  /** Registers `/pages/<name>` (html, js or css). */
  add(name: string, body: string, options?: PageOptions): string;
  /** Delays responses for paths that start with this prefix (ms). */
  delay(pathPrefix: string, ms: number): void;
  close(): Promise<void>;
}

let libraryJson: string | undefined;

/** The demo library (demo/library/*.md) as sop-library/1 JSON. */
export function demoLibraryJson(): string {
  if (libraryJson === undefined) {
    const dir = join(ROOT, 'demo/library');
    const sources = readdirSync(dir).map((name) => ({
      file: `demo/library/${name}`,
      text: readFileSync(join(dir, name), 'utf8'),
    }));
    const built = buildLibrary(sources);
    if (!built.ok) throw new Error(`demo library is invalid:\n${built.problems.join('\n')}`);
    libraryJson = JSON.stringify(built.library);
  }
  return libraryJson;
}

/** The strict policy plus the hashes of the page's inline `<script>` bodies. */
export function cspWithInlineHashes(html: string): string {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`,
  );
  return `default-src 'self'; style-src 'self'; script-src 'self' ${hashes.join(' ')}`;
}

export async function startServer(root: string = ROOT): Promise<TestServer> {
  const pages = new Map<string, { body: string; csp: PageOptions['csp']; extraCsp?: string }>();
  const delays: Array<[string, number]> = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const wait = delays.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 0;
    setTimeout(() => {
      const send = (status: number, body: string | Buffer, type: string, csp?: string) => {
        const headers: Record<string, string> = {
          'content-type': type,
          'cache-control': 'no-store',
        };
        if (csp) headers['content-security-policy'] = csp;
        res.writeHead(status, headers);
        res.end(body);
      };
      const type = TYPES[extname(path)] ?? 'application/octet-stream';
      if (path === '/fixtures/library.json') return send(200, demoLibraryJson(), type);
      if (path === '/favicon.ico') return send(204, '', 'image/x-icon');
      const page = pages.get(path);
      if (page) {
        let csp: string | undefined;
        if (type.startsWith('text/html') && page.csp !== 'none') {
          csp = page.csp === 'inline-hashes' ? cspWithInlineHashes(page.body) : STRICT_CSP;
          if (page.extraCsp) csp = `${csp}; ${page.extraCsp}`;
        }
        return send(200, page.body, type, csp);
      }
      const file = normalize(join(root, path));
      if (!file.startsWith(root)) return send(403, 'forbidden', 'text/plain');
      try {
        const body = readFileSync(file);
        return send(200, body, type, type.startsWith('text/html') ? STRICT_CSP : undefined);
      } catch {
        return send(404, 'not found', 'text/plain');
      }
    }, wait);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    add(name, body, options = {}) {
      const path = `/pages/${name}`;
      pages.set(path, { body, csp: options.csp ?? 'strict', extraCsp: options.extraCsp });
      return `${origin}${path}`;
    },
    delay(pathPrefix, ms) {
      delays.push([pathPrefix, ms]);
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
