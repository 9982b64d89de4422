// One pass over a validated event stream (serve's) → each chat's report facts; `audit` gives
// its own chats' final states to reportFacts instead.
// Each chat keeps an ordered timeline (src/core/timeline.ts): in-order events apply
// incrementally and a late one re-derives only its chat, so the facts are exactly those of
// a sorted transcript, the same states `audit` reads.
import { rulesFor } from '../core/config.ts';
import { addEvent, type ChatTimeline, createTimeline } from '../core/timeline.ts';
import type { ChatEvent, ChatState, TeamConfig } from '../core/types.ts';
import type { ChatReportFacts } from './types.ts';

export interface ReportCollector {
  /** Any order per chat is fine: a late event re-derives its chat. */
  add(event: ChatEvent): void;
  /** One per chat that has a state (a lone close or widget action starts none). */
  facts(): ChatReportFacts[];
}

export function createReportCollector(config: TeamConfig): ReportCollector {
  const timelines = new Map<string, ChatTimeline>();
  let seq = 0;
  return {
    add(event) {
      let timeline = timelines.get(event.chatId);
      if (!timeline) {
        timeline = createTimeline(event.chatId);
        timelines.set(event.chatId, timeline);
      }
      addEvent(timeline, event, seq++, config.holdPhrases);
    },
    facts() {
      const states: ChatState[] = [];
      for (const { state } of timelines.values()) if (state) states.push(state);
      return reportFacts(states, config);
    },
  };
}

/**
 * The report's facts from chats' final states: `audit` hands over its own (auditStates in
 * src/core/audit.ts, so it keeps no copy of the events), the collector its timelines'.
 */
export function reportFacts(states: Iterable<ChatState>, config: TeamConfig): ChatReportFacts[] {
  const facts: ChatReportFacts[] = [];
  for (const state of states) {
    facts.push({
      chatId: state.chatId,
      state,
      rules: rulesFor(config, { tier: state.customer.tier, channel: state.channel }),
      sops: {
        suggested: [...state.sopsSuggested],
        opened: [...state.sopsOpened],
        inserted: [...state.sopsInserted],
      },
    });
  }
  return facts;
}
