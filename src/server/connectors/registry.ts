// Which helpdesks may post to `POST /v1/connectors/<host>/<team>`: one entry per team and
// host, with the secret that authenticates that host's webhooks and the team's mapping
// settings. Kept in a JSON file (`chat-playbook connector add` writes it, mode 0600) that
// `serve` reads at start and again whenever it changes. The secrets are never logged.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeValue, isObject } from '../../core/index.ts';
import { isTeamName } from '../auth.ts';
import { chatwootConnector } from './chatwoot.ts';
import { frontChallenge, frontConnector } from './front.ts';
import { livechatConnector } from './livechat.ts';
import type { Connector, HostName, MappingOptions, WebhookRequest } from './types.ts';
import { HOSTS, isHost } from './types.ts';

export { isHost };

import { zendeskConnector } from './zendesk.ts';

/** A connector, and the handshake its host sends when a webhook is set up (if any). */
export interface HostConnector extends Connector {
  /** The body to answer a set-up handshake with, or null when the request is not one. */
  challenge?(request: WebhookRequest, secret: string): string | null;
}

export const CONNECTORS: Readonly<Record<HostName, HostConnector>> = {
  chatwoot: chatwootConnector,
  zendesk: zendeskConnector,
  livechat: livechatConnector,
  front: { ...frontConnector, challenge: (request) => frontChallenge(request) },
};

export interface ConnectorEntry extends MappingOptions {
  team: string;
  host: HostName;
  secret: string;
  /** ISO time it was added (for people reading the file). */
  createdAt?: string;
}

export const CONNECTORS_FILE_VERSION = 1;
const MIN_SECRET = 16;
const MAX_SECRET = 512;
const MAX_FIELD_PATH = 200;

/** Checks one entry of the file; the error names the entry and the field. */
function readEntry(raw: unknown, at: string): ConnectorEntry {
  if (!isObject(raw)) throw new Error(`${at}: must be an object (${describeValue(raw)})`);
  const { team, host, secret, tierField, channelField, createdAt } = raw;
  if (!isTeamName(team)) {
    throw new Error(`${at}.team: letters, digits, dot, dash and underscore, at most 64`);
  }
  if (!isHost(host)) throw new Error(`${at}.host: must be one of ${HOSTS.join(', ')}`);
  if (typeof secret !== 'string' || secret.length < MIN_SECRET || secret.length > MAX_SECRET) {
    throw new Error(`${at}.secret: must be a string of ${MIN_SECRET} to ${MAX_SECRET} characters`);
  }
  const entry: ConnectorEntry = { team, host, secret };
  for (const [name, value] of [
    ['tierField', tierField],
    ['channelField', channelField],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '' || value.length > MAX_FIELD_PATH) {
      throw new Error(`${at}.${name}: must be a field path of 1 to ${MAX_FIELD_PATH} characters`);
    }
    entry[name] = value;
  }
  if (typeof createdAt === 'string') entry.createdAt = createdAt;
  return entry;
}

/** Parses the connectors file's text: `{ "version": 1, "connectors": [ … ] }`. */
export function parseConnectorsFile(text: string, source = 'connectors file'): ConnectorEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(json) || !Array.isArray(json.connectors)) {
    throw new Error(`${source}: must be { "version": 1, "connectors": [ … ] }`);
  }
  const seen = new Set<string>();
  return json.connectors.map((raw, i) => {
    const entry = readEntry(raw, `${source}: connectors[${i}]`);
    const key = `${entry.host}/${entry.team}`;
    if (seen.has(key)) throw new Error(`${source}: connectors[${i}]: ${key} is listed twice`);
    seen.add(key);
    return entry;
  });
}

export async function readConnectorsFile(path: string): Promise<ConnectorEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${path}: cannot read (${(err as Error).message})`);
  }
  return parseConnectorsFile(text, path);
}

/** A new random secret, for hosts where we choose it and the team lead pastes it in. */
export function newConnectorSecret(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Adds (or replaces: a rotated secret) the entry for its team and host, writing the file
 * atomically and readable by its owner only. Returns whether an entry was replaced.
 */
export async function addConnector(path: string, entry: ConnectorEntry): Promise<boolean> {
  const checked = readEntry(entry, 'connector');
  const entries = await readConnectorsFile(path);
  const index = entries.findIndex((e) => e.host === checked.host && e.team === checked.team);
  const replaced = index !== -1;
  if (replaced) entries[index] = checked;
  else entries.push(checked);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const text = `${JSON.stringify({ version: CONNECTORS_FILE_VERSION, connectors: entries }, null, 2)}\n`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return replaced;
}

/**
 * The entries `serve` uses: a fixed list (tests, embedding), or a file re-read when its
 * modification time changes (checked at most every `recheckMs`), so `connector add` takes
 * effect without a restart. A file that turns invalid keeps the last good entries.
 */
export class ConnectorTable {
  private entries = new Map<string, ConnectorEntry>();
  private mtimeMs = -1;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly source: { file: string } | { entries: readonly ConnectorEntry[] },
    private readonly warn: (message: string) => void = () => {},
    private readonly recheckMs = 2000,
  ) {
    if ('entries' in source) this.set(source.entries);
  }

  private set(entries: readonly ConnectorEntry[]): void {
    this.entries = new Map(entries.map((e) => [`${e.host}/${e.team}`, e]));
  }

  get size(): number {
    return this.entries.size;
  }

  list(): ConnectorEntry[] {
    return [...this.entries.values()];
  }

  /** Loads the file now (at start: an invalid file is an error then). */
  async load(): Promise<void> {
    if (!('file' in this.source)) return;
    const { file } = this.source;
    const info = await stat(file).catch(() => null);
    this.mtimeMs = info?.mtimeMs ?? 0;
    this.set(await readConnectorsFile(file));
  }

  async find(host: HostName, team: string, now: number): Promise<ConnectorEntry | null> {
    if ('file' in this.source && now - this.checkedAt >= this.recheckMs) {
      this.checkedAt = now;
      this.loading ??= this.reloadIfChanged(this.source.file).finally(() => {
        this.loading = null;
      });
      await this.loading;
    }
    return this.entries.get(`${host}/${team}`) ?? null;
  }

  private async reloadIfChanged(file: string): Promise<void> {
    const info = await stat(file).catch(() => null);
    const mtimeMs = info?.mtimeMs ?? 0;
    if (mtimeMs === this.mtimeMs) return;
    try {
      this.set(await readConnectorsFile(file));
      this.mtimeMs = mtimeMs;
    } catch (err) {
      this.warn(`connectors: ${(err as Error).message}; keeping the previous connectors`);
      this.mtimeMs = mtimeMs;
    }
  }
}
