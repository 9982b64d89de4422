// What the helpdesk connectors (chatwoot.ts, zendesk.ts, livechat.ts, front.ts) share: reading
// untrusted JSON (a FieldError names the malformed field), fitting text to the protocol's
// limits and reading a team's MappingOptions. Pure (no Node modules): the sidebar apps run the
// same mapping in the browser. The authenticity helpers are in signature.ts.
// What differs per host stays in the host's file: its id and time formats, how it words a bad
// value, which tierField / channelField forms it reads (`tag:`, `label:`, …), its header names,
// its signing string and its staleness rule.
import { isObject } from '../../core/guards.ts';
import type { MappingOptions, ProtocolEventObject } from './types.ts';

export type Obj = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Malformed fields

/**
 * A malformed field of a payload a connector uses. Its message is `<path>: <what>`; the
 * connector's entry points turn it into `{ kind: 'invalid', error: message }`.
 */
export class FieldError extends Error {}

/** Throws the FieldError `<path>: <message>`. */
export function fail(path: string, message: string): never {
  throw new FieldError(`${path}: ${message}`);
}

/** The error text of a failed mapping: a FieldError's own message, else `fallback`. */
export function errorText(err: unknown, fallback = 'payload: could not be read'): string {
  return err instanceof FieldError ? err.message : fallback;
}

/** `base.key`, or `key` at the root (`base` empty). */
export function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/**
 * `value` as JSON, cut to 60 characters (`...` marks the cut), for an error message; undefined
 * when it has no JSON form (undefined, a function, a bigint, a cycle).
 */
export function jsonPreview(value: unknown): string | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return undefined;
  }
  if (json === undefined) return undefined;
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

// ---------------------------------------------------------------------------------------------
// Reading untrusted JSON

/**
 * An own data property of a JSON object, or the element of an array at a decimal index (`'0'`).
 * Never an inherited property (`constructor`, `__proto__`), never an object's getter; undefined
 * for anything else (undefined, a scalar), so calls chain: `own(own(conv, 'meta'), 'sender')`.
 */
export function own(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return /^\d{1,9}$/.test(key) ? value[Number(key)] : undefined;
  if (!isObject(value)) return undefined;
  const property = Object.getOwnPropertyDescriptor(value, key);
  return property !== undefined && 'value' in property ? property.value : undefined;
}

/** `own(parent, key)` when it is a JSON object, else undefined (never a FieldError). */
export function ownObject(parent: unknown, key: string): Obj | undefined {
  const value = own(parent, key);
  return isObject(value) ? value : undefined;
}

/**
 * The value at `keys` below `root`, stepping through objects only (an array or a scalar on the
 * way gives undefined): how a dotted tierField / channelField path is read.
 */
export function valueAt(root: unknown, keys: readonly string[]): unknown {
  let value = root;
  for (const key of keys) {
    if (!isObject(value)) return undefined;
    value = own(value, key);
  }
  return value;
}

/**
 * A readable scalar as text, for a team-named field: a string trimmed (blank is absent), a
 * finite number or a boolean as written; anything else is absent.
 */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * How a host words a malformed value after its path, given what the value must be: Chatwoot,
 * LiveChat and Front show the value (`must be an object (got 7)`, see `showingValue`), Zendesk
 * says `missing` or only what the value must be.
 */
export type Wording = (what: string, value: unknown) => string;

/** The wording `<what> (<describe(value)>)`, `describe` being the host's value description. */
export function showingValue(describe: (value: unknown) => string): Wording {
  return (what, value) => `${what} (${describe(value)})`;
}

/** Typed accessors of one host, each throwing a FieldError worded the host's way. */
export interface FieldReaders {
  /** The JSON object at `key`: required. */
  objectAt(parent: unknown, key: string, path: string): Obj;
  /** The string at `key`; undefined when absent or null; any other value is malformed. */
  optionalString(parent: unknown, key: string, path: string): string | undefined;
  /** true or false at `key`; undefined when absent; any other value (null too) is malformed. */
  optionalBoolean(parent: unknown, key: string, path: string): boolean | undefined;
}

/** The accessors for a host that words malformed values with `word` (called once per host). */
export function fieldReaders(word: Wording): FieldReaders {
  return {
    objectAt(parent, key, path) {
      const value = own(parent, key);
      if (!isObject(value)) fail(path, word('must be an object', value));
      return value;
    },
    optionalString(parent, key, path) {
      const value = own(parent, key);
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') fail(path, word('must be a string', value));
      return value;
    },
    optionalBoolean(parent, key, path) {
      const value = own(parent, key);
      if (value !== undefined && typeof value !== 'boolean') {
        fail(path, word('must be true or false', value));
      }
      return value;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Fitting the protocol's limits (FIELD_LIMITS)

/** Cuts display text to `max` UTF-16 units, never leaving half a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** A display value (name, tier, channel): a non-blank string, trimmed and clipped; else undefined. */
export function displayText(value: unknown, max: number): string | undefined {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? undefined : clip(text, max);
}

/**
 * An id is never clipped (two long ids must not become one): one longer than `max` is a
 * FieldError `<path>: is <n> characters, more than <max>`.
 */
export function limited(id: string, max: number, path: string): string {
  if (id.length > max) fail(path, `is ${id.length} characters, more than ${max}`);
  return id;
}

// ---------------------------------------------------------------------------------------------
// Mapping

/** Orders events by `at` (in place), keeping the host's order for equal times (a stable sort). */
export function byTime(events: ProtocolEventObject[]): ProtocolEventObject[] {
  return events.sort((a, b) => (a.at as number) - (b.at as number));
}

/** A team's settings as the connectors read them: only string values count; others are unset. */
export function mappingOptions(options: unknown): MappingOptions {
  const out: MappingOptions = {};
  const tierField = own(options, 'tierField');
  const channelField = own(options, 'channelField');
  if (typeof tierField === 'string') out.tierField = tierField;
  if (typeof channelField === 'string') out.channelField = channelField;
  return out;
}
