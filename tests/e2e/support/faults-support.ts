// Support for tests/e2e/faults.test.ts: the widget's page on the socket transport, what the
// agent sees in it (clocks, unread counts, notes, checklist, connection badge), a probe that
// timestamps every change of a displayed m:ss (so the widget's clock can be compared with
// the server's to the millisecond), a Chromium whose tabs can really be hidden and frozen,
// and the 50,000-SOP library built in the background.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../../scripts/chromium.mjs';
import { html, RECORDER, STUB } from '../../browser/support/browser.ts';
import { AGENT, BUNDLE } from '../../browser/support/pages.ts';
import { ROOT, type TestServer } from '../../browser/support/server.ts';

// ---------------------------------------------------------------------------
// Pages

/** Records long tasks of the page's main thread from the first script on (window.__longtasks). */
export const LONGTASKS = `window.__longtasks = [];
try {
  new PerformanceObserver(function (list) {
    for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}`;

export interface WidgetPageOptions {
  /** The chat the host has open (its notes are on screen). */
  focus?: string;
  /** `transport: { url, token }`; without it the local transport. */
  socket?: { url: string; token: string };
  /** Library URL. */
  library?: string;
  /** Extra setup script (runs after init). */
  extra?: string;
}

/**
 * Registers a helpdesk page that docks the widget with the embed.md script tag and returns its
 * URL. Every host event lands in window.__log (RECORDER).
 */
export function widgetPage(pages: TestServer, name: string, options: WidgetPageOptions): string {
  const init: Record<string, unknown> = { target: '#playbook', agent: AGENT, role: 'agent' };
  init.transport = options.socket ?? 'local';
  if (options.library) init.library = options.library;
  const setup = `${RECORDER}
ChatPlaybook('on', 'ready', __record('ready'));
ChatPlaybook('on', 'error', __record('error'));
ChatPlaybook('on', 'clock', __record('clock'));
ChatPlaybook('init', ${JSON.stringify(init)});
${options.focus ? `ChatPlaybook('focus', ${JSON.stringify(options.focus)});` : ''}
${options.extra ?? ''}`;
  pages.add(`${name}-stub.js`, STUB);
  pages.add(`${name}-setup.js`, setup);
  pages.add(`${name}-longtasks.js`, LONGTASKS);
  const connect = options.socket
    ? (() => {
        const { host } = new URL(options.socket.url);
        return `connect-src 'self' http://${host} ws://${host}`;
      })()
    : undefined;
  return pages.add(
    `${name}.html`,
    html({
      head: `<script src="/pages/${name}-longtasks.js"></script>`,
      body: `<main id="helpdesk"><h1>Helpdesk</h1><textarea id="composer" aria-label="Reply"></textarea></main>
<aside id="playbook" aria-label="Chat Playbook"></aside>
<script src="/pages/${name}-stub.js"></script><script src="/pages/${name}-setup.js"></script>
<script async src="${BUNDLE}"></script>`,
    }),
    connect ? { extraCsp: connect } : {},
  );
}

// ---------------------------------------------------------------------------
// What the agent sees

export interface ClockView {
  state: string | null;
  /** The displayed m:ss in seconds. */
  s: number | null;
}

export interface ChatView {
  firstResponse: ClockView;
  gap: ClockView;
  unread: number;
}

export interface WidgetView {
  /** The connection badge ('connecting', 'offline', 'error'); null when online. */
  status: string | null;
  chats: Record<string, ChatView>;
  /** The focused chat's notes, as shown (time of day stripped). */
  notes: string[];
  /** The focused chat's checklist: item → aria-checked. */
  checks: Record<string, boolean>;
}

/** Page-side: reads the shadow root as the agent sees it (plain JS, run in the page). */
const VIEW = `(() => {
  const root = document.querySelector('#playbook') && document.querySelector('#playbook').shadowRoot;
  if (!root) return null;
  const secs = (text) => {
    const m = /(\\d+):(\\d\\d)/.exec(text || '');
    return m ? Number(m[1]) * 60 + Number(m[2]) : null;
  };
  const clock = (row, name) => {
    const el = row.querySelector('[data-cp-clock="' + name + '"]');
    return { state: el ? el.getAttribute('data-cp-state') : null, s: el ? secs(el.textContent) : null };
  };
  const chats = {};
  for (const row of root.querySelectorAll('[data-cp-chat]')) {
    const unread = row.querySelector('.cp-unread');
    chats[row.getAttribute('data-cp-chat')] = {
      firstResponse: clock(row, 'firstResponse'),
      gap: clock(row, 'gap'),
      unread: unread ? parseInt(unread.textContent, 10) : 0,
    };
  }
  const notes = Array.from(root.querySelectorAll('.cp-notes li'), (li) =>
    Array.from(li.childNodes).filter((n) => !(n.classList && n.classList.contains('cp-muted')))
      .map((n) => n.textContent).join('').trim());
  const checks = {};
  for (const el of root.querySelectorAll('[data-cp-check]')) {
    checks[el.getAttribute('data-cp-check')] = el.getAttribute('aria-checked') === 'true';
  }
  const badge = root.querySelector('.cp-head .cp-badge:not([data-kind])');
  return { status: badge ? badge.textContent.trim() : null, chats, notes, checks };
})()`;

export async function view(page: Page): Promise<WidgetView> {
  const v = (await page.evaluate(VIEW)) as WidgetView | null;
  if (!v) throw new Error('the widget is not mounted');
  return v;
}

/** Polls the view (every 20 ms) until `predicate` holds; returns Date.now() at that moment. */
export async function waitForView(
  page: Page,
  predicate: (v: WidgetView) => boolean,
  timeout = 20_000,
  what = 'the widget to show it',
): Promise<number> {
  const deadline = Date.now() + timeout;
  let last: WidgetView | null = null;
  for (;;) {
    last = (await page.evaluate(VIEW)) as WidgetView | null;
    if (last && predicate(last)) return Date.now();
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; the widget shows ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------------------
// Clock probe: every change of a displayed m:ss, timestamped by the test process (whose
// clock is the server's: same machine). A clock that shows second s at real time t, for a
// period that began at `since`, is s·1000 − (t − since) ms ahead of the server (negative:
// behind; the few ms the change takes to reach the test count as behind).

export interface Tick {
  key: string;
  s: number;
  state: string | null;
  t: number;
}

const PROBE = `(() => {
  const root = document.querySelector('#playbook').shadowRoot;
  const last = new Map();
  const scan = () => {
    for (const el of root.querySelectorAll('[data-cp-chat] [data-cp-clock]')) {
      const row = el.closest('[data-cp-chat]');
      const key = row.getAttribute('data-cp-chat') + '|' + el.getAttribute('data-cp-clock');
      const m = /(\\d+):(\\d\\d)/.exec(el.textContent || '');
      if (!m) continue;
      const s = Number(m[1]) * 60 + Number(m[2]);
      if (last.get(key) !== s) {
        last.set(key, s);
        window.__faultsTick(key, s, el.getAttribute('data-cp-state'));
      }
    }
  };
  new MutationObserver(scan).observe(root, { subtree: true, childList: true, characterData: true });
  scan();
})()`;

export class ClockProbe {
  readonly ticks: Tick[] = [];
  private constructor(private readonly page: Page) {}

  /** Exposes the binding; call before the page loads. `start()` once the widget is mounted. */
  static async create(page: Page): Promise<ClockProbe> {
    const probe = new ClockProbe(page);
    await page.exposeBinding('__faultsTick', (_source, key: string, s: number, state: string) => {
      probe.ticks.push({ key, s, state, t: Date.now() });
    });
    return probe;
  }

  async start(): Promise<void> {
    await this.page.evaluate(PROBE);
  }

  /**
   * Errors (ms, + = ahead of the server) of every one-second step shown after `from`, for the
   * clocks in `since` (key `chatId|clock` → start of the running period, server time),
   * `shift` = what the server's clock adds to the test process's.
   */
  errors(since: Record<string, number>, from: number, shift = 0): number[] {
    const out: number[] = [];
    const previous = new Map<string, number>();
    for (const tick of this.ticks) {
      const before = previous.get(tick.key);
      previous.set(tick.key, tick.s);
      const start = since[tick.key];
      if (start === undefined || tick.t < from || before !== tick.s - 1) continue;
      out.push(tick.s * 1000 - (tick.t + shift - start));
    }
    return out;
  }

  /** Waits until every clock in `keys` showed `steps` one-second steps after `from`. */
  async steps(keys: string[], from: number, steps = 2, timeout = 10_000): Promise<void> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const counts = keys.map((key) => {
        let n = 0;
        let before: number | undefined;
        for (const tick of this.ticks) {
          if (tick.key !== key) continue;
          if (tick.t >= from && before === tick.s - 1) n += 1;
          before = tick.s;
        }
        return n;
      });
      if (counts.every((n) => n >= steps)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `clocks did not tick: ${keys.map((k, i) => `${k}=${counts[i]}`).join(', ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The largest absolute value (0 for none). */
export function largest(values: number[]): number {
  return values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/**
 * How far a displayed whole second `s` is from a true elapsed time known to lie in
 * [lo, hi] ms: 0 when the true time can be inside [s, s + 1) s, else the distance.
 */
export function displayError(s: number, lo: number, hi: number): number {
  const shownLo = s * 1000;
  const shownHi = s * 1000 + 999;
  if (hi < shownLo) return shownLo - lo;
  if (lo > shownHi) return hi - shownHi;
  return Math.max(0, shownLo - lo, hi - shownHi);
}

// ---------------------------------------------------------------------------
// A Chromium whose tabs can be hidden and frozen. Playwright's own pages keep focus emulation
// on (a capture handle that keeps every page visible), so `Page.setWebLifecycleState` cannot
// hide them; attached over CDP with `noDefaults`, the browser's default context has none.

export interface BareChromium {
  browser: Browser;
  close(): Promise<void>;
}

export async function bareChromium(): Promise<BareChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'faults-chromium-'));
  const child: ChildProcess = spawn(
    CHROMIUM,
    [...CHROMIUM_FLAGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited with ${code}:\n${err}`));
    });
  });
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      // Chromium's helper processes may still be writing the profile as the browser exits:
      // retry, and never fail a test over a temporary directory.
      await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch(
        () => {},
      );
    },
  };
}

// ---------------------------------------------------------------------------
// The 50,000-SOP library (bench/synthetic-library.mjs, seed 7 as in the search bench), its
// index built by `node dist/cli.js build-index` — in child processes, so the build (tens of
// seconds) runs beside the other tests.

export interface BuiltLibrary {
  dir: string;
  index: string;
  /** Customer messages to type (bench/synthetic-library.mjs typingSessions). */
  sessions: string[];
  generateMs: number;
  buildMs: number;
}

const run = promisify(execFile);

export async function buildLibrary(count: number): Promise<BuiltLibrary> {
  const dir = await mkdtemp(join(tmpdir(), 'faults-library-'));
  const library = join(dir, 'library.json');
  const index = join(dir, 'index.json');
  const sessionsFile = join(dir, 'sessions.json');
  const script = `
import { writeFileSync } from 'node:fs';
import { mulberry32, syntheticLibrary, typingSessions } from ${JSON.stringify(join(ROOT, 'bench/synthetic-library.mjs'))};
const library = syntheticLibrary(${count}, mulberry32(7));
writeFileSync(${JSON.stringify(library)}, JSON.stringify(library));
writeFileSync(${JSON.stringify(sessionsFile)}, JSON.stringify(typingSessions(library, 3, mulberry32(11))));`;
  const t0 = Date.now();
  await run(process.execPath, ['--input-type=module', '-e', script], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const t1 = Date.now();
  await run(
    process.execPath,
    [join(ROOT, 'dist/cli.js'), 'build-index', '--library', library, '--out', index],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const t2 = Date.now();
  const sessions = JSON.parse(await readFile(sessionsFile, 'utf8')) as string[];
  return { dir, index, sessions, generateMs: t1 - t0, buildMs: t2 - t1 };
}

// ---------------------------------------------------------------------------
// Main-thread tasks from a Chromium trace (devtools.timeline): the longest `RunTask` of the
// renderer main thread of the page at `url`.

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string; data?: { frames?: Array<{ url?: string; processId?: number }> } };
}

export function longestTraceTask(trace: Buffer, url: string): { ms: number; tasks: number } {
  const parsed = JSON.parse(trace.toString('utf8')) as
    | { traceEvents?: TraceEvent[] }
    | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const pids = new Set<number>();
  for (const e of events) {
    for (const f of e.args?.data?.frames ?? []) {
      if (f.url?.startsWith(url) && f.processId !== undefined) pids.add(f.processId);
    }
  }
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .filter((e) => pids.size === 0 || pids.has(e.pid))
      .map((e) => `${e.pid}:${e.tid}`),
  );
  let ms = 0;
  let tasks = 0;
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask' || !mains.has(`${e.pid}:${e.tid}`)) continue;
    tasks += 1;
    ms = Math.max(ms, (e.dur ?? 0) / 1000);
  }
  if (mains.size === 0) throw new Error('no renderer main thread in the trace');
  return { ms, tasks };
}
