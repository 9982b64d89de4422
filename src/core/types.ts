// Shared types of the engine. Everything here is plain data: no classes, no DOM, no I/O.
// Times are epoch milliseconds (numbers) everywhere inside the engine; the boundary
// (events.ts) turns the protocol's ISO strings or epoch numbers into them.

export type Author = 'customer' | 'agent' | 'bot' | 'system';

export interface Customer {
  id?: string;
  name?: string;
  tier?: string;
}

export interface ChatStartedEvent {
  type: 'chat.started';
  chatId: string;
  at: number;
  customer?: Customer;
  channel?: string;
  /** Optional extension: the helpdesk's case/ticket reference. Defaults to the chat id. */
  caseRef?: string;
  /** The agent the chat is assigned to at its start (protocol.md "Ownership"). */
  assignee?: string;
}

export interface MessageEvent {
  type: 'message';
  chatId: string;
  at: number;
  id: string;
  author: Author;
  text: string;
  internal: boolean;
  hold: boolean;
  agentId?: string;
}

export interface ChatClosedEvent {
  type: 'chat.closed';
  chatId: string;
  at: number;
}

/** Hands the chat to an agent, or with `agentId: null` back to the queue ("Ownership"). */
export interface ChatAssignedEvent {
  type: 'chat.assigned';
  chatId: string;
  at: number;
  agentId: string | null;
}

/**
 * What the agent does in the widget, recorded as events so that the widget, the server
 * and `audit` derive the checklist from one log. The timers ignore these (protocol.md:
 * other types are ignored by the timers).
 */
export interface CheckEvent {
  type: 'playbook.check';
  chatId: string;
  at: number;
  item: string;
  checked: boolean;
  by?: string;
  /** Required by the `qa` item: why this chat needs QA review. */
  reason?: string;
}

export interface NoteEvent {
  type: 'playbook.note';
  chatId: string;
  at: number;
  text: string;
  by?: string;
}

export interface ReplyUsedEvent {
  type: 'playbook.reply';
  chatId: string;
  at: number;
  sopId: string;
  replyId: string;
  /** True when every fill-in field was completed before insertion. */
  filled: boolean;
  /** The reply's text as inserted (after filling): the sent message must carry it. */
  text?: string;
  by?: string;
}

/** Our extension (issue 15): the agent opened an SOP in full in the widget. */
export interface SopOpenedEvent {
  type: 'playbook.opened';
  chatId: string;
  at: number;
  sopId: string;
  by?: string;
}

/**
 * Our extension (issue 15): the focused chat's suggestion list changed to these SOPs
 * (at most MAX_SUGGESTED_SOPS, best first); sent at most once per distinct list.
 */
export interface SopsSuggestedEvent {
  type: 'playbook.suggested';
  chatId: string;
  at: number;
  sopIds: string[];
  by?: string;
}

export type PlaybookEvent =
  | CheckEvent
  | NoteEvent
  | ReplyUsedEvent
  | SopOpenedEvent
  | SopsSuggestedEvent;
export type ProtocolEvent = ChatStartedEvent | MessageEvent | ChatClosedEvent | ChatAssignedEvent;
export type ChatEvent = ProtocolEvent | PlaybookEvent;

/** An event as a chat's timeline stores it: with its arrival sequence for stable ordering. */
export interface SequencedEvent {
  seq: number;
  event: ChatEvent;
}

// ---------------------------------------------------------------------------
// Configuration

export interface Thresholds {
  firstResponseS: number;
  firstResponseWarnS: number;
  maxGapS: number;
  gapWarnS: number;
}

export interface OverrideWhen {
  tier?: string;
  channel?: string;
}

export interface ThresholdOverride extends Partial<Thresholds> {
  when: OverrideWhen;
}

export interface ChecklistItemDef {
  id: string;
  label: string;
}

export interface EscalationConfig {
  /** Customer tiers that raise an escalation prompt as soon as the chat starts. */
  tiers: string[];
  /** A chat open longer than this (seconds) raises an escalation prompt. */
  maxOpenS: number;
}

/** A validated team configuration (protocol.md "Threshold configuration", plus extensions). */
export interface TeamConfig extends Thresholds {
  /** Lower-cased, whitespace-collapsed. */
  holdPhrases: string[];
  overrides: ThresholdOverride[];
  checklist: ChecklistItemDef[];
  escalation: EscalationConfig;
  /** The QA tag picker's tags ("Other" with a typed reason is always offered besides). */
  qaTags: string[];
}

/** The thresholds that apply to one chat after overrides. */
export interface ChatRules extends Thresholds {
  escalation: EscalationConfig;
  checklist: ChecklistItemDef[];
  qaTags: string[];
}

// ---------------------------------------------------------------------------
// Derived per-chat state (reduce) and readings (read / audit)

export type EscalationKind = 'manager' | 'legal' | 'safety' | 'tier' | 'duration';

export interface EscalationHit {
  kind: EscalationKind;
  at: number;
  /** The customer's words that raised it (for manager/legal/safety). */
  excerpt?: string;
  messageId?: string;
}

export interface ManualMark {
  checked: boolean;
  at: number;
  by?: string;
  reason?: string;
}

export interface Note {
  at: number;
  text: string;
  by?: string;
}

/** First sighting of an automatically detected checklist signal. */
export interface Detection {
  at: number;
  messageId: string;
}

export interface ChatState {
  chatId: string;
  /** Start: earliest `at` of chat.started and message events. */
  start: number;
  /** Greatest `at` of chat.started and message events (audit's End for an open chat). */
  lastAt: number;
  startedSeen: boolean;
  closedAt: number | null;
  customer: Customer;
  channel: string | undefined;
  caseRef: string;
  /**
   * Who works the chat (protocol.md "Ownership", docs/ownership.md): the latest explicit
   * assignment by `at` (null: returned to the queue); without any, the author of the latest
   * public agent message that names one; null when there is neither.
   */
  owner: string | null;
  /** Where `owner` comes from: an assignment, a public agent message, or nothing yet. */
  ownerFrom: 'assignment' | 'message' | null;
  /** Authors of public agent messages, in order of their first one (per-agent figures). */
  agents: readonly string[];
  /** Author of the first public agent message: the first response counts for them. */
  firstResponderId: string | null;
  firstAgentAt: number | null;
  firstAgentText: string | null;
  /** Open waiting period's start, or null when the customer is not waiting. */
  waitingSince: number | null;
  /**
   * Ended waiting periods in time order, flat: `[start0, end0, start1, end1, …]`. One array
   * of numbers per chat, not an array per wait: an audit holds tens of thousands of chats.
   */
  periods: readonly number[];
  customerMessages: number;
  agentMessages: number;
  lastCustomerAt: number | null;
  /** Key words of recent customer messages, ` word word … ` (for the `restate` suggestion). */
  recentCustomerWords: string;
  detected: Readonly<{
    restate?: Detection;
    expectations?: Detection;
    anythingElse?: Detection;
    close?: Detection;
  }>;
  /** When a sent public agent message first carried a reply inserted from the widget. */
  snippet: { at: number; sopId: string; replyId: string } | null;
  /**
   * Replies inserted (filled) but not yet seen sent, newest last: `words` are the filled
   * text's key words (`replyWords`), null for an insert recorded without its text.
   */
  insertedReplies: ReadonlyArray<{
    at: number;
    sopId: string;
    replyId: string;
    words: string | null;
  }>;
  manual: Readonly<Record<string, ManualMark>>;
  notes: ReadonlyArray<Note>;
  /** Word-based escalation hits (manager / legal / safety), first of each kind. */
  escalations: ReadonlyArray<EscalationHit>;
  /**
   * SOP ids the widget suggested, opened in full and inserted a reply from in this chat,
   * each distinct, in order of first use (the team report's SOP usage; timers ignore them).
   */
  sopsSuggested: readonly string[];
  sopsOpened: readonly string[];
  sopsInserted: readonly string[];
}

export type ClockState = 'ok' | 'warning' | 'breached' | 'met' | 'stopped';

export interface ClockReading {
  state: ClockState;
  /** Whether the clock is counting now (the UI redraws it every second). */
  running: boolean;
  /** Milliseconds on the clock (frozen when not running). */
  elapsedMs: number;
  /** When the clock started counting, or null when idle. */
  since: number | null;
  /** True once this clock's threshold has been exceeded (kept after close). */
  breached: boolean;
  /** First millisecond of the warning state. */
  warnAtMs: number;
  /** The threshold in milliseconds (may be fractional). */
  limitMs: number;
}

export type CheckSource = 'auto' | 'manual';

export interface ChecklistEntry {
  id: string;
  label: string;
  checked: boolean;
  source: CheckSource | null;
  at: number | null;
  by?: string;
  reason?: string;
  /** The engine thinks this may be done and suggests the agent ticks it. */
  suggested: boolean;
  /** Whether the agent may tick/untick it (false for measured items such as `greet`). */
  manual: boolean;
}

export interface ChatReading {
  chatId: string;
  firstResponse: ClockReading;
  gap: ClockReading;
  greetedByName: boolean;
  checklist: ChecklistEntry[];
  escalations: EscalationHit[];
  /** Next instant (epoch ms) at which any state in this reading changes, or null. */
  nextChangeAt: number | null;
}

/** Per-chat line of `audit --json` (protocol.md), plus the checklist. */
export interface AuditChat {
  chatId: string;
  firstResponseS: number | null;
  firstResponseBreached: boolean;
  greetedByName: boolean;
  longestGapS: number;
  gapBreaches: number;
  gapWarnings: number;
  closed: boolean;
  checklist: Record<string, boolean>;
}

export interface AuditSummary {
  chats: number;
  firstResponseBreaches: number;
  gapBreaches: number;
  greetedByName: number;
  invalidLines: number;
  duplicates: number;
}

export interface AuditReport {
  chats: AuditChat[];
  summary: AuditSummary;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };
