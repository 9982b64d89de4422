// Readings: what a chat's state means under a set of thresholds at an instant. The live
// widget reads at `now` (server-corrected); `audit` reads at the chat's End. Both go through
// `measure`, so the widget and the audit can never disagree on a number.
import { greetsByName } from './detect.ts';
import { msToSeconds } from './time.ts';
import type {
  AuditChat,
  ChatReading,
  ChatRules,
  ChatState,
  ChecklistEntry,
  ClockReading,
  ClockState,
  EscalationHit,
} from './types.ts';

export interface Measurement {
  /** First public agent message − Start, or null when there is none. */
  firstResponseMs: number | null;
  firstResponseBreached: boolean;
  longestGapMs: number;
  gapBreaches: number;
  gapWarnings: number;
}

/** The chat's End as `audit` defines it: close time, or the last message for an open chat. */
export function auditEnd(state: ChatState): number {
  return state.closedAt ?? state.lastAt;
}

/** Timing figures with waits still open at `end` ending there (protocol.md "Clocks"). */
export function measure(state: ChatState, rules: ChatRules, end: number): Measurement {
  const firstLimitMs = rules.firstResponseS * 1000;
  const firstResponseMs = state.firstAgentAt === null ? null : state.firstAgentAt - state.start;
  const firstResponseBreached =
    firstResponseMs !== null ? firstResponseMs > firstLimitMs : end - state.start > firstLimitMs;

  const maxGapMs = rules.maxGapS * 1000;
  const gapWarnMs = rules.gapWarnS * 1000;
  let longestGapMs = 0;
  let gapBreaches = 0;
  let gapWarnings = 0;
  const count = (length: number) => {
    if (length > longestGapMs) longestGapMs = length;
    if (length > maxGapMs) gapBreaches += 1;
    else if (length > gapWarnMs) gapWarnings += 1;
  };
  for (const [from, to] of state.periods) count(to - from);
  if (state.waitingSince !== null) count(Math.max(0, end - state.waitingSince));
  return { firstResponseMs, firstResponseBreached, longestGapMs, gapBreaches, gapWarnings };
}

export function greetedByName(state: ChatState): boolean {
  return state.firstAgentText !== null && greetsByName(state.firstAgentText, state.customer.name);
}

/** ok below warn, warning from warn to the limit, breached beyond it. */
function tier(elapsedMs: number, warnMs: number, limitMs: number): ClockState {
  if (elapsedMs < warnMs) return 'ok';
  return elapsedMs <= limitMs ? 'warning' : 'breached';
}

/** The instant a running clock started at `since` next changes state, or null. */
function nextTierChange(since: number, elapsedMs: number, warnMs: number, limitMs: number) {
  if (elapsedMs < warnMs) return since + warnMs;
  // "Beyond" the limit means strictly greater: the first breached millisecond is limit + 1.
  if (elapsedMs <= limitMs) return since + limitMs + 1;
  return null;
}

function runningClock(since: number, now: number, warnMs: number, limitMs: number): ClockReading {
  const elapsedMs = Math.max(0, now - since);
  const state = tier(elapsedMs, warnMs, limitMs);
  return {
    state,
    running: true,
    elapsedMs,
    since,
    breached: state === 'breached',
    warnAtMs: warnMs,
    limitMs,
  };
}

function firstResponseClock(state: ChatState, rules: ChatRules, now: number): ClockReading {
  const warnMs = rules.firstResponseWarnS * 1000;
  const limitMs = rules.firstResponseS * 1000;
  const frozen = (clock: ClockState, elapsedMs: number): ClockReading => ({
    state: clock,
    running: false,
    elapsedMs,
    since: state.start,
    breached: elapsedMs > limitMs,
    warnAtMs: warnMs,
    limitMs,
  });
  if (state.firstAgentAt !== null) {
    const measured = state.firstAgentAt - state.start;
    if (measured <= limitMs) return frozen('met', measured);
    return frozen(state.closedAt !== null ? 'stopped' : 'breached', measured);
  }
  if (state.closedAt !== null) return frozen('stopped', state.closedAt - state.start);
  return runningClock(state.start, now, warnMs, limitMs);
}

function gapClock(state: ChatState, rules: ChatRules, now: number, m: Measurement): ClockReading {
  const warnMs = rules.gapWarnS * 1000;
  const limitMs = rules.maxGapS * 1000;
  if (state.closedAt === null && state.waitingSince !== null) {
    return runningClock(state.waitingSince, now, warnMs, limitMs);
  }
  return {
    state: state.closedAt !== null ? 'stopped' : 'ok',
    running: false,
    elapsedMs: 0,
    since: null,
    breached: state.closedAt !== null && m.gapBreaches > 0,
    warnAtMs: warnMs,
    limitMs,
  };
}

/** Word hits from the messages, plus the tier and open-too-long triggers of the rules. */
function escalationsAt(state: ChatState, rules: ChatRules, end: number): EscalationHit[] {
  const hits = [...state.escalations];
  const tier = state.customer.tier?.toLowerCase();
  if (tier && rules.escalation.tiers.some((t) => t.toLowerCase() === tier)) {
    hits.push({ kind: 'tier', at: state.start, excerpt: state.customer.tier });
  }
  const maxOpenMs = rules.escalation.maxOpenS * 1000;
  if (end - state.start > maxOpenMs) {
    hits.push({ kind: 'duration', at: state.start + maxOpenMs + 1 });
  }
  return hits.sort((a, b) => a.at - b.at);
}

/** Items the engine ticks by itself, and when; `greet` is measured, so never manual. */
function autoTick(state: ChatState, rules: ChatRules, id: string): number | null {
  switch (id) {
    case 'greet': {
      const first = state.firstAgentAt;
      if (first === null || first - state.start > rules.firstResponseS * 1000) return null;
      return greetedByName(state) ? first : null;
    }
    case 'snippet':
      return state.snippet?.at ?? null;
    case 'expectations':
      return state.detected.expectations?.at ?? null;
    case 'anything-else':
      return state.detected.anythingElse?.at ?? null;
    case 'close':
      return state.detected.close?.at ?? null;
    default:
      return null;
  }
}

export function checklistOf(state: ChatState, rules: ChatRules): ChecklistEntry[] {
  return rules.checklist.map(({ id, label }) => {
    const manualAllowed = id !== 'greet';
    const mark = manualAllowed ? state.manual[id] : undefined;
    const autoAt = autoTick(state, rules, id);
    const entry: ChecklistEntry = {
      id,
      label,
      checked: false,
      source: null,
      at: null,
      suggested: false,
      manual: manualAllowed,
    };
    if (mark) {
      // The agent has the last word on anything they may tick.
      entry.checked = mark.checked;
      entry.source = 'manual';
      entry.at = mark.at;
      if (mark.by !== undefined) entry.by = mark.by;
      if (mark.reason !== undefined) entry.reason = mark.reason;
    } else if (autoAt !== null) {
      entry.checked = true;
      entry.source = 'auto';
      entry.at = autoAt;
    }
    if (id === 'restate' && !entry.checked && !mark) entry.suggested = !!state.detected.restate;
    return entry;
  });
}

/** The live reading at `now`, with the next instant anything in it changes. */
export function read(state: ChatState, rules: ChatRules, now: number): ChatReading {
  const end = state.closedAt ?? now;
  const m = measure(state, rules, end);
  const firstResponse = firstResponseClock(state, rules, now);
  const gap = gapClock(state, rules, now, m);
  const candidates: number[] = [];
  if (firstResponse.running && firstResponse.since !== null) {
    const at = nextTierChange(
      firstResponse.since,
      firstResponse.elapsedMs,
      firstResponse.warnAtMs,
      firstResponse.limitMs,
    );
    if (at !== null) candidates.push(at);
  }
  if (gap.running && gap.since !== null) {
    const at = nextTierChange(gap.since, gap.elapsedMs, gap.warnAtMs, gap.limitMs);
    if (at !== null) candidates.push(at);
  }
  const openLimit = state.start + rules.escalation.maxOpenS * 1000 + 1;
  if (state.closedAt === null && now < openLimit) candidates.push(openLimit);
  return {
    chatId: state.chatId,
    firstResponse,
    gap,
    greetedByName: greetedByName(state),
    checklist: checklistOf(state, rules),
    escalations: escalationsAt(state, rules, end),
    nextChangeAt: candidates.length > 0 ? Math.min(...candidates) : null,
  };
}

/** One chat's line of `audit --json`, read at its End. */
export function auditChat(state: ChatState, rules: ChatRules): AuditChat {
  const m = measure(state, rules, auditEnd(state));
  const checklist: Record<string, boolean> = {};
  for (const entry of checklistOf(state, rules)) checklist[entry.id] = entry.checked;
  return {
    chatId: state.chatId,
    firstResponseS: m.firstResponseMs === null ? null : msToSeconds(m.firstResponseMs),
    firstResponseBreached: m.firstResponseBreached,
    greetedByName: greetedByName(state),
    longestGapS: msToSeconds(m.longestGapMs),
    gapBreaches: m.gapBreaches,
    gapWarnings: m.gapWarnings,
    closed: state.closedAt !== null,
    checklist,
  };
}
