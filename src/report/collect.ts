// The team report's input from an event log, gathered as `audit` gathers it: each chat keeps
// only its reduced state, never its events, so memory grows with the chats, not the log. A
// chat that gets an event out of order is derived again in a second pass over the log (the
// caller feeds every event to `replay`), giving exactly the states of a sorted log.
import {
  type AuditRun,
  auditEvent,
  auditStates,
  createAuditRun,
  createReplay,
  createRulesLookup,
} from '../core/audit.ts';
import type { AuditChat, ChatEvent, ChatState, TeamConfig } from '../core/types.ts';
import type { ChatReportFacts } from './types.ts';

export interface ReportCollector {
  /** The first pass: every event of the log, in log order. */
  add(event: ChatEvent): void;
  /** Whether a second pass is needed: some chat got an event out of order. */
  readonly needsReplay: boolean;
  /** The second pass, when needed: every event of the log again (others are skipped). */
  replay(event: ChatEvent): void;
  /** One per chat that has a state (a lone close or widget action starts none). */
  facts(): ChatReportFacts[];
}

export function createReportCollector(config: TeamConfig): ReportCollector {
  const run: AuditRun = createAuditRun(config);
  const replay = createReplay(run);
  return {
    add: (event) => auditEvent(run, event),
    get needsReplay() {
      return run.needsReplay.size > 0;
    },
    replay: (event) => replay.add(event),
    facts: () => reportFacts(auditStates(run, replay.timelines), config),
  };
}

/** Both passes over an in-memory list (tests, small logs). */
export function collectFacts(events: Iterable<ChatEvent>, config: TeamConfig): ChatReportFacts[] {
  const collector = createReportCollector(config);
  for (const event of events) collector.add(event);
  if (collector.needsReplay) for (const event of events) collector.replay(event);
  return collector.facts();
}

/**
 * The report's facts from chats' final states: `audit` hands over its own with their audit
 * lines, in the same order (`auditReport`'s `onChat`); the collector its run's.
 */
export function reportFacts(
  states: Iterable<ChatState>,
  config: TeamConfig,
  audits?: readonly AuditChat[],
): ChatReportFacts[] {
  const facts: ChatReportFacts[] = [];
  const rulesOf = createRulesLookup(config);
  for (const state of states) {
    const fact: ChatReportFacts = {
      chatId: state.chatId,
      state,
      rules: rulesOf(state),
      sops: {
        suggested: [...state.sopsSuggested],
        opened: [...state.sopsOpened],
        inserted: [...state.sopsInserted],
      },
    };
    const audit = audits?.[facts.length];
    if (audit) fact.audit = audit;
    facts.push(fact);
  }
  return facts;
}
