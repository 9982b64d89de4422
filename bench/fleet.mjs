// The processes behind a measured or tested fleet, started the same way by bench/load.mjs,
// bench/report.mjs and tests/server/fleet.test.ts: `redis-server` (no persistence, a private
// directory), `chat-playbook serve` children, and HAProxy as the round-robin front. Each
// returns a handle whose stop() leaves nothing behind. Readings come from /proc (Linux).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

// Whatever is still running or on disk when this process exits (a thrown error, a hard time
// limit; the benches turn Ctrl-C into an exit) goes with it: no redis-server or serve left behind.
const leftovers = { children: new Set(), dirs: new Set() };
process.once('exit', () => {
  for (const child of leftovers.children) child.kill('SIGKILL');
  for (const dir of leftovers.dirs) rmSync(dir, { recursive: true, force: true });
});
function track(child, dir) {
  leftovers.children.add(child);
  child.once('exit', () => leftovers.children.delete(child));
  if (dir) leftovers.dirs.add(dir);
  return child;
}
function forget(dir) {
  rmSync(dir, { recursive: true, force: true });
  leftovers.dirs.delete(dir);
}

export function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Resident memory now and at its peak (MiB), and CPU time used so far (s), of a process;
 * NaN once it is gone.
 */
export function processStats(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
    const peakRssMiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024;
    // Fields after the command name (which may hold spaces): utime is the 14th, stime the 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    return { rssMiB, peakRssMiB, cpuSeconds };
  } catch {
    return { rssMiB: Number.NaN, peakRssMiB: Number.NaN, cpuSeconds: Number.NaN };
  }
}

/** Waits until `pattern` shows in the child's output; rejects if it exits first. */
function waitForOutput(child, pattern, what, ms = 15_000) {
  return new Promise((resolveMatch, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start in ${ms / 1000} s:\n${out}`));
    }, ms);
    const onData = (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        resolveMatch(m);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${out}`));
    });
  });
}

function exitOf(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

/** A private `redis-server` on 127.0.0.1: no snapshots, no AOF (a bench, not a store). */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-redis-'));
  const port = await freePort();
  const child = track(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    ),
    dir,
  );
  await waitForOutput(child, /Ready to accept connections/i, 'redis-server', 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    /** `used_memory` from INFO, in bytes. */
    memoryBytes() {
      try {
        const info = execFileSync('redis-cli', ['-p', String(port), 'info', 'memory'], {
          encoding: 'utf8',
        });
        return Number(/used_memory:(\d+)/.exec(info)?.[1]);
      } catch {
        return Number.NaN;
      }
    },
    async stop() {
      child.kill('SIGKILL');
      await exitOf(child);
      forget(dir);
    },
  };
}

/**
 * One `chat-playbook serve` child on a free port of 127.0.0.1 (the built dist/cli.js when
 * `built`, else the TypeScript source through tsx). Resolves once it listens.
 */
export async function spawnServe({ args = [], env = {}, built = false } = {}) {
  const port = await freePort();
  const entry = built
    ? [join(ROOT, 'dist/cli.js')]
    : ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts')];
  // A --port or --host in `args` comes later and wins.
  const child = track(
    spawn(
      process.execPath,
      [...entry, 'serve', '--port', String(port), '--host', '127.0.0.1', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ),
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-20_000);
  });
  const [, url] = await waitForOutput(child, /listening on (http:\/\/\S+)/, 'serve', 30_000);
  child.stdout.resume();
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid,
    child,
    stderr: () => stderr,
    stats: () => processStats(child.pid),
    exited: () => exitOf(child),
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exitOf(child);
    },
  };
}

/**
 * HAProxy in front of `backends` (ports on 127.0.0.1): a health check on /healthz every
 * 250 ms, and a refused connection retried on another server, so a killed process's widgets
 * land on the others when they reconnect. WebSocket upgrades pass through (HTTP mode).
 * `route: 'team'` hashes the `team` query parameter (consistent hashing: a killed process's
 * teams move, the others stay), which also keeps a polling client's requests on one process;
 * requests without it (webhooks) and `route: 'round-robin'` go round robin, where polling
 * would need `balance source` (docs/realtime.md).
 */
export async function startFront(backends, { route = 'team' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-front-'));
  const port = await freePort();
  const config = [
    'global',
    '  maxconn 9000', // two descriptors a connection, under this machine's limit of 20,000
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    '  option redispatch',
    '  retries 3',
    'frontend widgets',
    `  bind 127.0.0.1:${port}`,
    '  default_backend serve',
    'backend serve',
    // By team, with bounded loads: a process takes a team's next widget only while it holds
    // under 125 % of the average, so a team far bigger than the rest spreads over several
    // processes instead of overwhelming one when its process dies (docs/performance.md).
    ...(route === 'team'
      ? ['  balance url_param team', '  hash-type consistent', '  hash-balance-factor 125']
      : []),
    ...(route === 'round-robin' ? ['  balance roundrobin'] : []),
    '  option httpchk GET /healthz',
    // Weight 64 places each server at many points of the hash ring, so teams spread evenly
    // (at weight 1, two processes held 760 and 1,240 of 2,000 widgets; at 64, 980 and 1,020).
    ...backends.map(
      (p, i) => `  server s${i} 127.0.0.1:${p} weight 64 check inter 250 fall 1 rise 2`,
    ),
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child = track(
    spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] }),
    dir,
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  // Ready once it answers through to a backend.
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`haproxy did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid,
    stats: () => processStats(child.pid),
    async stop() {
      child.kill('SIGKILL');
      await exitOf(child);
      forget(dir);
    },
  };
}
