// Small checks every boundary uses on untrusted JSON, written once.

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `text` with every regular-expression metacharacter escaped, to match it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether `value` nests deeper than `limit` arrays/objects. The walk stops at the first path
 * past the limit, so it never recurses more than `limit` levels, and a value nested
 * thousands deep is refused before any recursive code (JSON.stringify, spread, validation)
 * can overflow the stack on it. Bounded recursion: no stack of tuples to allocate per event.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  return typeof value === 'object' && value !== null && deeper(value, 1, limit);
}

function deeper(node: object, depth: number, limit: number): boolean {
  if (depth > limit) return true;
  const children: readonly unknown[] = Array.isArray(node) ? node : Object.values(node);
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (typeof child === 'object' && child !== null && deeper(child, depth + 1, limit)) {
      return true;
    }
  }
  return false;
}

/** A short, safe description of an untrusted value for an error message (never throws). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'got null';
  if (Array.isArray(value)) return `got a list of ${value.length}`;
  if (typeof value === 'object') return 'got an object';
  if (typeof value === 'string') {
    const shown = value.length > 57 ? `${value.slice(0, 57)}...` : value;
    return `got ${JSON.stringify(shown)}`;
  }
  return `got ${String(value)}`;
}
