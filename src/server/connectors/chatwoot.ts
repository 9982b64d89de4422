// Chatwoot connector (docs/integrations/chatwoot-connector.md): the webhook signature check
// here (Node's crypto), the pure mapping in chatwoot-map.ts (shared with the dashboard app).
//
// Sources for the signature: chatwoot/chatwoot PR #13573 (v4.11.2, account webhooks) and
// #13892 (v4.13.0, API inboxes and agent bots); the webhook schema of the API reference
// (https://developers.chatwoot.com, "secret": `X-Chatwoot-Signature` = `sha256=` + hex
// HMAC-SHA256 of `{X-Chatwoot-Timestamp}.{raw body}`; the timestamp is Unix seconds).
// The payload sources are listed in chatwoot-map.ts.
import { createHmac } from 'node:crypto';
import { mapExport, mapWebhook } from './chatwoot-map.ts';
import { requiredHeader, sameBytes } from './signature.ts';
import type { AuthCheck, Connector, WebhookRequest } from './types.ts';

export { CHATWOOT_USED_EVENTS } from './chatwoot-map.ts';

/** How far X-Chatwoot-Timestamp may be from the server clock, either way (PR #13573: ~5 min). */
export const CHATWOOT_TIMESTAMP_TOLERANCE_S = 300;
export const CHATWOOT_SIGNATURE_HEADER = 'x-chatwoot-signature';
export const CHATWOOT_TIMESTAMP_HEADER = 'x-chatwoot-timestamp';

function verifyUnsafe(request: WebhookRequest, secret: string): AuthCheck {
  if (typeof secret !== 'string' || secret === '') {
    return { ok: false, error: 'no Chatwoot webhook secret is configured for this connector' };
  }
  const signature = requiredHeader(request, CHATWOOT_SIGNATURE_HEADER, 'X-Chatwoot-Signature');
  if (typeof signature !== 'string') return signature;
  const stamp = requiredHeader(request, CHATWOOT_TIMESTAMP_HEADER, 'X-Chatwoot-Timestamp');
  if (typeof stamp !== 'string') return stamp;
  const timestamp = stamp.trim();
  if (!/^\d{1,15}$/.test(timestamp)) {
    return { ok: false, error: 'X-Chatwoot-Timestamp must be Unix seconds' };
  }
  const now = request.now;
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    return { ok: false, error: 'server clock unavailable' };
  }
  const skew = Math.abs(now / 1000 - Number(timestamp));
  if (!(skew <= CHATWOOT_TIMESTAMP_TOLERANCE_S)) {
    return {
      ok: false,
      error: `stale X-Chatwoot-Timestamp: ${Math.round(skew)} s from the server clock (limit ${CHATWOOT_TIMESTAMP_TOLERANCE_S} s)`,
    };
  }
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!m) return { ok: false, error: 'X-Chatwoot-Signature must be sha256=<64 hex digits>' };
  const body: unknown = request.rawBody;
  if (!(body instanceof Uint8Array)) return { ok: false, error: 'request body unavailable' };
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  const given = Buffer.from(m[1] as string, 'hex');
  if (!sameBytes(given, expected)) {
    return { ok: false, error: 'X-Chatwoot-Signature does not match the body and the secret' };
  }
  return { ok: true };
}

export const chatwootConnector: Connector = {
  host: 'chatwoot',

  verify(request: WebhookRequest, secret: string): AuthCheck {
    try {
      return verifyUnsafe(request, secret);
    } catch {
      return { ok: false, error: 'request could not be checked' };
    }
  },

  mapWebhook,
  mapExport,
};
