// Plain-language names for chats, clocks and escalation triggers, shared by the live-region
// announcements, notifications and the UI.
import {
  type ChatReading,
  type ChatState,
  type ClockReading,
  type EscalationHit,
  firstNameOf,
} from '../core/index.ts';

export const CLOCKS = ['firstResponse', 'gap'] as const;
export const CLOCK_NAMES = { firstResponse: 'First response', gap: 'Waiting' } as const;

export function chatName(state: ChatState | undefined, chatId: string): string {
  return state?.customer.name?.trim() || state?.customer.id || chatId;
}

/** Triggers found in the customer's words (the prompt quotes them). */
export const WORD_TRIGGERS: Partial<Record<EscalationHit['kind'], string>> = {
  manager: 'the customer asked for a manager',
  legal: 'the customer mentioned legal action',
  safety: 'the customer raised a safety issue',
};

export function escalationText(hit: EscalationHit, maxOpenS: number): string {
  if (hit.kind === 'tier') return `${hit.excerpt ?? 'priority'} customer`;
  if (hit.kind === 'duration') return `chat open for over ${Math.round(maxOpenS / 60)} minutes`;
  return WORD_TRIGGERS[hit.kind]!;
}

/** Values for the placeholders a chat fills itself ({customer.firstName} …); blanks left out. */
export function chatValues(
  state: ChatState | undefined,
  agentName: string | undefined,
): Record<string, string> {
  const name = state?.customer.name?.trim();
  const values: Record<string, string | null | undefined> = {
    'customer.firstName': firstNameOf(name),
    'customer.name': name,
    'agent.name': agentName,
    'case.ref': state?.caseRef,
  };
  for (const key in values) if (!values[key]) delete values[key];
  return values as Record<string, string>;
}

export type ClockName = (typeof CLOCKS)[number];

/** A running clock in warning or breach: the chat needs the agent now. */
export const alerting = (c: ClockReading): boolean =>
  c.running && (c.state === 'warning' || c.state === 'breached');

/** The chat needs the agent now: the header counts these and the folded list shows them. */
export const needsAttention = (r: ChatReading): boolean =>
  alerting(r.firstResponse) || alerting(r.gap);

/**
 * The clock that matters now, shown first (and alone, on a card): the one counting (first
 * response before the first reply, else the customer's wait); with neither counting, the one
 * that was breached, so a breach stays in view after it was answered and after close.
 */
export function primaryClock(r: ChatReading): ClockName {
  if (r.firstResponse.running) return 'firstResponse';
  if (r.gap.running) return 'gap';
  return r.firstResponse.breached && !r.gap.breached ? 'firstResponse' : 'gap';
}

/**
 * A breach that is over (answered, or the chat closed) reads as history: "breached 2:47 ·
 * answered". The time is the breaching wait: the first response as measured, or the longest
 * wait. Null while the clock is live or was never breached.
 */
export function pastBreach(
  clock: ClockName,
  r: ChatReading,
  state: ChatState,
): { ms: number; end: 'answered' | 'closed' } | null {
  const c = r[clock];
  if (c.running || !c.breached) return null;
  if (clock === 'firstResponse') {
    return { ms: c.elapsedMs, end: state.firstAgentAt === null ? 'closed' : 'answered' };
  }
  // The longest ended wait, if longer than the clock's reading; `end` is when it ended.
  let ms = c.elapsedMs;
  let end = ms;
  const { periods } = state;
  for (let i = 1; i < periods.length; i += 2) {
    if (periods[i]! - periods[i - 1]! > ms) {
      end = periods[i]!;
      ms = end - periods[i - 1]!;
    }
  }
  return { ms, end: end === state.closedAt ? 'closed' : 'answered' };
}
