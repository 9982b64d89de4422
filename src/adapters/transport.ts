// Where events come from and where the agent's actions go. 'local' means the host page
// pushes events through the widget's API; the socket transport (realtime issue) implements
// the same interface, adding a server clock offset to `now()`.
import type { ChatEvent, PlaybookEvent } from '../core/index.ts';
import type { Period, TeamReport } from '../report/types.ts';
import type {
  ConfigSaveAck,
  ConfigVersion,
  PickRequest,
  SharedPick,
  Welcome,
} from '../server/wire.ts';
import type { Clock } from './clock.ts';

export type TransportStatus = 'connecting' | 'online' | 'offline' | 'error';

export interface TransportSink {
  events(events: ChatEvent[]): void;
  status(status: TransportStatus): void;
  /** A team configuration pushed by the server (validated by the widget like `configure`). */
  config(config: unknown): void;
  /** A problem the host page should hear of (the widget's `error` event), e.g. a bad message. */
  error?(message: string): void;
}

/** What the widget sends: the agent's ticks, notes and inserted replies as playbook events. */
export type PlaybookAction = PlaybookEvent;

export interface Transport {
  start(sink: TransportSink): void;
  send(action: PlaybookAction): Promise<void>;
  /** Server-corrected now, epoch ms: every clock is measured against it. */
  now(): number;
  dispose(): void;
  /**
   * Where this transport's data belongs (a host adapter's helpdesk account, e.g.
   * `zendesk:acme`): keeps what the widget stores per browser, such as picks, apart.
   */
  readonly scope?: string;
  /**
   * The team-configuration calls of a server transport: absent on the local one, and on the
   * script-tag bundle's socket transport until its chunk has loaded.
   */
  readonly supervisor?: SupervisorCapability | undefined;
  /** Shares an SOP pick with the team (server transports): resolves once stored. */
  sharePick?(pick: PickRequest): Promise<void>;
  /**
   * The team's shared picks: all kept ones on every (re)connection, then each new one (the
   * sender's own included). Returns the cleanup. Absent on the local transport.
   */
  onPicks?(listener: (picks: SharedPick[]) => void): () => void;
}

/** What the supervisor view needs from the server (docs/realtime.md "Team configuration"). */
export interface SupervisorCapability {
  saveConfig(config: unknown, comment?: string): Promise<ConfigSaveAck>;
  configHistory(): Promise<ConfigVersion[]>;
  revertConfig(version: number, comment?: string): Promise<ConfigSaveAck>;
  /** Who the server says we are (the authoritative role), after the first connection. */
  welcome(): Welcome | null;
  /** The team report from `GET /v1/report` (absent where there is no server to ask). */
  report?(query: ReportQuery): Promise<TeamReport>;
}

/** `GET /v1/report`'s parameters (docs/realtime.md "Team report"); the team is the token's. */
export interface ReportQuery {
  period?: Period;
  /** A date (2026-11-01), an ISO time or epoch ms. */
  since?: string | number;
  until?: string | number;
  agent?: string;
  /** IANA time zone of the periods (default UTC). */
  tz?: string;
}

/** The capability itself, or the socket transport that has the methods directly (ESM build). */
export function supervisorOf(transport: Transport): SupervisorCapability | undefined {
  return (
    transport.supervisor ??
    ('saveConfig' in transport ? (transport as unknown as SupervisorCapability) : undefined)
  );
}

export interface LocalTransport extends Transport {
  /** Events the host pushed (already validated). */
  push(events: ChatEvent[]): void;
}

/**
 * The host is the server: its events go straight to the widget, and the agent's actions come
 * back as events too, so the checklist derives from the same engine as everything else.
 */
export function createLocalTransport(clock: Pick<Clock, 'now'>): LocalTransport {
  let sink: TransportSink | null = null;
  let disposed = false;
  return {
    start(s) {
      if (disposed) return;
      sink = s;
      s.status('online');
    },
    push(events) {
      if (!disposed && events.length > 0) sink?.events(events);
    },
    send(action) {
      if (!disposed) sink?.events([action]);
      return Promise.resolve();
    },
    now: () => clock.now(),
    dispose() {
      disposed = true;
      sink = null;
    },
  };
}

export interface SocketTransportOptions {
  url: string;
  token: string;
}
