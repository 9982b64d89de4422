// The realtime server: helpdesk events in (HTTP webhooks and the /connectors socket), widgets
// out (socket.io), one engine for validation. `startServer` is what `chat-playbook serve`,
// the tests and the demo call; it resolves once the server accepts connections.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import {
  DEFAULT_TOKEN_LIFETIMES,
  type SignOptions,
  signToken,
  type TokenLifetimes,
} from './auth.ts';
import { type ConnectorEntry, ConnectorTable } from './connectors/registry.ts';
import { ConnectorRoute } from './connectors/route.ts';
import { createRequestHandler } from './http.ts';
import { Hub, type IngestOutcome } from './hub.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { attachSockets } from './sockets.ts';
import { LocalLog } from './store/local.ts';
import { type RedisClient, RedisLog } from './store/redis.ts';
import { RedisTail, tailClient } from './store/redis-tail.ts';
import type { EventLog } from './store/types.ts';

export { type Role, type SignOptions, signBody, signToken, verifyToken } from './auth.ts';
export type * from './wire.ts';

export interface ServerOptions {
  /** The shared secret (PLAYBOOK_SECRET): webhook signatures and tokens. */
  secret: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Directory of the durable event log; memory only when absent. */
  data?: string;
  /** Redis URL: shared log and rooms for several server processes. */
  redis?: string;
  /** Prefix of this server's Redis keys (default `playbook:`). */
  redisPrefix?: string;
  /** Closed chats older than this are compacted away (default 7 days). */
  retentionMs?: number;
  /** How often to compact (default hourly; 0 = only at start). */
  compactEveryMs?: number;
  /** Largest accepted body (HTTP) or socket message (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Bytes a widget socket may have waiting to be sent (a reader that stopped reading) before
   * it is disconnected to resume later from its offset (default 4 MiB).
   */
  maxPendingBytes?: number;
  /**
   * Request budget (default 100/s with bursts of 200) per team for signed webhooks, and the
   * same per source address for requests whose signature fails; false disables both.
   */
  rateLimit?: RateLimitOptions | false;
  /** Origins allowed to open widget sockets (default any: widgets authenticate by token). */
  corsOrigin?: string | string[] | boolean;
  /** A fresh widget also receives chats closed within this window (default 1 hour). */
  snapshotClosedMs?: number;
  /**
   * The helpdesk connectors (`POST /v1/connectors/<host>/<team>`): the connectors file that
   * `chat-playbook connector add` writes (re-read when it changes), or a fixed list.
   */
  connectors?: { file: string } | { entries: readonly ConnectorEntry[] };
  /** The longest lifetime of a token this server accepts (default 24 h; connectors 90 days). */
  tokenLifetimes?: Partial<TokenLifetimes>;
  /** The server's clock (tests). */
  now?: () => number;
  /** Diagnostics (default: none). */
  warn?: (message: string) => void;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  storage: 'memory' | 'file' | 'redis';
  logId: string;
  hub: Hub;
  /** Stores events as if they had been POSTed (the demo simulator runs in-process). */
  ingest(events: unknown, team?: string): Promise<IngestOutcome>;
  /** A token signed with this server's secret. */
  token(options: Omit<SignOptions, 'now'>): string;
  compact(): ReturnType<Hub['compact']>;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * A client of its own for the socket.io adapter. The adapter subscribes on a duplicate and
 * never handles that promise: closing right after starting would reject it unhandled, so
 * the duplicates it makes swallow those rejections (the subscription is being torn down).
 */
async function adapterClient(log: RedisLog): Promise<RedisClient> {
  const client = log.client.duplicate();
  client.on('error', () => {});
  await client.connect();
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((...args: Parameters<RedisClient['duplicate']>) => {
    const dup = duplicate(...args);
    for (const name of ['subscribe', 'sSubscribe'] as const) {
      const original = dup[name].bind(dup) as (...a: unknown[]) => Promise<unknown>;
      (dup as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
        const p = original(...a);
        p.catch(() => {});
        return p;
      };
    }
    return dup;
  }) as RedisClient['duplicate'];
  return client;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!options.secret) throw new Error('startServer: a secret is required');
  if (options.data && options.redis) {
    throw new Error('choose one store: --data DIR (one process) or --redis URL (several)');
  }
  const warn = options.warn ?? (() => {});
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;

  let log: EventLog;
  let redisLog: RedisLog | null = null;
  let pubClient: RedisClient | null = null;
  let tailReader: RedisClient | null = null;
  if (options.redis) {
    redisLog = await RedisLog.open({ url: options.redis, prefix: options.redisPrefix, warn });
    log = redisLog;
    try {
      pubClient = await adapterClient(redisLog);
      tailReader = await tailClient(redisLog, warn);
    } catch (err) {
      await pubClient?.quit().catch(() => {});
      await redisLog.close();
      throw err;
    }
  } else {
    log = await LocalLog.open({ dir: options.data, warn });
  }
  const hub = new Hub(log, {
    now,
    retentionMs: options.retentionMs,
    snapshotClosedMs: options.snapshotClosedMs,
    warn,
    // Several processes: each reads the events of the teams it has widgets for from their
    // streams (the socket.io adapter carries only configurations and picks).
    ...(redisLog && tailReader
      ? { feed: (deliver) => new RedisTail(redisLog, tailReader, deliver, { warn }) }
      : {}),
  });

  let ready = false;
  let httpServer: HttpServer | null = null;
  let io: Server | null = null;
  let timer: NodeJS.Timeout | null = null;
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  try {
    await hub.compact().then(
      (report) => {
        for (const r of report) {
          warn(`compacted team ${r.team}: ${r.chats} closed chats, ${r.events} events`);
        }
      },
      (err: unknown) => warn(`compaction failed: ${(err as Error).message}`),
    );
    await hub.open();

    loopDelay.enable();
    const rate =
      options.rateLimit === undefined ? { perSecond: 100, burst: 200 } : options.rateLimit;
    const limiter = rate ? new RateLimiter(rate, now) : null;
    const refusedLimiter = rate ? new RateLimiter(rate, now) : null;
    const connectorLimiter = rate ? new RateLimiter(rate, now) : null;
    const table = new ConnectorTable(options.connectors ?? { entries: [] }, warn);
    await table.load();
    const connectors = new ConnectorRoute(hub, {
      table,
      limiter: rate ? new RateLimiter(rate, now) : null,
      refusedLimiter,
      now,
      warn,
    });
    httpServer = createServer(
      createRequestHandler(hub, {
        secret: options.secret,
        maxBodyBytes,
        limiter,
        refusedLimiter,
        connectors,
        isReady: () => ready,
        processStats: () => {
          const stats = {
            pid: process.pid,
            widgets: io?.of('/').sockets.size ?? 0,
            ...hub.stats(),
            rssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
            // Since the previous reading: how long callbacks waited for the event loop.
            eventLoopDelayP99Ms: Number((loopDelay.percentile(99) / 1e6).toFixed(1)),
            uptimeS: Math.round(process.uptime()),
          };
          loopDelay.reset();
          return stats;
        },
        warn,
      }),
    );
    io = new Server(httpServer, {
      serveClient: false,
      maxHttpBufferSize: maxBodyBytes,
      cors: { origin: options.corsOrigin ?? '*' },
      ...(pubClient
        ? {
            adapter: createAdapter(pubClient, {
              streamName: `${options.redisPrefix ?? 'playbook:'}socket.io`,
              channelPrefix: `${options.redisPrefix ?? 'playbook:'}socket.io`,
              blockTimeInMs: 1000,
              // Broadcasts are JSON only: the adapter skips its search for binary parts.
              onlyPlaintext: true,
            }),
          }
        : {}),
    });
    const detach = attachSockets(io, hub, {
      secret: options.secret,
      connectorLimiter,
      tokenLifetimes: { ...DEFAULT_TOKEN_LIFETIMES, ...options.tokenLifetimes },
      ...(options.maxPendingBytes === undefined
        ? {}
        : { maxPendingBytes: options.maxPendingBytes }),
      warn,
    });

    const server = httpServer;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_PORT, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;

    const every = options.compactEveryMs ?? 3600_000;
    if (every > 0) {
      timer = setInterval(() => {
        hub.compact().catch((err: unknown) => warn(`compaction: ${(err as Error).message}`));
      }, every);
      timer.unref();
    }
    ready = true;

    const sio = io;
    let closing: Promise<void> | null = null;
    return {
      url: `http://${hostForUrl(host)}:${port}`,
      host,
      port,
      storage: log.kind,
      logId: log.logId,
      hub,
      ingest: (events, team = 'default') =>
        hub.ingestValues(team, Array.isArray(events) ? events : [events]),
      token: (o) => signToken(options.secret, { ...o, now: now() }),
      compact: () => hub.compact(),
      close() {
        closing ??= (async () => {
          ready = false;
          if (timer) clearInterval(timer);
          loopDelay.disable();
          detach();
          // Widgets are disconnected at once; webhook requests still being stored get a few
          // seconds to be answered before their connections are cut.
          await new Promise<void>((resolve) => {
            const force = setTimeout(() => server.closeAllConnections(), 3000);
            sio.close(() => {
              clearTimeout(force);
              resolve();
            });
            server.closeIdleConnections();
          });
          await hub.close();
          await pubClient?.quit().catch(() => {});
        })();
        return closing;
      },
    };
  } catch (err) {
    if (timer) clearInterval(timer);
    loopDelay.disable();
    io?.close();
    httpServer?.close();
    // The hub closes its feed (the tail's reader) and the log.
    await hub.close().catch(() => {});
    await pubClient?.quit().catch(() => {});
    throw err;
  }
}
