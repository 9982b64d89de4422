// `GET /v1/report`: the team report (src/report, issue 15) computed from the team's stored
// event log with its current configuration, for the supervisor's Team view. The log is read
// in pages, yielding to the event loop between them, so other teams' webhooks and sockets
// keep flowing while a large log is read; the collected facts are kept while the log's head
// and the configuration stay the same (for at most `maxAgeMs`), and concurrent requests for
// the same team share one pass.
import { type ChatEvent, FIELD_LIMITS, parseAt } from '../core/index.ts';
import {
  buildReportInTurns,
  type ChatReportFacts,
  createReportCollector,
  type Period,
  type TeamReport,
} from '../report/index.ts';
import { checkTimeZone } from '../report/periods.ts';
import type { Hub } from './hub.ts';
import type { RateLimiter, Take } from './rate-limit.ts';

export interface ReportQuery {
  period: Period;
  /** IANA time zone (default UTC). */
  timeZone: string;
  since?: number;
  until?: number;
  agent?: string;
}

export type QueryCheck = { ok: true; query: ReportQuery } | { ok: false; error: string };

const PERIODS: readonly Period[] = ['day', 'week', 'month'];
const PARAMS = ['since', 'until', 'agent', 'period', 'tz'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const EPOCH_MS = /^-?\d{1,16}$/;

/** `2026-11-01` (midnight UTC, as `audit --since` reads it), an ISO time, or epoch ms. */
function parseInstant(value: string): number | null {
  if (EPOCH_MS.test(value)) return parseAt(Number(value));
  return parseAt(DAY.test(value) ? `${value}T00:00:00Z` : value);
}

function isTimeZone(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  try {
    checkTimeZone(value);
    return true;
  } catch {
    return false;
  }
}

/** Validates the query string; every error names its parameter. */
export function parseReportQuery(params: URLSearchParams): QueryCheck {
  const fail = (error: string): QueryCheck => ({ ok: false, error });
  for (const name of new Set(params.keys())) {
    if (name === 'team') {
      return fail("team: not a parameter; the report is always of the token's own team");
    }
    if (!(PARAMS as readonly string[]).includes(name)) {
      return fail(`${name.slice(0, 40)}: unknown parameter (use ${PARAMS.join(', ')})`);
    }
    if (params.getAll(name).length > 1) return fail(`${name}: given more than once`);
  }
  const query: ReportQuery = { period: 'week', timeZone: 'UTC' };
  const period = params.get('period');
  if (period !== null) {
    if (!(PERIODS as readonly string[]).includes(period)) {
      return fail('period: must be day, week or month');
    }
    query.period = period as Period;
  }
  const tz = params.get('tz');
  if (tz !== null) {
    if (!isTimeZone(tz)) return fail('tz: must be an IANA time zone such as Europe/Paris');
    query.timeZone = tz;
  }
  for (const name of ['since', 'until'] as const) {
    const raw = params.get(name);
    if (raw === null) continue;
    const at = parseInstant(raw);
    if (at === null) return fail(`${name}: must be a date (2026-11-01), an ISO time or epoch ms`);
    query[name] = at;
  }
  if (query.since !== undefined && query.until !== undefined && query.until <= query.since) {
    return fail('until: must be after since');
  }
  const agent = params.get('agent');
  if (agent !== null) {
    if (agent === '' || agent.length > FIELD_LIMITS.agentId) {
      return fail(`agent: must be an agent id of 1 to ${FIELD_LIMITS.agentId} characters`);
    }
    query.agent = agent;
  }
  return { ok: true, query };
}

/** One key per distinct query (the cache's and the in-flight map's). */
function queryKey(q: ReportQuery): string {
  return JSON.stringify([q.period, q.timeZone, q.since ?? null, q.until ?? null, q.agent ?? null]);
}

export interface TeamReportsOptions {
  /** Per-team budget of report requests that need a fresh pass over the log; null: none. */
  limiter: RateLimiter | null;
  /** Records read per page, between yields to the event loop (default 2000). */
  pageSize?: number;
  /** The longest collected facts are reused, even with no new events (default 30 s). */
  maxAgeMs?: number;
}

interface Collected {
  head: number;
  configVersion: number;
  at: number;
  facts: ChatReportFacts[];
  /** How long the pass and the facts took (ms). */
  passMs: number;
  factsMs: number;
  /** Reports built from these facts, by query (a few per team). */
  reports: Map<string, TeamReport>;
}

export type ReportOutcome =
  | {
      ok: true;
      report: TeamReport;
      /** Where the time went (ms), for a `Server-Timing` header: the log pass (0 when kept). */
      timing: { passMs: number; factsMs: number; buildMs: number };
    }
  | { ok: false; take: Extract<Take, { ok: false }> };

const REPORTS_KEPT = 8;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class TeamReports {
  private readonly collected = new Map<string, Collected>();
  private readonly passes = new Map<string, Promise<Collected>>();
  private readonly pageSize: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly hub: Hub,
    private readonly options: TeamReportsOptions,
  ) {
    this.pageSize = options.pageSize ?? 2000;
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
  }

  /** The team's report for the query. Only a new pass over the log spends from the budget. */
  async report(team: string, query: ReportQuery): Promise<ReportOutcome> {
    let collected = (await this.passes.get(team)) ?? (await this.kept(team));
    const fresh = !collected;
    if (!collected) {
      const take = this.options.limiter?.take(team) ?? { ok: true };
      if (!take.ok) return { ok: false, take };
      collected = await this.collect(team);
    }
    const key = queryKey(query);
    let report = collected.reports.get(key);
    let buildMs = 0;
    if (!report) {
      await nextTurn(); // between the pass's last page and the report's own work
      const t = performance.now();
      report = await buildReportInTurns(
        collected.facts,
        { ...query, now: collected.at },
        {},
        nextTurn,
      );
      buildMs = performance.now() - t;
      if (collected.reports.size >= REPORTS_KEPT) {
        collected.reports.delete(collected.reports.keys().next().value!);
      }
      collected.reports.set(key, report);
    }
    const timing = fresh
      ? { passMs: collected.passMs, factsMs: collected.factsMs, buildMs }
      : { passMs: 0, factsMs: 0, buildMs };
    return { ok: true, report, timing };
  }

  /** The kept facts while the log's head and the configuration are unchanged and recent. */
  private async kept(team: string): Promise<Collected | undefined> {
    const now = this.hub.now();
    // Old passes are of no further use: let their memory go.
    for (const [t, c] of this.collected) {
      if (now - c.at >= this.maxAgeMs) this.collected.delete(t);
    }
    const kept = this.collected.get(team);
    if (!kept) return undefined;
    const [head, config] = await Promise.all([this.hub.head(team), this.hub.currentConfig(team)]);
    return head === kept.head && config.version === kept.configVersion ? kept : undefined;
  }

  /** One pass over the team's log at a time; concurrent requests share it. */
  private collect(team: string): Promise<Collected> {
    let pass = this.passes.get(team);
    if (!pass) {
      pass = this.readLog(team).finally(() => this.passes.delete(team));
      this.passes.set(team, pass);
    }
    return pass;
  }

  /** Every stored event up to `head`, page by page, yielding to other work between pages. */
  private async eachEvent(team: string, head: number, each: (event: ChatEvent) => void) {
    let cursor = 0;
    while (cursor < head) {
      const page = await this.hub.log.readAfter(team, cursor, this.pageSize);
      for (const record of page) {
        if (record.o > head) return;
        each(record.e);
      }
      const last = page.at(-1);
      if (!last || page.length < this.pageSize) return;
      cursor = last.o;
      await nextTurn();
    }
  }

  /** Reads the log up to its head now into each chat's facts. */
  private async readLog(team: string): Promise<Collected> {
    const at = this.hub.now();
    const started = performance.now();
    const [head, config] = await Promise.all([this.hub.head(team), this.hub.currentConfig(team)]);
    const collector = createReportCollector(config.config);
    await this.eachEvent(team, head, (event) => collector.add(event));
    // Chats that got an event out of order: derived again from a second pass.
    if (collector.needsReplay) await this.eachEvent(team, head, (e) => collector.replay(e));
    const passed = performance.now();
    const facts = collector.facts();
    const collected: Collected = {
      head,
      configVersion: config.version,
      at,
      facts,
      passMs: passed - started,
      factsMs: performance.now() - passed,
      reports: new Map(),
    };
    this.collected.set(team, collected);
    return collected;
  }
}
