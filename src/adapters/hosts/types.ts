// The contract of a helpdesk app's host adapter (docs/integrations.md, "Sidebar apps"). Each
// host (src/adapters/hosts/<host>.ts) speaks its helpdesk's SDK and hands the widget what it
// needs through the existing Transport interface: protocol events built from the host's own
// data (with the host's timestamps, so a sidebar opened late shows the true times), the
// conversation the agent has open, the agent's identity, the team lead's settings and, where
// the host has a composer call, reply insertion. Nothing in core, models or ui knows which
// host it runs in: the boot shell (boot.ts) wires an adapter to the widget's public commands.
import type { Transport } from '../transport.ts';

/** The parts of `window` an adapter listens on: its parent's messages (a fake in unit tests). */
export interface MessageWindow {
  readonly parent: unknown;
  addEventListener(
    type: 'message',
    listener: (event: MessageEvent) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener(
    type: 'message',
    listener: (event: MessageEvent) => void,
    options?: boolean | EventListenerOptions,
  ): void;
}

/** The agent, from the host's current user. */
export interface HostAgent {
  id: string;
  name?: string;
  /** The host's word for a supervisor (e.g. Zendesk admin), when it says so. */
  role?: 'agent' | 'supervisor';
}

/**
 * What a team lead sets in the host's app settings (where the host has them), unvalidated:
 * the boot shell passes them to `init`, which validates them like any host option.
 */
export interface HostSettings {
  /** The SOP library: a URL of a library or prebuilt index (build-index). */
  library?: string;
  /** Thresholds and overrides (protocol.md "Threshold configuration"), as JSON text or object. */
  thresholds?: unknown;
  /** Where the customer's tier is read (per host: docs/integrations.md). */
  tierField?: string;
  /** `chat-playbook serve` for team-wide config and shared picks (optional). */
  serverUrl?: string;
  /**
   * Where the widget gets its server token (a URL on the team's backend that answers
   * `{ "token": "…" }` for the signed-in agent): never the shared secret in the browser.
   */
  tokenUrl?: string;
}

/** The first thing an adapter learns from its host: who and how. */
export interface HostContext {
  agent: HostAgent;
  settings: HostSettings;
  /** The conversation open in the host now, as a chat id (`<host>-<id>`), if any. */
  chatId: string | null;
}

export type InsertResult =
  /** The reply is in the host's composer. */
  | 'inserted'
  /** The host has no composer call: the reply is on the clipboard; the widget says so. */
  | 'clipboard';

/** Why an adapter could not start: the polite message the app shows instead of the widget. */
export class HostUnavailable extends Error {
  constructor(
    message: string,
    /** `outside`: not opened by the host; `timeout`: no answer; `permission`: refused. */
    readonly reason: 'outside' | 'timeout' | 'permission',
  ) {
    super(message);
  }
}

export interface HostAdapter extends Transport {
  /** The host's name as people know it ("Zendesk"). */
  readonly label: string;
  /**
   * Completes the SDK handshake and reads the agent, the settings and the open conversation.
   * Rejects with HostUnavailable when the page is not in its host, the host does not answer
   * within a few seconds, or a permission is missing: once, with no retry loop.
   */
  connect(): Promise<HostContext>;
  /** Calls `listener` with the chat id whenever the agent opens another conversation. */
  onFocus(listener: (chatId: string) => void): () => void;
  /**
   * Puts a chosen reply into the host's composer (Zendesk editor, LiveChat `putMessage`, Front
   * draft); absent where the host has no composer call (Chatwoot), so the widget copies it.
   */
  insertReply?(reply: { chatId: string; text: string }): Promise<InsertResult>;
  /**
   * Asks the host to open a conversation the agent picked in the widget's list (the widget's
   * `open` event); the host answers by switching, which comes back through `onFocus`. Absent
   * where the host has no such call: the widget then shows the chat itself.
   */
  openChat?(chatId: string): void;
  /**
   * Calls `listener` with a chat's fields as the host knows them (order number, tracking URL
   * …, by placeholder name), whenever they are known or change: they fill a reply's fill-ins
   * of the same names, shown as "from <label>" (`ChatPlaybook('fields', …)`, docs/embedding.md).
   * Absent where the host has none to give.
   */
  onFields?(listener: (chatId: string, fields: Record<string, string>) => void): () => void;
}
