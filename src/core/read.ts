// Readings: what a chat's state means under a set of thresholds at an instant. The live
// widget reads at `now` (server-corrected); `audit` reads at the chat's End. Both go through
// `measure`, so the widget and the audit can never disagree on a number.
import { matchKey } from './config.ts';
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

// Thresholds are seconds and may be fractional: durations are compared in seconds
// (ms / 1000 is exact to the double nearest the decimal) rather than thresholds scaled to
// ms, where 1.001 * 1000 = 1000.9999999999999 would make "equal" read as "over".
function over(ms: number, seconds: number): boolean {
  return ms / 1000 > seconds;
}

/** The first whole millisecond at which a duration reaches `seconds`. */
function firstMsReaching(seconds: number): number {
  let ms = Math.floor(seconds * 1000) - 1;
  while (ms / 1000 < seconds) ms += 1;
  return ms;
}

/** The first whole millisecond at which a duration is beyond `seconds`. */
function firstMsBeyond(seconds: number): number {
  let ms = Math.floor(seconds * 1000) - 1;
  while (ms / 1000 <= seconds) ms += 1;
  return ms;
}

/** Timing figures with waits still open at `end` ending there (protocol.md "Clocks"). */
export function measure(state: ChatState, rules: ChatRules, end: number): Measurement {
  const firstResponseMs = state.firstAgentAt === null ? null : state.firstAgentAt - state.start;
  const firstResponseBreached = over(firstResponseMs ?? end - state.start, rules.firstResponseS);

  let longestGapMs = 0;
  let gapBreaches = 0;
  let gapWarnings = 0;
  const count = (length: number) => {
    if (length > longestGapMs) longestGapMs = length;
    if (over(length, rules.maxGapS)) gapBreaches += 1;
    else if (over(length, rules.gapWarnS)) gapWarnings += 1;
  };
  const { periods } = state;
  for (let i = 0; i < periods.length; i += 2) count(periods[i + 1]! - periods[i]!);
  if (state.waitingSince !== null) count(Math.max(0, end - state.waitingSince));
  return { firstResponseMs, firstResponseBreached, longestGapMs, gapBreaches, gapWarnings };
}

export function greetedByName(state: ChatState): boolean {
  return state.firstAgentText !== null && greetsByName(state.firstAgentText, state.customer.name);
}

/**
 * ok below warn, warning from warn to the limit, breached beyond it. `warnAtMs` is the first
 * warning millisecond and `breachAtMs` the first breached one, so both compare as integers.
 */
function tier(elapsedMs: number, warnAtMs: number, breachAtMs: number): ClockState {
  if (elapsedMs < warnAtMs) return 'ok';
  return elapsedMs < breachAtMs ? 'warning' : 'breached';
}

/** The instant a running clock next changes state, or null. */
function nextTierChange(clock: ClockReading, breachAtMs: number): number | null {
  if (!clock.running || clock.since === null) return null;
  if (clock.elapsedMs < clock.warnAtMs) return clock.since + clock.warnAtMs;
  if (clock.elapsedMs < breachAtMs) return clock.since + breachAtMs;
  return null;
}

function runningClock(since: number, now: number, warnS: number, limitS: number): ClockReading {
  const elapsedMs = Math.max(0, now - since);
  const warnAtMs = firstMsReaching(warnS);
  const state = tier(elapsedMs, warnAtMs, firstMsBeyond(limitS));
  return {
    state,
    running: true,
    elapsedMs,
    since,
    breached: state === 'breached',
    warnAtMs,
    limitMs: limitS * 1000,
  };
}

function firstResponseClock(state: ChatState, rules: ChatRules, now: number): ClockReading {
  const warnS = rules.firstResponseWarnS;
  const limitS = rules.firstResponseS;
  const frozen = (clock: ClockState, elapsedMs: number): ClockReading => ({
    state: clock,
    running: false,
    elapsedMs,
    since: state.start,
    breached: over(elapsedMs, limitS),
    warnAtMs: firstMsReaching(warnS),
    limitMs: limitS * 1000,
  });
  if (state.firstAgentAt !== null) {
    const measured = state.firstAgentAt - state.start;
    if (!over(measured, limitS)) return frozen('met', measured);
    return frozen(state.closedAt !== null ? 'stopped' : 'breached', measured);
  }
  if (state.closedAt !== null) return frozen('stopped', state.closedAt - state.start);
  return runningClock(state.start, now, warnS, limitS);
}

function gapClock(state: ChatState, rules: ChatRules, now: number, m: Measurement): ClockReading {
  if (state.closedAt === null && state.waitingSince !== null) {
    return runningClock(state.waitingSince, now, rules.gapWarnS, rules.maxGapS);
  }
  return {
    state: state.closedAt !== null ? 'stopped' : 'ok',
    running: false,
    elapsedMs: 0,
    since: null,
    breached: state.closedAt !== null && m.gapBreaches > 0,
    warnAtMs: firstMsReaching(rules.gapWarnS),
    limitMs: rules.maxGapS * 1000,
  };
}

/** Word hits from the messages, plus the tier and open-too-long triggers of the rules. */
export function escalationsAt(state: ChatState, rules: ChatRules, end: number): EscalationHit[] {
  const hits = [...state.escalations];
  const tier = state.customer.tier;
  if (tier && rules.escalation.tiers.some((t) => matchKey(t) === matchKey(tier))) {
    hits.push({ kind: 'tier', at: state.start, excerpt: state.customer.tier });
  }
  if (over(end - state.start, rules.escalation.maxOpenS)) {
    hits.push({ kind: 'duration', at: state.start + firstMsBeyond(rules.escalation.maxOpenS) });
  }
  return hits.sort((a, b) => a.at - b.at);
}

/** Items the engine ticks by itself, and when; `greet` is measured, so never manual. */
function autoTick(state: ChatState, rules: ChatRules, id: string): number | null {
  switch (id) {
    case 'greet': {
      const first = state.firstAgentAt;
      if (first === null || over(first - state.start, rules.firstResponseS)) return null;
      return greetedByName(state) ? first : null;
    }
    case 'snippet':
      return state.snippet?.at ?? null;
    // A note added in the widget logs the interaction (protocol.md checklist).
    case 'log':
      return state.notes[0]?.at ?? null;
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
  const firstChange = nextTierChange(firstResponse, firstMsBeyond(rules.firstResponseS));
  if (firstChange !== null) candidates.push(firstChange);
  const gapChange = nextTierChange(gap, firstMsBeyond(rules.maxGapS));
  if (gapChange !== null) candidates.push(gapChange);
  const openLimit = state.start + firstMsBeyond(rules.escalation.maxOpenS);
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
