// `POST /v1/connectors/<host>/<team>`: a helpdesk's own webhook, checked its own way,
// mapped by that host's connector to protocol events, validated by the engine and stored
// all-or-nothing. Retries are harmless: each event is stored under an idempotency key made
// of the host, chat, type and the host's own id (for an assignment, its time and agent), so a
// resent webhook stores nothing new.
//
// Answers: 200 stored (or understood and ignored: a type the connector does not use), 400
// malformed (the field named, nothing stored), 401 wrong or missing signature, 404 no such
// host or no connector for the team, 413 too large, 429 over budget.
import {
  type ChatEvent,
  MAX_EVENT_DEPTH,
  nestsDeeperThan,
  validateEvent,
} from '../../core/index.ts';
import type { Hub } from '../hub.ts';
import type { RateLimiter } from '../rate-limit.ts';
import { CONNECTORS, type ConnectorTable, isHost } from './registry.ts';
import type { HostName, WebhookRequest } from './types.ts';

/** Webhook bodies nest a few levels (a conversation, its messages, their authors). */
const MAX_WEBHOOK_DEPTH = 32;

export interface ConnectorMetrics {
  host: HostName;
  team: string;
  received: number;
  stored: number;
  ignored: number;
  refused: number;
  /** Events the host resent that were stored already. */
  duplicates: number;
  lastError: { at: number; status: number; error: string } | null;
  lastReceivedAt: number | null;
}

export interface ConnectorReply {
  status: number;
  body: unknown;
  /** A handshake answer sent as plain text (Front's challenge). */
  text?: string;
  headers?: Record<string, string>;
}

export interface ConnectorRouteOptions {
  table: ConnectorTable;
  /** Signed requests per team and host. */
  limiter: RateLimiter | null;
  /** Refused (unsigned, unknown) requests per source address. */
  refusedLimiter: RateLimiter | null;
  now: () => number;
  warn: (message: string) => void;
}

export class ConnectorRoute {
  private readonly metrics = new Map<string, ConnectorMetrics>();

  constructor(
    private readonly hub: Hub,
    private readonly options: ConnectorRouteOptions,
  ) {}

  private metric(host: HostName, team: string): ConnectorMetrics {
    const key = `${host}/${team}`;
    let m = this.metrics.get(key);
    if (!m) {
      m = {
        host,
        team,
        received: 0,
        stored: 0,
        ignored: 0,
        refused: 0,
        duplicates: 0,
        lastError: null,
        lastReceivedAt: null,
      };
      this.metrics.set(key, m);
    }
    return m;
  }

  /** Every configured connector's counters (no secrets, no message text). */
  report(team?: string): ConnectorMetrics[] {
    const rows = this.options.table
      .list()
      .filter((e) => team === undefined || e.team === team)
      .map((e) => ({ ...this.metric(e.host, e.team) }));
    return rows.sort((a, b) => `${a.team}/${a.host}`.localeCompare(`${b.team}/${b.host}`));
  }

  /**
   * Handles one webhook whose body has been read (at most the size limit). `source` is the
   * remote address, for the refused-request budget.
   */
  async handle(
    hostName: string,
    team: string,
    request: Omit<WebhookRequest, 'now'>,
    source: string,
  ): Promise<ConnectorReply> {
    const now = this.options.now();
    const refuse = (status: number, error: string, m?: ConnectorMetrics): ConnectorReply => {
      if (m) {
        m.refused += 1;
        m.lastError = { at: now, status, error };
      }
      return { status, body: { error } };
    };
    const budgetForRefusals = (): ConnectorReply | null => {
      const take = this.options.refusedLimiter?.take(source) ?? { ok: true };
      return take.ok ? null : tooMany(take.retryAfterS, 'too many refused requests');
    };
    if (!isHost(hostName)) {
      return budgetForRefusals() ?? refuse(404, `no connector for host '${hostName}'`);
    }
    const entry = await this.options.table.find(hostName, team, now);
    if (!entry) {
      return (
        budgetForRefusals() ??
        refuse(
          404,
          `no ${hostName} connector for team '${team}': chat-playbook connector add --team ${team} --host ${hostName}`,
        )
      );
    }
    const connector = CONNECTORS[hostName];
    const m = this.metric(hostName, team);
    m.received += 1;
    m.lastReceivedAt = now;
    const full: WebhookRequest = { ...request, now };

    let auth: ReturnType<typeof connector.verify>;
    try {
      auth = connector.verify(full, entry.secret);
    } catch (err) {
      auth = { ok: false, error: `could not check the signature (${(err as Error).message})` };
    }
    if (!auth.ok) return budgetForRefusals() ?? refuse(401, auth.error, m);

    const take = this.options.limiter?.take(`${hostName}/${team}`) ?? { ok: true };
    if (!take.ok) {
      m.refused += 1;
      return tooMany(
        take.retryAfterS,
        `too many requests for the ${hostName} connector of '${team}'`,
      );
    }

    // A set-up handshake, answered once the request is authentic.
    const challenge = connector.challenge?.(full, entry.secret) ?? null;
    if (challenge !== null) {
      return { status: 200, body: { challenge }, text: challenge };
    }

    let payload: unknown;
    try {
      payload = JSON.parse(request.rawBody.toString('utf8'));
    } catch (err) {
      return refuse(400, `body is not valid JSON (${(err as Error).message})`, m);
    }
    if (nestsDeeperThan(payload, MAX_WEBHOOK_DEPTH)) {
      return refuse(400, `(body): nested deeper than ${MAX_WEBHOOK_DEPTH} levels`, m);
    }
    const options = { tierField: entry.tierField, channelField: entry.channelField };
    let mapped: ReturnType<typeof connector.mapWebhook>;
    try {
      mapped = connector.mapWebhook(payload, options, now);
    } catch (err) {
      this.options.warn(`connector ${hostName}/${team}: mapping threw: ${(err as Error).message}`);
      return refuse(400, `(body): could not be read as a ${hostName} webhook`, m);
    }
    if (mapped.kind === 'ignored') {
      m.ignored += 1;
      return { status: 200, body: { accepted: 0, ignored: mapped.type } };
    }
    if (mapped.kind === 'invalid') return refuse(400, `${mapped.type}: ${mapped.error}`, m);

    // All or nothing: one invalid event refuses the webhook, so no chat is half-stored.
    const events: ChatEvent[] = [];
    for (const [i, raw] of mapped.events.entries()) {
      if (nestsDeeperThan(raw, MAX_EVENT_DEPTH)) {
        return refuse(400, `${mapped.type}: event ${i}: nested too deep`, m);
      }
      const v = validateEvent(raw);
      if (v.kind === 'invalid') return refuse(400, `${mapped.type}: ${v.error}`, m);
      if (v.kind === 'event') events.push(v.event);
    }
    if (events.length === 0) {
      m.ignored += 1;
      return { status: 200, body: { accepted: 0, ignored: mapped.type } };
    }
    const items = events.map((event) => ({ event, key: idempotencyKey(hostName, event) }));
    const result = await this.hub.append(team, items);
    m.stored += result.stored.length;
    m.duplicates += events.length - result.stored.length;
    return {
      status: 200,
      body: { accepted: events.length, stored: result.stored.length },
    };
  }
}

/**
 * One key per thing the host told us: its retry of the same webhook maps to the same keys. A
 * chat has one start and one close but may change hands many times: an assignment is keyed by
 * its time and agent, so the next reassignment is stored, not taken for a retry of this one.
 */
function idempotencyKey(host: HostName, event: ChatEvent): string {
  const id =
    event.type === 'message'
      ? event.id
      : event.type === 'chat.assigned'
        ? `${event.at}\n${event.agentId === null ? 'queue' : `agent:${event.agentId}`}`
        : '';
  return `connector:${host}\n${event.chatId}\n${event.type}\n${id}`;
}

function tooMany(retryAfterS: number, error: string): ConnectorReply {
  return {
    status: 429,
    body: { error, retryAfterS },
    headers: { 'Retry-After': String(retryAfterS) },
  };
}
