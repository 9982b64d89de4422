// The webhook side (shared/spec/cli.md): POST /v1/events and /v1/teams/<team>/events with a
// JSON body (one event or an array) or JSONL (Content-Type: application/x-ndjson), signed
// with X-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>; GET /healthz; and
// GET /v1/report, the supervisor's team report (report.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { VERSION } from '../version.ts';
import { isSecret, isTeamName, verifyBodySignature, verifyToken } from './auth.ts';
import type { ConnectorRoute } from './connectors/route.ts';
import type { Hub, ParsedEntry } from './hub.ts';
import { RateLimiter } from './rate-limit.ts';
import { parseReportQuery, TeamReports } from './report.ts';

export interface HttpOptions {
  secret: string;
  maxBodyBytes: number;
  /** Signed requests, per team: a helpdesk's budget, which unsigned traffic cannot touch. */
  limiter: RateLimiter | null;
  /** Requests whose signature failed, per source address: a flood of them gets 429s. */
  refusedLimiter: RateLimiter | null;
  /** The helpdesks' own webhooks at /v1/connectors/<host>/<team>. */
  connectors: ConnectorRoute;
  isReady: () => boolean;
  /** This process's own figures, for the secret holder's `GET /v1/health` (what to watch). */
  processStats?: () => Record<string, number>;
  warn: (message: string) => void;
}

const JSONL_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonl',
  'application/jsonlines',
  'application/x-jsonlines',
]);

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** The client went away before the body was complete: nothing to answer. */
class AbortedRequest extends Error {}

/** Reads the body up to `limit` bytes; null when it is larger (the rest is drained). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('close', () => {
      if (!req.complete) reject(new AbortedRequest('request aborted'));
    });
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** Splits a body into entries: JSONL lines, a JSON array's items, or one JSON value. */
export function parseBody(body: Buffer, contentType: string | undefined): ParsedEntry[] {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (JSONL_TYPES.has(mime)) {
    const entries: ParsedEntry[] = [];
    text.split('\n').forEach((raw, index) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') return;
      try {
        entries.push({ index, value: JSON.parse(line) });
      } catch (err) {
        entries.push({
          index,
          error: `line ${index + 1}: not valid JSON (${(err as Error).message})`,
        });
      }
    });
    return entries;
  }
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const hint = text.trim().includes('\n')
      ? '; for one event per line send Content-Type: application/x-ndjson'
      : '';
    return [{ index: 0, error: `body is not valid JSON (${(err as Error).message})${hint}` }];
  }
  if (Array.isArray(value)) return value.map((v, index) => ({ index, value: v }));
  return [{ index: 0, value }];
}

const TEAM_ROUTE = /^\/v1\/teams\/([^/]+)\/events\/?$/;
const CONNECTOR_ROUTE = /^\/v1\/connectors\/([^/]+)\/([^/]+)\/?$/;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

const TEAM_ERROR = 'team: letters, digits, dot, dash and underscore, at most 64';

/** New passes over a team's log for its report: a few at once, then one every 5 s. */
const REPORT_RATE = { perSecond: 0.2, burst: 4 };

/**
 * The report is read cross-origin by the widget in the helpdesk's page, authenticated by its
 * bearer token alone (no cookies), so any origin may ask.
 */
const REPORT_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization',
  'Access-Control-Allow-Methods': 'GET',
  'Access-Control-Max-Age': '600',
};

export function createRequestHandler(hub: Hub, options: HttpOptions) {
  // Its own budget, off when the server's rate limits are.
  const reports = new TeamReports(hub, {
    limiter: options.limiter ? new RateLimiter(REPORT_RATE, hub.now) : null,
  });

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await route(req, res);
    } catch (err) {
      if (err instanceof AbortedRequest) return;
      options.warn(`ingest failed: ${(err as Error).stack ?? String(err)}`);
      send(res, 503, { error: 'could not store the events; retry later' }, { 'Retry-After': '1' });
    }
  };

  async function connectorWebhook(
    req: IncomingMessage,
    res: ServerResponse,
    hostSegment: string,
    teamSegment: string,
  ): Promise<void> {
    const team = decodeSegment(teamSegment);
    if (!isTeamName(team)) return send(res, 400, { error: TEAM_ERROR });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { Allow: 'POST' });
    const body = await boundedBody(req, res, options.maxBodyBytes);
    if (body === null) return;
    const reply = await options.connectors.handle(
      decodeSegment(hostSegment),
      team,
      { headers: req.headers, rawBody: body, url: req.url ?? '/' },
      req.socket.remoteAddress ?? 'unknown',
    );
    if (reply.text !== undefined) {
      if (res.headersSent) return;
      res.writeHead(reply.status, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(reply.text);
      return;
    }
    send(res, reply.status, reply.body, reply.headers);
  }

  /**
   * `GET /v1/health`: readiness for anyone; with `Authorization: Bearer <the shared secret>`
   * this process's figures and every connector's counters, with a supervisor's token the
   * counters of their team.
   */
  function health(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, { error: 'use GET' }, { Allow: 'GET, HEAD' });
    }
    const ready = options.isReady();
    const base = { ok: ready, version: VERSION, storage: hub.log.kind, log: hub.logId };
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (auth === undefined) return send(res, ready ? 200 : 503, base);
    if (isSecret(options.secret, auth)) {
      return send(res, ready ? 200 : 503, {
        ...base,
        ...(options.processStats ? { process: options.processStats() } : {}),
        connectors: options.connectors.report(),
      });
    }
    const v = verifyToken(options.secret, auth, hub.now());
    if (!v.ok || v.claims.role !== 'supervisor') {
      return send(res, 401, { error: 'a supervisor token or the shared secret is required' });
    }
    send(res, ready ? 200 : 503, {
      ...base,
      connectors: options.connectors.report(v.claims.team),
    });
  }

  /**
   * `GET /v1/report?since&until&agent&period&tz`: a supervisor's token (`Authorization:
   * Bearer`), the token's own team. Any failure is this request's 400 or 500 alone.
   */
  async function report(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...REPORT_CORS, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (req.method !== 'GET') {
      return send(res, 405, { error: 'use GET' }, { Allow: 'GET', ...REPORT_CORS });
    }
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const v = verifyToken(options.secret, token, hub.now());
    if (!v.ok) {
      return send(
        res,
        401,
        { error: `a supervisor's token is required: ${v.reason}` },
        REPORT_CORS,
      );
    }
    if (v.claims.role !== 'supervisor') {
      return send(res, 403, { error: 'the team report is for supervisors' }, REPORT_CORS);
    }
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const query = parseReportQuery(params);
    if (!query.ok) return send(res, 400, { error: query.error }, REPORT_CORS);
    const team = v.claims.team;
    try {
      const outcome = await reports.report(team, query.query);
      if (!outcome.ok) {
        const { retryAfterS } = outcome.take;
        const error = `too many reports for team '${team}'; retry in ${retryAfterS} s`;
        return send(
          res,
          429,
          { error, retryAfterS },
          {
            'Retry-After': String(retryAfterS),
            ...REPORT_CORS,
          },
        );
      }
      const { passMs, factsMs, buildMs } = outcome.timing;
      send(res, 200, outcome.report, {
        ...REPORT_CORS,
        'Server-Timing': `pass;dur=${passMs.toFixed(0)}, facts;dur=${factsMs.toFixed(0)}, report;dur=${buildMs.toFixed(0)}`,
      });
    } catch (err) {
      options.warn(`report for team ${team} failed: ${(err as Error).stack ?? String(err)}`);
      send(res, 500, { error: 'could not compute the report; retry later' }, REPORT_CORS);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      // A request line no URL parser takes: a refusal of this request, not a store failure.
      return send(res, 400, { error: 'not a valid request path' });
    }
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(res, 405, { error: 'use GET' }, { Allow: 'GET, HEAD' });
      }
      if (!options.isReady()) return send(res, 503, { ok: false });
      return send(res, 200, { ok: true, storage: hub.log.kind, log: hub.logId });
    }
    if (path === '/v1/health') return health(req, res);
    if (path === '/v1/report' || path === '/v1/report/') return report(req, res);
    const connector = CONNECTOR_ROUTE.exec(path);
    if (connector) return connectorWebhook(req, res, connector[1]!, connector[2]!);
    let team = 'default';
    if (path !== '/v1/events' && path !== '/v1/events/') {
      const m = TEAM_ROUTE.exec(path);
      if (!m) return send(res, 404, { error: `no route ${path}` });
      const decoded = decodeSegment(m[1]!);
      if (!isTeamName(decoded)) return send(res, 400, { error: TEAM_ERROR });
      team = decoded;
    }
    if (req.method !== 'POST') {
      return send(res, 405, { error: 'use POST' }, { Allow: 'POST' });
    }
    const body = await boundedBody(req, res, options.maxBodyBytes);
    if (body === null) return;
    // The signature first (one HMAC): unsigned garbage is budgeted per source on its own,
    // so however much of it arrives, a helpdesk's signed webhooks keep their team's budget.
    const signature = verifyBodySignature(options.secret, body, req.headers['x-signature-256']);
    if (!signature.ok) {
      const source = req.socket.remoteAddress ?? 'unknown';
      const take = options.refusedLimiter?.take(source) ?? { ok: true };
      if (!take.ok) return tooMany(res, take.retryAfterS, 'too many refused requests');
      return send(res, 401, { error: signature.error });
    }
    const take = options.limiter?.take(team) ?? { ok: true };
    if (!take.ok) return tooMany(res, take.retryAfterS, `too many requests for team '${team}'`);
    const entries = parseBody(body, req.headers['content-type']);
    if (entries.length === 0) {
      return send(res, 400, { accepted: 0, rejected: [], error: 'no events in the body' });
    }
    const outcome = await hub.ingest(team, entries);
    const { status, ...result } = outcome;
    send(res, status, result);
  }
}

/** Reads a body up to the limit, answering 413 itself; null when it did. */
async function boundedBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    send(res, 413, tooLarge(limit), { Connection: 'close' });
    return null;
  }
  const body = await readBody(req, limit);
  if (body === null) send(res, 413, tooLarge(limit), { Connection: 'close' });
  return body;
}

function tooMany(res: ServerResponse, retryAfterS: number, error: string): void {
  send(res, 429, { error, retryAfterS }, { 'Retry-After': String(retryAfterS) });
}

function tooLarge(limit: number) {
  return { error: `body larger than ${limit} bytes; split it into several requests` };
}
