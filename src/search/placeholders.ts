// Reply templates: `{name}` placeholders (shared/spec/sop-format.md). The chat fills the
// CHAT_PLACEHOLDERS; any other name is a fill-in field the agent types before inserting.

export const CHAT_PLACEHOLDERS = [
  'customer.firstName',
  'customer.name',
  'agent.name',
  'case.ref',
] as const;

export type ChatPlaceholder = (typeof CHAT_PLACEHOLDERS)[number];

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'field'; name: string };

export type ParsedTemplate =
  | { ok: true; parts: TemplatePart[] }
  /** `position` is the 0-based index in the text where the problem starts. */
  | { ok: false; error: string; position: number };

const NAME_CHAR = /[A-Za-z0-9._-]/;
const chatPlaceholders: ReadonlySet<string> = new Set(CHAT_PLACEHOLDERS);

export function isChatPlaceholder(name: string): name is ChatPlaceholder {
  return chatPlaceholders.has(name);
}

/** Splits a template into text and `{field}` parts, or explains the first syntax error. */
export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let textStart = 0;
  let i = 0;
  const fail = (position: number, what: string): ParsedTemplate => ({
    ok: false,
    position,
    error: `${what} at character ${position + 1}: ${excerpt(text, position)}`,
  });

  while (i < text.length) {
    const ch = text[i];
    if (ch === '}') return fail(i, "stray '}' without an opening '{'");
    if (ch !== '{') {
      i++;
      continue;
    }
    const open = i;
    if (text[open + 1] === '{') return fail(open, "'{{' is not allowed (placeholders are {name})");
    let end = open + 1;
    while (end < text.length && NAME_CHAR.test(text[end]!)) end++;
    if (end >= text.length) return fail(open, "unclosed '{'");
    const stop = text[end];
    if (stop !== '}') {
      // A `{` later on, or a line break, means this brace was never closed.
      const closes = text.indexOf('}', end);
      const reopens = text.indexOf('{', end);
      if (closes === -1 || (reopens !== -1 && reopens < closes) || stop === '\n') {
        return fail(open, "unclosed '{'");
      }
      return fail(
        end,
        `character ${JSON.stringify(stop)} is not allowed in a placeholder name (use letters, digits, '.', '_', '-')`,
      );
    }
    if (end === open + 1) return fail(open, "empty placeholder '{}'");
    if (open > textStart) parts.push({ kind: 'text', text: text.slice(textStart, open) });
    parts.push({ kind: 'field', name: text.slice(open + 1, end) });
    i = end + 1;
    textStart = i;
  }
  if (textStart < text.length) parts.push({ kind: 'text', text: text.slice(textStart) });
  return { ok: true, parts };
}

/** Text and `{name}` placeholders only: exactly the templates parseTemplate accepts. */
const VALID_TEMPLATE = /^[^{}]*(?:\{[A-Za-z0-9._-]+\}[^{}]*)*$/;

/** Whether parseTemplate accepts `text`, without building its parts (a fast check). */
export function isValidTemplate(text: string): boolean {
  return VALID_TEMPLATE.test(text);
}

/** Every placeholder's name, unique, in order of appearance; [] if the template is invalid. */
export function placeholderNames(text: string): string[] {
  const parsed = parseTemplate(text);
  const names: string[] = [];
  if (!parsed.ok) return names;
  for (const part of parsed.parts) {
    if (part.kind === 'field' && !names.includes(part.name)) names.push(part.name);
  }
  return names;
}

/** Names the agent must type in (not filled from the chat), unique, in order. [] if invalid. */
export function fillInFields(text: string): string[] {
  return placeholderNames(text).filter((name) => !isChatPlaceholder(name));
}

/** `currentAction` → "Current action", `order_number` → "Order number". */
export function fieldLabel(name: string): string {
  const words = name
    .replace(/[._-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Replaces each placeholder that has a value; a missing or blank value is written by `blank`
 * (by default `{name}` as it was) and its name listed in `missing` (unique, in order). Values
 * are inserted as they are, never re-read as templates. An invalid template comes back
 * unchanged.
 */
export function fillTemplate(
  text: string,
  values: Record<string, string>,
  blank: (name: string) => string = (name) => `{${name}}`,
): { text: string; missing: string[] } {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return { text, missing: [] };
  const missing: string[] = [];
  let out = '';
  for (const part of parsed.parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const value = Object.hasOwn(values, part.name) ? values[part.name] : undefined;
    if (typeof value === 'string' && value.trim() !== '') {
      out += value;
    } else {
      out += blank(part.name);
      if (!missing.includes(part.name)) missing.push(part.name);
    }
  }
  return { text: out, missing };
}

/** A short quote of the text around `position`, for error messages. */
function excerpt(text: string, position: number): string {
  const start = Math.max(0, position - 10);
  const end = Math.min(text.length, position + 15);
  const quoted = text.slice(start, end).replace(/\s+/g, ' ');
  return `"${start > 0 ? '…' : ''}${quoted}${end < text.length ? '…' : ''}"`;
}
