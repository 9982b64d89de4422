// The event log behind the server: per team, an append-only sequence of validated events,
// each with a monotonic integer offset, plus the team's versioned configuration and its
// shared SOP picks (the newest MAX_PICKS, apart from the events: compaction never drops them). Three
// implementations: memory (default), JSONL files with fsync (--data), Redis Streams (--redis).
import type { ChatEvent } from '../../core/index.ts';
import type { ConfigVersion, SharedPick } from '../wire.ts';

/** The newest SOP picks a team keeps. */
export const MAX_PICKS = 2000;

export interface StoredEvent {
  /** Per-team offset, from 1, strictly increasing. */
  o: number;
  e: ChatEvent;
  /** When the server received it (epoch ms, server clock). */
  t: number;
  /** Idempotency key of a widget action (sender + action id), when there is one. */
  k?: string;
}

export interface AppendItem {
  event: ChatEvent;
  key?: string;
}

export interface AppendResult {
  /** The records newly stored, in offset order (durable when the promise resolves). */
  stored: StoredEvent[];
  /** The offset of each input item: new, or the earlier one for a repeated key. */
  offsets: number[];
}

export type NewConfigVersion = Omit<ConfigVersion, 'version'>;

export interface EventLog {
  readonly kind: 'memory' | 'file' | 'redis';
  /** Identity of this log, stable across restarts of a durable store. */
  readonly logId: string;
  /** Teams that have events or a configuration. */
  teams(): Promise<string[]>;
  /** Appends events; resolves once they are durable (as the store defines it). */
  append(team: string, items: AppendItem[], receivedAt: number): Promise<AppendResult>;
  /** Records with offset > after, in offset order, at most `limit`. */
  readAfter(team: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** The highest offset ever assigned in the team (0 when none). */
  head(team: string): Promise<number>;
  configHistory(team: string): Promise<ConfigVersion[]>;
  appendConfig(team: string, version: NewConfigVersion): Promise<ConfigVersion>;
  /** The team's kept SOP picks, oldest first. */
  picks(team: string): Promise<SharedPick[]>;
  /** Stores a pick (durably) and drops the oldest beyond MAX_PICKS; false: its id is kept already. */
  addPick(team: string, pick: SharedPick): Promise<boolean>;
  /** Compaction: removes these records for good (the head stays). */
  drop(team: string, offsets: ReadonlySet<number>): Promise<void>;
  close(): Promise<void>;
}

/**
 * The new events of the teams a process watches, read from a log that several processes
 * append to (Redis). A process watches a team while it holds one of the team's widgets, so
 * with the balancer routing each team to one process (docs/realtime.md) every event is read
 * and decoded by about one process, not by all of them.
 */
export interface TeamFeed {
  /**
   * Delivers the team's events stored from about now on (a widget joining resumes from its
   * own offset, so an overlap is harmless) until the returned function is called. Counted:
   * the team is read while any watcher is left.
   */
  watch(team: string): () => void;
  /** Teams being read now. */
  readonly teams: number;
  close(): Promise<void>;
}

/** Hands a feed's records, in offset order per team, to whoever broadcasts them. */
export type DeliverRecords = (team: string, records: StoredEvent[]) => void;
