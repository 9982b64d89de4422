// The boundary: untrusted JSON in, typed events out (protocol.md "Events").
// Every rejection names the field so a helpdesk integrator can fix the sender.
import { describeValue, isObject, nestsDeeperThan } from './guards.ts';
import { parseAt } from './time.ts';
import type { Author, ChatEvent, Customer } from './types.ts';

export type Validated =
  | { kind: 'event'; event: ChatEvent }
  /** A well-formed event of a type the timers ignore (e.g. `agent.typing`). */
  | { kind: 'ignored'; type: string }
  | { kind: 'invalid'; error: string };

export const MAX_CHAT_ID_LENGTH = 200;
export const MAX_TEXT_LENGTH = 20_000;
/** A `playbook.suggested` event names at most this many SOPs (the list the agent sees). */
export const MAX_SUGGESTED_SOPS = 5;

/**
 * The longest value of every string field (protocol.md: ids and names short, text 20,000).
 * A longer value makes the event invalid, with the field named: nothing oversized is stored.
 */
export const FIELD_LIMITS = {
  type: 100,
  chatId: MAX_CHAT_ID_LENGTH,
  id: 200,
  agentId: 200,
  assignee: 200,
  'customer.id': 200,
  'customer.name': 200,
  'customer.tier': 100,
  channel: 100,
  caseRef: 100,
  item: 100,
  sopId: 100,
  /** Each id of `playbook.suggested`'s list. */
  sopIds: 100,
  replyId: 100,
  by: 200,
  reason: 2_000,
  text: MAX_TEXT_LENGTH,
} as const;

/** Nesting deeper than this is refused before anything walks the value (no event needs 3). */
export const MAX_EVENT_DEPTH = 16;
const AUTHORS: ReadonlySet<string> = new Set<Author>(['customer', 'agent', 'bot', 'system']);

class FieldError extends Error {}

function fail(field: string, message: string): never {
  throw new FieldError(`${field}: ${message}`);
}

type Obj = Record<string, unknown>;

const describe = describeValue;

/** Refuses a string longer than its field's documented maximum, naming the field. */
function limited(value: string, path: string): string {
  const max = (FIELD_LIMITS as Record<string, number>)[path];
  if (max !== undefined && value.length > max) {
    fail(path, `is ${value.length} characters, more than ${max}`);
  }
  return value;
}

function requiredString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    fail(path, `must be a non-empty string (${describe(value)})`);
  }
  return limited(value, path);
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(path, `must be a string (${describe(value)})`);
  return limited(value, path);
}

/** An agent id, null, or missing (undefined): an id is a non-empty string within its limit. */
function optionalAgentId(value: unknown, field: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || value === '') {
    fail(field, `must be an agent id or null (${describe(value)})`);
  }
  return limited(value, field);
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(field, `must be true or false (${describe(value)})`);
  return value;
}

function text(value: unknown, field: string, allowEmpty: boolean): string {
  if (typeof value !== 'string') fail(field, `must be a string (${describe(value)})`);
  if (!allowEmpty && value.trim() === '') fail(field, 'must not be empty');
  return limited(value, field);
}

function chatIdOf(obj: Obj): string {
  return requiredString(obj.chatId, 'chatId');
}

function atOf(obj: Obj): number {
  const at = parseAt(obj.at);
  if (at === null) {
    fail(
      'at',
      `must be an ISO-8601 time with Z or an offset, or epoch milliseconds (${describe(obj.at)})`,
    );
  }
  return at;
}

function customerOf(obj: Obj): Customer | undefined {
  const value = obj.customer;
  if (value === undefined) return undefined;
  if (!isObject(value)) fail('customer', `must be an object (${describe(value)})`);
  const customer: Customer = {};
  const id = optionalString(value.id, 'customer.id');
  const name = optionalString(value.name, 'customer.name');
  const tier = optionalString(value.tier, 'customer.tier');
  if (id !== undefined) customer.id = id;
  if (name !== undefined) customer.name = name;
  if (tier !== undefined) customer.tier = tier;
  return customer;
}

function parseKnown(type: string, obj: Obj): ChatEvent | null {
  switch (type) {
    case 'chat.started': {
      const event: ChatEvent = { type, chatId: chatIdOf(obj), at: atOf(obj) };
      const customer = customerOf(obj);
      const channel = optionalString(obj.channel, 'channel');
      const caseRef = optionalString(obj.caseRef, 'caseRef');
      if (customer) event.customer = customer;
      if (channel !== undefined) event.channel = channel;
      if (caseRef) event.caseRef = caseRef;
      // null reads as "not assigned yet", the same as leaving the field out.
      const assignee = optionalAgentId(obj.assignee, 'assignee');
      if (assignee) event.assignee = assignee;
      return event;
    }
    case 'message': {
      const chatId = chatIdOf(obj);
      const at = atOf(obj);
      const id = requiredString(obj.id, 'id');
      const author = obj.author;
      if (typeof author !== 'string' || !AUTHORS.has(author)) {
        fail('author', `must be one of customer, agent, bot, system (${describe(author)})`);
      }
      const event: ChatEvent = {
        type,
        chatId,
        at,
        id,
        author: author as Author,
        text: text(obj.text, 'text', true),
        internal: optionalBoolean(obj.internal, 'internal') ?? false,
        hold: optionalBoolean(obj.hold, 'hold') ?? false,
      };
      const agentId = optionalString(obj.agentId, 'agentId');
      if (agentId !== undefined) event.agentId = agentId;
      return event;
    }
    case 'chat.closed':
      return { type, chatId: chatIdOf(obj), at: atOf(obj) };
    case 'chat.assigned':
      try {
        const agentId = optionalAgentId(obj.agentId, 'agentId');
        if (agentId === undefined) fail('agentId', 'must be an agent id or null');
        return { type, chatId: chatIdOf(obj), at: atOf(obj), agentId };
      } catch {
        // protocol.md "Ownership": a malformed chat.assigned is ignored, never invalid.
        return null;
      }
    case 'playbook.check': {
      const event: ChatEvent = {
        type,
        chatId: chatIdOf(obj),
        at: atOf(obj),
        item: requiredString(obj.item, 'item'),
        checked:
          optionalBoolean(obj.checked, 'checked') ?? fail('checked', 'must be true or false'),
      };
      const by = optionalString(obj.by, 'by');
      const reason = optionalString(obj.reason, 'reason');
      if (by !== undefined) event.by = by;
      if (reason?.trim()) event.reason = reason.trim();
      // A QA tag without a reason tells the reviewer nothing (protocol.md checklist: `qa`).
      if (event.item === 'qa' && event.checked && !event.reason) {
        fail('reason', 'is required when tagging a chat for QA review');
      }
      return event;
    }
    case 'playbook.note': {
      const event: ChatEvent = {
        type,
        chatId: chatIdOf(obj),
        at: atOf(obj),
        text: text(obj.text, 'text', false),
      };
      const by = optionalString(obj.by, 'by');
      if (by !== undefined) event.by = by;
      return event;
    }
    case 'playbook.reply': {
      const event: ChatEvent = {
        type,
        chatId: chatIdOf(obj),
        at: atOf(obj),
        sopId: requiredString(obj.sopId, 'sopId'),
        replyId: requiredString(obj.replyId, 'replyId'),
        filled: optionalBoolean(obj.filled, 'filled') ?? fail('filled', 'must be true or false'),
      };
      const text = optionalString(obj.text, 'text');
      if (text !== undefined) event.text = text;
      const by = optionalString(obj.by, 'by');
      if (by !== undefined) event.by = by;
      return event;
    }
    case 'playbook.opened':
    case 'playbook.suggested': {
      const event = { type, chatId: chatIdOf(obj), at: atOf(obj) } as ChatEvent & { by?: string };
      if (event.type === 'playbook.opened') event.sopId = requiredString(obj.sopId, 'sopId');
      else if (event.type === 'playbook.suggested') event.sopIds = sopIdsOf(obj.sopIds);
      const by = optionalString(obj.by, 'by');
      if (by !== undefined) event.by = by;
      return event;
    }
    default:
      return null;
  }
}

/** `sopIds`: up to MAX_SUGGESTED_SOPS SOP ids, each within the `sopIds` limit. */
function sopIdsOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_SUGGESTED_SOPS) {
    fail('sopIds', `must be a list of at most ${MAX_SUGGESTED_SOPS} SOP ids (${describe(value)})`);
  }
  return value.map((id) => requiredString(id, 'sopIds'));
}

/** Validates one decoded JSON value as a protocol or playbook event. */
export function validateEvent(input: unknown): Validated {
  return validate(input, true);
}

/** `walkDepth` false: the caller knows the value cannot nest past MAX_EVENT_DEPTH. */
function validate(input: unknown, walkDepth: boolean): Validated {
  if (!isObject(input)) return { kind: 'invalid', error: 'not a JSON object' };
  if (walkDepth && nestsDeeperThan(input, MAX_EVENT_DEPTH)) {
    return { kind: 'invalid', error: `(event): nested deeper than ${MAX_EVENT_DEPTH} levels` };
  }
  const type = input.type;
  if (typeof type !== 'string' || type === '') {
    return { kind: 'invalid', error: `type: must be a non-empty string (${describe(type)})` };
  }
  if (type.length > FIELD_LIMITS.type) {
    return {
      kind: 'invalid',
      error: `type: is ${type.length} characters, more than ${FIELD_LIMITS.type}`,
    };
  }
  try {
    const event = parseKnown(type, input);
    return event ? { kind: 'event', event } : { kind: 'ignored', type };
  } catch (err) {
    if (err instanceof FieldError) return { kind: 'invalid', error: err.message };
    // Anything else (a getter that throws, an engine bug) refuses this one event only.
    return { kind: 'invalid', error: `(event): could not be read (${(err as Error).message})` };
  }
}

/**
 * Parses one line of a JSONL transcript. Blank lines carry no event; a trailing `\r` is
 * dropped (the caller drops a leading byte-order mark of the file).
 */
export function parseEventLine(line: string): Validated | { kind: 'blank' } {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (trimmed.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    return { kind: 'invalid', error: `not valid JSON (${(err as Error).message})` };
  }
  return validate(value, mayNestDeeperThan(trimmed, MAX_EVENT_DEPTH));
}

/**
 * Whether JSON text could nest deeper than `limit`: each level opens with a `{` or `[`, so
 * text with `limit` of them or fewer cannot, and a transcript line needs no walk of its value.
 */
function mayNestDeeperThan(text: string, limit: number): boolean {
  let openers = 0;
  for (const opener of ['{', '[']) {
    for (let i = text.indexOf(opener); i !== -1; i = text.indexOf(opener, i + 1)) {
      if (++openers > limit) return true;
    }
  }
  return false;
}
