// The socket.io protocol between the server and the widget (docs/realtime.md). Types only:
// the widget's socket transport imports them with `import type`, so nothing of the server
// ends up in the widget bundle.
import type { ChatEvent, PlaybookEvent, TeamConfig } from '../core/index.ts';

/** One stored event as it travels: `o` is its per-team offset (monotonic integer from 1). */
export interface WireEvent {
  o: number;
  e: ChatEvent;
}

/**
 * `events` (server → widget). After applying it the widget holds every retained event with
 * an offset ≤ `head`, provided it already held every one ≤ `after` (otherwise it waits for
 * the missing batch or asks for a `replay`). A `snapshot` batch stands on its own: the
 * events of the team's open (and recently closed) chats, complete up to `head`.
 */
export interface EventsBatch {
  /** The log's identity: a different id means a different log (reset, wiped memory store). */
  log: string;
  after: number;
  head: number;
  events: WireEvent[];
  snapshot?: true;
}

/** Sent as `auth` on every (re)connection of the `/` namespace. */
export interface WidgetAuth {
  token: string;
  /** The last offset the widget applied, with the log it came from. */
  offset?: number;
  log?: string;
  /** Optional: the team the widget expects; a token of another team is refused. */
  team?: string;
}

/** `welcome` (server → widget), first thing after a connection is accepted. */
export interface Welcome {
  team: string;
  role: 'agent' | 'supervisor';
  sub: string;
  name?: string;
  log: string;
  head: number;
  /** How the widget is caught up: from its offset, or a snapshot of the open chats. */
  resume: 'replay' | 'snapshot';
  serverTime: number;
  /** Token expiry, epoch ms: the server disconnects then; reconnect with a fresh token. */
  expiresAt: number;
}

export interface ConfigAuthor {
  sub: string;
  name?: string;
}

/** One saved version of a team's configuration. Version 0 is the built-in defaults. */
export interface ConfigVersion {
  version: number;
  config: TeamConfig;
  at: number;
  by: ConfigAuthor | null;
  comment: string;
  /** Set when this version was made by reverting to an earlier one. */
  revertOf?: number;
}

/** `config` (server → widget): on connect and whenever a supervisor saves or reverts. */
export type ConfigPush = ConfigVersion;

/** `action` (widget → server), acknowledged with ActionAck; retried with the same id. */
export interface ActionRequest {
  /** Client-chosen id, unique per sender: a retry with the same id is stored once. */
  id: string;
  event: PlaybookEvent | Record<string, unknown>;
}

export type ActionAck =
  | { ok: true; offset: number; duplicate?: boolean }
  /** `retry` false: the server refused the action itself (resending will not help). */
  | { ok: false; error: string; retry: boolean };

/** An SOP pick as the widget makes it: the customer's words and the SOP the agent chose. */
export interface PickRequest {
  /** Made by the widget when the agent picked (random): its own echo is recognised by it. */
  id: string;
  /** The customer's recent words, 1 to 2,000 characters. */
  text: string;
  /** 1 to 100 characters. */
  sopId: string;
}

/** A pick as the team shares it: stamped with the sender (`sub`) and the server's time. */
export interface SharedPick extends PickRequest {
  by: string;
  at: number;
}

/**
 * `pick` (widget → server), acknowledged like an action and retried with the same id.
 * `picks` (server → widget): `SharedPick[]`, the team's newest picks (oldest first) after
 * every `welcome`, then each new pick of the team as it is stored.
 */
export type PickAck =
  | { ok: true; duplicate?: boolean }
  | { ok: false; error: string; retry: boolean };

export interface ConfigSaveRequest {
  config: unknown;
  comment?: string;
}

export interface ConfigFieldError {
  field: string;
  message: string;
}

export type ConfigSaveAck =
  | { ok: true; version: number; warnings?: string[] }
  | { ok: false; errors: ConfigFieldError[] };

export type ConfigHistoryAck =
  | { ok: true; versions: ConfigVersion[] }
  | { ok: false; errors: ConfigFieldError[] };

export interface ConfigRevertRequest {
  version: number;
  comment?: string;
}

/** `replay` (widget → server): resend everything after `after`; acked once sent. */
export interface ReplayRequest {
  after: number;
  log?: string;
}

export type ReplayAck = { ok: true; head: number } | { ok: false; error: string };

/**
 * `head` (widget → server): the team's last offset. The transport asks every 30 s and
 * replays if it is behind, so a live batch lost on the way (a Redis hiccup) is caught up.
 */
export type HeadAck = { ok: true; log: string; head: number } | { ok: false; error: string };

/** `time` (widget → server): acked with the server's clock, epoch ms. */
export type TimeAck = number;

/** Result of ingesting a batch (HTTP body of 200/400, and the connectors' ack). */
export interface IngestResult {
  accepted: number;
  rejected: Array<{ index: number; error: string }>;
}

/** `events` (connector → server on `/connectors`). */
export interface ConnectorEventsRequest {
  team?: string;
  events: unknown[];
}

/** The connectors' ack: the ingest result with the HTTP status it would have had. */
export interface ConnectorAck extends IngestResult {
  ok: boolean;
  status: number;
  error?: string;
  retryAfterS?: number;
}
