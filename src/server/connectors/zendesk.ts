// Zendesk connector (docs/integrations.md, "Zendesk"): the webhook signature check (node:crypto)
// and the Connector built from the pure mapping in zendesk-map.ts, which the Zendesk sidebar
// app runs in the browser as well (src/adapters/hosts/zendesk.ts).
//
// Pure: no I/O, no clock (time comes from `request.now`), only node:crypto for signatures.
import { createHmac } from 'node:crypto';
import { parseAt } from '../../core/time.ts';
import { requiredHeader, sameBytes } from './signature.ts';
import type { AuthCheck, Connector, WebhookRequest } from './types.ts';
import { mapExport, mapWebhook } from './zendesk-map.ts';

export { mapExport, mapWebhook } from './zendesk-map.ts';

// ---------------------------------------------------------------------------
// Authenticity (https://developer.zendesk.com/documentation/webhooks/verifying/):
// X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(signing secret, TIMESTAMP + BODY)), where
// TIMESTAMP is the X-Zendesk-Webhook-Signature-Timestamp header exactly as sent and BODY the
// raw request bytes, concatenated with no separator.

const SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
const TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
/** A signature older (or further in the future) than this is refused: replay protection. */
export const ZENDESK_TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * The signature timestamp as epoch ms. Zendesk sends an ISO-8601 time (e.g.
 * `2025-01-08T10:12:07Z`); all-digit Unix seconds are accepted as well, defensively.
 */
function signatureTime(value: string): number | null {
  const text = value.trim();
  if (/^\d{1,12}$/.test(text)) return Number(text) * 1000;
  return parseAt(text);
}

function verify(request: WebhookRequest, secret: string): AuthCheck {
  try {
    if (typeof secret !== 'string' || secret === '') {
      return { ok: false, error: 'no Zendesk signing secret is configured for this team' };
    }
    const signature = requiredHeader(request, SIGNATURE_HEADER, 'X-Zendesk-Webhook-Signature');
    if (typeof signature !== 'string') return signature;
    // The timestamp is signed exactly as sent: it is not trimmed.
    const timestamp = requiredHeader(
      request,
      TIMESTAMP_HEADER,
      'X-Zendesk-Webhook-Signature-Timestamp',
    );
    if (typeof timestamp !== 'string') return timestamp;
    if (!Buffer.isBuffer(request.rawBody)) {
      return { ok: false, error: 'no raw request body to verify' };
    }
    const expected = createHmac('sha256', secret)
      .update(Buffer.from(timestamp, 'utf8'))
      .update(request.rawBody)
      .digest('base64');
    const given = Buffer.from(signature.trim(), 'utf8');
    const wanted = Buffer.from(expected, 'utf8');
    if (!sameBytes(given, wanted)) {
      return {
        ok: false,
        error:
          'X-Zendesk-Webhook-Signature does not match base64(HMAC-SHA256(signing secret, timestamp + body))',
      };
    }
    const signedAt = signatureTime(timestamp);
    if (signedAt === null) {
      return { ok: false, error: 'X-Zendesk-Webhook-Signature-Timestamp is not an ISO-8601 time' };
    }
    const now = request.now;
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      return { ok: false, error: 'no server time to check the signature timestamp against' };
    }
    if (now - signedAt > ZENDESK_TIMESTAMP_TOLERANCE_MS) {
      return {
        ok: false,
        error: 'stale X-Zendesk-Webhook-Signature-Timestamp (over 5 minutes old)',
      };
    }
    if (signedAt - now > ZENDESK_TIMESTAMP_TOLERANCE_MS) {
      return {
        ok: false,
        error: 'X-Zendesk-Webhook-Signature-Timestamp is over 5 minutes in the future',
      };
    }
    return { ok: true };
  } catch {
    return { ok: false, error: 'the Zendesk signature could not be checked' };
  }
}

export const zendeskConnector: Connector = {
  host: 'zendesk',
  verify,
  mapWebhook,
  mapExport,
};
