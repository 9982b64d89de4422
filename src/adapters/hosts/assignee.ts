// Ownership as a helpdesk app sees it (protocol.md "Ownership"). The apps read the open
// conversation again and again; the first read's assignee rides on chat.started. When a later
// read names another assignee (a transfer, or back to the queue), the app hands the widget a
// chat.assigned, so its "Mine" view follows the helpdesk. The webhook connectors send the same
// event from each helpdesk's own reassignment webhook (src/server/connectors/*-map.ts).
import type { ChatAssignedEvent } from '../../core/types.ts';

/** Chats whose assignee is remembered; the least recently read are forgotten past this. */
const MAX_CHATS = 1000;

/**
 * The assignee the chat.started of a mapped conversation names: an agent id, null for nobody
 * (the queue), undefined when the events hold no chat.started.
 */
export function startedAssignee(
  events: readonly { type: string; assignee?: unknown }[],
): string | null | undefined {
  const started = events.find((event) => event.type === 'chat.started');
  if (started === undefined) return undefined;
  return typeof started.assignee === 'string' ? started.assignee : null;
}

export interface AssigneeWatch {
  /**
   * Notes the assignee a read of the chat shows (null: nobody). Returns the chat.assigned to
   * send, at `at`, when it differs from the one noted last; null on the chat's first read
   * (its chat.started carries the assignee) and while it stays the same.
   */
  note(chatId: string, agentId: string | null, at: number): ChatAssignedEvent | null;
}

export function watchAssignees(): AssigneeWatch {
  const last = new Map<string, string | null>();
  return {
    note(chatId, agentId, at) {
      const before = last.get(chatId);
      last.delete(chatId);
      if (last.size >= MAX_CHATS) last.delete(last.keys().next().value as string);
      last.set(chatId, agentId);
      if (before === undefined || before === agentId) return null;
      return { type: 'chat.assigned', chatId, at, agentId };
    },
  };
}

/** The key under which an app sends a chat.assigned once: a chat changes hands many times. */
export function assignedKey(event: ChatAssignedEvent): string {
  return `${event.chatId}|a|${event.at}|${event.agentId ?? ''}`;
}
