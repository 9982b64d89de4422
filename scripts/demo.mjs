#!/usr/bin/env node
// `npm run demo`: the live demo helpdesk. Builds the widget bundles when dist is missing or
// stale, starts the realtime server in-process (memory store, or --data), and the demo page on
// http://127.0.0.1:5173 (src/server/demo.ts), where every page load starts its own simulated
// helpdesk. Plain node runs it (package.json): tsx's loader, registered here, reads the
// TypeScript sources, and no tsx process stands between the signals and this one. Ctrl-C or
// SIGTERM stops everything it started (a build in progress included) and exits.
//   npm run demo [-- --port 5173] [--data [DIR]] [--chats N] [--minutes M] [--seed S] [--no-sim]
//   npm run demo -- --local     the scripted demo on the local transport (no server)
import { resolve } from 'node:path';
import { register } from 'tsx/esm/api';

const usage = `Usage: npm run demo [-- options]

  --port N        the page's port (default 5173; 0 picks a free one)
  --data [DIR]    keep the server's event log in DIR (default .demo-data) instead of memory
  --chats N       chats each page's simulation opens (default: no limit)
  --minutes M     how long each page's simulation runs (default: as long as the page is open)
  --seed S        the simulator's random seed: the same chats for every page (default: the time)
  --sessions N    pages with a simulation of their own at once (default 8; the least recently
                  seen one ends when another page opens)
  --no-sim        no simulator: one idle helpdesk that all pages share (post events to /v1/events)
  --no-build      serve dist/ as it is, even when older than the sources
  --local         the scripted demo on the local transport instead (no server)`;

const args = process.argv.slice(2);
const options = {
  port: 5173,
  simulator: {},
  sessions: {},
  log: (line) => console.log(`  ${line}`),
};
for (let i = 0; i < args.length; i += 1) {
  const arg = args[i];
  const value = () => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) {
      console.error(`${arg} needs a value\n\n${usage}`);
      process.exit(2);
    }
    i += 1;
    return v;
  };
  const number = (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      console.error(`${arg}: not a number: ${v}`);
      process.exit(2);
    }
    return n;
  };
  if (arg === '--help' || arg === '-h') {
    console.log(usage);
    process.exit(0);
  } else if (arg === '--port') options.port = number(value());
  else if (arg === '--local') options.local = true;
  else if (arg === '--no-sim') options.simulator = false;
  else if (arg === '--no-build') options.build = false;
  else if (arg === '--data') {
    const next = args[i + 1];
    options.data = resolve(next && !next.startsWith('--') ? args[++i] : '.demo-data');
  } else if (arg === '--sessions') options.sessions.max = Math.max(1, number(value()));
  else if (arg === '--chats' && options.simulator) options.simulator.maxChats = number(value());
  else if (arg === '--minutes' && options.simulator)
    options.simulator.durationMs = number(value()) * 60_000;
  else if (arg === '--seed' && options.simulator) options.simulator.seed = number(value());
  else {
    console.error(`unknown option: ${arg}\n\n${usage}`);
    process.exit(2);
  }
}

// Signals are handled from the start: one during the build stops the build's processes too.
const starting = new AbortController();
options.signal = starting.signal;
let demo = null;
/** When the first signal came: a second one a moment later forces the exit. */
let stopping = 0;
const stop = (signal) => {
  // Ctrl-C under npm arrives twice at once (from the terminal, and forwarded by npm).
  if (stopping) {
    if (Date.now() - stopping > 1000) process.exit(130);
    return;
  }
  stopping = Date.now();
  console.log(`\n${signal}: stopping the demo…`);
  setTimeout(() => {
    console.error('demo: still stopping after 15 s: exiting');
    process.exit(1);
  }, 15_000).unref();
  if (!demo) {
    // Still starting: startDemo rejects once its build has stopped, and exits below.
    starting.abort();
    return;
  }
  demo.close().then(
    () => process.exit(0),
    (err) => {
      console.error(`demo: close failed: ${err?.message ?? err}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('SIGHUP', stop);
// `npm run demo` starts this under `sh -c` and forwards its SIGTERM to that shell, which dies
// without passing it on: when the process that started the demo is gone, the demo stops too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop('its parent process exited');
}, 500).unref();
// A closed terminal or pipe must not turn the goodbye lines into a crash.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

register();
const { startDemo } = await import('../src/server/demo.ts');
try {
  demo = await startDemo(options);
} catch (err) {
  if (stopping) process.exit(0);
  if (err?.code === 'EADDRINUSE' || /already in use/i.test(String(err?.message))) {
    console.error(`demo: port ${options.port} is in use (--port N, or 0 for any)`);
  } else console.error(`demo: could not start: ${err?.stack ?? err}`);
  process.exit(1);
}
if (stopping) {
  // The signal came while the servers were starting.
  await demo.close();
  process.exit(0);
}

if (demo.mode === 'local') {
  console.log(`\nChat Playbook demo (scripted, local transport)\n  agent page: ${demo.url}\n`);
} else {
  console.log(`
Chat Playbook demo (live: realtime server + simulated helpdesk)
  agent page:       ${demo.url}
  supervisor page:  ${demo.supervisorUrl}
  realtime server:  ${demo.server.url} (${demo.server.storage === 'file' ? `--data ${options.data}` : 'memory'}; proxied at /socket.io and /v1)
  simulator:        ${options.simulator ? 'a fresh helpdesk for every page load, from the moment it opens' : 'off (one shared team "default")'}
Ctrl-C to stop.
`);
}
