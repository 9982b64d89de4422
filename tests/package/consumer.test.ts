// The package as a consumer gets it (issue 17): `npm pack`, then `npm install` of the tarball
// into a fresh project, offline: the project starts with a hard-linked copy of this
// checkout's node_modules (the "already-installed dependencies"), so npm resolves the
// package's dependencies there and prunes the rest. Then, from that project only:
// - the bin through npm's link (`npx chat-playbook`): usage, version, an audit and its exit codes;
// - `import { mount } from 'chat-playbook'` with its declarations, checked by `tsc --noEmit`;
// - the installed script-tag bundle (`chat-playbook/iife`) in Chromium, under the strict CSP.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { browserAvailable, launch, STUB, watch } from '../browser/support/browser.ts';
import { helpdeskPage, initScript, waitInShadow } from '../browser/support/pages.ts';
import { demoLibraryJson, ROOT, startServer, type TestServer } from '../browser/support/server.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = ['dist/cli.js', 'dist/chat-playbook.js', 'dist/types/index.d.ts'].every((f) =>
  existsSync(join(ROOT, f)),
);
const inCi = process.env.CI === 'true';
if (!built && !inCi) console.warn('dist/ is not built: skipping the package test (npm run build)');

describe.skipIf(!built && !inCi)('the packed package in a fresh project', () => {
  let dir: string;
  let app: string;
  const npx = (args: string[], input?: string) =>
    spawnSync(NPM, ['exec', '--offline', '--', 'chat-playbook', ...args], {
      cwd: app,
      encoding: 'utf8',
      input,
      env: { ...process.env, NO_COLOR: '1' },
    });

  beforeAll(() => {
    if (!built) throw new Error('CI=true but dist/ is not built');
    dir = mkdtempSync(join(tmpdir(), 'playbook-package-'));
    app = join(dir, 'app');
    mkdirSync(app);
    const packed = JSON.parse(
      execFileSync(NPM, ['pack', '--json', '--pack-destination', dir], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    const tarball = join(dir, packed[0].filename);
    // Hard links: a copy in a second, and npm's pruning cannot touch the checkout's files.
    execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(app, 'node_modules')]);
    writeFileSync(
      join(app, 'package.json'),
      '{"name":"consumer","private":true,"type":"module"}\n',
    );
    execFileSync(
      NPM,
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
      {
        cwd: app,
        stdio: 'ignore',
      },
    );
  }, 180_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships what a consumer needs and nothing of the checkout', () => {
    const installed = join(app, 'node_modules/chat-playbook');
    for (const file of [
      'dist/cli.js',
      'dist/chat-playbook.iife.js',
      'dist/types/index.d.ts',
      'CHANGELOG.md',
      'LICENSE',
    ]) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    for (const file of ['src', 'tests', 'dist/demo', 'node_modules/.bin']) {
      expect(existsSync(join(installed, file)), file).toBe(false);
    }
    // Source maps are not shipped (README "As a package").
    const files = readdirSync(installed, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.some((f) => f.startsWith('dist/cli/audit-'))).toBe(true);
    // The checkout's own development tools were pruned: only what the package needs is left.
    expect(existsSync(join(app, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/socket.io'))).toBe(true);
  });

  it('runs the bin through npm with the exit code of what it did', () => {
    const help = npx(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: chat-playbook <command>');
    expect(npx(['--version']).stdout.trim()).toBe(pkg.version);

    const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 9, 0, s)).toISOString();
    const transcript = [
      { type: 'chat.started', chatId: 'c-1', at: at(0), customer: { name: 'Dana Lee' } },
      { type: 'message', chatId: 'c-1', id: 'm1', at: at(1), author: 'customer', text: 'Hello?' },
      { type: 'message', chatId: 'c-1', id: 'm2', at: at(50), author: 'agent', text: 'Hi Dana!' },
      { type: 'chat.closed', chatId: 'c-1', at: at(60) },
    ];
    const file = join(app, 'chat.jsonl');
    writeFileSync(file, `${transcript.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const audit = npx(['audit', file, '--json']);
    expect(audit.status, audit.stderr).toBe(0);
    const result = JSON.parse(audit.stdout);
    const chat = result.chats.find((c: { chatId: string }) => c.chatId === 'c-1');
    expect(chat).toMatchObject({
      firstResponseS: 50,
      firstResponseBreached: true,
      greetedByName: true,
    });

    writeFileSync(join(app, 'broken.jsonl'), `${JSON.stringify(transcript[0])}\n{not json\n`);
    expect(npx(['audit', join(app, 'broken.jsonl'), '--strict']).status).toBe(1);
    expect(npx(['audit', join(app, 'missing.jsonl')]).status).toBe(1);
    expect(npx(['no-such-command']).status).toBe(2);
  });

  it('types `mount` for TypeScript, and a misuse fails to compile', () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          noEmit: true,
          types: [],
        },
        files: ['app.ts'],
      }),
    );
    const tsc = (source: string) => {
      writeFileSync(join(app, 'app.ts'), source);
      return spawnSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app],
        {
          encoding: 'utf8',
        },
      );
    };
    const good = tsc(`import { mount, type ChatEvent, type WidgetHandle } from 'chat-playbook';
const unmount = mount('#playbook', { agent: { id: 'a-1', name: 'Sam' }, transport: 'local' });
const widget: WidgetHandle = unmount.widget;
const started: ChatEvent = { type: 'chat.started', chatId: 'c-1', at: Date.now() };
widget.event(started);
unmount();
`);
    expect(good.status, good.stdout).toBe(0);
    const bad = tsc(`import { mount } from 'chat-playbook';
const n: number = mount('#playbook', {});
`);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toContain("is not assignable to type 'number'");
  });

  describe.skipIf(!browserAvailable && !inCi)('in Chromium', () => {
    let browser: Browser;
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(app);
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('docks the installed script-tag bundle, which loads its chunks from the package', async () => {
      const iife = `/node_modules/chat-playbook/${pkg.exports['./iife'].replace('./', '')}`;
      server.add('library.json', demoLibraryJson());
      server.add(
        'setup.js',
        initScript(
          { library: '/pages/library.json' },
          `ChatPlaybook('event', { type: 'chat.started', chatId: 'c-1', at: Date.now() - 5000, customer: { name: 'Maya' } });
ChatPlaybook('event', { type: 'message', chatId: 'c-1', id: 'm1', at: Date.now() - 4000, author: 'customer', text: 'My parcel is late, where is my order?' });
ChatPlaybook('focus', 'c-1');`,
        ),
      );
      const url = server.add(
        'consumer.html',
        helpdeskPage(
          `<script src="/pages/stub.js"></script><script src="/pages/setup.js"></script><script src="${iife}" async></script>`,
        ),
      );
      server.add('stub.js', STUB);
      const context = await browser.newContext();
      try {
        const w = await watch(context);
        await w.page.goto(url);
        await waitInShadow(w.page, '[data-cp-chat="c-1"]');
        // The suggestions come from the search chunk, fetched beside the installed bundle.
        await waitInShadow(w.page, '[data-cp-suggestion]');
        expect(w.errors).toEqual([]);
        expect(await w.violations()).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  });
});
