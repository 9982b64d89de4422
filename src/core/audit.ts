// Batch audit over a stream of events, with memory that grows with open chats rather than
// with the transcript: a chat is summarised and its events dropped once its close has been
// processed. An event that arrives later for such a chat and lands before its close marks
// the chat for a second pass (the caller replays that chat's lines; see src/cli/commands/audit.ts).

import { reduce } from './chat.ts';
import { rulesFor } from './config.ts';
import { auditChat } from './read.ts';
import { addEvent, type ChatTimeline, createTimeline } from './timeline.ts';
import type { AuditChat, AuditReport, ChatEvent, ChatState, TeamConfig } from './types.ts';

interface FinishedChat {
  state: ChatState;
  duplicates: number;
  /** Greatest `at` applied so far: widget actions after close still apply in order. */
  lastAppliedAt: number;
}

export interface AuditRun {
  config: TeamConfig;
  open: Map<string, ChatTimeline>;
  finished: Map<string, FinishedChat>;
  /** Chats that got an event out of order after they were summarised. */
  needsReplay: Set<string>;
  invalidLines: number;
  seq: number;
}

export function createAuditRun(config: TeamConfig): AuditRun {
  return {
    config,
    open: new Map(),
    finished: new Map(),
    needsReplay: new Set(),
    invalidLines: 0,
    seq: 0,
  };
}

export function auditInvalidLine(run: AuditRun): void {
  run.invalidLines += 1;
}

export function auditEvent(run: AuditRun, event: ChatEvent): void {
  const seq = run.seq++;
  const { chatId } = event;
  if (run.needsReplay.has(chatId)) return;
  const finished = run.finished.get(chatId);
  if (finished) {
    const closedAt = finished.state.closedAt ?? Number.POSITIVE_INFINITY;
    if (event.at >= finished.lastAppliedAt) {
      // At or after close the timers ignore it; widget actions still apply.
      finished.state = reduce(finished.state, event, run.config.holdPhrases) ?? finished.state;
      finished.lastAppliedAt = event.at;
    } else if (event.at < closedAt || event.type.startsWith('playbook.')) {
      run.needsReplay.add(chatId);
      run.finished.delete(chatId);
    }
    return;
  }
  let timeline = run.open.get(chatId);
  if (!timeline) {
    timeline = createTimeline(chatId);
    run.open.set(chatId, timeline);
  }
  addEvent(timeline, event, seq, run.config.holdPhrases);
  // Until a start or message arrives the state stays undefined: a lone close starts nothing.
  const state = timeline.state;
  if (state?.closedAt != null) {
    const lastAppliedAt = timeline.events[timeline.events.length - 1]!.event.at;
    run.finished.set(chatId, { state, duplicates: timeline.duplicates, lastAppliedAt });
    run.open.delete(chatId);
  }
}

/** Builds the report; `replayed` holds the re-derived timelines of `needsReplay` chats. */
export function auditReport(
  run: AuditRun,
  replayed: ReadonlyMap<string, ChatTimeline> = new Map(),
): AuditReport {
  const chats: AuditChat[] = [];
  let duplicates = 0;
  const add = (state: ChatState | undefined, dups: number) => {
    duplicates += dups;
    if (!state) return;
    const rules = rulesFor(run.config, { tier: state.customer.tier, channel: state.channel });
    chats.push(auditChat(state, rules));
  };
  for (const t of run.open.values()) add(t.state, t.duplicates);
  for (const f of run.finished.values()) add(f.state, f.duplicates);
  for (const t of replayed.values()) add(t.state, t.duplicates);
  // JavaScript's default string order (UTF-16 code units), as protocol.md asks.
  chats.sort((a, b) => (a.chatId < b.chatId ? -1 : a.chatId > b.chatId ? 1 : 0));
  let firstResponseBreaches = 0;
  let gapBreaches = 0;
  let greeted = 0;
  for (const c of chats) {
    if (c.firstResponseBreached) firstResponseBreaches += 1;
    gapBreaches += c.gapBreaches;
    if (c.greetedByName) greeted += 1;
  }
  return {
    chats,
    summary: {
      chats: chats.length,
      firstResponseBreaches,
      gapBreaches,
      greetedByName: greeted,
      invalidLines: run.invalidLines,
      duplicates,
    },
  };
}

/** Audits a whole in-memory list of events (tests, the widget's export). */
export function auditEvents(events: readonly ChatEvent[], config: TeamConfig): AuditReport {
  const run = createAuditRun(config);
  for (const event of events) auditEvent(run, event);
  const replay = new Map<string, ChatTimeline>();
  if (run.needsReplay.size > 0) {
    let seq = 0;
    for (const event of events) {
      if (!run.needsReplay.has(event.chatId)) continue;
      let timeline = replay.get(event.chatId);
      if (!timeline) {
        timeline = createTimeline(event.chatId);
        replay.set(event.chatId, timeline);
      }
      addEvent(timeline, event, seq++, config.holdPhrases);
    }
  }
  return auditReport(run, replay);
}
