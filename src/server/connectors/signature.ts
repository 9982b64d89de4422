// The authenticity helpers every connector's `verify` shares: header values as Node gives
// them, and a constant-time comparison. Kept apart from payload.ts (pure mapping helpers) so
// the mapping code also runs in the browser, in the helpdesk sidebar apps.
import { timingSafeEqual } from 'node:crypto';
import { own } from './payload.ts';
import type { AuthCheck, WebhookRequest } from './types.ts';

export type Refusal = Extract<AuthCheck, { ok: false }>;

/**
 * The value of a request header, `name` lower-case (Node's IncomingMessage). A list holding
 * one string counts as that string; null when the header was sent more than once; undefined
 * when it is absent (or the headers are not an object).
 */
export function headerValue(request: WebhookRequest, name: string): string | undefined | null {
  const value = own(request.headers, name);
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.length === 1 && typeof value[0] === 'string' ? value[0] : null;
}

/**
 * A header the check needs, as sent (untrimmed: some hosts sign it byte for byte), or the
 * refusal `missing <label> header` (absent or blank) / `<label> header sent more than once`.
 */
export function requiredHeader(
  request: WebhookRequest,
  name: string,
  label: string,
): string | Refusal {
  const value = headerValue(request, name);
  if (value === null) return { ok: false, error: `${label} header sent more than once` };
  if (value === undefined || value.trim() === '') {
    return { ok: false, error: `missing ${label} header` };
  }
  return value;
}

/**
 * Whether a presented signature (or secret) is the expected one, compared in constant time;
 * different lengths are refused first (only the length can leak).
 */
export function sameBytes(given: Uint8Array, expected: Uint8Array): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}
