// The team report from each chat's facts: per agent and period, the team's rows, trends,
// breaches by hour, the first-response distribution, SOP usage, unanswered questions and
// the QA sample. Pure: `now` and the time zone come in the options. Every per-chat number
// is `auditChat`'s (src/core/read.ts), so the report and `audit --json` agree by
// construction; definitions: docs/reports.md and the doc comments in types.ts.
import { matchKey } from '../core/config.ts';
import { auditChat, auditEnd, escalationsAt } from '../core/read.ts';
import { msToSeconds } from '../core/time.ts';
import type { AuditChat } from '../core/types.ts';
import { analyze } from '../search/analyzer.ts';
import { hashHex } from '../search/hash.ts';
import { reviewStatus } from '../search/review.ts';
import { summarizeLibrary } from '../search/summary.ts';
import type { SopLibrary } from '../search/types.ts';
import { checkTimeZone, hourOf, type PeriodSpan, periodOf } from './periods.ts';
import type {
  ChatReportFacts,
  PeriodFigures,
  QaPick,
  ReportOptions,
  SopUsage,
  TeamReport,
  TrendRow,
  UnansweredGroup,
  UnansweredQuestion,
} from './types.ts';

/** What the report measures of one chat: audit's line plus the report's own facts. */
export interface ChatFigures {
  facts: ChatReportFacts;
  /** Exactly `audit --json`'s line for the chat. */
  audit: AuditChat;
  /** Start to close (s); null while the chat is open. */
  handlingS: number | null;
  /** An escalation trigger fired (words, tier or open too long, read at audit's End). */
  escalated: boolean;
  /** The escalation SOP was opened in full in the widget. */
  escalationSopOpened: boolean;
  /** The QA tag's category: a team tag, "Other", or null when the chat is not tagged. */
  qaTag: string | null;
}

/** The last bucket of the first-response distribution starts here (s), open-ended. */
export const DISTRIBUTION_LAST_FROM_S = 120;
const DISTRIBUTION_STEP_S = 10;
const MAX_UNANSWERED_GROUPS = 20;
const MAX_EXAMPLES = 3;
/** A QA tag whose reason is not one of the team's tags. */
export const OTHER_TAG = 'Other';

/** Does an opened SOP count as "the escalation SOP"? See `escalationSopTest`. */
type EscalationSopTest = (sopId: string) => boolean;

/**
 * With a library, the escalation SOP is the one the widget's escalation prompt opens
 * (tagged, else titled, "escalation": src/search/summary.ts). Without one, an opened SOP
 * whose id mentions "escalat" counts (the same word rule applied to the id).
 */
export function escalationSopTest(library: SopLibrary | null | undefined): EscalationSopTest {
  if (library) {
    const id = summarizeLibrary(library).escalation?.id;
    return (sopId) => sopId === id;
  }
  return (sopId) => /escalat/i.test(sopId);
}

/** Measures one chat (what `buildReport` aggregates; tests compare it with `audit`). */
export function chatFigures(
  facts: ChatReportFacts,
  isEscalationSop: EscalationSopTest,
): ChatFigures {
  const { state, rules } = facts;
  // The escalations of `read` at audit's End, without the rest of the reading.
  const escalated = escalationsAt(state, rules, auditEnd(state)).length > 0;
  const qa = state.manual.qa;
  let qaTag: string | null = null;
  if (qa?.checked) {
    const reason = matchKey(qa.reason ?? '');
    qaTag = rules.qaTags.find((tag) => matchKey(tag) === reason) ?? OTHER_TAG;
  }
  return {
    facts,
    audit: facts.audit ?? auditChat(state, rules),
    handlingS: state.closedAt === null ? null : msToSeconds(state.closedAt - state.start),
    escalated,
    escalationSopOpened: escalated && facts.sops.opened.some(isEscalationSop),
    qaTag,
  };
}

/**
 * The nearest-rank percentile: the smallest value with at least p% of the values at or
 * below it (so the median of an even count is the lower middle). Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  return nearestRank(ascending(values), p);
}

/** A sorted copy, for several percentiles of one list. */
function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** `percentile` of values already in ascending order. */
function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A share in percent, to one decimal; null of nothing. */
function pct(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

/** A ratio to two decimals; null of nothing. */
function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 100) / 100;
}

/** The figures of one row: `agentId` null for the team. */
function figuresOf(
  agentId: string | null,
  span: PeriodSpan,
  chats: readonly ChatFigures[],
  checklistIds: readonly string[],
): PeriodFigures {
  // The chats whose first response the row's agent sent (the team: any first response).
  const responded = chats.filter((c) =>
    agentId === null ? c.audit.firstResponseS !== null : c.facts.state.firstResponderId === agentId,
  );
  const firstResponseTimes = ascending(responded.map((c) => c.audit.firstResponseS!));
  const handling = ascending(chats.flatMap((c) => (c.handlingS === null ? [] : [c.handlingS])));
  const checklistPct: Record<string, number | null> = {};
  for (const id of checklistIds) {
    checklistPct[id] = pct(
      chats.filter((c) => c.audit.checklist[id] === true).length,
      chats.length,
    );
  }
  const qaTags: Record<string, number> = {};
  for (const c of chats) if (c.qaTag !== null) qaTags[c.qaTag] = (qaTags[c.qaTag] ?? 0) + 1;
  const escalated = chats.filter((c) => c.escalated);
  return {
    agentId,
    period: span.key,
    start: span.start,
    end: span.end,
    chats: chats.length,
    firstResponses: responded.length,
    firstResponseInTimePct: pct(
      responded.filter((c) => !c.audit.firstResponseBreached).length,
      responded.length,
    ),
    firstResponseMedianS: nearestRank(firstResponseTimes, 50),
    firstResponseP90S: nearestRank(firstResponseTimes, 90),
    longestWaitS: chats.length === 0 ? null : Math.max(...chats.map((c) => c.audit.longestGapS)),
    gapBreachesPerChat: ratio(
      chats.reduce((sum, c) => sum + c.audit.gapBreaches, 0),
      chats.length,
    ),
    greetedByNamePct: pct(responded.filter((c) => c.audit.greetedByName).length, responded.length),
    checklistPct,
    handlingMedianS: nearestRank(handling, 50),
    handlingP90S: nearestRank(handling, 90),
    escalations: escalated.length,
    escalationsWithSopOpened: escalated.filter((c) => c.escalationSopOpened).length,
    qaTags,
  };
}

/** The numeric figures the trends follow, in the order the tables show them. */
export const TREND_FIGURES = [
  'chats',
  'firstResponses',
  'firstResponseInTimePct',
  'firstResponseMedianS',
  'firstResponseP90S',
  'longestWaitS',
  'gapBreachesPerChat',
  'greetedByNamePct',
  'handlingMedianS',
  'handlingP90S',
  'escalations',
  'escalationsWithSopOpened',
] as const satisfies ReadonlyArray<keyof PeriodFigures>;

/** Each row's figures against the same agent's row of the calendar period just before. */
function trendsOf(rows: readonly PeriodFigures[], options: ReportOptions): TrendRow[] {
  const byKey = new Map(rows.map((r) => [`${r.agentId ?? ''}\u0000${r.period}`, r]));
  const trends: TrendRow[] = [];
  for (const row of rows) {
    const before = periodOf(row.start - 1, options.period, options.timeZone).key;
    const previous = byKey.get(`${row.agentId ?? ''}\u0000${before}`);
    for (const figure of TREND_FIGURES) {
      const value = row[figure];
      const prior = previous ? previous[figure] : null;
      trends.push({
        agentId: row.agentId,
        period: row.period,
        figure,
        value,
        previous: prior,
        change: value === null || prior === null ? null : Math.round((value - prior) * 1000) / 1000,
      });
    }
  }
  return trends;
}

/** Breached clocks by the hour (in the zone) their threshold was passed. */
function breachesByHourOf(chats: readonly ChatFigures[], timeZone: string) {
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, firstResponse: 0, gap: 0 }));
  for (const c of chats) {
    const { state, rules } = c.facts;
    if (c.audit.firstResponseBreached) {
      hours[hourOf(state.start + rules.firstResponseS * 1000, timeZone)]!.firstResponse += 1;
    }
    // The same waits `measure` counts: ended ones, and one still open at audit's End.
    const count = (from: number, to: number) => {
      if ((to - from) / 1000 > rules.maxGapS) {
        hours[hourOf(from + rules.maxGapS * 1000, timeZone)]!.gap += 1;
      }
    };
    const { periods } = state;
    for (let i = 0; i < periods.length; i += 2) count(periods[i]!, periods[i + 1]!);
    if (state.waitingSince !== null) count(state.waitingSince, auditEnd(state));
  }
  return hours;
}

function distributionOf(chats: readonly ChatFigures[]) {
  const buckets: TeamReport['firstResponseDistribution'] = [];
  for (let from = 0; from < DISTRIBUTION_LAST_FROM_S; from += DISTRIBUTION_STEP_S) {
    buckets.push({ fromS: from, toS: from + DISTRIBUTION_STEP_S, chats: 0 });
  }
  buckets.push({ fromS: DISTRIBUTION_LAST_FROM_S, toS: null, chats: 0 });
  for (const c of chats) {
    const s = c.audit.firstResponseS;
    if (s === null) continue;
    const index = Math.min(Math.floor(s / DISTRIBUTION_STEP_S), buckets.length - 1);
    buckets[index]!.chats += 1;
  }
  return buckets;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Per SOP, the chats it was suggested in, opened in and had a reply inserted in; every SOP
 * used at least once plus every stale one of the library, the most used first.
 */
function sopsOf(
  chats: readonly ChatFigures[],
  library: SopLibrary | null | undefined,
  now: number,
): SopUsage[] {
  const usage = new Map<string, SopUsage>();
  const entry = (sopId: string): SopUsage => {
    let u = usage.get(sopId);
    if (!u) {
      u = {
        sopId,
        title: null,
        suggested: 0,
        opened: 0,
        inserted: 0,
        lastReviewed: null,
        reviewDue: null,
        stale: false,
      };
      usage.set(sopId, u);
    }
    return u;
  };
  for (const { facts } of chats) {
    for (const id of facts.sops.suggested) entry(id).suggested += 1;
    for (const id of facts.sops.opened) entry(id).opened += 1;
    for (const id of facts.sops.inserted) entry(id).inserted += 1;
  }
  for (const sop of library?.sops ?? []) {
    const review = reviewStatus(sop, now);
    if (!review.stale && !usage.has(sop.id)) continue;
    const u = entry(sop.id);
    u.title = sop.title;
    u.lastReviewed = sop.lastReviewed ?? null;
    u.reviewDue = review.dueOn;
    u.stale = review.stale;
  }
  return [...usage.values()].sort(
    (a, b) =>
      b.inserted - a.inserted ||
      b.opened - a.opened ||
      b.suggested - a.suggested ||
      byString(a.sopId, b.sopId),
  );
}

/**
 * Groups questions by shared words (the search's stems, stop words out): repeatedly the
 * stem most questions share (ties: alphabetical) takes every question left that has it.
 * A group is named by that word as customers most often wrote it, plus any other stem all
 * of its questions share (up to 3 words in all).
 */
export function groupUnanswered(questions: readonly UnansweredQuestion[]): UnansweredGroup[] {
  const sorted = [...questions].sort(
    (a, b) => a.at - b.at || byString(a.chatId, b.chatId) || byString(a.text, b.text),
  );
  const spelling = new Map<string, Map<string, number>>();
  const stemsOf = sorted.map((q) => {
    const stems = new Set<string>();
    for (const token of analyze(q.text)) {
      if (token.kind !== 'word') continue;
      stems.add(token.term);
      const written = q.text.slice(token.start, token.end).toLowerCase();
      const forms = spelling.get(token.term) ?? new Map<string, number>();
      forms.set(written, (forms.get(written) ?? 0) + 1);
      spelling.set(token.term, forms);
    }
    return stems;
  });
  const wordFor = (stem: string) =>
    [...(spelling.get(stem) ?? [])].sort((a, b) => b[1] - a[1] || byString(a[0], b[0]))[0]?.[0] ??
    stem;
  let left = sorted.map((_, i) => i);
  const groups: UnansweredGroup[] = [];
  while (groups.length < MAX_UNANSWERED_GROUPS) {
    const counts = new Map<string, number>();
    for (const i of left)
      for (const stem of stemsOf[i]!) counts.set(stem, (counts.get(stem) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1] || byString(a[0], b[0]))[0];
    if (!best) break;
    const members = left.filter((i) => stemsOf[i]!.has(best[0]));
    const shared = [...stemsOf[members[0]!]!]
      .filter((s) => s !== best[0] && members.every((i) => stemsOf[i]!.has(s)))
      .sort(byString)
      .slice(0, 2);
    groups.push({
      words: [best[0], ...shared].map(wordFor),
      count: members.length,
      examples: members.slice(0, MAX_EXAMPLES).map((i) => {
        const { chatId, at, text } = sorted[i]!;
        return { chatId, at, text };
      }),
    });
    const taken = new Set(members);
    left = left.filter((i) => !taken.has(i));
  }
  return groups;
}

/**
 * A chat's weight in the QA sample: 1, plus 2 per breach (first response and gap breaches,
 * counting at most 3), plus 3 when an escalation trigger fired.
 */
export function sampleWeight(breaches: number, escalated: boolean): number {
  return 1 + 2 * Math.min(breaches, 3) + (escalated ? 3 : 0);
}

/** A uniform number in (0, 1) from a string, reproducibly (cyrb53-style hash). */
function uniform(text: string): number {
  return (Number.parseInt(hashHex(text).slice(0, 13), 16) + 0.5) / 2 ** 52;
}

/**
 * N chats per agent per calendar month, weighted without replacement (Efraimidis–Spirakis:
 * the N largest u^(1/weight)), with u drawn from the seed, agent, month and chat id, so a
 * pick does not depend on the order of the log. Chats with no agent are not sampled.
 */
function sampleOf(chats: readonly ChatFigures[], options: ReportOptions): QaPick[] {
  const sample = options.sample;
  if (!sample || sample.perAgentPerMonth <= 0) return [];
  const pools = new Map<string, Array<{ key: number; pick: QaPick }>>();
  for (const c of chats) {
    const { state } = c.facts;
    const month = periodOf(state.start, 'month', options.timeZone).key;
    const breaches = (c.audit.firstResponseBreached ? 1 : 0) + c.audit.gapBreaches;
    const weight = sampleWeight(breaches, c.escalated);
    for (const agentId of state.agents) {
      if (options.agent !== undefined && agentId !== options.agent) continue;
      const u = uniform(`${sample.seed}\u0000${agentId}\u0000${month}\u0000${state.chatId}`);
      const poolKey = `${agentId}\u0000${month}`;
      const pool = pools.get(poolKey) ?? [];
      pool.push({
        key: Math.log(u) / weight,
        pick: { agentId, month, chatId: state.chatId, breaches, escalated: c.escalated },
      });
      pools.set(poolKey, pool);
    }
  }
  const picks: QaPick[] = [];
  for (const pool of pools.values()) {
    pool.sort((a, b) => b.key - a.key || byString(a.pick.chatId, b.pick.chatId));
    picks.push(...pool.slice(0, sample.perAgentPerMonth).map((p) => p.pick));
  }
  return picks.sort(
    (a, b) =>
      byString(a.agentId, b.agentId) || byString(a.month, b.month) || byString(a.chatId, b.chatId),
  );
}

/**
 * The report over the chats whose Start is in [since, until). A chat counts in the period
 * its Start falls in, for every agent who sent a public message in it (protocol.md
 * "Ownership"); a chat no agent wrote in counts for the team rows only. With
 * `options.agent`, every section covers only the chats that agent wrote in.
 */
type ReportExtra = { library?: SopLibrary | null; unanswered?: UnansweredQuestion[] };

export function buildReport(
  chats: Iterable<ChatReportFacts>,
  options: ReportOptions,
  extra: ReportExtra = {},
): TeamReport {
  const measure = measurer(options, extra);
  const measured: ChatFigures[] = [];
  for (const facts of chats) measure(facts, measured);
  return assemble(measured, options, extra);
}

/**
 * The same report, measuring the chats a slice at a time and awaiting `turn()` between
 * slices: `serve` answers other teams while a big log's report is made.
 */
export async function buildReportInTurns(
  chats: readonly ChatReportFacts[],
  options: ReportOptions,
  extra: ReportExtra,
  turn: () => Promise<void>,
  slice = 2_000,
): Promise<TeamReport> {
  const measure = measurer(options, extra);
  const measured: ChatFigures[] = [];
  for (let i = 0; i < chats.length; i += 1) {
    measure(chats[i]!, measured);
    if ((i + 1) % slice === 0) await turn();
  }
  return assemble(measured, options, extra);
}

/** Each chat's figures, for the chats the options keep. */
function measurer(options: ReportOptions, extra: ReportExtra) {
  checkTimeZone(options.timeZone);
  const isEscalationSop = escalationSopTest(extra.library);
  return (facts: ChatReportFacts, into: ChatFigures[]) => {
    const { start, agents } = facts.state;
    if (options.since !== undefined && start < options.since) return;
    if (options.until !== undefined && start >= options.until) return;
    if (options.agent !== undefined && !agents.includes(options.agent)) return;
    into.push(chatFigures(facts, isEscalationSop));
  };
}

function assemble(measured: ChatFigures[], options: ReportOptions, extra: ReportExtra): TeamReport {
  measured.sort(
    (a, b) => a.facts.state.start - b.facts.state.start || byString(a.facts.chatId, b.facts.chatId),
  );

  const checklistIds: string[] = [];
  for (const c of measured) {
    for (const item of c.facts.rules.checklist) {
      if (!checklistIds.includes(item.id)) checklistIds.push(item.id);
    }
  }
  // Rows by agent (null: the team) and period, in time order.
  const spans = new Map<string, PeriodSpan>();
  const groups = new Map<string | null, Map<string, ChatFigures[]>>([[null, new Map()]]);
  const add = (agentId: string | null, key: string, c: ChatFigures) => {
    let periods = groups.get(agentId);
    if (!periods) {
      periods = new Map();
      groups.set(agentId, periods);
    }
    const list = periods.get(key) ?? [];
    list.push(c);
    periods.set(key, list);
  };
  for (const c of measured) {
    const span = periodOf(c.facts.state.start, options.period, options.timeZone);
    spans.set(span.key, span);
    add(null, span.key, c);
    for (const agentId of c.facts.state.agents) {
      if (options.agent === undefined || agentId === options.agent) add(agentId, span.key, c);
    }
  }
  const rowsOf = (agentId: string | null) =>
    [...(groups.get(agentId) ?? [])]
      .map(([key, list]) => figuresOf(agentId, spans.get(key)!, list, checklistIds))
      .sort((a, b) => a.start - b.start);
  const agentIds = [...groups.keys()].filter((id): id is string => id !== null).sort(byString);
  const agents = agentIds.flatMap(rowsOf);
  const team = rowsOf(null);

  return {
    generatedAt: options.now,
    period: options.period,
    timeZone: options.timeZone,
    since: options.since ?? null,
    until: options.until ?? null,
    agents,
    team,
    trends: trendsOf([...agents, ...team], options),
    breachesByHour: breachesByHourOf(measured, options.timeZone),
    firstResponseDistribution: distributionOf(measured),
    sops: sopsOf(measured, extra.library, options.now),
    unanswered: groupUnanswered(extra.unanswered ?? []),
    sample: sampleOf(measured, options),
  };
}
