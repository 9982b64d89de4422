// `npm run demo` stops everything it started on Ctrl-C and on SIGTERM. The demo runs as a
// person runs it (`npm run demo -- --port 0 --no-build`: npm, its shell, node), a page session
// is opened so a simulator runs, then the signal goes out: Ctrl-C as a terminal sends it, to
// the whole process group; SIGTERM to npm (which hands it to its shell only), and to the
// demo's own process as a service manager would. Afterwards every process it had started is
// gone and both ports (the pages' and the realtime server's) are free. A signal during the
// start's build stops the build's whole process tree too.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../../src/server/demo.ts';
import { ROOT } from './helpers.ts';

const built = existsSync(join(ROOT, 'dist/demo/demo/live.html'));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Every process under `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of children.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** Whether a process still exists (a zombie waiting to be reaped counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf((built || process.env.CI) && process.platform === 'linux')(
  'npm run demo: Ctrl-C and SIGTERM stop every child',
  { timeout: 60_000 },
  () => {
    const cases = [
      { name: 'Ctrl-C (SIGINT to the process group)', signal: 'SIGINT', to: 'group' },
      { name: 'SIGTERM to npm', signal: 'SIGTERM', to: 'npm' },
      { name: 'SIGTERM to the demo process', signal: 'SIGTERM', to: 'demo' },
    ] as const;
    it.each(cases)('$name stops the demo, every process and both ports', async ({ signal, to }) => {
      // Its own process group, as in a terminal; cleaning up after a failure reaches all of it.
      const npm = spawn(NPM, ['run', 'demo', '--', '--port', '0', '--no-build'], {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      npm.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      npm.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const tree = () => [npm.pid!, ...descendants(npm.pid!)];
      let started: number[] = [];
      try {
        await until(() => /Ctrl-C to stop/.test(output), 40_000);
        const pagePort = Number(/agent page:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output)![1]);
        const serverPort = Number(
          /realtime server:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output)![1],
        );
        // A page's session: its simulator runs.
        const session = await fetch(`http://127.0.0.1:${pagePort}/demo/session`);
        expect(session.status).toBe(200);
        expect(await portFree(pagePort)).toBe(false);
        expect(await portFree(serverPort)).toBe(false);
        started = tree();
        const demo = started.find((pid) =>
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('scripts/demo.mjs\0'),
        );
        expect(demo).toBeDefined();

        if (to === 'group') process.kill(-npm.pid!, signal);
        else process.kill(to === 'npm' ? npm.pid! : demo!, signal);
        await until(() => !started.some(running), 20_000);
        // The demo closed itself, page sessions and all (it was not cut short on the way).
        expect(output).toMatch(/: stopping the demo…/);
        expect(output).toMatch(/page session \S+ ended \(shutdown\)/);
        expect(await portFree(pagePort)).toBe(true);
        expect(await portFree(serverPort)).toBe(true);
      } finally {
        for (const pid of started.length > 0 ? started : tree()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      }
    });

    it('an abort during the build stops the build and every process it started', async () => {
      // A project whose `npm run build` starts a process that starts another, and never ends.
      const root = mkdtempSync(join(tmpdir(), 'demo-build-'));
      const pids = join(root, 'pids.json');
      writeFileSync(
        join(root, 'package.json'),
        JSON.stringify({ name: 'fake', private: true, scripts: { build: 'node build.cjs' } }),
      );
      writeFileSync(
        join(root, 'build.cjs'),
        `const { spawn } = require('node:child_process');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
require('node:fs').writeFileSync(${JSON.stringify(pids)}, JSON.stringify([process.ppid, process.pid, grandchild.pid]));
setInterval(() => {}, 1000);
`,
      );
      const abort = new AbortController();
      try {
        const starting = startDemo({ root, port: 0, signal: abort.signal });
        const failed = starting.then(
          () => null,
          (err: Error) => err.message,
        );
        await until(() => existsSync(pids), 20_000);
        const started = JSON.parse(readFileSync(pids, 'utf8')) as number[];
        expect(started.every(running)).toBe(true);
        abort.abort();
        expect(await failed).toBe('build aborted');
        await until(() => !started.some(running), 10_000);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  },
);
