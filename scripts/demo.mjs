#!/usr/bin/env node
// `npm run demo`: the live demo helpdesk. Builds the widget bundles when dist is missing or
// stale, starts the realtime server in-process (memory store, or --data), the helpdesk
// simulator, and the demo page on http://127.0.0.1:5173 (src/server/demo.ts). Run with tsx
// (package.json), which loads the TypeScript sources.
//   npm run demo [-- --port 5173] [--data [DIR]] [--chats N] [--minutes M] [--seed S] [--no-sim]
//   npm run demo -- --local     the scripted demo on the local transport (no server)
import { resolve } from 'node:path';
import { startDemo } from '../src/server/demo.ts';

const usage = `Usage: npm run demo [-- options]

  --port N        the page's port (default 5173; 0 picks a free one)
  --data [DIR]    keep the server's event log in DIR (default .demo-data) instead of memory
  --chats N       chats the simulator opens (default 12)
  --minutes M     how long the simulator runs (default 15)
  --seed S        the simulator's random seed (default: the time)
  --no-sim        no simulator: an idle helpdesk (post events to /v1/events yourself)
  --local         the scripted demo on the local transport instead (no server)`;

const args = process.argv.slice(2);
const options = { port: 5173, simulator: {}, log: (line) => console.log(`  ${line}`) };
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
  else if (arg === '--data') {
    const next = args[i + 1];
    options.data = resolve(next && !next.startsWith('--') ? args[++i] : '.demo-data');
  } else if (arg === '--chats') options.simulator.maxChats = number(value());
  else if (arg === '--minutes' && options.simulator)
    options.simulator.durationMs = number(value()) * 60_000;
  else if (arg === '--seed' && options.simulator) options.simulator.seed = number(value());
  else {
    console.error(`unknown option: ${arg}\n\n${usage}`);
    process.exit(2);
  }
}

let demo;
try {
  demo = await startDemo(options);
} catch (err) {
  if (err?.code === 'EADDRINUSE' || /already in use/i.test(String(err?.message))) {
    console.error(`demo: port ${options.port} is in use (--port N, or 0 for any)`);
  } else console.error(`demo: could not start: ${err?.stack ?? err}`);
  process.exit(1);
}

if (demo.mode === 'local') {
  console.log(`\nChat Playbook demo (scripted, local transport)\n  agent page: ${demo.url}\n`);
} else {
  const sim = demo.simulator?.plan;
  console.log(`
Chat Playbook demo (live: realtime server + simulated helpdesk)
  agent page:       ${demo.url}
  supervisor page:  ${demo.supervisorUrl}
  realtime server:  ${demo.server.url} (${demo.server.storage === 'file' ? `--data ${options.data}` : 'memory'}; proxied at /socket.io and /v1)
  simulator:        ${sim ? `${sim.chats.length} chats until ${new Date(sim.endsAt).toLocaleTimeString()}` : 'off'}
Ctrl-C to stop.
`);
  demo.simulator?.done.then((stats) => {
    if (stats.reason === 'finished') {
      console.log(
        `  simulator finished: ${stats.chats} chats, ${stats.events} events (the page stays up)`,
      );
    }
  });
}

let stopping = false;
const stop = (signal) => {
  if (stopping) {
    process.exit(130);
  }
  stopping = true;
  console.log(`\n${signal}: stopping the demo…`);
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
