// Widget figures in real Chromium, each beside a baseline from the same run:
//   - bundle size (gzip -9) against the 40 KiB budget;
//   - first render with 50 chats and a 1,000-SOP library, against an empty widget;
//   - main-thread script time per second with 50 running clocks, against the idle page;
//   - JS heap after 100 mount/destroy cycles, against the heap before them.
// Needs `npm run build` (dist/chat-playbook.iife.js) and /usr/bin/chromium.
//   node --import tsx bench/widget.ts
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../scripts/chromium.mjs';
import { demoLibraryJson, startServer } from '../tests/browser/support/server.ts';
import { writeSection } from './perf-doc.mjs';
// @ts-expect-error plain ESM helper without types
import { mulberry32, syntheticLibrary } from './synthetic-library.mjs';

const BUDGET_KB = 40;
const IIFE = 'dist/chat-playbook.iife.js';
if (!existsSync(IIFE)) throw new Error(`${IIFE} is missing: run npm run build first`);
if (!existsSync(CHROMIUM))
  throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);

const gzipKb = gzipSync(readFileSync(IIFE), { level: 9 }).length / 1024;

const server = await startServer();
const page = server.add(
  'bench.html',
  `<!doctype html><html><head><meta charset="utf-8"><title>bench</title>
<script src="/pages/stub.js"></script><script src="/dist/chat-playbook.iife.js"></script></head>
<body><div id="playbook"></div></body></html>`,
);
server.add(
  'stub.js',
  `window.ChatPlaybook = window.ChatPlaybook || function () {
  (window.ChatPlaybook.q = window.ChatPlaybook.q || []).push(arguments);
};`,
);
const blank = server.add('blank.html', '<!doctype html><html><body></body></html>');

const browser = await launchChromium(['--js-flags=--expose-gc']);

/**
 * Open chats started 35–55 s ago: half still wait for a first response (breached, running),
 * half got a hold reply and wait on the gap clock (running, below its 90 s warning). So every
 * chat has a running clock and none changes state while the script time is measured.
 */
function chatEvents(now: number, count: number): unknown[] {
  const rand = mulberry32(3);
  const events: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const chatId = `c-${i}`;
    const start = now - 35_000 - Math.floor(rand() * 20_000);
    const iso = (ms: number) => new Date(ms).toISOString();
    events.push({
      type: 'chat.started',
      chatId,
      at: iso(start),
      customer: { id: `u-${i}`, name: `Customer ${i}`, tier: i % 7 === 0 ? 'vip' : 'standard' },
      channel: 'web',
    });
    events.push({
      type: 'message',
      chatId,
      id: 'm1',
      at: iso(start + 500),
      author: 'customer',
      text: 'Hi, my parcel never arrived and I was charged twice',
    });
    if (i % 2 === 0) {
      events.push({
        type: 'message',
        chatId,
        id: 'm2',
        at: iso(start + 3000),
        author: 'agent',
        text: `Hi Customer, let me check that for you.`,
      });
    }
  }
  return events;
}

async function firstRender(p: Page, library: unknown, chats: number): Promise<number> {
  await p.goto(page);
  return p.evaluate(
    async ({ library, chats, events }) => {
      const w = window as unknown as { ChatPlaybook: (...args: unknown[]) => void };
      const host = document.getElementById('playbook')!;
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        w.ChatPlaybook('on', 'ready', () => resolve());
        w.ChatPlaybook('init', {
          target: '#playbook',
          agent: { id: 'a-1', name: 'Sam' },
          transport: 'local',
          ...(library ? { library } : {}),
        });
      });
      w.ChatPlaybook('events', events);
      // Rendered: every chat is in the shadow DOM and a frame has been painted.
      while ((host.shadowRoot?.querySelectorAll('[data-cp-chat]').length ?? 0) < chats) {
        await new Promise((r) => requestAnimationFrame(() => r(null)));
      }
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      return performance.now() - t0;
    },
    { library, chats, events: chatEvents(Date.now(), chats) },
  );
}

async function scriptMsPerSecond(p: Page, seconds: number): Promise<number> {
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0;
  };
  const before = await read();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = await read();
  await cdp.detach();
  return ((after - before) * 1000) / seconds;
}

async function heapAfterCycles(p: Page, library: unknown, cycles: number) {
  await p.goto(page);
  const cdp = await p.context().newCDPSession(p);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return p.evaluate(
      () =>
        (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
    );
  };
  const cycle = (n: number) =>
    p.evaluate(
      async ({ library, n, events }) => {
        const w = window as unknown as { ChatPlaybook: (...args: unknown[]) => void };
        for (let i = 0; i < n; i++) {
          await new Promise<void>((resolve) => {
            w.ChatPlaybook('on', 'ready', () => resolve());
            w.ChatPlaybook('init', {
              target: '#playbook',
              agent: { id: 'a-1', name: 'Sam' },
              transport: 'local',
              library,
            });
          });
          w.ChatPlaybook('events', events);
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          w.ChatPlaybook('destroy');
        }
      },
      { library, n, events: chatEvents(Date.now(), 5) },
    );
  await cycle(5); // warm-up: code compiled, caches filled
  const before = await heap();
  await cycle(cycles);
  const after = await heap();
  await cdp.detach();
  return { beforeMb: before / 1e6, afterMb: after / 1e6 };
}

const context = await browser.newContext({ viewport: { width: 360, height: 900 } });
const p = await context.newPage();
const bigLibrary = syntheticLibrary(1000, mulberry32(1000));
const demoLibrary = JSON.parse(demoLibraryJson());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const emptyRuns: number[] = [];
const fullRuns: number[] = [];
for (let i = 0; i < 5; i++) {
  emptyRuns.push(await firstRender(p, null, 0));
  fullRuns.push(await firstRender(p, bigLibrary, 50));
}
const emptyMs = median(emptyRuns);
const fullMs = median(fullRuns);

// 50 running clocks (the page from the last first-render run) in steady state: after the
// search worker has indexed and the first suggestions are drawn. Against an idle blank page.
await new Promise((r) => setTimeout(r, 3000));
const clocksMs = await scriptMsPerSecond(p, 10);
const idle = await context.newPage();
await idle.goto(blank);
const idleMs = await scriptMsPerSecond(idle, 10);
await idle.close();

const heap = await heapAfterCycles(p, demoLibrary, 100);
await browser.close();
await server.close();

const f1 = (n: number) => n.toFixed(1);
console.log(`bundle ${f1(gzipKb)} kB gzip (budget ${BUDGET_KB} kB)`);
console.log(`first render: empty ${f1(emptyMs)} ms, 50 chats + 1,000 SOPs ${f1(fullMs)} ms`);
console.log(`script time: ${f1(clocksMs)} ms/s with 50 clocks, idle page ${f1(idleMs)} ms/s`);
console.log(
  `heap: ${f1(heap.beforeMb)} MB before, ${f1(heap.afterMb)} MB after 100 mount/destroy cycles`,
);

writeSection(
  'Widget',
  `Command: \`npm run bench\` (bench/widget.ts; Chromium ${browser.version()} headless, 360×900).

| what | figure | baseline in the same run | ratio |
|---|---|---|---|
| \`dist/chat-playbook.iife.js\`, gzip -9 | ${f1(gzipKb)} kB | budget ${BUDGET_KB} kB | ${(gzipKb / BUDGET_KB).toFixed(2)}× |
| first render: init, 1,000-SOP library indexed, 50 chats drawn (median of 5) | ${f1(fullMs)} ms | ${f1(emptyMs)} ms: init with no library and no chats | ${(fullMs / emptyMs).toFixed(1)}× |
| main-thread script time with 50 running clocks (10 s, steady state) | ${f1(clocksMs)} ms/s | ${f1(idleMs)} ms/s: an idle blank page | aim < 1 ms/s |
| JS heap after 100 mount/destroy cycles (after GC) | ${f1(heap.afterMb)} MB | ${f1(heap.beforeMb)} MB before the cycles | ${(heap.afterMb / heap.beforeMb).toFixed(2)}× |`,
);
