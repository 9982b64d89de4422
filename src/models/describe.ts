// Plain-language names for chats, clocks and escalation triggers, shared by the live-region
// announcements, notifications and the UI.
import { type ChatState, type EscalationHit, firstNameOf } from '../core/index.ts';

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
