// `chat-playbook serve`: the realtime server (shared/spec/cli.md). Prints exactly one line,
// `listening on http://HOST:PORT`, on stdout when ready; everything else goes to stderr.
import { randomBytes } from 'node:crypto';
import { parseDuration } from '../../server/auth.ts';
import { DEFAULT_PORT, type RunningServer, startServer } from '../../server/index.ts';
import { type Command, parseCommandArgs, UsageError, writeErr, writeOut } from '../io.ts';
import { connectorsPath } from './connector.ts';

const usage = `Usage: chat-playbook serve [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--data DIR | --redis URL]
                           [--retention 7d] [--rate N] [--max-token-ttl 24h]
                           [--connectors FILE] [--demo]

The realtime server: helpdesks POST events to /v1/events (team "default") or
/v1/teams/<team>/events, signed with X-Signature-256: sha256=<hex HMAC-SHA256 of the body>;
helpdesks' own webhooks go to /v1/connectors/<host>/<team> ('chat-playbook connector add');
widgets connect over socket.io with a token from 'chat-playbook token'. See docs/realtime.md
and docs/integrations.md.

Options:
  --port N          port to listen on (0 picks a free one; default ${DEFAULT_PORT})
  --host HOST       address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --data DIR        keep an fsync'd JSONL event log and the team configurations in DIR
                    (without it, and without --redis, everything is in memory only)
  --redis URL       share the event log and rooms with other 'serve' processes via Redis
  --retention D     drop chats closed longer ago than D (e.g. 12h, 7d; default 7d)
  --rate N          signed requests per second per team before 429, and the same for
                    refused requests per source address (default 100; 0 = no limit)
  --max-token-ttl D refuse agent/supervisor tokens that live longer than D (default 24h)
  --connectors FILE the helpdesk connectors (default DIR/connectors.json with --data, else
                    $PLAYBOOK_CONNECTORS or ./playbook-connectors.json); re-read on change
  --demo            make a random secret and print an agent and a supervisor token

Environment:
  PLAYBOOK_SECRET   the shared secret (required, except with --demo)

Stops on SIGINT or SIGTERM.`;

export const serve: Command = {
  name: 'serve',
  summary: 'the realtime server (events in, widgets out)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      redis: { type: 'string' },
      retention: { type: 'string' },
      rate: { type: 'string' },
      'max-token-ttl': { type: 'string' },
      connectors: { type: 'string' },
      demo: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    let port = DEFAULT_PORT;
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError('--port must be an integer from 0 to 65535');
      }
    }
    if (values.data !== undefined && values.redis !== undefined) {
      throw new UsageError('choose --data DIR (one process) or --redis URL (several), not both');
    }
    let retentionMs: number | undefined;
    if (values.retention !== undefined) {
      const ms = parseDuration(values.retention);
      if (ms === null) throw new UsageError('--retention must be a duration such as 12h or 7d');
      retentionMs = ms;
    }
    let rateLimit: { perSecond: number; burst: number } | false | undefined;
    if (values.rate !== undefined) {
      const n = Number(values.rate);
      if (!Number.isFinite(n) || n < 0) throw new UsageError('--rate must be a number ≥ 0');
      rateLimit = n === 0 ? false : { perSecond: n, burst: Math.max(1, Math.ceil(n * 2)) };
    }

    let tokenLifetimes: { widgetMs: number } | undefined;
    if (values['max-token-ttl'] !== undefined) {
      const ms = parseDuration(values['max-token-ttl']);
      if (ms === null) throw new UsageError('--max-token-ttl must be a duration such as 8h or 24h');
      tokenLifetimes = { widgetMs: ms };
    }

    let secret = process.env.PLAYBOOK_SECRET ?? '';
    const demo = values.demo === true;
    if (demo) {
      secret = randomBytes(32).toString('base64url');
    } else if (!secret) {
      throw new UsageError(
        'PLAYBOOK_SECRET is not set: export a long random secret (openssl rand -hex 32), or use --demo',
      );
    } else if (secret.length < 16) {
      writeErr('warning: PLAYBOOK_SECRET is short; use at least 32 random characters');
    }

    let server: RunningServer;
    try {
      server = await startServer({
        secret,
        port,
        host: values.host ?? '127.0.0.1',
        data: values.data,
        redis: values.redis,
        retentionMs,
        rateLimit,
        tokenLifetimes,
        connectors: { file: connectorsPath(values) },
        warn: (message) => writeErr(message),
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use`);
      writeErr(`chat-playbook serve: could not start: ${e.message}`);
      return 1;
    }

    if (server.storage === 'memory') {
      writeErr('storage: memory only — events are lost when the server stops (use --data DIR)');
    } else if (server.storage === 'file') {
      writeErr(`storage: ${values.data} (fsync'd JSONL event log)`);
    } else {
      writeErr('storage: Redis Streams (durability as configured in Redis: use appendonly yes)');
    }
    if (demo) {
      const agent = server.token({
        team: 'default',
        role: 'agent',
        sub: 'demo-agent',
        name: 'Demo Agent',
      });
      const supervisor = server.token({
        team: 'default',
        role: 'supervisor',
        sub: 'demo-supervisor',
        name: 'Demo Supervisor',
      });
      writeErr(`demo mode: a random secret for this run only (team "default")`);
      writeErr(`demo agent token:      ${agent}`);
      writeErr(`demo supervisor token: ${supervisor}`);
    }
    writeOut(`listening on ${server.url}`);
    // Every handler refuses its own bad input; should anything still escape, it is reported
    // and the server keeps serving every other team instead of exiting.
    const onRejection = (reason: unknown) =>
      writeErr(`unhandled rejection (kept running): ${(reason as Error)?.stack ?? String(reason)}`);
    process.on('unhandledRejection', onRejection);

    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        writeErr(`${signal}: closing`);
        process.off('unhandledRejection', onRejection);
        server.close().then(
          () => resolve(0),
          (err: unknown) => {
            writeErr(`close failed: ${(err as Error).message}`);
            resolve(1);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
