// Plain-language names for chats, clocks and escalation triggers, shared by the live-region
// announcements, notifications and the UI.
import { type ChatState, type EscalationHit, firstNameOf } from '../core/index.ts';

export function chatName(state: ChatState | undefined, chatId: string): string {
  return state?.customer.name?.trim() || state?.customer.id || chatId;
}

export const CLOCK_NAMES = { firstResponse: 'First response', gap: 'Waiting' } as const;

export function escalationText(hit: EscalationHit, maxOpenS: number): string {
  switch (hit.kind) {
    case 'manager':
      return 'the customer asked for a manager';
    case 'legal':
      return 'the customer mentioned legal action';
    case 'safety':
      return 'the customer raised a safety issue';
    case 'tier':
      return `${hit.excerpt ?? 'priority'} customer`;
    case 'duration':
      return `chat open for over ${Math.round(maxOpenS / 60)} minutes`;
  }
}

/** Values for the placeholders a chat fills itself ({customer.firstName} …); blanks left out. */
export function chatValues(
  state: ChatState | undefined,
  agentName: string | undefined,
): Record<string, string> {
  const values: Record<string, string> = {};
  const name = state?.customer.name?.trim();
  const first = firstNameOf(name);
  if (first) values['customer.firstName'] = first;
  if (name) values['customer.name'] = name;
  if (agentName) values['agent.name'] = agentName;
  if (state?.caseRef) values['case.ref'] = state.caseRef;
  return values;
}
