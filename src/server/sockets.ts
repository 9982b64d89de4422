// The socket.io side: widgets on `/` (signed token of an agent or supervisor; resume from an
// offset; actions; SOP picks shared with the team; supervisors' configuration) and helpdesk
// connectors on `/connectors` (connector token or the shared secret; events in, acknowledged
// like the HTTP ingest).
import type { Namespace, Server, Socket } from 'socket.io';
import {
  type AuthFailureCode,
  isSecret,
  isTeamName,
  type TokenClaims,
  type TokenLifetimes,
  verifyToken,
} from './auth.ts';
import { type Hub, validateAction, validatePick } from './hub.ts';
import { RateLimiter } from './rate-limit.ts';
import type {
  ActionAck,
  ConfigHistoryAck,
  ConfigSaveAck,
  ConnectorAck,
  HeadAck,
  PickAck,
  ReplayAck,
  Welcome,
  WidgetAuth,
} from './wire.ts';

export interface SocketOptions {
  secret: string;
  /** Per-connector limiter (the same budget as the HTTP ingest), or null. */
  connectorLimiter: RateLimiter | null;
  /** The longest lifetime a token may have (a century-long token is refused). */
  tokenLifetimes: TokenLifetimes;
  /** Bytes a widget socket may have waiting to be written before it is cut (default 4 MiB). */
  maxPendingBytes?: number;
  warn: (message: string) => void;
}

export const DEFAULT_MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** How often widget sockets are checked for output piling up. */
const PENDING_CHECK_MS = 1000;

/**
 * What a socket has been handed and not yet written to the network: Engine.IO's queue (it
 * waits for the previous write to flush) plus the WebSocket's own buffer. A reader that does
 * not read makes these grow with every broadcast.
 */
function pendingBytes(socket: Socket): number {
  const conn = socket.conn as unknown as {
    writeBuffer?: { data?: unknown }[];
    transport?: { socket?: { bufferedAmount?: number } };
  };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    if (typeof data === 'string') bytes += data.length;
    else if (data instanceof Uint8Array) bytes += data.byteLength;
  }
  return bytes;
}

export function roomOf(team: string): string {
  return `team:${team}`;
}

function authError(code: AuthFailureCode, message: string): Error {
  const err = new Error(message) as Error & { data: { code: string } };
  err.data = { code };
  return err;
}

/** The callback of an emit with an ack: the last argument, when it is a function. */
function ackOf<T>(args: unknown[]): ((value: T) => void) | null {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as (value: T) => void) : null;
}

/**
 * Subscribes `handler` to one socket event so that any throw or rejection in it refuses that
 * one message (acked with `refusal` when the sender asked for an ack) and never reaches the
 * process: a bad message costs its sender an error, never the server.
 */
function guarded(
  socket: Socket,
  event: string,
  warn: (message: string) => void,
  refusal: (message: string) => unknown,
  handler: (...args: unknown[]) => unknown,
): void {
  socket.on(event, (...args: unknown[]) => {
    const refuse = (err: unknown) => {
      warn(`${event} from ${socket.id}: ${(err as Error)?.message ?? String(err)}`);
      try {
        ackOf<unknown>(args)?.(refusal('could not handle this message'));
      } catch {
        // the ack itself failed (the client is gone): nothing more to do
      }
    };
    try {
      const result = handler(...args);
      if (result instanceof Promise) result.catch(refuse);
    } catch (err) {
      refuse(err);
    }
  });
}

const plainRefusal = (error: string) => ({ ok: false, error, retry: false });
const configRefusal = (message: string) => ({
  ok: false,
  errors: [{ field: '(message)', message }],
});

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Budgets of one widget socket, and of one person across all their sockets (docs/realtime.md). */
export const ACTION_RATE = { perSecond: 20, burst: 60 };
export const SUBJECT_ACTION_RATE = { perSecond: 30, burst: 90 };
export const REPLAY_RATE = { perSecond: 1, burst: 5 };
/** Events a person's replays may send: a full catch-up now and then, not a firehose. */
export const REPLAY_EVENT_RATE = { perSecond: 2_000, burst: 60_000 };

/** Disconnects the socket when its token expires; the client reconnects with a fresh one. */
function expireAt(socket: Socket, expMs: number, now: number): void {
  const timer = setTimeout(() => socket.disconnect(true), Math.min(MAX_TIMER_MS, expMs - now));
  timer.unref?.();
  socket.on('disconnect', () => clearTimeout(timer));
}

export function attachSockets(io: Server, hub: Hub, options: SocketOptions): () => void {
  const widgets = io.of('/');
  const connectors = io.of('/connectors');
  // Actions and picks: per socket, and per person (a token's team and subject), so that
  // twenty sockets of one user share one budget instead of multiplying it.
  const actionLimiter = new RateLimiter(ACTION_RATE, hub.now);
  const subjectLimiter = new RateLimiter(SUBJECT_ACTION_RATE, hub.now);
  // Replays: a few requests, and a budget of events sent, per person.
  const replayLimiter = new RateLimiter(REPLAY_RATE, hub.now);
  const replayEventLimiter = new RateLimiter(REPLAY_EVENT_RATE, hub.now);

  function takeAction(socket: Socket, claims: TokenClaims): boolean {
    return (
      actionLimiter.take(socket.id).ok && subjectLimiter.take(`${claims.team}\n${claims.sub}`).ok
    );
  }

  const unlisten = hub.listen({
    // Each process hands events to its own widgets: with several, each reads its teams' events
    // from the shared log (Hub `feed`), so sending them through the adapter would repeat them.
    events: (team, batch) => widgets.local.to(roomOf(team)).emit('events', batch),
    config: (team, version) => widgets.to(roomOf(team)).emit('config', version),
    picks: (team, picks) => widgets.to(roomOf(team)).emit('picks', picks),
  });

  widgets.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as Partial<WidgetAuth>;
    const v = verifyToken(options.secret, auth.token, hub.now(), options.tokenLifetimes);
    if (!v.ok) return next(authError(v.code, v.reason));
    if (v.claims.role === 'connector') {
      return next(
        authError('auth_role', 'a connector token cannot open a widget connection (/connectors)'),
      );
    }
    if (auth.team !== undefined && auth.team !== v.claims.team) {
      return next(
        authError(
          'auth_team',
          `token is for team '${v.claims.team}', not '${String(auth.team)}': no access`,
        ),
      );
    }
    socket.data.claims = v.claims;
    next();
  });

  widgets.on('connection', (socket) => {
    const claims = socket.data.claims as TokenClaims;
    void onWidget(socket, claims).catch((err: unknown) => {
      options.warn(`widget ${claims.sub}: ${(err as Error).stack ?? String(err)}`);
      socket.disconnect(true);
    });
  });

  async function onWidget(socket: Socket, claims: TokenClaims): Promise<void> {
    const team = claims.team;
    const by = claims.name ? { sub: claims.sub, name: claims.name } : { sub: claims.sub };
    const isSupervisor = claims.role === 'supervisor';
    const auth = (socket.handshake.auth ?? {}) as Partial<WidgetAuth>;
    expireAt(socket, claims.exp * 1000, hub.now());
    // Live batches from now on; whatever comes before the catch-up the widget holds back.
    socket.join(roomOf(team));
    socket.on('disconnect', hub.watch(team));

    const on = (
      event: string,
      refusal: (message: string) => unknown,
      handler: (...args: unknown[]) => unknown,
    ) => guarded(socket, event, options.warn, refusal, handler);

    on('time', plainRefusal, (...args: unknown[]) => ackOf<number>(args)?.(hub.now()));

    on('action', plainRefusal, async (...args: unknown[]) => {
      const ack = ackOf<ActionAck>(args);
      if (!ack) return;
      const req = args[0] as { id?: unknown; event?: unknown } | undefined;
      const id = req?.id;
      if (typeof id !== 'string' || id === '' || id.length > 128) {
        return ack({
          ok: false,
          error: 'id: must be a string of 1 to 128 characters',
          retry: false,
        });
      }
      if (!takeAction(socket, claims)) {
        return ack({ ok: false, error: 'too many actions, slow down', retry: true });
      }
      const v = validateAction(req?.event, claims.sub);
      if (!v.ok) return ack({ ok: false, error: v.error, retry: false });
      try {
        if (!(await hub.hasChat(team, v.event.chatId))) {
          return ack({
            ok: false,
            error: `chatId: no chat '${v.event.chatId}' in team '${team}'`,
            retry: false,
          });
        }
        const result = await hub.append(team, [{ event: v.event, key: `${claims.sub}\n${id}` }]);
        const duplicate = result.stored.length === 0;
        ack(
          duplicate
            ? { ok: true, offset: result.offsets[0]!, duplicate }
            : { ok: true, offset: result.offsets[0]! },
        );
      } catch (err) {
        options.warn(`action of ${claims.sub}: ${(err as Error).message}`);
        ack({ ok: false, error: 'could not store the action; retrying', retry: true });
      }
    });

    on('pick', plainRefusal, async (...args: unknown[]) => {
      const ack = ackOf<PickAck>(args);
      if (!ack) return;
      const v = validatePick(args[0]);
      if (!v.ok) return ack({ ok: false, error: v.error, retry: false });
      if (!takeAction(socket, claims)) {
        return ack({ ok: false, error: 'too many actions, slow down', retry: true });
      }
      try {
        const added = await hub.addPick(team, v.pick, claims.sub);
        ack(added ? { ok: true } : { ok: true, duplicate: true });
      } catch (err) {
        options.warn(`pick of ${claims.sub}: ${(err as Error).message}`);
        ack({ ok: false, error: 'could not store the pick; retrying', retry: true });
      }
    });

    on('replay', plainRefusal, async (...args: unknown[]) => {
      const ack = ackOf<ReplayAck>(args);
      const req = args[0] as { after?: unknown; log?: unknown } | undefined;
      const who = `${team}\n${claims.sub}`;
      const asked = replayLimiter.take(who);
      if (!asked.ok) {
        return ack?.({ ok: false, error: `too many replays; retry in ${asked.retryAfterS} s` });
      }
      // What this replay would send: the events after the offset, or a snapshot.
      const head = await hub.head(team);
      const after = canReplay(req?.after, req?.log, head) ? req.after : 0;
      const cost = Math.min(head - after, hub.maxReplay) + 1;
      const budget = replayEventLimiter.take(who, Math.min(cost, REPLAY_EVENT_RATE.burst));
      if (!budget.ok) {
        return ack?.({ ok: false, error: `too many replays; retry in ${budget.retryAfterS} s` });
      }
      try {
        const head = await catchUp(socket, team, req?.after, req?.log);
        ack?.({ ok: true, head });
      } catch (err) {
        ack?.({ ok: false, error: (err as Error).message });
      }
    });

    on('head', plainRefusal, async (...args: unknown[]) => {
      const ack = ackOf<HeadAck>(args);
      if (!ack) return;
      try {
        ack({ ok: true, log: hub.logId, head: await hub.head(team) });
      } catch (err) {
        ack({ ok: false, error: (err as Error).message });
      }
    });

    on('config:save', configRefusal, async (...args: unknown[]) => {
      const ack = ackOf<ConfigSaveAck>(args);
      if (!ack) return;
      if (!isSupervisor) return ack(forbidden());
      const req = args[0] as { config?: unknown; comment?: unknown } | undefined;
      try {
        const r = await hub.saveConfig(team, req?.config, by, req?.comment);
        if (!r.ok) return ack(r);
        ack(
          r.warnings.length > 0
            ? { ok: true, version: r.version.version, warnings: r.warnings }
            : { ok: true, version: r.version.version },
        );
      } catch (err) {
        options.warn(`config:save: ${(err as Error).message}`);
        ack({ ok: false, errors: [{ field: '(server)', message: 'could not store; retry' }] });
      }
    });

    on('config:history', configRefusal, async (...args: unknown[]) => {
      const ack = ackOf<ConfigHistoryAck>(args);
      if (!ack) return;
      try {
        ack({ ok: true, versions: await hub.configHistory(team) });
      } catch (err) {
        ack({ ok: false, errors: [{ field: '(server)', message: (err as Error).message }] });
      }
    });

    on('config:revert', configRefusal, async (...args: unknown[]) => {
      const ack = ackOf<ConfigSaveAck>(args);
      if (!ack) return;
      if (!isSupervisor) return ack(forbidden());
      const req = args[0] as { version?: unknown; comment?: unknown } | undefined;
      try {
        const r = await hub.revertConfig(team, req?.version, by, req?.comment);
        ack(r.ok ? { ok: true, version: r.version.version } : r);
      } catch (err) {
        options.warn(`config:revert: ${(err as Error).message}`);
        ack({ ok: false, errors: [{ field: '(server)', message: 'could not store; retry' }] });
      }
    });

    const head = await hub.head(team);
    const resume = canReplay(auth.offset, auth.log, head) ? 'replay' : 'snapshot';
    const welcome: Welcome = {
      team,
      role: claims.role as 'agent' | 'supervisor',
      sub: claims.sub,
      log: hub.logId,
      head,
      resume,
      serverTime: hub.now(),
      expiresAt: claims.exp * 1000,
    };
    if (claims.name) welcome.name = claims.name;
    socket.emit('welcome', welcome);
    socket.emit('config', await hub.currentConfig(team));
    socket.emit('picks', await hub.picks(team));
    await catchUp(socket, team, auth.offset, auth.log);
  }

  function canReplay(offset: unknown, log: unknown, head: number): offset is number {
    return (
      log === hub.logId &&
      typeof offset === 'number' &&
      Number.isInteger(offset) &&
      offset >= 0 &&
      offset <= head &&
      head - offset <= hub.maxReplay
    );
  }

  /** Replays from the widget's offset when it can, else sends a snapshot. Returns the head. */
  async function catchUp(
    socket: Socket,
    team: string,
    offset: unknown,
    log: unknown,
  ): Promise<number> {
    const head = await hub.head(team);
    if (canReplay(offset, log, head)) {
      return hub.replay(team, offset, (batch) => socket.emit('events', batch));
    }
    const snapshot = await hub.snapshot(team);
    socket.emit('events', snapshot);
    return snapshot.head;
  }

  function forbidden(): ConfigSaveAck {
    return {
      ok: false,
      errors: [{ field: '(role)', message: 'only a supervisor may change the team configuration' }],
    };
  }

  attachConnectors(connectors, hub, options);

  // Back-pressure: a widget that stops reading (a frozen tab, a dead link the kernel has not
  // noticed) would hold every broadcast in memory. Past the limit it is cut; its client
  // reconnects and resumes from its offset, so it loses nothing and the server keeps no pile.
  const maxPending = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  const checkPending = setInterval(() => {
    for (const socket of widgets.sockets.values()) {
      // A throw here would escape the timer and stop the process: it costs this socket only.
      try {
        const pending = pendingBytes(socket);
        if (pending <= maxPending) continue;
        const claims = socket.data.claims as TokenClaims | undefined;
        options.warn(
          `widget ${claims?.sub ?? socket.id} (team ${claims?.team ?? '?'}): ${pending} bytes unsent, over ${maxPending}: disconnected (it resumes from its offset)`,
        );
        socket.disconnect(true);
      } catch (err) {
        options.warn(`unsent-output check of ${socket.id}: ${(err as Error)?.message ?? err}`);
      }
    }
  }, PENDING_CHECK_MS);
  checkPending.unref();

  return () => {
    clearInterval(checkPending);
    unlisten();
  };
}

interface ConnectorIdentity {
  /** The team of a connector token; null with the shared secret (any team). */
  team: string | null;
  sub: string;
  exp: number | null;
}

function attachConnectors(nsp: Namespace, hub: Hub, options: SocketOptions): void {
  nsp.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; secret?: unknown };
    if (auth.secret !== undefined) {
      if (!isSecret(options.secret, auth.secret)) {
        return next(authError('auth_signature', 'wrong secret'));
      }
      socket.data.connector = { team: null, sub: 'secret', exp: null } satisfies ConnectorIdentity;
      return next();
    }
    const v = verifyToken(options.secret, auth.token, hub.now(), options.tokenLifetimes);
    if (!v.ok) return next(authError(v.code, v.reason));
    if (v.claims.role !== 'connector') {
      return next(authError('auth_role', `role ${v.claims.role} cannot connect as a connector`));
    }
    socket.data.connector = {
      team: v.claims.team,
      sub: v.claims.sub,
      exp: v.claims.exp * 1000,
    } satisfies ConnectorIdentity;
    next();
  });

  nsp.on('connection', (socket) => {
    const who = socket.data.connector as ConnectorIdentity;
    if (who.exp !== null) expireAt(socket, who.exp, hub.now());
    const source = `connector:${who.sub}:${socket.handshake.address}`;
    const connectorRefusal = (error: string) => ({
      ok: false,
      status: 400,
      error,
      accepted: 0,
      rejected: [],
    });
    guarded(socket, 'events', options.warn, connectorRefusal, async (...args: unknown[]) => {
      const ack = ackOf<ConnectorAck>(args);
      if (!ack) return;
      const req = args[0];
      const fail = (status: number, error: string, extra: Partial<ConnectorAck> = {}) =>
        ack({ ok: false, status, error, accepted: 0, rejected: [], ...extra });
      let team = who.team ?? 'default';
      let events: unknown[];
      if (Array.isArray(req)) events = req;
      else if (
        typeof req === 'object' &&
        req !== null &&
        Array.isArray((req as { events?: unknown }).events)
      ) {
        const r = req as { team?: unknown; events: unknown[] };
        events = r.events;
        if (r.team !== undefined) {
          if (!isTeamName(r.team)) return fail(400, 'team: not a valid team name');
          if (who.team !== null && r.team !== who.team) {
            return fail(403, `this connector's token is for team '${who.team}'`);
          }
          team = r.team;
        }
      } else return fail(400, 'send an array of events, or { team, events }');
      if (options.connectorLimiter) {
        const take = options.connectorLimiter.take(source);
        if (!take.ok) {
          return fail(429, 'too many requests', { retryAfterS: take.retryAfterS });
        }
      }
      if (events.length === 0) return fail(400, 'no events');
      try {
        const outcome = await hub.ingestValues(team, events);
        const { status, ...result } = outcome;
        ack(
          status === 200
            ? { ok: true, status, ...result }
            : { ok: false, status, error: 'nothing valid', ...result },
        );
      } catch (err) {
        options.warn(`connector ${who.sub}: ${(err as Error).message}`);
        fail(503, 'could not store the events; retry');
      }
    });
  });
}
