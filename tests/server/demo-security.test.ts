// The live demo serves only its built pages and dist/'s bundles (never the sources, package
// files or its stored event log), and its state-changing endpoints refuse cross-site
// requests: JSON only, with the page's per-session token, from the page's own origin.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningDemo, startDemo } from '../../src/server/demo.ts';
import { ROOT, removeDir, tempDir } from './helpers.ts';

const built = existsSync(join(ROOT, 'dist/demo/demo/live.html'));

describe.runIf(built || process.env.CI)('live demo: what it serves and who may post', () => {
  let demo: RunningDemo;
  let data: string;
  beforeAll(async () => {
    data = await tempDir('playbook-demo-');
    demo = await startDemo({ port: 0, build: false, simulator: false, data });
    // Something in the stored event log to try to read.
    await demo.server!.ingest({
      type: 'chat.started',
      chatId: 'c-secret',
      at: Date.now(),
      customer: { name: 'Private Person' },
    });
  });
  afterAll(async () => {
    await demo?.close();
    await removeDir(data);
  });

  const get = (path: string) => fetch(new URL(path, demo.url));

  it('serves the pages, the bundles and the proxied server', async () => {
    for (const path of ['/', '/index.html', '/demo/live.html', '/dist/chat-playbook.iife.js']) {
      expect((await get(path)).status, path).toBe(200);
    }
    expect((await get('/healthz')).status).toBe(200);
    const page = await (await get('/')).text();
    expect(page).toContain('id="playbook"');
  });

  it('serves nothing else: not the sources, package files, the event log or other files', async () => {
    const paths = [
      '/package.json',
      '/package-lock.json',
      '/src/core/events.ts',
      '/src/server/demo.ts',
      '/demo/live.tsx',
      '/demo/scenarios/01-late-parcel.jsonl',
      '/.git/config',
      '/README.md',
      `/@fs${ROOT}/package.json`,
      `/@fs${data}/teams/default/events.jsonl`,
      '/teams/default/events.jsonl',
      '/dist/cli.js',
      '/dist/demo/index.html',
      '/assets/../../package.json',
      '/%2e%2e/package.json',
    ];
    for (const path of paths) {
      const res = await get(path);
      const text = await res.text();
      expect(res.status, path).toBe(404);
      expect(text).not.toContain('Private Person');
      expect(text).not.toContain('"devDependencies"');
    }
    // No source maps either.
    const html = await (await get('/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await get(`${script}.map`)).status).toBe(404);
  });

  it('refuses cross-site posts to /demo/say (CSRF) and takes the page’s own', async () => {
    const session = (await (await get('/demo/session')).json()) as { sessionToken: string };
    expect(session.sessionToken).toMatch(/^[\w-]+\.[\w-]{20,}$/);
    const say = (headers: Record<string, string>, body: string) =>
      fetch(new URL('/demo/say', demo.url), { method: 'POST', headers, body });
    const body = JSON.stringify({ chatId: 'c-secret', text: 'hello from elsewhere' });

    // A form on another site can send text/plain without a preflight.
    const plain = await say({ 'Content-Type': 'text/plain' }, body);
    expect(plain.status).toBe(403);
    // JSON without the session token (a page that cannot read /demo/session).
    const noToken = await say({ 'Content-Type': 'application/json' }, body);
    expect(noToken.status).toBe(403);
    // The token, but from a foreign origin.
    const foreign = await say(
      {
        'Content-Type': 'application/json',
        'X-Demo-Session': session.sessionToken,
        Origin: 'https://evil.example',
      },
      body,
    );
    expect(foreign.status).toBe(403);
    const wrong = await say(
      { 'Content-Type': 'application/json', 'X-Demo-Session': 'x'.repeat(32) },
      body,
    );
    expect(wrong.status).toBe(403);
    expect(await demo.server!.hub.head('default')).toBe(1);

    const own = await say(
      {
        'Content-Type': 'application/json',
        'X-Demo-Session': session.sessionToken,
        Origin: new URL(demo.url).origin,
      },
      body,
    );
    expect(own.status).toBe(200);
    expect(await demo.server!.hub.head('default')).toBe(2);
  });
});
