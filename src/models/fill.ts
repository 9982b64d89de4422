// A reply's fill-ins, filled from what is known before the agent types anything: the chat
// (customer and agent names, case reference), the host's fields for the chat
// (`ChatPlaybook('fields', …)`, docs/embedding.md) and the customer's messages, by the
// pattern the library declares for a field (docs/library-format.md). Each value keeps its
// source, so the form can show where it came from. Pure: the commands model calls it.
import { isObject } from '../core/guards.ts';
import { findLatest } from '../search/fields.ts';
import { fieldLabel, fillTemplate, placeholderNames } from '../search/placeholders.ts';
import type { FieldSpec, SopReply } from '../search/types.ts';
import type { ConversationLine } from './chats.ts';

/** The host's values for one chat, and the host's name for the form ("Zendesk"). */
export interface HostFields {
  source: string;
  values: Record<string, string>;
}

export type FieldSource =
  | { kind: 'host'; name: string }
  /** `quote`: the customer's words around the match; `at`: when they were sent. */
  | { kind: 'transcript'; at: number; quote: string };

export interface FoundValue {
  value: string;
  source: FieldSource;
}

export interface PreparedFields {
  /** The placeholders the chat cannot fill: the form's fields, in order. */
  fields: string[];
  /** Each field's value so far ('' when nothing was found). */
  values: Record<string, string>;
  /** Values found for fields, by name, with their source. */
  found: Record<string, FoundValue>;
}

/** Limits on a host's fields (`fields` command): names as placeholders, short values. */
export const HOST_FIELD_LIMITS = { count: 50, value: 500, source: 60 } as const;
/** The quote of the message a value was found in: this long, from this far before it. */
const QUOTE_LENGTH = 80;
const QUOTE_AROUND = 30;

function own<T>(record: Record<string, T> | undefined, name: string): T | undefined {
  return record && Object.hasOwn(record, name) ? record[name] : undefined;
}

export function fieldSpec(reply: SopReply, name: string): FieldSpec {
  return own(reply.fields, name) ?? {};
}

export function labelOf(reply: SopReply, name: string): string {
  return fieldSpec(reply, name).label ?? fieldLabel(name);
}

/** What a field left empty reads in the inserted reply: `[order number]`. */
export function blankOf(reply: SopReply, name: string): string {
  // Lower-cased like the words around it, but an acronym (SKU, URL) stays as it is.
  return `[${labelOf(reply, name).replace(/^\p{Lu}(?!\p{Lu})/u, (c) => c.toLowerCase())}]`;
}

/**
 * The form's fields and their first values: every placeholder the chat does not fill; the
 * host's value when it has one, else the latest customer message's match of the field's
 * pattern.
 */
export function prepareFields(
  reply: SopReply,
  chatValues: Record<string, string>,
  host: HostFields | undefined,
  conversation: readonly ConversationLine[],
): PreparedFields {
  const fields = placeholderNames(reply.text).filter((name) => !own(chatValues, name));
  const customer = conversation.filter((line) => line.author === 'customer');
  // Entries, not assignment: a field may be called `__proto__`.
  const values: [string, string][] = [];
  const found: [string, FoundValue][] = [];
  for (const name of fields) {
    const fromHost = own(host?.values, name)?.trim();
    const { pattern } = fieldSpec(reply, name);
    const match =
      !fromHost && pattern
        ? findLatest(
            pattern,
            customer.map((l) => l.text),
          )
        : null;
    let value = '';
    if (fromHost) {
      value = fromHost;
      found.push([name, { value, source: { kind: 'host', name: host!.source } }]);
    } else if (match) {
      const { text, at } = customer[match.index]!;
      // A short message whole, a long one around the match.
      const start = Math.max(0, Math.min(match.start - QUOTE_AROUND, text.length - QUOTE_LENGTH));
      const end = Math.max(start + QUOTE_LENGTH, match.end);
      const quote = `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
      value = match.value;
      found.push([
        name,
        { value, source: { kind: 'transcript', at, quote: quote.replace(/\s+/g, ' ') } },
      ]);
    }
    values.push([name, value]);
  }
  return { fields, values: Object.fromEntries(values), found: Object.fromEntries(found) };
}

/**
 * The reply as it will be inserted: every value in, each empty field as its blank
 * (`[order number]`); `required` lists the empty fields the library requires. `known` is the
 * reply without its blanks, which the agent completes in the composer: what the sent message
 * must carry to count as this reply (the checklist's `snippet`).
 */
export function completeReply(
  reply: SopReply,
  values: Record<string, string>,
): { text: string; known: string; blanks: string[]; required: string[] } {
  const filled = fillTemplate(reply.text, values, (name) => blankOf(reply, name));
  return {
    text: filled.text,
    known: fillTemplate(reply.text, values, () => '').text,
    blanks: filled.missing,
    required: filled.missing.filter((name) => fieldSpec(reply, name).required),
  };
}

/**
 * Checks a host's `fields` command: `{ name: value }` with placeholder names and string (or
 * number) values (an empty one is left out), and the host's name for the form.
 */
export function validateHostFields(
  input: unknown,
  source: unknown = 'the helpdesk',
): { ok: true; fields: HostFields } | { ok: false; field: string; message: string } {
  const fail = (field: string, message: string) => ({ ok: false as const, field, message });
  const { count, value: length, source: named } = HOST_FIELD_LIMITS;
  if (typeof source !== 'string' || !source.trim() || source.length > named) {
    return fail('source', `must be the host's name, at most ${named} characters`);
  }
  const entries = isObject(input) ? Object.entries(input) : [];
  if (!isObject(input) || entries.length > count) {
    return fail('fields', `must be an object of at most ${count} values by field name`);
  }
  const values: [string, string][] = [];
  for (const [name, raw] of entries) {
    const field = `fields.${name.slice(0, 100)}`;
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
      return fail(field, "is not a placeholder name (letters, digits, '.', '_', '-')");
    }
    const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
    if (typeof value !== 'string' || value.length > length) {
      return fail(field, `must be a string or a number, at most ${length} characters`);
    }
    if (value.trim()) values.push([name, value.trim()]);
  }
  return { ok: true, fields: { source: source.trim(), values: Object.fromEntries(values) } };
}
