// The shared event log for several server processes (--redis URL): one Redis Stream per team
// whose entry ids are `0-<offset>`, so stream order is offset order and a replay is an XRANGE.
// Offsets come from a per-team counter incremented in the same Lua script as the XADD, so two
// nodes appending at once still get distinct, increasing offsets.
//
//   <prefix>log-id              this log's identity
//   <prefix>teams               set of team names
//   <prefix>t:<team>:events     stream: fields e (event JSON), t (received ms), k (action key)
//   <prefix>t:<team>:head       counter: the last offset handed out
//   <prefix>t:<team>:keys       hash: action key → offset (a retried action is stored once)
//   <prefix>t:<team>:config     list of configuration versions (JSON), version = index + 1
//   <prefix>t:<team>:picks      list of the newest MAX_PICKS SOP picks (JSON), oldest first
//   <prefix>t:<team>:pick-ids   hash: id → 1 for the picks in that list (a retry is stored once)
//
// Durability is Redis's: run it with `appendonly yes` (and `appendfsync always` for the same
// guarantee as --data).
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { validateEvent } from '../../core/index.ts';
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

export type RedisClient = ReturnType<typeof createClient>;

/** The offset of a stream entry, from its id `0-<offset>`. */
export function offsetOf(id: string): number {
  return Number(id.slice(id.indexOf('-') + 1));
}

const APPEND = `
local n = tonumber(ARGV[1])
local t = ARGV[2]
redis.call('SADD', KEYS[4], ARGV[3])
local out = {}
for i = 0, n - 1 do
  local e = ARGV[4 + i * 2]
  local k = ARGV[5 + i * 2]
  local existing = false
  if k ~= '' then existing = redis.call('HGET', KEYS[3], k) end
  if existing then
    out[#out + 1] = -tonumber(existing)
  else
    local o = redis.call('INCR', KEYS[2])
    if k ~= '' then
      redis.call('XADD', KEYS[1], '0-' .. o, 'e', e, 't', t, 'k', k)
      redis.call('HSET', KEYS[3], k, o)
    else
      redis.call('XADD', KEYS[1], '0-' .. o, 'e', e, 't', t)
    end
    out[#out + 1] = o
  end
end
return out
`;

const ADD_PICK = `
if redis.call('HSETNX', KEYS[2], ARGV[1], 1) == 0 then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
while redis.call('LLEN', KEYS[1]) > tonumber(ARGV[3]) do
  local ok, old = pcall(cjson.decode, redis.call('LPOP', KEYS[1]))
  if ok and type(old) == 'table' and old.id then redis.call('HDEL', KEYS[2], old.id) end
end
return 1
`;

export interface RedisLogOptions {
  url: string;
  prefix?: string;
  warn?: (message: string) => void;
}

export class RedisLog implements EventLog {
  readonly kind = 'redis' as const;
  logId = '';
  private constructor(
    readonly client: RedisClient,
    private readonly prefix: string,
    private readonly warn: (message: string) => void,
  ) {}

  static async open(options: RedisLogOptions): Promise<RedisLog> {
    const client = createClient({ url: options.url });
    const warn = options.warn ?? (() => {});
    let lastError = '';
    client.on('error', (err: Error) => {
      if (err.message !== lastError) warn(`redis: ${err.message}`);
      lastError = err.message;
    });
    await client.connect();
    const log = new RedisLog(client, options.prefix ?? 'playbook:', warn);
    const key = `${log.prefix}log-id`;
    await client.set(key, `redis-${randomUUID()}`, { NX: true });
    log.logId = (await client.get(key)) ?? '';
    return log;
  }

  private key(team: string, what: string): string {
    return `${this.prefix}t:${team}:${what}`;
  }

  /** The team's stream of events (what a tail of the team reads). */
  eventsKey(team: string): string {
    return this.key(team, 'events');
  }

  /**
   * One stream entry as a record, or null (with a warning) when it does not hold a valid
   * event: the log is shared, and one bad entry must not stop a replay or a tail.
   */
  recordOf(team: string, id: string, message: Record<string, string>): StoredEvent | null {
    const o = offsetOf(id);
    let raw: unknown;
    try {
      raw = JSON.parse(message.e ?? '');
    } catch {
      raw = undefined;
    }
    const v = validateEvent(raw);
    if (v.kind !== 'event') {
      this.warn(`redis ${team} offset ${o}: stored entry is not a valid event, skipped`);
      return null;
    }
    const record: StoredEvent = { o, e: v.event, t: Number(message.t ?? 0) };
    if (message.k) record.k = message.k;
    return record;
  }

  async teams(): Promise<string[]> {
    return this.client.sMembers(`${this.prefix}teams`);
  }

  async append(team: string, items: AppendItem[], receivedAt: number): Promise<AppendResult> {
    if (items.length === 0) return { stored: [], offsets: [] };
    const args = [String(items.length), String(receivedAt), team];
    for (const item of items) args.push(JSON.stringify(item.event), item.key ?? '');
    const result = (await this.client.eval(APPEND, {
      keys: [
        this.key(team, 'events'),
        this.key(team, 'head'),
        this.key(team, 'keys'),
        `${this.prefix}teams`,
      ],
      arguments: args,
    })) as number[];
    const stored: StoredEvent[] = [];
    const offsets: number[] = [];
    result.forEach((n, i) => {
      const item = items[i]!;
      if (n < 0) {
        offsets.push(-n);
        return;
      }
      const record: StoredEvent = { o: n, e: item.event, t: receivedAt };
      if (item.key !== undefined) record.k = item.key;
      stored.push(record);
      offsets.push(n);
    });
    return { stored, offsets };
  }

  async readAfter(team: string, after: number, limit: number): Promise<StoredEvent[]> {
    const entries = await this.client.xRange(this.key(team, 'events'), `0-${after + 1}`, '+', {
      COUNT: limit,
    });
    const records: StoredEvent[] = [];
    for (const { id, message } of entries) {
      const record = this.recordOf(team, id, message);
      if (record) records.push(record);
    }
    return records;
  }

  async head(team: string): Promise<number> {
    return Number((await this.client.get(this.key(team, 'head'))) ?? 0);
  }

  async configHistory(team: string): Promise<ConfigVersion[]> {
    const list = await this.client.lRange(this.key(team, 'config'), 0, -1);
    return list.map((json, i) => ({ ...(JSON.parse(json) as NewConfigVersion), version: i + 1 }));
  }

  async appendConfig(team: string, v: NewConfigVersion): Promise<ConfigVersion> {
    const [length] = (await this.client
      .multi()
      .rPush(this.key(team, 'config'), JSON.stringify(v))
      .sAdd(`${this.prefix}teams`, team)
      .exec()) as unknown as [number, number];
    return { ...v, version: Number(length) };
  }

  async picks(team: string): Promise<SharedPick[]> {
    const picks: SharedPick[] = [];
    for (const json of await this.client.lRange(this.key(team, 'picks'), 0, -1)) {
      let pick: SharedPick | null = null;
      try {
        pick = readPick(JSON.parse(json));
      } catch {
        // not JSON: skipped
      }
      if (pick) picks.push(pick);
    }
    return picks;
  }

  async addPick(team: string, pick: SharedPick): Promise<boolean> {
    const added = await this.client.eval(ADD_PICK, {
      keys: [this.key(team, 'picks'), this.key(team, 'pick-ids')],
      arguments: [pick.id, JSON.stringify(pick), String(MAX_PICKS)],
    });
    return added === 1;
  }

  async drop(team: string, offsets: ReadonlySet<number>): Promise<void> {
    if (offsets.size === 0) return;
    const ids = [...offsets].map((o) => `0-${o}`);
    for (let i = 0; i < ids.length; i += 500) {
      await this.client.xDel(this.key(team, 'events'), ids.slice(i, i + 500));
    }
    const keys = await this.client.hGetAll(this.key(team, 'keys'));
    const stale = Object.entries(keys)
      .filter(([, o]) => offsets.has(Number(o)))
      .map(([k]) => k);
    for (let i = 0; i < stale.length; i += 500) {
      await this.client.hDel(this.key(team, 'keys'), stale.slice(i, i + 500));
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      // Already closed.
    }
  }
}
