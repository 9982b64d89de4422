// The live demo's page sessions (src/server/demo.ts): every page load gets one, with its own
// token for the demo's POSTs and, when the demo simulates, its own team and simulator run, so
// its clocks start when the page opens. A session ends when its page says goodbye (pagehide),
// when the page has not been heard from for `idleMs`, or when it is the least recently seen
// of `max` sessions and a new page arrives: a reload storm replaces sessions, it never piles
// them up. Plain bookkeeping: `now` passed in, no timers (the demo sweeps on an interval).
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface DemoSession<R = unknown, P = unknown> {
  /** Public: part of the token and of the team's name. */
  readonly id: string;
  /** What the page asked for (its role, the simulation's speed…). */
  readonly params: P;
  /** `<id>.<secret>`: what the page sends in `X-Demo-Session`. */
  readonly token: string;
  readonly createdAt: number;
  lastSeen: number;
  /** What the session runs (its team and simulator), made by `start`. */
  readonly running: R;
}

export type EndReason = 'gone' | 'idle' | 'replaced' | 'shutdown';

export interface DemoSessionsOptions<R, P> {
  /** Sessions alive at once (at least 1). */
  max: number;
  /** A session not heard from for this long ends. */
  idleMs: number;
  /** Starts what a new session runs. */
  start(id: string, params: P): R;
  /** Stops it (the session is already gone from the list); failures are its own to report. */
  stop(session: DemoSession<R, P>, reason: EndReason): Promise<void>;
}

/** Same value, in constant time (false for different lengths). */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type Lookup<R, P> =
  | { ok: true; session: DemoSession<R, P> }
  | { ok: false; reason: 'malformed' | 'ended' | 'wrong' };

export class DemoSessions<R, P> {
  private readonly sessions = new Map<string, { session: DemoSession<R, P>; secret: string }>();
  private readonly waiting = new Set<(session: DemoSession<R, P>) => void>();
  private readonly stopping = new Set<Promise<void>>();

  constructor(private readonly options: DemoSessionsOptions<R, P>) {}

  get size(): number {
    return this.sessions.size;
  }

  list(): DemoSession<R, P>[] {
    return [...this.sessions.values()].map((entry) => entry.session);
  }

  /** A new session, ending the least recently seen one first when `max` are alive. */
  create(params: P, now: number): DemoSession<R, P> {
    while (this.sessions.size >= Math.max(1, this.options.max)) {
      const oldest = this.list().sort((a, b) => a.lastSeen - b.lastSeen)[0]!;
      this.end(oldest, 'replaced');
    }
    const id = randomBytes(9).toString('base64url');
    const secret = randomBytes(24).toString('base64url');
    const session: DemoSession<R, P> = {
      id,
      params,
      token: `${id}.${secret}`,
      createdAt: now,
      lastSeen: now,
      running: this.options.start(id, params),
    };
    this.sessions.set(id, { session, secret });
    for (const resolve of [...this.waiting]) resolve(session);
    this.waiting.clear();
    return session;
  }

  /** The session a page's `X-Demo-Session` token names, or why there is none. */
  find(token: unknown): Lookup<R, P> {
    if (typeof token !== 'string') return { ok: false, reason: 'malformed' };
    const dot = token.indexOf('.');
    if (dot <= 0) return { ok: false, reason: 'malformed' };
    const entry = this.sessions.get(token.slice(0, dot));
    if (!entry) return { ok: false, reason: 'ended' };
    if (!sameSecret(token.slice(dot + 1), entry.secret)) return { ok: false, reason: 'wrong' };
    return { ok: true, session: entry.session };
  }

  /** The page was heard from. */
  touch(session: DemoSession<R, P>, now: number): void {
    session.lastSeen = Math.max(session.lastSeen, now);
  }

  end(session: DemoSession<R, P>, reason: EndReason): Promise<void> {
    if (this.sessions.get(session.id)?.session !== session) return Promise.resolve();
    this.sessions.delete(session.id);
    const stopped: Promise<void> = this.options
      .stop(session, reason)
      .catch(() => {})
      .finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
    return stopped;
  }

  /** Ends the sessions not heard from for `idleMs`. */
  sweep(now: number): void {
    for (const session of this.list()) {
      if (now - session.lastSeen > this.options.idleMs) void this.end(session, 'idle');
    }
  }

  /** Resolves with the next session created (tests, scripts). */
  next(): Promise<DemoSession<R, P>> {
    return new Promise((resolve) => this.waiting.add(resolve));
  }

  /** Ends every session and waits for all stops, earlier ones included. */
  async closeAll(): Promise<void> {
    for (const session of this.list()) void this.end(session, 'shutdown');
    await Promise.allSettled([...this.stopping]);
  }
}
