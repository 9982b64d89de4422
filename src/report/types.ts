// The team report's shapes (issue 15): one engine for the numbers, shown as JSON (`audit
// --json`'s `report` key), CSV tables, a static HTML file and the supervisor's Team view.
// Pure data: every figure is computed by src/report from the engine's per-chat facts, with
// `now` and the team's time zone passed in.

export type Period = 'day' | 'week' | 'month';

export interface ReportOptions {
  /** The bucket figures are grouped by (default week). */
  period: Period;
  /** IANA time zone the periods and hours of day are counted in (the team's; default UTC). */
  timeZone: string;
  /** Chats whose Start is in [since, until) (epoch ms); open-ended when absent. */
  since?: number;
  until?: number;
  /** Only this agent's figures (the chats they sent a public message in). */
  agent?: string;
  /** When the report is made (staleness of SOPs, open chats' End). */
  now: number;
  /** QA sample: this many chats per agent per calendar month, reproducibly from `seed`. */
  sample?: { perAgentPerMonth: number; seed: string };
}

/** The figures of one agent (or of the team: agentId null) in one period. */
export interface PeriodFigures {
  agentId: string | null;
  /** '2026-11-30' (day), '2026-W49' (ISO week), '2026-11' (month), in the report's time zone. */
  period: string;
  /** The period's first and last instant + 1 (epoch ms). */
  start: number;
  end: number;
  /** Chats the agent sent a public message in (attribution: protocol.md "Ownership"). */
  chats: number;
  /** Chats whose first response this agent sent. */
  firstResponses: number;
  /** Of those, the share (%, one decimal) not over the chat's first-response threshold; null with none. The team row: of all chats with a first response. */
  firstResponseInTimePct: number | null;
  /** Median (nearest rank: the lower middle of an even count) of those chats' first response (s, audit's firstResponseS). */
  firstResponseMedianS: number | null;
  /** 90th percentile, nearest rank, of the same first responses (s). */
  firstResponseP90S: number | null;
  /** Longest customer wait after the first response in any of the chats (s, audit's longestGapS). */
  longestWaitS: number | null;
  /** Waits over the gap threshold (audit's gapBreaches) summed over the chats, divided by the chats, two decimals. */
  gapBreachesPerChat: number | null;
  /** Of the chats whose first response the row's agent sent, the share (%) that greeted the customer by name. */
  greetedByNamePct: number | null;
  /** Each checklist item's completion: the share (%) of the chats where audit shows it checked, by item id. */
  checklistPct: Record<string, number | null>;
  /** Start to close (s), closed chats only: median and 90th percentile, nearest rank. */
  handlingMedianS: number | null;
  handlingP90S: number | null;
  /**
   * Chats where an escalation trigger fired (words, tier, open too long; read at audit's End),
   * and of those, how many had the escalation SOP opened in the widget (the library's SOP tagged,
   * else titled, "escalation"; without a library, an opened SOP whose id contains "escalat").
   */
  escalations: number;
  escalationsWithSopOpened: number;
  /** Chats tagged for QA, by category: the reason when it is a team tag (any case), else "Other". */
  qaTags: Record<string, number>;
}

/** A figure against the previous period of the same agent. */
export interface TrendRow {
  agentId: string | null;
  period: string;
  figure: keyof PeriodFigures;
  value: number | null;
  previous: number | null;
  /** value − previous; null when either is null. */
  change: number | null;
}

export interface SopUsage {
  sopId: string;
  title: string | null;
  /** Chats in which the widget suggested it, opened it in full, and inserted one of its replies. */
  suggested: number;
  opened: number;
  inserted: number;
  /** From the library, when the report had one. */
  lastReviewed: string | null;
  reviewDue: string | null;
  stale: boolean;
}

export interface UnansweredGroup {
  /** The shared words that name the group. */
  words: string[];
  count: number;
  examples: Array<{ chatId: string; at: number; text: string }>;
}

export interface QaPick {
  agentId: string;
  /** '2026-11' */
  month: string;
  chatId: string;
  /** Why it weighed more: breaches and escalations make a chat likelier to be picked. */
  breaches: number;
  escalated: boolean;
}

export interface TeamReport {
  generatedAt: number;
  period: Period;
  timeZone: string;
  since: number | null;
  until: number | null;
  /** Per agent and period, agents sorted by id, periods in time order. */
  agents: PeriodFigures[];
  /** The team's figures per period (agentId null). */
  team: PeriodFigures[];
  trends: TrendRow[];
  /** Breached clocks by hour of day (0–23, the report's time zone): first response and gap. */
  breachesByHour: Array<{ hour: number; firstResponse: number; gap: number }>;
  /** First responses in buckets of 10 s (the last bucket open-ended). */
  firstResponseDistribution: Array<{ fromS: number; toS: number | null; chats: number }>;
  sops: SopUsage[];
  unanswered: UnansweredGroup[];
  sample: QaPick[];
}

/**
 * What the report needs of one chat, gathered by the collector (collect.ts) from the event
 * log in one pass, the same in `audit` and in `serve`.
 */
export interface ChatReportFacts {
  chatId: string;
  /** The chat's reduced state at the end of the log (protocol.md, src/core). */
  state: import('../core/types.ts').ChatState;
  /** The thresholds that apply to it (overrides by tier and channel). */
  rules: import('../core/types.ts').ChatRules;
  /** SOP ids the widget suggested, opened and inserted a reply from in this chat. */
  sops: { suggested: string[]; opened: string[]; inserted: string[] };
  /** The chat's `audit --json` line when the caller has it already (`auditChat` otherwise). */
  audit?: import('../core/types.ts').AuditChat;
}

/** A customer message no SOP answered with confidence (the caller's search decides). */
export interface UnansweredQuestion {
  chatId: string;
  at: number;
  text: string;
}
