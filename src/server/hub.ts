// The server's core, independent of HTTP and sockets: validate with the engine, append to
// the log (durably), fold into the team index, and hand the new records to whoever
// broadcasts them. Replay, snapshot, the versioned team configuration, the team's shared SOP
// picks and compaction too.
import {
  type ChatEvent,
  DEFAULT_CONFIG,
  describeValue,
  type TeamConfig,
  validateConfig,
  validateEvent,
} from '../core/index.ts';
import type {
  AppendItem,
  AppendResult,
  DeliverRecords,
  EventLog,
  StoredEvent,
  TeamFeed,
} from './store/types.ts';
import { TeamIndex } from './team-index.ts';
import type {
  ConfigAuthor,
  ConfigFieldError,
  ConfigVersion,
  EventsBatch,
  IngestResult,
  PickRequest,
  SharedPick,
} from './wire.ts';

export interface HubOptions {
  now?: () => number;
  /** Closed chats older than this are dropped by compaction (default 7 days). */
  retentionMs?: number;
  /** A fresh widget also gets chats closed within this window (default 1 hour). */
  snapshotClosedMs?: number;
  /** Events per `events` batch when replaying (default 500). */
  replayChunk?: number;
  /** A widget further behind than this gets a snapshot instead of a replay (default 50,000). */
  maxReplay?: number;
  warn?: (message: string) => void;
  /**
   * Where live events come from when several processes share the log: a feed of the teams
   * this process has widgets for, made with the hub's broadcast. Without one, the hub
   * broadcasts what it appends itself (one process).
   */
  feed?: (deliver: DeliverRecords) => TeamFeed;
}

export interface HubListener {
  events(team: string, batch: EventsBatch): void;
  config(team: string, version: ConfigVersion): void;
  picks(team: string, picks: SharedPick[]): void;
}

interface TeamState {
  index: TeamIndex;
  /** Serialises index updates. */
  chain: Promise<void>;
}

/** One item of a request body: a decoded value, or why it could not be decoded. */
export type ParsedEntry = { index: number; value: unknown } | { index: number; error: string };

export type IngestOutcome = IngestResult & { status: 200 | 400 };

export type SaveOutcome =
  | { ok: true; version: ConfigVersion; warnings: string[] }
  | { ok: false; errors: ConfigFieldError[] };

export const DEFAULT_VERSION: ConfigVersion = {
  version: 0,
  config: DEFAULT_CONFIG,
  at: 0,
  by: null,
  comment: 'built-in defaults',
};

export class Hub {
  readonly now: () => number;
  readonly retentionMs: number;
  readonly snapshotClosedMs: number;
  readonly replayChunk: number;
  readonly maxReplay: number;
  private readonly teams = new Map<string, TeamState>();
  /** Serialises each team's configuration saves: read, validate and store as one step. */
  private readonly configChains = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<HubListener>();
  private readonly warn: (message: string) => void;
  private readonly feed: TeamFeed | null;

  constructor(
    readonly log: EventLog,
    options: HubOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.retentionMs = options.retentionMs ?? 7 * 86_400_000;
    this.snapshotClosedMs = options.snapshotClosedMs ?? 3600_000;
    this.replayChunk = options.replayChunk ?? 500;
    this.maxReplay = options.maxReplay ?? 50_000;
    this.warn = options.warn ?? (() => {});
    this.feed =
      options.feed?.((team, records) => {
        this.broadcast(team, records);
        this.fold(team, records).catch((err: unknown) =>
          this.warn(`team ${team}: folding live events: ${(err as Error).message}`),
        );
      }) ?? null;
  }

  get logId(): string {
    return this.log.logId;
  }

  /** Rebuilds every team's index from the log (after a restart, the open chats). */
  async open(): Promise<void> {
    for (const team of await this.log.teams()) await this.sync(team);
  }

  /**
   * Live events of the team are wanted here (a widget of it joined) until the returned
   * function is called. Only a hub fed by other processes' appends has anything to do.
   */
  watch(team: string): () => void {
    return this.feed ? this.feed.watch(team) : () => {};
  }

  listen(listener: HubListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private state(team: string): TeamState {
    let s = this.teams.get(team);
    if (!s) {
      s = { index: new TeamIndex(DEFAULT_CONFIG.holdPhrases), chain: Promise.resolve() };
      this.teams.set(team, s);
    }
    return s;
  }

  /** Runs `fn` after every earlier index update of the team. */
  private serial<T>(team: string, fn: (s: TeamState) => Promise<T>): Promise<T> {
    const s = this.state(team);
    const run = s.chain.then(() => fn(s));
    s.chain = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  private async catchUp(team: string, s: TeamState): Promise<void> {
    for (;;) {
      const head = await this.log.head(team);
      if (head <= s.index.head) return;
      const records = await this.log.readAfter(team, s.index.head, 2000);
      // Everything up to `head` that exists was returned unless the page is full.
      s.index.fold(records, records.length < 2000 ? head : 0);
    }
  }

  /** Brings the team's index up to the log's head (other nodes may have appended). */
  sync(team: string): Promise<TeamIndex> {
    return this.serial(team, async (s) => {
      await this.catchUp(team, s);
      return s.index;
    });
  }

  /**
   * Folds records this process has in hand (its own appends; with a feed, also its teams'
   * live events, which repeat its own). When they do not follow on from the index, one
   * process catches up at once; with a feed, whoever reads the index next catches up
   * (`sync`, `snapshot`, `compact`), so a process reads other teams' events only when it
   * needs them, not on every webhook it happens to store.
   */
  private fold(team: string, stored: StoredEvent[]): Promise<void> {
    return this.serial(team, async (s) => {
      const head = s.index.head;
      const fresh = stored[0] && stored[0].o <= head ? stored.filter((r) => r.o > head) : stored;
      const first = fresh[0];
      if (!first) return;
      if (first.o === head + 1) s.index.fold(fresh);
      else if (!this.feed) await this.catchUp(team, s);
    });
  }

  /** Appends validated events (durably), folds them, broadcasts them; returns the offsets. */
  async append(team: string, items: AppendItem[]): Promise<AppendResult> {
    const result = await this.log.append(team, items, this.now());
    if (result.stored.length > 0) {
      // With a feed, this process's appends come back through it like everyone else's, in
      // the log's order.
      if (!this.feed) this.broadcast(team, result.stored);
      await this.fold(team, result.stored);
    }
    return result;
  }

  private broadcast(team: string, stored: StoredEvent[]): void {
    const batch: EventsBatch = {
      log: this.logId,
      after: stored[0]!.o - 1,
      head: stored[stored.length - 1]!.o,
      events: stored.map((r) => ({ o: r.o, e: r.e })),
    };
    for (const l of this.listeners) l.events(team, batch);
  }

  /**
   * Validates each parsed value with the engine and stores the valid ones, in their order.
   * Types the timers ignore are accepted and not stored. 400 when nothing was valid.
   */
  async ingest(team: string, entries: readonly ParsedEntry[]): Promise<IngestOutcome> {
    const rejected: IngestResult['rejected'] = [];
    const items: AppendItem[] = [];
    let ignored = 0;
    for (const entry of entries) {
      if ('error' in entry) {
        rejected.push({ index: entry.index, error: entry.error });
        continue;
      }
      const v = validateEntry(entry.value);
      if (v.kind === 'event') items.push({ event: v.event });
      else if (v.kind === 'ignored') ignored += 1;
      else rejected.push({ index: entry.index, error: v.error });
    }
    if (items.length + ignored === 0) return { status: 400, accepted: 0, rejected };
    if (items.length > 0) await this.append(team, items);
    return { status: 200, accepted: items.length + ignored, rejected };
  }

  /** `ingest` for values already decoded (an array's items are its indexes). */
  ingestValues(team: string, values: readonly unknown[]): Promise<IngestOutcome> {
    return this.ingest(
      team,
      values.map((value, index) => ({ index, value })),
    );
  }

  /** Whether the team has this chat (after catching up with the log). */
  async hasChat(team: string, chatId: string): Promise<boolean> {
    const known = this.teams.get(team)?.index.chats.has(chatId);
    if (known) return true;
    return (await this.sync(team)).chats.has(chatId);
  }

  /**
   * Sends everything after `after` as `events` batches of `replayChunk`, ending with one
   * that brings the widget to the head. Returns that head.
   */
  async replay(team: string, after: number, send: (batch: EventsBatch) => void): Promise<number> {
    const head = await this.log.head(team);
    let cursor = after;
    for (;;) {
      const records = await this.log.readAfter(team, cursor, this.replayChunk);
      if (records.length === 0) break;
      const last = records[records.length - 1]!.o;
      send({ log: this.logId, after: cursor, head: last, events: toWire(records) });
      cursor = last;
      if (records.length < this.replayChunk) break;
    }
    // Offsets up to the head read before the loop exist in the log or were compacted away.
    if (head > cursor) {
      send({ log: this.logId, after: cursor, head, events: [] });
      cursor = head;
    }
    return cursor;
  }

  /** Open and recently closed chats of the team, complete up to the returned head. */
  async snapshot(team: string): Promise<EventsBatch> {
    return this.serial(team, async (s) => {
      await this.catchUp(team, s);
      const records = s.index.snapshot(this.now(), this.snapshotClosedMs);
      return {
        log: this.logId,
        after: 0,
        head: s.index.head,
        events: toWire(records),
        snapshot: true as const,
      };
    });
  }

  async head(team: string): Promise<number> {
    return this.log.head(team);
  }

  // -------------------------------------------------------------------------
  // Configuration

  async configHistory(team: string): Promise<ConfigVersion[]> {
    return [DEFAULT_VERSION, ...(await this.log.configHistory(team))];
  }

  async currentConfig(team: string): Promise<ConfigVersion> {
    const history = await this.log.configHistory(team);
    return history[history.length - 1] ?? DEFAULT_VERSION;
  }

  private async store(
    team: string,
    config: TeamConfig,
    by: ConfigAuthor,
    comment: string,
    revertOf?: number,
  ): Promise<ConfigVersion> {
    const entry: Omit<ConfigVersion, 'version'> = { config, at: this.now(), by, comment };
    if (revertOf !== undefined) entry.revertOf = revertOf;
    const version = await this.log.appendConfig(team, entry);
    this.state(team).index.setHoldPhrases(config.holdPhrases);
    for (const l of this.listeners) l.config(team, version);
    return version;
  }

  /**
   * Runs `fn` after the team's earlier saves, so that each validates against the version
   * before it and versions are stored in the order they are numbered.
   */
  private configStep<T>(team: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.configChains.get(team) ?? Promise.resolve()).then(fn);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.configChains.set(team, tail);
    void tail.then(() => {
      if (this.configChains.get(team) === tail) this.configChains.delete(team);
    });
    return run;
  }

  /** Validates with the engine against the current configuration (a partial update). */
  saveConfig(
    team: string,
    input: unknown,
    by: ConfigAuthor,
    comment: unknown,
  ): Promise<SaveOutcome> {
    return this.configStep(team, () => this.saveConfigNow(team, input, by, comment));
  }

  private async saveConfigNow(
    team: string,
    input: unknown,
    by: ConfigAuthor,
    comment: unknown,
  ): Promise<SaveOutcome> {
    if (comment !== undefined && typeof comment !== 'string') {
      return { ok: false, errors: [{ field: 'comment', message: 'must be a string' }] };
    }
    const current = await this.currentConfig(team);
    const result = validateConfig(input, current.config);
    if (!result.ok) return { ok: false, errors: result.errors };
    const version = await this.store(team, result.config, by, (comment ?? '').slice(0, 500));
    return { ok: true, version, warnings: result.warnings };
  }

  revertConfig(
    team: string,
    to: unknown,
    by: ConfigAuthor,
    comment: unknown,
  ): Promise<SaveOutcome> {
    return this.configStep(team, () => this.revertConfigNow(team, to, by, comment));
  }

  private async revertConfigNow(
    team: string,
    to: unknown,
    by: ConfigAuthor,
    comment: unknown,
  ): Promise<SaveOutcome> {
    if (typeof to !== 'number' || !Number.isInteger(to) || to < 0) {
      return {
        ok: false,
        errors: [{ field: 'version', message: 'must be a version number (0 = defaults)' }],
      };
    }
    const history = await this.configHistory(team);
    const target = history.find((v) => v.version === to);
    if (!target) {
      const last = history[history.length - 1]!.version;
      return {
        ok: false,
        errors: [{ field: 'version', message: `no version ${to} (versions 0 to ${last})` }],
      };
    }
    const note = typeof comment === 'string' && comment ? comment : `revert to version ${to}`;
    const version = await this.store(team, target.config, by, note.slice(0, 500), to);
    return { ok: true, version, warnings: [] };
  }

  // -------------------------------------------------------------------------
  // SOP picks

  picks(team: string): Promise<SharedPick[]> {
    return this.log.picks(team);
  }

  /** Stores a validated pick, stamped with its sender, and pushes it to the team; false: a repeat. */
  async addPick(team: string, pick: PickRequest, by: string): Promise<boolean> {
    const shared: SharedPick = { ...pick, by, at: this.now() };
    const added = await this.log.addPick(team, shared);
    if (added) for (const l of this.listeners) l.picks(team, [shared]);
    return added;
  }

  // -------------------------------------------------------------------------
  // Compaction

  /** Drops closed chats older than the retention from the log and the index. */
  async compact(): Promise<{ team: string; chats: number; events: number }[]> {
    const report: { team: string; chats: number; events: number }[] = [];
    const teams = new Set([...(await this.log.teams()), ...this.teams.keys()]);
    for (const team of teams) {
      await this.serial(team, async (s) => {
        await this.catchUp(team, s);
        const { chatIds, offsets } = s.index.expired(this.now(), this.retentionMs);
        if (chatIds.length === 0) return;
        await this.log.drop(team, offsets);
        s.index.remove(chatIds);
        report.push({ team, chats: chatIds.length, events: offsets.size });
      });
    }
    return report;
  }

  stats(): {
    teams: number;
    chats: number;
    openChats: number;
    events: number;
    tailedTeams?: number;
  } {
    let chats = 0;
    let openChats = 0;
    let events = 0;
    for (const s of this.teams.values()) {
      chats += s.index.chats.size;
      openChats += s.index.openChats;
      for (const c of s.index.chats.values()) events += c.records.length;
    }
    const stats = { teams: this.teams.size, chats, openChats, events };
    return this.feed ? { ...stats, tailedTeams: this.feed.teams } : stats;
  }

  async close(): Promise<void> {
    await this.feed?.close();
    await Promise.all([...this.teams.values()].map((s) => s.chain));
    await this.log.close();
  }

  warnOnce(message: string): void {
    this.warn(message);
  }
}

/** The engine's validation, with any throw turned into a rejection of that one entry. */
function validateEntry(value: unknown): ReturnType<typeof validateEvent> {
  try {
    return validateEvent(value);
  } catch (err) {
    return { kind: 'invalid', error: `(event): could not be read (${(err as Error).message})` };
  }
}

function toWire(records: readonly StoredEvent[]): EventsBatch['events'] {
  return records.map((r) => ({ o: r.o, e: r.e }));
}

/** A playbook event from a widget, checked like any other event, stamped with its author. */
export function validateAction(
  raw: unknown,
  by: string,
): { ok: true; event: ChatEvent } | { ok: false; error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'event: must be an object' };
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !type.startsWith('playbook.')) {
    return {
      ok: false,
      error: `type: a widget may send playbook.check, playbook.note or playbook.reply (${describeValue(type)})`,
    };
  }
  const v = validateEvent({ ...raw, by });
  if (v.kind === 'invalid') return { ok: false, error: v.error };
  if (v.kind === 'ignored') return { ok: false, error: `type: unknown playbook event '${type}'` };
  return { ok: true, event: v.event };
}

const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= max;

/** A `pick` from a widget: `{ id, text, sopId }`, each checked with a message naming it. */
export function validatePick(
  raw: unknown,
): { ok: true; pick: PickRequest } | { ok: false; error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'pick: must be an object { id, text, sopId }' };
  }
  const { id, text, sopId } = raw as Record<string, unknown>;
  if (!isText(id, 128)) return { ok: false, error: 'id: must be a string of 1 to 128 characters' };
  if (!isText(sopId, 100)) {
    return { ok: false, error: 'sopId: must be a non-empty string of at most 100 characters' };
  }
  if (!isText(text, 2000)) {
    return { ok: false, error: 'text: must be a non-empty string of at most 2,000 characters' };
  }
  return { ok: true, pick: { id, text, sopId } };
}

/** A stored pick read back (files and Redis are checked like any input), or null. */
export function readPick(raw: unknown): SharedPick | null {
  const v = validatePick(raw);
  if (!v.ok) return null;
  const { by, at } = raw as Partial<SharedPick>;
  return typeof by === 'string' && typeof at === 'number' ? { ...v.pick, by, at } : null;
}
