// The embedded event log: in memory, and with `--data DIR` also an append-only JSONL file per
// team, written with one fdatasync per group of appends before any of them is acknowledged.
//
//   DIR/log-id                       this log's identity (random, made once)
//   DIR/teams/<team>/events.jsonl    {"o":1,"t":1763892000000,"e":{…event…}[,"k":"…"]}
//                                    after compaction the first line is {"head":N,"compactedAt":T}
//   DIR/teams/<team>/config.jsonl    one ConfigVersion per line
//   DIR/teams/<team>/picks.jsonl     one SharedPick per line (rewritten with the newest
//                                    MAX_PICKS once it holds twice as many)
//
// On open every file is read back (a torn last line from a crash is cut off) to rebuild the
// offsets; compaction rewrites a team's file to a temporary one and renames it over.
import { randomUUID } from 'node:crypto';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  truncate,
} from 'node:fs/promises';
import { join } from 'node:path';
import { validateEvent } from '../../core/index.ts';
import { isTeamName } from '../auth.ts';
import { readPick } from '../hub.ts';
import type { ConfigVersion, SharedPick } from '../wire.ts';
import {
  type AppendItem,
  type AppendResult,
  type EventLog,
  MAX_PICKS,
  type NewConfigVersion,
  type StoredEvent,
} from './types.ts';

interface TeamLog {
  records: StoredEvent[];
  /** Highest offset handed out. */
  head: number;
  /** Highest offset that is durable and readable (what readers may be told). */
  visible: number;
  /** Idempotency keys → offset, and a promise that resolves when that record is durable. */
  keys: Map<string, { offset: number; durable: Promise<void> }>;
  configs: ConfigVersion[];
  writer: TeamWriter | null;
  picks: SharedPick[];
  /** Lines in picks.jsonl (rewritten with the kept picks at 2 × MAX_PICKS). */
  pickLines: number;
  /** Serialises the picks' checks and writes. */
  pickChain: Promise<unknown>;
  /** Serialises configuration writes, so versions land in the file in order. */
  configChain: Promise<unknown>;
}

/** Binary search: index of the first record with offset > after. */
export function firstAfter(records: readonly StoredEvent[], after: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.o <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function encodeRecord(r: StoredEvent): string {
  return JSON.stringify(r.k === undefined ? { o: r.o, t: r.t, e: r.e } : r);
}

type Job =
  | {
      kind: 'write';
      data: string;
      onDurable: () => void;
      resolve: () => void;
      reject: (err: unknown) => void;
    }
  | { kind: 'task'; run: () => Promise<void>; resolve: () => void; reject: (e: unknown) => void };

/**
 * Serialises everything that touches one file. Consecutive writes are grouped into one
 * write + one fdatasync (group commit), so concurrent requests share the cost of the sync.
 */
class TeamWriter {
  private queue: Job[] = [];
  private busy = false;
  constructor(
    private readonly path: string,
    private handle: FileHandle | null,
  ) {}

  /** Appends and syncs `data`; `onDurable` runs synchronously right after the sync. */
  write(data: string, onDurable: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'write', data, onDurable, resolve, reject });
      void this.pump();
    });
  }

  /** Runs `run` alone, after the writes queued before it (compaction, close). */
  exclusive(run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'task', run, resolve, reject });
      void this.pump();
    });
  }

  async reopen(): Promise<void> {
    await this.handle?.close();
    this.handle = await open(this.path, 'a');
  }

  async closeHandle(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        if (head.kind === 'task') {
          this.queue.shift();
          try {
            await head.run();
            head.resolve();
          } catch (err) {
            head.reject(err);
          }
          continue;
        }
        const group: Extract<Job, { kind: 'write' }>[] = [];
        while (this.queue[0]?.kind === 'write') {
          group.push(this.queue.shift() as Extract<Job, { kind: 'write' }>);
        }
        try {
          if (!this.handle) this.handle = await open(this.path, 'a');
          await this.handle.write(group.map((j) => j.data).join(''));
          await this.handle.datasync();
          for (const j of group) j.onDurable();
          for (const j of group) j.resolve();
        } catch (err) {
          for (const j of group) j.reject(err);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

export interface LocalLogOptions {
  /** Directory for the files; memory only when absent. */
  dir?: string;
  /** Diagnostics (torn lines, skipped records). */
  warn?: (message: string) => void;
}

async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the data files themselves are synced.
  } finally {
    await handle?.close();
  }
}

export class LocalLog implements EventLog {
  readonly kind: 'memory' | 'file';
  logId = '';
  private readonly teamsMap = new Map<string, TeamLog>();
  private readonly dir: string | undefined;
  private readonly warn: (message: string) => void;

  private constructor(options: LocalLogOptions) {
    this.dir = options.dir;
    this.kind = options.dir ? 'file' : 'memory';
    this.warn = options.warn ?? (() => {});
  }

  static async open(options: LocalLogOptions = {}): Promise<LocalLog> {
    const log = new LocalLog(options);
    if (!log.dir) {
      log.logId = `mem-${randomUUID()}`;
      return log;
    }
    await mkdir(join(log.dir, 'teams'), { recursive: true });
    log.logId = await log.readOrCreateLogId();
    for (const entry of await readdir(join(log.dir, 'teams'), { withFileTypes: true })) {
      if (entry.isDirectory() && isTeamName(entry.name)) await log.load(entry.name);
    }
    return log;
  }

  private async readOrCreateLogId(): Promise<string> {
    const path = join(this.dir!, 'log-id');
    try {
      const id = (await readFile(path, 'utf8')).trim();
      if (id) return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const id = `file-${randomUUID()}`;
    const tmp = `${path}.tmp`;
    const handle = await open(tmp, 'w');
    await handle.writeFile(`${id}\n`);
    await handle.sync();
    await handle.close();
    await rename(tmp, path);
    await fsyncDir(this.dir!);
    return id;
  }

  private teamDir(team: string): string {
    return join(this.dir!, 'teams', team);
  }

  private team(team: string): TeamLog {
    let t = this.teamsMap.get(team);
    if (!t) {
      t = {
        records: [],
        head: 0,
        visible: 0,
        keys: new Map(),
        configs: [],
        writer: null,
        picks: [],
        pickLines: 0,
        pickChain: Promise.resolve(),
        configChain: Promise.resolve(),
      };
      this.teamsMap.set(team, t);
    }
    return t;
  }

  private async writer(team: string, t: TeamLog): Promise<TeamWriter> {
    if (t.writer) return t.writer;
    const dir = this.teamDir(team);
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'events.jsonl');
    const handle = await open(path, 'a');
    await handle.sync();
    await fsyncDir(dir);
    await fsyncDir(join(this.dir!, 'teams'));
    // Another append may have created it meanwhile.
    if (t.writer) {
      await handle.close();
      return t.writer;
    }
    t.writer = new TeamWriter(path, handle);
    return t.writer;
  }

  /** Reads a team's files back; cuts a torn last line (a crash during a write). */
  private async load(team: string): Promise<void> {
    const t = this.team(team);
    const dir = this.teamDir(team);
    const eventsPath = join(dir, 'events.jsonl');
    let text = '';
    try {
      text = await readFile(eventsPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let good = 0; // byte length of the complete, parseable prefix
    let pos = 0;
    let lineNo = 0;
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      const end = nl === -1 ? text.length : nl;
      const line = text.slice(pos, end);
      lineNo += 1;
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = line.trim() === '' ? undefined : (JSON.parse(line) as Record<string, unknown>);
      } catch {
        parsed = undefined;
        if (nl === -1) break; // torn tail: cut below
        this.warn(`${eventsPath}: line ${lineNo}: not valid JSON, skipped`);
      }
      if (nl === -1 && line.trim() !== '') break; // no newline: the write never completed
      if (parsed) this.loadRecord(t, parsed, `${eventsPath}: line ${lineNo}`);
      pos = nl === -1 ? text.length : nl + 1;
      good = pos;
    }
    if (good < text.length) {
      const bytes = Buffer.byteLength(text.slice(0, good));
      this.warn(`${eventsPath}: cut a torn last line (an unacknowledged write before a crash)`);
      await truncate(eventsPath, bytes);
    }
    let configText = '';
    try {
      configText = await readFile(join(dir, 'config.jsonl'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const line of configText.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const v = JSON.parse(line) as ConfigVersion;
        if (typeof v.version === 'number' && typeof v.config === 'object') t.configs.push(v);
      } catch {
        // A torn config line was never acknowledged.
      }
    }
    // Versions are written in order, but a file from before saves were serialised may hold
    // them out of order: the highest acknowledged version is the current one.
    t.configs.sort((a, b) => a.version - b.version);
    t.configs = t.configs.filter((v, i, all) => i === 0 || all[i - 1]!.version !== v.version);
    const picksPath = join(dir, 'picks.jsonl');
    let picksText = '';
    try {
      picksText = await readFile(picksPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const complete = picksText.slice(0, picksText.lastIndexOf('\n') + 1);
    // A torn last line was never acknowledged; cut it so the next append starts a line.
    if (complete.length < picksText.length) await truncate(picksPath, Buffer.byteLength(complete));
    const ids = new Set<string>();
    for (const line of complete.split('\n')) {
      if (line.trim() === '') continue;
      t.pickLines += 1;
      let pick: SharedPick | null = null;
      try {
        pick = readPick(JSON.parse(line));
      } catch {
        // not JSON: skipped like an invalid record
      }
      if (pick && !ids.has(pick.id)) {
        ids.add(pick.id);
        t.picks.push(pick);
      }
    }
    t.picks = t.picks.slice(-MAX_PICKS);
  }

  private loadRecord(t: TeamLog, raw: Record<string, unknown>, where: string): void {
    if (typeof raw.head === 'number') {
      t.head = Math.max(t.head, raw.head);
      t.visible = t.head;
      return;
    }
    const o = raw.o;
    if (typeof o !== 'number' || !Number.isInteger(o) || o <= t.head) {
      this.warn(`${where}: offset missing or out of order, skipped`);
      return;
    }
    const v = validateEvent(raw.e);
    if (v.kind !== 'event') {
      this.warn(`${where}: ${v.kind === 'invalid' ? v.error : 'not an event'}, skipped`);
      return;
    }
    const record: StoredEvent = { o, e: v.event, t: typeof raw.t === 'number' ? raw.t : 0 };
    if (typeof raw.k === 'string') {
      record.k = raw.k;
      t.keys.set(raw.k, { offset: o, durable: Promise.resolve() });
    }
    t.records.push(record);
    t.head = o;
    t.visible = o;
  }

  async teams(): Promise<string[]> {
    return [...this.teamsMap.keys()];
  }

  async append(team: string, items: AppendItem[], receivedAt: number): Promise<AppendResult> {
    const t = this.team(team);
    const offsets: number[] = [];
    const stored: StoredEvent[] = [];
    const waits: Promise<void>[] = [];
    const writer = this.dir ? await this.writer(team, t) : null;
    // From here to the write below is synchronous: offsets are handed out in file order.
    for (const item of items) {
      const known = item.key === undefined ? undefined : t.keys.get(item.key);
      if (known) {
        offsets.push(known.offset);
        waits.push(known.durable);
        continue;
      }
      t.head += 1;
      const record: StoredEvent = { o: t.head, e: item.event, t: receivedAt };
      if (item.key !== undefined) record.k = item.key;
      stored.push(record);
      offsets.push(record.o);
    }
    // Runs the moment the data is synced (before any later job of the writer, such as a
    // compaction, looks at the records): now visible to readers, in offset order.
    const publish = () => {
      for (const r of stored) {
        const last = t.records[t.records.length - 1];
        if (last === undefined || last.o < r.o) t.records.push(r);
        else t.records.splice(firstAfter(t.records, r.o), 0, r);
        if (r.o > t.visible) t.visible = r.o;
      }
    };
    let durable: Promise<void>;
    if (stored.length === 0) durable = Promise.resolve();
    else if (writer)
      durable = writer.write(stored.map((r) => `${encodeRecord(r)}\n`).join(''), publish);
    else {
      publish();
      durable = Promise.resolve();
    }
    for (const r of stored) {
      if (r.k !== undefined) t.keys.set(r.k, { offset: r.o, durable });
    }
    try {
      await durable;
    } catch (err) {
      for (const r of stored) if (r.k !== undefined) t.keys.delete(r.k);
      throw err;
    }
    await Promise.all(waits);
    return { stored, offsets };
  }

  async readAfter(team: string, after: number, limit: number): Promise<StoredEvent[]> {
    const t = this.teamsMap.get(team);
    if (!t) return [];
    const from = firstAfter(t.records, after);
    return t.records.slice(from, from + limit);
  }

  async head(team: string): Promise<number> {
    const t = this.teamsMap.get(team);
    // Only what is durable counts: offsets handed out but still being written are not yet.
    return t?.visible ?? 0;
  }

  async configHistory(team: string): Promise<ConfigVersion[]> {
    return [...(this.teamsMap.get(team)?.configs ?? [])];
  }

  appendConfig(team: string, v: NewConfigVersion): Promise<ConfigVersion> {
    // One write at a time per team: a version's line lands before the next one's.
    const t = this.team(team);
    const run = t.configChain.then(() => this.writeConfig(team, v));
    t.configChain = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  private async writeConfig(team: string, v: NewConfigVersion): Promise<ConfigVersion> {
    const t = this.team(team);
    const version: ConfigVersion = { version: (t.configs.at(-1)?.version ?? 0) + 1, ...v };
    t.configs.push(version);
    if (this.dir) {
      try {
        const dir = this.teamDir(team);
        await mkdir(dir, { recursive: true });
        const handle = await open(join(dir, 'config.jsonl'), 'a');
        try {
          await handle.write(`${JSON.stringify(version)}\n`);
          await handle.datasync();
        } finally {
          await handle.close();
        }
        await fsyncDir(dir);
      } catch (err) {
        t.configs.splice(t.configs.indexOf(version), 1);
        throw err;
      }
    }
    return version;
  }

  async picks(team: string): Promise<SharedPick[]> {
    return [...(this.teamsMap.get(team)?.picks ?? [])];
  }

  addPick(team: string, pick: SharedPick): Promise<boolean> {
    const t = this.team(team);
    const run = t.pickChain.then(async () => {
      if (t.picks.some((p) => p.id === pick.id)) return false;
      if (this.dir) await this.writePick(team, t, pick);
      t.picks = [...t.picks, pick].slice(-MAX_PICKS);
      return true;
    });
    t.pickChain = run.catch(() => {});
    return run;
  }

  /** Appends (and syncs) one pick; past 2 × MAX_PICKS lines, rewrites the file with the kept ones. */
  private async writePick(team: string, t: TeamLog, pick: SharedPick): Promise<void> {
    const dir = this.teamDir(team);
    const path = join(dir, 'picks.jsonl');
    await mkdir(dir, { recursive: true });
    const rewrite = t.pickLines + 1 > 2 * MAX_PICKS;
    const lines = rewrite ? [...t.picks.slice(1 - MAX_PICKS), pick] : [pick];
    const handle = await open(rewrite ? `${path}.tmp` : path, rewrite ? 'w' : 'a');
    try {
      await handle.write(lines.map((p) => `${JSON.stringify(p)}\n`).join(''));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (rewrite) await rename(`${path}.tmp`, path);
    await fsyncDir(dir);
    t.pickLines = rewrite ? lines.length : t.pickLines + 1;
  }

  async drop(team: string, offsets: ReadonlySet<number>): Promise<void> {
    const t = this.teamsMap.get(team);
    if (!t || offsets.size === 0) return;
    const rewrite = async () => {
      const kept = t.records.filter((r) => !offsets.has(r.o));
      if (this.dir && t.writer) {
        const path = join(this.teamDir(team), 'events.jsonl');
        const tmp = `${path}.compact`;
        const handle = await open(tmp, 'w');
        try {
          const header = JSON.stringify({ head: t.visible, compactedAt: Date.now() });
          const body = kept.map((r) => `${encodeRecord(r)}\n`).join('');
          await handle.write(`${header}\n${body}`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tmp, path);
        await fsyncDir(this.teamDir(team));
        await t.writer.reopen();
      }
      t.records = kept;
      for (const [key, entry] of t.keys) if (offsets.has(entry.offset)) t.keys.delete(key);
    };
    if (this.dir) await (await this.writer(team, t)).exclusive(rewrite);
    else await rewrite();
  }

  async close(): Promise<void> {
    for (const t of this.teamsMap.values()) {
      await t.pickChain;
      await t.configChain;
      const writer = t.writer;
      if (writer) await writer.exclusive(() => writer.closeHandle());
      t.writer = null;
    }
  }
}
