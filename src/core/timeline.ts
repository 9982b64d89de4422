// One chat's events in processing order — by `at`, equal `at` in arrival order — with the
// state derived from them. In-order events (the live case) apply incrementally; a late
// event is inserted where it belongs and the chat is re-derived, so the result is always
// what a sorted transcript gives. Duplicates (chatId, id) are decided in that order too.
import { isProtocolEvent, reduce } from './chat.ts';
import type { ChatEvent, ChatState, SequencedEvent } from './types.ts';

export interface ChatTimeline {
  chatId: string;
  /** Every event received for the chat, sorted by (at, seq); duplicates included. */
  events: SequencedEvent[];
  state: ChatState | undefined;
  /** Message ids applied so far (in processing order). */
  messageIds: Set<string>;
  duplicates: number;
}

export type AddOutcome = 'applied' | 'duplicate' | 'rederived';

export function createTimeline(chatId: string): ChatTimeline {
  return { chatId, events: [], state: undefined, messageIds: new Set(), duplicates: 0 };
}

function before(a: SequencedEvent, b: SequencedEvent): boolean {
  return a.event.at < b.event.at || (a.event.at === b.event.at && a.seq < b.seq);
}

/** Applies one event in processing order; false when it is a duplicate message. */
function step(timeline: ChatTimeline, event: ChatEvent, holdPhrases: readonly string[]): boolean {
  const state = timeline.state;
  // After close the timers ignore protocol events, and a copy after close is no duplicate.
  if (state?.closedAt != null && isProtocolEvent(event)) return true;
  if (event.type === 'message') {
    if (timeline.messageIds.has(event.id)) {
      timeline.duplicates += 1;
      return false;
    }
    timeline.messageIds.add(event.id);
  }
  timeline.state = reduce(state, event, holdPhrases);
  return true;
}

/** Re-derives the chat from all its events (after a late event or new hold phrases). */
export function rederive(timeline: ChatTimeline, holdPhrases: readonly string[]): void {
  timeline.state = undefined;
  timeline.messageIds = new Set();
  timeline.duplicates = 0;
  for (const { event } of timeline.events) step(timeline, event, holdPhrases);
}

/** Adds an event with its arrival sequence number (monotonic per source). */
export function addEvent(
  timeline: ChatTimeline,
  event: ChatEvent,
  seq: number,
  holdPhrases: readonly string[],
): AddOutcome {
  const entry: SequencedEvent = { seq, event };
  const events = timeline.events;
  const last = events[events.length - 1];
  if (last === undefined || !before(entry, last)) {
    events.push(entry);
    return step(timeline, event, holdPhrases) ? 'applied' : 'duplicate';
  }
  // Binary search for the first event that sorts after the late one.
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(entry, events[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  events.splice(lo, 0, entry);
  rederive(timeline, holdPhrases);
  return 'rederived';
}
