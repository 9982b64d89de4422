// The contract every helpdesk connector implements (docs/integrations.md). A connector is
// pure: it checks a webhook's authenticity from its headers and raw bytes, and maps the
// host's payloads (live webhooks, or exported/API conversations for `audit --from`) to
// protocol v1 event objects. The route (src/server/connectors/route.ts) validates those
// objects with the engine's `validateEvent` like any other event, and stores them.

export type HostName = 'chatwoot' | 'zendesk' | 'livechat' | 'front';
export const HOSTS: readonly HostName[] = ['chatwoot', 'zendesk', 'livechat', 'front'];

export function isHost(value: unknown): value is HostName {
  return typeof value === 'string' && (HOSTS as readonly string[]).includes(value);
}

/** What the route hands to `verify`: header names are lower-case (Node's IncomingMessage). */
export interface WebhookRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body exactly as received: signatures are computed over these bytes. */
  rawBody: Buffer;
  /** The request's path and query, e.g. `/v1/connectors/front/acme?x=1` (some schemes sign it). */
  url: string;
  /** The server's clock, epoch ms: for stale-timestamp checks. */
  now: number;
}

export type AuthCheck = { ok: true } | { ok: false; error: string };

/** Settings a team gives its connector (`connector add`, or the connectors file). */
export interface MappingOptions {
  /**
   * Where the customer's tier is read, as the host's docs name it: a dotted path documented
   * per host (e.g. Chatwoot `contact.custom_attributes.tier`), or `tag:` / `label:` prefixes
   * where the host has tags. Absent: no tier.
   */
  tierField?: string;
  /** Where the channel is read (per host; each connector has a sensible default). */
  channelField?: string;
}

/** A protocol v1 event object (shared/spec/protocol.md), not yet validated by the engine. */
export type ProtocolEventObject = Record<string, unknown> & { type: string; chatId: string };

export type WebhookMapping =
  /** Events to store, in order (possibly several: e.g. chat.started then its first message). */
  | { kind: 'events'; type: string; events: ProtocolEventObject[] }
  /** A well-formed payload of a type the connector does not use: 200, counted, not stored. */
  | { kind: 'ignored'; type: string }
  /** A payload of a type it uses, but malformed: 400 with the field named, nothing stored. */
  | { kind: 'invalid'; type: string; error: string };

export type ExportMapping =
  | { kind: 'events'; chatId: string; events: ProtocolEventObject[] }
  | { kind: 'invalid'; error: string };

export interface Connector {
  host: HostName;
  /** The host's own authenticity check (signature with its header/algorithm, or token). */
  verify(request: WebhookRequest, secret: string): AuthCheck;
  /**
   * Maps one decoded webhook body. Must not throw (the route still guards). `receivedAt` is the
   * server's clock when the webhook arrived (epoch ms): the time of a payload that carries none
   * of its own (LiveChat's `chat_transferred`); absent, such a payload is ignored.
   */
  mapWebhook(payload: unknown, options: MappingOptions, receivedAt?: number): WebhookMapping;
  /** Maps one exported conversation (the host's API shape for a conversation with its messages). */
  mapExport(record: unknown, options: MappingOptions): ExportMapping;
}

/** `<host>-<the host's conversation id>`: traceable back to the helpdesk. */
export function chatIdFor(host: HostName, conversationId: string | number): string {
  return `${host}-${conversationId}`;
}
