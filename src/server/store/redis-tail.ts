// Reads the new events of the teams this process has widgets for, straight from their Redis
// streams (`<prefix>t:<team>:events`), instead of every process decoding every team's
// broadcasts from the socket.io adapter. One blocking XREAD covers all watched teams on a
// connection of its own; when a team is added, the read is interrupted (CLIENT UNBLOCK) so
// the new team's events are not held up behind the old list.
import { offsetOf, type RedisClient, type RedisLog } from './redis.ts';
import type { DeliverRecords, StoredEvent, TeamFeed } from './types.ts';

export interface RedisTailOptions {
  /** The longest one read blocks before it is issued again (default 5 s). */
  blockMs?: number;
  /** Entries one read returns per team at most (default 500). */
  count?: number;
  warn?: (message: string) => void;
}

interface Watched {
  watchers: number;
  /** The last offset read (or the head when the watch began); null until that is known. */
  last: number | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A connected client for a tail, its errors reported once each through `warn`. */
export async function tailClient(
  log: RedisLog,
  warn: (message: string) => void,
): Promise<RedisClient> {
  const reader = log.client.duplicate();
  let lastError = '';
  reader.on('error', (err: Error) => {
    if (err.message !== lastError) warn(`redis tail: ${err.message}`);
    lastError = err.message;
  });
  await reader.connect();
  return reader;
}

export class RedisTail implements TeamFeed {
  private readonly watched = new Map<string, Watched>();
  private readonly blockMs: number;
  private readonly count: number;
  private readonly warn: (message: string) => void;
  private readerId = -1;
  private closed = false;
  /** The list of streams changed since the read in flight was issued. */
  private stale = false;
  /** A read (XREAD) is in flight. */
  private reading = false;
  /** Wakes the loop when it waits with nothing to read. */
  private wake: (() => void) | null = null;
  private interrupting = false;
  private readonly loop: Promise<void>;

  /**
   * Starts reading. `reader` is a connected client of the tail's own: a blocking read holds
   * its connection (`tailClient`).
   */
  constructor(
    private readonly log: RedisLog,
    private readonly reader: RedisClient,
    private readonly deliver: DeliverRecords,
    options: RedisTailOptions = {},
  ) {
    this.blockMs = options.blockMs ?? 5000;
    this.count = options.count ?? 500;
    this.warn = options.warn ?? (() => {});
    // A reconnected client has a new id, and the interrupt must name it.
    reader.on('ready', () => {
      reader.clientId().then(
        (id) => {
          this.readerId = id;
        },
        () => {},
      );
    });
    this.loop = this.run();
  }

  get teams(): number {
    return this.watched.size;
  }

  watch(team: string): () => void {
    let entry = this.watched.get(team);
    if (entry) entry.watchers += 1;
    else {
      entry = { watchers: 1, last: null };
      this.watched.set(team, entry);
      void this.startAt(team, entry);
    }
    const watching = entry;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      watching.watchers -= 1;
      // The read in flight may still name the team: its entries are dropped when they come.
      if (watching.watchers === 0 && this.watched.get(team) === watching) {
        this.watched.delete(team);
      }
    };
  }

  /**
   * Reads the team's head now, before the joining widget's own catch-up can, so the tail
   * starts at or before where that catch-up ends: an overlap the widget drops, never a gap.
   */
  private async startAt(team: string, entry: Watched): Promise<void> {
    while (!this.closed && this.watched.get(team) === entry) {
      try {
        entry.last = await this.log.head(team);
        this.restart();
        return;
      } catch (err) {
        this.warn(`redis tail: head of team ${team}: ${(err as Error).message}`);
        await sleep(500);
      }
    }
  }

  /** Makes the loop issue its read again with the current list of teams. */
  private restart(): void {
    this.stale = true;
    if (this.wake) {
      this.wake();
      return;
    }
    if (this.reading && !this.interrupting) void this.interrupt();
  }

  /**
   * CLIENT UNBLOCK on the reader until the read in flight has returned. Sent while the read
   * is on its way to Redis it unblocks nothing, so it is sent again a little later.
   */
  private async interrupt(): Promise<void> {
    this.interrupting = true;
    try {
      for (let tries = 0; tries < 50 && this.stale && this.reading && !this.closed; tries++) {
        const unblocked = await this.log.client
          .sendCommand(['CLIENT', 'UNBLOCK', String(this.readerId)])
          .catch(() => 0);
        if (unblocked === 1) return;
        await sleep(10);
      }
    } finally {
      this.interrupting = false;
    }
  }

  private async run(): Promise<void> {
    try {
      this.readerId = await this.reader.clientId();
    } catch (err) {
      this.warn(`redis tail: ${(err as Error).message}`);
    }
    while (!this.closed) {
      this.stale = false;
      const streams: { key: string; id: string }[] = [];
      const teamOfKey = new Map<string, string>();
      for (const [team, entry] of this.watched) {
        if (entry.last === null) continue;
        const key = this.log.eventsKey(team);
        streams.push({ key, id: `0-${entry.last}` });
        teamOfKey.set(key, team);
      }
      if (streams.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        continue;
      }
      let reply: Awaited<ReturnType<RedisClient['xRead']>>;
      this.reading = true;
      try {
        reply = await this.reader.xRead(streams, { BLOCK: this.blockMs, COUNT: this.count });
      } catch (err) {
        if (this.closed) return;
        this.warn(`redis tail: ${(err as Error).message}`);
        await sleep(200);
        continue;
      } finally {
        this.reading = false;
      }
      for (const { name, messages } of reply ?? []) {
        const team = teamOfKey.get(name);
        const entry = team === undefined ? undefined : this.watched.get(team);
        if (team === undefined || !entry || entry.last === null) continue;
        const records: StoredEvent[] = [];
        for (const { id, message } of messages) {
          const o = offsetOf(id);
          if (o <= entry.last) continue;
          entry.last = o;
          const record = this.log.recordOf(team, id, message);
          if (record) records.push(record);
        }
        if (records.length > 0) {
          try {
            this.deliver(team, records);
          } catch (err) {
            this.warn(`redis tail: delivering team ${team}: ${(err as Error).message}`);
          }
        }
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    // Cuts the read in flight; the loop sees `closed` and ends.
    await this.reader.disconnect().catch(() => {});
    await this.loop;
  }
}
