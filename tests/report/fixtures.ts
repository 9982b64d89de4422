// Builders for the report's tests: a transcript through the collector, SOPs for a library.
import {
  type ChatEvent,
  DEFAULT_CONFIG,
  type TeamConfig,
  validateEvent,
} from '../../src/core/index.ts';
import { collectFacts } from '../../src/report/collect.ts';
import type { ChatReportFacts } from '../../src/report/types.ts';
import type { Sop } from '../../src/search/types.ts';
import { iso, type Time } from '../support/events.ts';

export function ev(raw: Record<string, unknown>): ChatEvent {
  const v = validateEvent(raw);
  if (v.kind !== 'event') throw new Error(`not an event: ${JSON.stringify(v)}`);
  return v.event;
}

export const assigned = (chatId: string, t: Time, agentId: string | null) =>
  ev({ type: 'chat.assigned', chatId, at: iso(t), agentId });
export const opened = (chatId: string, t: Time, sopId: string) =>
  ev({ type: 'playbook.opened', chatId, at: iso(t), sopId });
export const suggested = (chatId: string, t: Time, sopIds: string[]) =>
  ev({ type: 'playbook.suggested', chatId, at: iso(t), sopIds });

export function collect(
  events: readonly ChatEvent[],
  config: TeamConfig = DEFAULT_CONFIG,
): ChatReportFacts[] {
  return collectFacts(events, config);
}

export function sop(id: string, fields: Partial<Sop> = {}): Sop {
  return {
    id,
    title: id,
    reviewEveryMonths: 12,
    channels: [],
    tags: [],
    triggers: [],
    steps: [],
    replies: [],
    ...fields,
  };
}
