// Test builders for chat events. Every builder writes the event the way a helpdesk sends it
// (protocol.md "Events": ISO `at`, optional fields left out) and passes it through the
// engine's boundary (`validateEvent`), so tests exercise the same path as real input.
//
// Times: a string 'HH:MM:SS[.mmm]' is that time on 2026-11-23 UTC; a number is seconds
// (fractions allowed, ms precision) after 10:00:00.000 on that day.
import {
  type AuditChat,
  type AuditReport,
  addEvent,
  auditEvent,
  auditEvents,
  auditInvalidLine,
  auditReport,
  type ChatEvent,
  type ChatReading,
  type ChatRules,
  type ChatState,
  type ChatTimeline,
  createAuditRun,
  createTimeline,
  DEFAULT_CONFIG,
  parseEventLine,
  read,
  rulesFor,
  type TeamConfig,
  validateConfig,
  validateEvent,
} from '../../src/core/index.ts';

export type Time = string | number;

/** 2026-11-23T10:00:00.000Z, the base instant of the tests. */
export const BASE_MS = Date.UTC(2026, 10, 23, 10, 0, 0, 0);
export const DAY = '2026-11-23';

/** Epoch ms of a test time ('10:00:04.250' on 2026-11-23 UTC, or seconds after 10:00). */
export function ms(t: Time): number {
  if (typeof t === 'number') return BASE_MS + Math.round(t * 1000);
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(t);
  if (!m) throw new Error(`bad test time ${t}`);
  const frac = m[4] ? Number(m[4].padEnd(3, '0')) : 0;
  return Date.UTC(2026, 10, 23, Number(m[1]), Number(m[2]), Number(m[3]), frac);
}

/** The ISO string (with Z) of a test time, as a helpdesk would send it. */
export function iso(t: Time): string {
  return new Date(ms(t)).toISOString();
}

export type Raw = Record<string, unknown>;

/** Validates a wire object; throws if the engine does not accept it as an event. */
export function toEvent(raw: Raw): ChatEvent {
  const v = validateEvent(raw);
  if (v.kind !== 'event') {
    throw new Error(`builder produced ${v.kind}: ${JSON.stringify(v)} for ${JSON.stringify(raw)}`);
  }
  return v.event;
}

// ---------------------------------------------------------------------------
// Wire objects (what goes on a JSONL line)

export interface StartedOptions {
  name?: string;
  tier?: string;
  channel?: string;
  customerId?: string;
  caseRef?: string;
}

export function startedRaw(chatId: string, t: Time, o: StartedOptions = {}): Raw {
  const raw: Raw = { type: 'chat.started', chatId, at: iso(t) };
  const customer: Raw = { id: o.customerId ?? 'u-1' };
  if (o.name !== undefined) customer.name = o.name;
  if (o.tier !== undefined) customer.tier = o.tier;
  raw.customer = customer;
  if (o.channel !== undefined) raw.channel = o.channel;
  if (o.caseRef !== undefined) raw.caseRef = o.caseRef;
  return raw;
}

export interface MessageOptions {
  hold?: boolean;
  internal?: boolean;
  agentId?: string;
}

export function messageRaw(
  chatId: string,
  id: string,
  t: Time,
  author: string,
  text: string,
  o: MessageOptions = {},
): Raw {
  const raw: Raw = { type: 'message', chatId, id, at: iso(t), author, text };
  if (o.hold !== undefined) raw.hold = o.hold;
  if (o.internal !== undefined) raw.internal = o.internal;
  if (o.agentId !== undefined) raw.agentId = o.agentId;
  return raw;
}

export function closedRaw(chatId: string, t: Time): Raw {
  return { type: 'chat.closed', chatId, at: iso(t) };
}

/** One JSONL line for a wire object. */
export function line(raw: Raw): string {
  return JSON.stringify(raw);
}

// ---------------------------------------------------------------------------
// Validated events

export function started(chatId: string, t: Time, o: StartedOptions = {}): ChatEvent {
  return toEvent(startedRaw(chatId, t, o));
}

export function customer(chatId: string, id: string, t: Time, text = 'Hello?'): ChatEvent {
  return toEvent(messageRaw(chatId, id, t, 'customer', text));
}

export function agent(
  chatId: string,
  id: string,
  t: Time,
  text = 'Thanks for your message.',
  o: MessageOptions = {},
): ChatEvent {
  return toEvent(messageRaw(chatId, id, t, 'agent', text, o));
}

/** A public agent message with `hold: true`. */
export function hold(chatId: string, id: string, t: Time, text = 'Working on it.'): ChatEvent {
  return agent(chatId, id, t, text, { hold: true });
}

/** An internal agent note (author agent, internal: true). */
export function internal(chatId: string, id: string, t: Time, text = 'note'): ChatEvent {
  return agent(chatId, id, t, text, { internal: true });
}

export function bot(chatId: string, id: string, t: Time, text = 'I am a bot.'): ChatEvent {
  return toEvent(messageRaw(chatId, id, t, 'bot', text));
}

export function system(chatId: string, id: string, t: Time, text = 'Chat assigned.'): ChatEvent {
  return toEvent(messageRaw(chatId, id, t, 'system', text));
}

export function closed(chatId: string, t: Time): ChatEvent {
  return toEvent(closedRaw(chatId, t));
}

export function check(
  chatId: string,
  t: Time,
  item: string,
  checked = true,
  o: { by?: string; reason?: string } = {},
): ChatEvent {
  const raw: Raw = { type: 'playbook.check', chatId, at: iso(t), item, checked };
  if (o.by !== undefined) raw.by = o.by;
  if (o.reason !== undefined) raw.reason = o.reason;
  return toEvent(raw);
}

export function note(chatId: string, t: Time, text: string, by?: string): ChatEvent {
  const raw: Raw = { type: 'playbook.note', chatId, at: iso(t), text };
  if (by !== undefined) raw.by = by;
  return toEvent(raw);
}

export function reply(
  chatId: string,
  t: Time,
  sopId: string,
  replyId: string,
  filled: boolean,
  text?: string,
): ChatEvent {
  const raw: Raw = { type: 'playbook.reply', chatId, at: iso(t), sopId, replyId, filled };
  if (text !== undefined) raw.text = text;
  return toEvent(raw);
}

// ---------------------------------------------------------------------------
// Configuration and runs

/** A validated configuration; throws if the engine rejects it. */
export function config(input: unknown): TeamConfig {
  const r = validateConfig(input);
  if (!r.ok) throw new Error(`config rejected: ${JSON.stringify(r.errors)}`);
  return r.config;
}

/** Runs a batch audit and returns the report. */
export function audit(events: readonly ChatEvent[], cfg: TeamConfig = DEFAULT_CONFIG): AuditReport {
  return auditEvents(events, cfg);
}

/** Audits events that concern exactly one chat and returns that chat's line. */
export function runChat(events: readonly ChatEvent[], cfg: TeamConfig = DEFAULT_CONFIG): AuditChat {
  const report = audit(events, cfg);
  if (report.chats.length !== 1) {
    throw new Error(`expected exactly one chat, got ${report.chats.length}`);
  }
  return report.chats[0]!;
}

/** The timing part of an audit line (what protocol.md says must match exactly). */
export function timing(chat: AuditChat) {
  const { checklist: _checklist, ...rest } = chat;
  return rest;
}

/**
 * Audits a JSONL transcript the way `audit` does: split on `\n`, drop a leading BOM and a
 * trailing `\r`, skip blank lines, count invalid ones, stream the rest through an audit run
 * and replay the chats the run asks for (in file order).
 */
export function auditLines(text: string, cfg: TeamConfig = DEFAULT_CONFIG): AuditReport {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split('\n');
  const run = createAuditRun(cfg);
  const events: ChatEvent[] = [];
  for (const l of lines) {
    const r = parseEventLine(l);
    if (r.kind === 'invalid') auditInvalidLine(run);
    else if (r.kind === 'event') {
      events.push(r.event);
      auditEvent(run, r.event);
    }
  }
  return auditReport(run, replayFor(run.needsReplay, events, cfg));
}

/** Streams events through an audit run and replays what it asks for. */
export function auditStreaming(
  events: readonly ChatEvent[],
  cfg: TeamConfig = DEFAULT_CONFIG,
): AuditReport {
  const run = createAuditRun(cfg);
  for (const e of events) auditEvent(run, e);
  return auditReport(run, replayFor(run.needsReplay, events, cfg));
}

function replayFor(
  chatIds: ReadonlySet<string>,
  events: readonly ChatEvent[],
  cfg: TeamConfig,
): Map<string, ChatTimeline> {
  const replay = new Map<string, ChatTimeline>();
  let seq = 0;
  for (const e of events) {
    if (!chatIds.has(e.chatId)) continue;
    let t = replay.get(e.chatId);
    if (!t) {
      t = createTimeline(e.chatId);
      replay.set(e.chatId, t);
    }
    addEvent(t, e, seq++, cfg.holdPhrases);
  }
  return replay;
}

// ---------------------------------------------------------------------------
// Live (widget) side

/** A one-chat timeline built event by event, `seq` = position in the list (arrival). */
export function timelineOf(
  events: readonly ChatEvent[],
  cfg: TeamConfig = DEFAULT_CONFIG,
): ChatTimeline {
  const chatId = events[0]?.chatId ?? 'c';
  const t = createTimeline(chatId);
  events.forEach((e, i) => {
    if (e.chatId !== chatId) throw new Error('timelineOf takes the events of one chat');
    addEvent(t, e, i, cfg.holdPhrases);
  });
  return t;
}

/** The chat's rules under a configuration (its tier and channel from chat.started). */
export function rulesOf(state: ChatState, cfg: TeamConfig = DEFAULT_CONFIG): ChatRules {
  return rulesFor(cfg, { tier: state.customer.tier, channel: state.channel });
}

/** The live reading of a one-chat event list at `now` (epoch ms). */
export function liveRead(
  events: readonly ChatEvent[],
  now: number,
  cfg: TeamConfig = DEFAULT_CONFIG,
): ChatReading {
  const state = timelineOf(events, cfg).state;
  if (!state) throw new Error('no chat');
  return read(state, rulesOf(state, cfg), now);
}
