// The widget's transport to `chat-playbook serve` over socket.io (docs/realtime.md):
// - events arrive in batches carrying per-team offsets; the transport applies each offset
//   once, holds back a batch that would leave a gap, and resumes from its last offset on
//   every reconnection, so the widget sees every stored event exactly once;
// - the agent's actions and SOP picks are sent with an ack and retried (same id, backoff)
//   until stored; the team's picks arrive on every connection and live (`onPicks`);
// - `now()` is the local clock corrected by an NTP-style estimate of the server's clock.
import {
  io as connect,
  type ManagerOptions,
  type Socket,
  type SocketOptions,
} from 'socket.io-client';
import type { ChatEvent } from '../core/index.ts';
import type { TeamReport } from '../report/types.ts';
import type {
  ActionAck,
  ConfigHistoryAck,
  ConfigSaveAck,
  ConfigVersion,
  EventsBatch,
  HeadAck,
  PickAck,
  PickRequest,
  ReplayAck,
  SharedPick,
  Welcome,
  WidgetAuth,
} from '../server/wire.ts';
import type { Clock } from './clock.ts';
import type {
  ReportQuery,
  SocketTransportOptions,
  Transport,
  TransportSink,
  TransportStatus,
} from './transport.ts';

// ---------------------------------------------------------------------------
// Clock: offset = serverTime − (t0 + t1) / 2, from the lowest-RTT of the last N samples.

export interface ClockSample {
  offsetMs: number;
  rttMs: number;
}

export class ClockSync {
  private readonly samples: ClockSample[] = [];
  constructor(private readonly keep = 8) {}

  /** One round trip: sent at local t0, answered with serverTime, received at local t1. */
  add(t0: number, serverTime: number, t1: number): void {
    const rttMs = t1 - t0;
    if (!Number.isFinite(serverTime) || rttMs < 0) return;
    this.samples.push({ offsetMs: serverTime - (t0 + t1) / 2, rttMs });
    if (this.samples.length > this.keep) this.samples.shift();
  }

  /** The best sample so far (lowest round trip), or null before the first one. */
  best(): ClockSample | null {
    let best: ClockSample | null = null;
    for (const s of this.samples) if (!best || s.rttMs < best.rttMs) best = s;
    return best;
  }

  get offsetMs(): number {
    return this.best()?.offsetMs ?? 0;
  }
}

// ---------------------------------------------------------------------------
// Offsets: apply each stored event once, in order, with no gaps.

export class OffsetSequencer {
  /** The log the offsets belong to (null before the first snapshot or replay). */
  log: string | null = null;
  /** Every event with offset ≤ last has been delivered (or was never needed). */
  last = 0;
  /** Events dropped because their offset had already been applied. */
  duplicates = 0;
  private pending: EventsBatch[] = [];

  constructor(start?: { log: string; offset: number }) {
    if (start) {
      this.log = start.log;
      this.last = start.offset;
    }
  }

  /** Takes a batch; returns the events to deliver now (this batch and any it unblocked). */
  accept(batch: EventsBatch): ChatEvent[] {
    const out: ChatEvent[] = [];
    if (batch.snapshot) this.applySnapshot(batch, out);
    else if (batch.log === this.log && batch.after <= this.last) this.apply(batch, out);
    else {
      this.pending.push(batch);
      if (this.pending.length > 1000) this.pending.shift();
    }
    this.drain(out);
    return out;
  }

  /** True while a batch waits for an earlier one (then ask the server for a replay). */
  get waiting(): boolean {
    return this.pending.length > 0;
  }

  private applySnapshot(batch: EventsBatch, out: ChatEvent[]): void {
    const sameLog = batch.log === this.log;
    if (!sameLog) {
      this.log = batch.log;
      this.last = 0;
      this.pending = this.pending.filter((b) => b.log === batch.log);
    }
    this.apply(batch, out);
  }

  private apply(batch: EventsBatch, out: ChatEvent[]): void {
    for (const { o, e } of batch.events) {
      if (o > this.last) out.push(e);
      else this.duplicates += 1;
    }
    const top = batch.events.length > 0 ? batch.events[batch.events.length - 1]!.o : 0;
    this.last = Math.max(this.last, batch.head, top);
  }

  private drain(out: ChatEvent[]): void {
    let progressed = true;
    while (progressed && this.pending.length > 0) {
      progressed = false;
      for (let i = 0; i < this.pending.length; i++) {
        const b = this.pending[i]!;
        if (b.log !== this.log || b.after > this.last) continue;
        this.pending.splice(i, 1);
        this.apply(b, out);
        progressed = true;
        break;
      }
    }
    // Batches entirely behind us carry nothing new.
    this.pending = this.pending.filter((b) => b.log !== this.log || b.head > this.last);
  }
}

// ---------------------------------------------------------------------------
// The transport

export interface SocketTransportExtras {
  /** The team the widget expects; a token of another team is refused by the server. */
  team?: string;
  /** Fresh tokens for reconnections (e.g. fetched from the host's backend). */
  getToken?: () => string | Promise<string>;
  /** Resume from this position (e.g. kept in sessionStorage by the host). */
  resumeFrom?: { log: string; offset: number };
  /** Clock samples: every `syncIntervalMs` (default 30 s), keep the last `samples` (8). */
  syncIntervalMs?: number;
  samples?: number;
  /** How long to wait for an ack before resending (default 5 s). */
  ackTimeoutMs?: number;
  /** How long a gap may last before asking for a replay (default 1 s). */
  gapRepairMs?: number;
  /**
   * Tells the transport the network is back (default: the browser's `online` event), so it
   * reconnects at once instead of waiting out its backoff. Returns the cleanup.
   */
  onOnline?: (listener: () => void) => () => void;
  /** The report's HTTP client (default the global fetch; tests). */
  fetch?: typeof fetch;
  /** socket.io-client's `io` (tests) and extra options. */
  io?: typeof connect;
  ioOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface SocketTransport extends Transport {
  sharePick(pick: PickRequest): Promise<void>;
  onPicks(listener: (picks: SharedPick[]) => void): () => void;
  /** Supervisors: saves a (partial) configuration; errors name the field. */
  saveConfig(config: unknown, comment?: string): Promise<ConfigSaveAck>;
  configHistory(): Promise<ConfigVersion[]>;
  revertConfig(version: number, comment?: string): Promise<ConfigSaveAck>;
  /** Supervisors: the team report, over HTTP with the connection's token. */
  report(query: ReportQuery): Promise<TeamReport>;
  /** The configuration version last pushed by the server. */
  configVersion(): ConfigVersion | null;
  /** Who the server says we are, after the first connection. */
  welcome(): Welcome | null;
  /** The last applied offset and its log (keep it to resume after a page reload). */
  position(): { log: string | null; offset: number };
  /** The current clock estimate, or null before the first sample. */
  clock(): ClockSample | null;
  /** Events dropped as already applied (by offset). */
  duplicatesDropped(): number;
}

interface PendingAction {
  id: string;
  /** The socket event and its payload: `action` { id, event } or `pick` { id, text, sopId }. */
  name: 'action' | 'pick';
  payload: unknown;
  attempts: number;
  inFlight: boolean;
  timer: unknown;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** The browser's `online` event, where there is one (not in Node). */
function browserOnline(listener: () => void): () => void {
  const target = globalThis as { addEventListener?: EventTarget['addEventListener'] } & Partial<
    Pick<EventTarget, 'removeEventListener'>
  >;
  if (typeof target.addEventListener !== 'function') return () => {};
  target.addEventListener('online', listener);
  return () => target.removeEventListener?.('online', listener);
}

function randomId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const AUTH_CODES = new Set([
  'auth_missing',
  'auth_malformed',
  'auth_algorithm',
  'auth_signature',
  'auth_expired',
  'auth_claims',
  'auth_role',
  'auth_team',
]);

/**
 * Creates the socket transport (the widget's `adapters.socket`). `clock` is the widget's
 * clock: its `now()` is the local time this transport corrects, and its timers drive the
 * clock samples and retries.
 */
export function createSocketTransport(
  options: SocketTransportOptions & SocketTransportExtras,
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>,
): SocketTransport {
  const sync = new ClockSync(options.samples ?? 8);
  const seq = new OffsetSequencer(options.resumeFrom);
  const syncEvery = options.syncIntervalMs ?? 30_000;
  const ackTimeout = options.ackTimeoutMs ?? 5000;
  const gapRepairMs = options.gapRepairMs ?? 1000;
  const actions = new Map<string, PendingAction>();
  const pickListeners = new Set<(picks: SharedPick[]) => void>();
  let sink: TransportSink | null = null;
  let socket: Socket | null = null;
  let disposed = false;
  let status: TransportStatus | null = null;
  let configVersion: ConfigVersion | null = null;
  let welcome: Welcome | null = null;
  let syncTimer: unknown = null;
  let gapTimer: unknown = null;
  let retryConnectTimer: unknown = null;
  let authFailures = 0;
  let initialTokenUsed = false;
  /** The token of the latest connection: the report's request carries it too. */
  let token = options.token;

  const setStatus = (next: TransportStatus) => {
    if (disposed || next === status) return;
    status = next;
    sink?.status(next);
  };

  const deliver = (events: ChatEvent[]) => {
    if (!disposed && events.length > 0) sink?.events(events);
  };

  function auth(cb: (data: WidgetAuth) => void): void {
    const finish = (fresh: string) => {
      token = fresh;
      const data: WidgetAuth = { token: fresh };
      if (seq.log !== null) {
        data.log = seq.log;
        data.offset = seq.last;
      }
      if (options.team !== undefined) data.team = options.team;
      cb(data);
    };
    // The first connection uses the token given; later ones ask for a fresh one.
    if (!options.getToken || !initialTokenUsed) {
      initialTokenUsed = true;
      finish(options.token);
      return;
    }
    Promise.resolve()
      .then(() => options.getToken!())
      .then(finish, () => finish(options.token));
  }

  // Clock sampling ----------------------------------------------------------
  /** Resolves true once the server answered (or failed to answer) a sample. */
  function sample(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = socket;
      if (!s?.connected) return resolve(false);
      const t0 = clock.now();
      s.timeout(ackTimeout).emit('time', (err: unknown, serverTime: number) => {
        if (!err) sync.add(t0, serverTime, clock.now());
        resolve(true);
      });
    });
  }

  async function burst(): Promise<void> {
    for (let i = 0; i < 3 && !disposed; i++) if (await sample()) releaseHeld();
  }

  function scheduleSync(): void {
    if (syncTimer !== null) clock.clearTimeout(syncTimer);
    syncTimer = clock.setTimeout(() => {
      syncTimer = null;
      if (disposed) return;
      checkHead();
      void sample().then(scheduleSync);
    }, syncEvery);
  }

  /** A live batch lost on the way would leave us behind with nothing to show a gap. */
  function checkHead(): void {
    const s = socket;
    if (!s?.connected || seq.log === null) return;
    s.timeout(ackTimeout).emit('head', (err: unknown, ack?: HeadAck) => {
      if (err || !ack?.ok || disposed) return;
      if (ack.log !== seq.log || ack.head > seq.last) requestReplay();
    });
  }

  function requestReplay(): void {
    const s = socket;
    if (!s?.connected) return;
    const req: { after: number; log?: string } = { after: seq.last };
    if (seq.log !== null) req.log = seq.log;
    s.timeout(ackTimeout).emit('replay', req, (_err: unknown, _ack?: ReplayAck) => {
      if (seq.waiting) scheduleGapRepair();
    });
  }

  // Events --------------------------------------------------------------------
  // Until the first clock sample, batches wait (one round trip): read with a local clock
  // minutes off, chats would show, and announce, breaches that are not there.
  let held: EventsBatch[] | null = [];
  function releaseHeld(): void {
    const batches = held;
    held = null;
    for (const batch of batches ?? []) onBatch(batch);
  }

  function onBatch(batch: EventsBatch): void {
    if (held) {
      held.push(batch);
      return;
    }
    deliver(seq.accept(batch));
    if (seq.waiting) scheduleGapRepair();
    else if (gapTimer !== null) {
      clock.clearTimeout(gapTimer);
      gapTimer = null;
    }
  }

  function scheduleGapRepair(): void {
    if (gapTimer !== null) return;
    gapTimer = clock.setTimeout(() => {
      gapTimer = null;
      if (disposed || !seq.waiting) return;
      requestReplay();
    }, gapRepairMs);
  }

  // Actions -------------------------------------------------------------------
  function attempt(p: PendingAction): void {
    const s = socket;
    if (disposed || p.inFlight || !s?.connected) return;
    p.inFlight = true;
    p.attempts += 1;
    s.timeout(ackTimeout).emit(
      p.name,
      p.payload,
      (err: unknown, ack: ActionAck | PickAck | undefined) => {
        p.inFlight = false;
        if (!actions.has(p.id)) return;
        if (!err && ack?.ok) {
          actions.delete(p.id);
          p.resolve();
        } else if (!err && ack && !ack.ok && !ack.retry) {
          actions.delete(p.id);
          p.reject(new Error(ack.error));
        } else {
          retryLater(p);
        }
      },
    );
  }

  function retryLater(p: PendingAction): void {
    if (p.timer !== null) return;
    const base = Math.min(15_000, 250 * 2 ** Math.min(p.attempts, 6));
    const delay = base / 2 + Math.random() * (base / 2);
    p.timer = clock.setTimeout(() => {
      p.timer = null;
      attempt(p);
    }, delay);
  }

  function resendAll(): void {
    for (const p of actions.values()) {
      if (p.timer !== null) {
        clock.clearTimeout(p.timer);
        p.timer = null;
      }
      attempt(p);
    }
  }

  // Connection ----------------------------------------------------------------
  function open(): void {
    const io = options.io ?? connect;
    const s = io(options.url, {
      auth,
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
      ...options.ioOptions,
    });
    socket = s;
    s.on('connect', () => {
      authFailures = 0;
      setStatus('online');
      void burst();
      scheduleSync();
      resendAll();
    });
    s.on('welcome', (w: Welcome) => {
      welcome = w;
      // The server has said who we are (it may come after 'online'): re-reporting the status
      // makes the widget read the role again (the supervisor view appears without a push).
      if (!disposed && status) sink?.status(status);
    });
    s.on('events', onBatch);
    s.on('picks', (picks: SharedPick[]) => {
      if (!disposed && Array.isArray(picks)) for (const l of pickListeners) l(picks);
    });
    s.on('config', (v: ConfigVersion) => {
      configVersion = v;
      // Version 0 is the built-in defaults: the host's own thresholds stay until a
      // supervisor saves a configuration for the team.
      if (v.version > 0 && !disposed) sink?.config(v.config);
    });
    s.on('disconnect', (reason: string) => {
      if (disposed) return;
      setStatus('offline');
      if (reason === 'io server disconnect') {
        // The server closed us (e.g. the token expired): reconnect, with a fresh token if
        // the host gives one; a refused token ends in connect_error below.
        reconnectSoon(1000);
      }
    });
    s.io.on('reconnect_attempt', () => setStatus('connecting'));
    s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (disposed) return;
      const code = err.data?.code;
      if (code && AUTH_CODES.has(code)) {
        authFailures += 1;
        setStatus('error');
        // Only a token provider can fix a refused token; without one, stop here.
        if (options.getToken && authFailures < 10) reconnectSoon(1000 * 2 ** authFailures);
        return;
      }
      if (!s.active) reconnectSoon(2000);
      else setStatus('offline');
    });
  }

  /** The network is back: try now rather than at the end of the backoff (up to 10 s). */
  function reconnectNow(): void {
    const s = socket;
    if (disposed || !s || s.connected) return;
    setStatus('connecting');
    // A socket waiting out its manager's backoff ignores connect(): close it and open again.
    s.disconnect();
    s.connect();
  }

  function reconnectSoon(ms: number): void {
    if (retryConnectTimer !== null || disposed) return;
    retryConnectTimer = clock.setTimeout(
      () => {
        retryConnectTimer = null;
        if (!disposed && socket && !socket.connected) {
          setStatus('connecting');
          socket.connect();
        }
      },
      Math.min(ms, 60_000),
    );
  }

  function request<T>(event: string, payload: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const s = socket;
      if (disposed || !s) return reject(new Error('transport disposed'));
      if (!s.connected) return reject(new Error('not connected to the server'));
      s.timeout(ackTimeout).emit(event, payload, (err: unknown, ack: T) => {
        if (err) reject(new Error(`no answer from the server (${event})`));
        else resolve(ack);
      });
    });
  }

  /** Sends until the server stores it (or refuses it for good). */
  function deliverAcked(id: string, name: PendingAction['name'], payload: unknown): Promise<void> {
    if (disposed) return Promise.reject(new Error('transport disposed'));
    return new Promise<void>((resolve, reject) => {
      const p: PendingAction = {
        id,
        name,
        payload,
        attempts: 0,
        inFlight: false,
        timer: null,
        resolve,
        reject,
      };
      actions.set(id, p);
      attempt(p);
    });
  }

  async function report(query: ReportQuery): Promise<TeamReport> {
    if (disposed) throw new Error('transport disposed');
    const url = new URL('/v1/report', options.url);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const res = await (options.fetch ?? fetch)(url.href, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = (await res.json().catch(() => null)) as Partial<TeamReport> & {
      error?: unknown;
    };
    if (!res.ok) {
      const why = typeof body?.error === 'string' ? body.error : `status ${res.status}`;
      throw new Error(`the server refused the report: ${why}`);
    }
    if (!Array.isArray(body?.agents) || !Array.isArray(body.team)) {
      throw new Error('the server sent no report');
    }
    return body as TeamReport;
  }

  let stopOnline = () => {};

  return {
    start(s) {
      if (disposed || sink) return;
      sink = s;
      setStatus('connecting');
      open();
      stopOnline = (options.onOnline ?? browserOnline)(reconnectNow);
    },
    send(action) {
      const id = randomId();
      return deliverAcked(id, 'action', { id, event: action });
    },
    sharePick: (pick: PickRequest) =>
      deliverAcked(pick.id, 'pick', { id: pick.id, text: pick.text, sopId: pick.sopId }),
    onPicks(listener) {
      pickListeners.add(listener);
      return () => pickListeners.delete(listener);
    },
    now: () => clock.now() + sync.offsetMs,
    dispose() {
      if (disposed) return;
      disposed = true;
      held = null;
      for (const t of [syncTimer, gapTimer, retryConnectTimer])
        if (t !== null) clock.clearTimeout(t);
      stopOnline();
      for (const p of actions.values()) {
        if (p.timer !== null) clock.clearTimeout(p.timer);
        p.reject(new Error('transport disposed before the server stored the action'));
      }
      actions.clear();
      pickListeners.clear();
      socket?.removeAllListeners();
      socket?.io.removeAllListeners();
      socket?.disconnect();
      socket = null;
      sink = null;
    },
    saveConfig: (config, comment) =>
      request<ConfigSaveAck>(
        'config:save',
        comment === undefined ? { config } : { config, comment },
      ),
    configHistory: async () => {
      const ack = await request<ConfigHistoryAck>('config:history', {});
      if (!ack.ok) throw new Error(ack.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
      return ack.versions;
    },
    revertConfig: (version, comment) =>
      request<ConfigSaveAck>(
        'config:revert',
        comment === undefined ? { version } : { version, comment },
      ),
    report,
    configVersion: () => configVersion,
    welcome: () => welcome,
    position: () => ({ log: seq.log, offset: seq.last }),
    clock: () => sync.best(),
    duplicatesDropped: () => seq.duplicates,
  };
}
