// Front (front.com) connector: application webhooks and the Core API's conversation shapes,
// mapped to protocol v1 events (docs/integrations.md "Front"). The mapping itself is pure and
// lives in front-map.ts (the Front sidebar plugin runs it in the browser); this file adds
// Front's signature check (node:crypto) and the validation handshake.
//
// Sources, each read for this file:
// - Signature and validation handshake: https://dev.frontapp.com/docs/application-webhooks
//   (`X-Front-Signature` = base64 HMAC-SHA256, keyed with the app's signing secret, over
//   `<X-Front-Request-Timestamp>:` followed by the raw body; the timestamp is in milliseconds;
//   saving the webhook sends a signed `sync` request carrying `X-Front-Challenge`, which must
//   be echoed back). Stale timestamps: Front's Security page for its signed requests
//   (https://dev.frontapp.com/docs/security-1) recommends refusing anything older than 5 minutes.
// - Webhook body: `{ type, authorization: { id }, payload }`, `payload` being an Event
//   (Front's sample app https://github.com/dugjason/front-webhook-application reads
//   `body.type`, `body.authorization.id`, `body.payload.conversation.id`).
// - Event, Conversation, Message, Comment, Teammate, Recipient, Tag shapes: Front's Core API
//   OpenAPI (https://dev.frontapp.com/reference/events, /reference/conversations,
//   /reference/messages, /reference/comments). All timestamps there are Unix seconds, with a
//   fractional part (e.g. `1701292649.333`).
//
// Pure: no I/O, no timers, no clock (time comes from `request.now`); never throws.
import { createHmac } from 'node:crypto';
import { mapExport, mapWebhook } from './front-map.ts';
import { headerValue, requiredHeader, sameBytes } from './signature.ts';
import type { AuthCheck, Connector, WebhookRequest } from './types.ts';

export { htmlToText, mapExport, mapWebhook } from './front-map.ts';

/** Front's own recommendation for signed requests: refuse a timestamp off by more than 5 min. */
export const FRONT_TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

const SIGNATURE_HEADER = 'x-front-signature';
const TIMESTAMP_HEADER = 'x-front-request-timestamp';
const CHALLENGE_HEADER = 'x-front-challenge';

/** Longest challenge the route will echo (Front sends a short random string). */
const MAX_CHALLENGE_LENGTH = 1000;

// ---------------------------------------------------------------------------------------------
// Authenticity

function verify(request: WebhookRequest, secret: string): AuthCheck {
  if (typeof secret !== 'string' || secret === '') {
    return { ok: false, error: 'no Front signing secret is configured for this connector' };
  }
  const signature = requiredHeader(request, SIGNATURE_HEADER, 'X-Front-Signature');
  if (typeof signature !== 'string') return signature;
  // Signed as sent: the timestamp is trimmed for the checks only.
  const timestamp = requiredHeader(request, TIMESTAMP_HEADER, 'X-Front-Request-Timestamp');
  if (typeof timestamp !== 'string') return timestamp;
  const stamp = timestamp.trim();
  if (!/^\d{1,16}$/.test(stamp)) {
    return { ok: false, error: 'X-Front-Request-Timestamp must be Unix time in milliseconds' };
  }
  const now = typeof request.now === 'number' ? request.now : Number.NaN;
  const skew = Math.abs(now - Number(stamp));
  if (!(skew <= FRONT_TIMESTAMP_TOLERANCE_MS)) {
    const seconds = Number.isFinite(skew) ? Math.round(skew / 1000) : 'unknown';
    return {
      ok: false,
      error: `stale X-Front-Request-Timestamp: ${seconds} s from the server clock (limit ${FRONT_TIMESTAMP_TOLERANCE_MS / 1000} s)`,
    };
  }
  const raw = Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);
  // The documented steps: `<timestamp>:` as bytes, then the raw body, as one UTF-8 string,
  // HMAC-SHA256 keyed with the app's signing secret, base64.
  const base = Buffer.concat([Buffer.from(`${timestamp}:`, 'utf8'), raw]).toString('utf8');
  const expected = Buffer.from(createHmac('sha256', secret).update(base, 'utf8').digest('base64'));
  const given = Buffer.from(signature.trim());
  if (!sameBytes(given, expected)) {
    return {
      ok: false,
      error: 'X-Front-Signature does not match the body (wrong secret or altered body)',
    };
  }
  return { ok: true };
}

/**
 * The validation handshake: when an application webhook is saved, Front sends a signed `sync`
 * request with an `X-Front-Challenge` header and expects the value echoed back (HTTP 200 with
 * body `{"challenge":"<value>"}`, or the value as text/plain) within 10 seconds. Returns the
 * value to echo, or null when the request carries no challenge. The route calls `verify` first.
 */
export function frontChallenge(request: WebhookRequest): string | null {
  try {
    const value = headerValue(request, CHALLENGE_HEADER);
    if (typeof value !== 'string' || value === '' || value.length > MAX_CHALLENGE_LENGTH)
      return null;
    return value;
  } catch {
    return null;
  }
}

export const frontConnector: Connector = {
  host: 'front',
  verify(request, secret) {
    try {
      return verify(request, secret);
    } catch {
      return { ok: false, error: 'the request could not be checked' };
    }
  },
  mapWebhook,
  mapExport,
};
