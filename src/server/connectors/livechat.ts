// LiveChat connector (docs/integrations.md, LiveChat): the webhook `secret_key` check here
// (Node's crypto), the pure mapping in livechat-map.ts (shared with the LiveChat details widget).
//
// Sources for the check: Register Webhook, `secret_key` "sent in webhooks to verify the source
// of a webhook": https://platform.text.com/docs/management/configuration-api/v3.5#register-webhook
// The payload sources are listed in livechat-map.ts.
import { createHash } from 'node:crypto';
import { mapExport, mapWebhook } from './livechat-map.ts';
import { own } from './payload.ts';
import { sameBytes } from './signature.ts';
import type { AuthCheck, Connector, WebhookRequest } from './types.ts';

function refuse(error: string): AuthCheck {
  return { ok: false, error };
}

/** Compares digests, not the secrets: constant time whatever the lengths of the secrets. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();
  return sameBytes(digest(given), digest(expected));
}

export const livechatConnector: Connector = {
  host: 'livechat',

  /**
   * LiveChat does not sign its webhooks: every body carries the `secret_key` given when the
   * webhook was registered (Register Webhook, or the Chat Webhooks block of Developer Console).
   * It is compared in constant time with the team's secret. There is no header and no
   * timestamp, so nothing can be checked for staleness (a replayed message is a duplicate by
   * (chatId, id) anyway).
   */
  verify(request: WebhookRequest, secret: string): AuthCheck {
    try {
      if (typeof secret !== 'string' || secret === '') {
        return refuse('no secret is configured for this LiveChat connector');
      }
      const raw = request?.rawBody;
      if (!Buffer.isBuffer(raw)) return refuse('body: missing');
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return refuse('body: is not JSON, so it carries no secret_key');
      }
      const key = own(body, 'secret_key');
      if (typeof key !== 'string' || key === '') {
        return refuse('secret_key: missing from the webhook body');
      }
      if (!sameSecret(key, secret)) {
        return refuse("secret_key: does not match this team's LiveChat secret");
      }
      return { ok: true };
    } catch {
      return refuse('body: could not be checked');
    }
  },

  mapWebhook,
  mapExport,
};
