// Each helpdesk's own webhook proof (docs/integrations.md), as the tests, the fuzzing and the
// connector bench send it: Chatwoot, Zendesk and Front sign the raw body with a timestamp in
// headers; LiveChat carries `secret_key` in the body.
import { createHmac } from 'node:crypto';
import type { HostName } from '../../src/server/connectors/types.ts';

/**
 * Each host's own webhook proof (docs/integrations.md): Chatwoot, Zendesk and Front sign the
 * body with a timestamp in headers; LiveChat carries `secret_key` in the body.
 */
export function signWebhook(
  host: HostName,
  body: string,
  secret: string,
  now = Date.now(),
): { body: string; headers: Record<string, string> } {
  const hmac = (data: string) => createHmac('sha256', secret).update(data);
  if (host === 'livechat') {
    // The secret goes inside the body object, added as text (the body may be nested too deep
    // to parse and print again); a body that is not an object cannot carry it.
    const trimmed = body.trim();
    if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return { body, headers: {} };
    const inner = trimmed.slice(1, -1).trim();
    const key = `"secret_key":${JSON.stringify(secret)}`;
    return { body: inner ? `{${inner},${key}}` : `{${key}}`, headers: {} };
  }
  if (host === 'chatwoot') {
    const ts = String(Math.floor(now / 1000));
    return {
      body,
      headers: {
        'X-Chatwoot-Timestamp': ts,
        'X-Chatwoot-Signature': `sha256=${hmac(`${ts}.${body}`).digest('hex')}`,
      },
    };
  }
  if (host === 'zendesk') {
    const ts = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      body,
      headers: {
        'X-Zendesk-Webhook-Signature-Timestamp': ts,
        'X-Zendesk-Webhook-Signature': hmac(`${ts}${body}`).digest('base64'),
      },
    };
  }
  const ts = String(now);
  return {
    body,
    headers: {
      'X-Front-Request-Timestamp': ts,
      'X-Front-Signature': hmac(`${ts}:${body}`).digest('base64'),
    },
  };
}
