// Shared helpers of the realtime tests: real servers on 127.0.0.1 with random ports, signed
// requests, socket.io widgets that apply batches like the transport does and feed the
// engine (to count duplicates the engine drops), child-process servers and redis-server.

import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { hasCommand, spawnServe as spawnFleetServe } from '../../bench/fleet.mjs';
import { OffsetSequencer } from '../../src/adapters/socket-transport.ts';
import {
  addEvent,
  type ChatEvent,
  type ChatTimeline,
  createTimeline,
} from '../../src/core/index.ts';
import { signBody } from '../../src/server/auth.ts';
import { type RunningServer, type ServerOptions, startServer } from '../../src/server/index.ts';
import type { ConfigVersion, EventsBatch, Welcome } from '../../src/server/wire.ts';

export const SECRET = 'test-secret-0123456789abcdef0123456789';
export const ROOT = resolve(import.meta.dirname, '../..');

export async function tempDir(prefix = 'playbook-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function serve(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({ secret: SECRET, port: 0, compactEveryMs: 0, ...options });
}

export interface PostOptions {
  team?: string;
  contentType?: string;
  /** The X-Signature-256 header: computed with SECRET by default; null leaves it out. */
  signature?: string | null;
  secret?: string;
}

export async function post(
  url: string,
  body: string | Buffer,
  options: PostOptions = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const path = options.team ? `/v1/teams/${options.team}/events` : '/v1/events';
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? 'application/json',
  };
  const signature =
    options.signature === undefined ? signBody(options.secret ?? SECRET, body) : options.signature;
  if (signature !== null) headers['X-Signature-256'] = signature;
  const payload = typeof body === 'string' ? body : new Uint8Array(body);
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: payload });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json, headers: res.headers };
}

export function postEvents(url: string, events: unknown[], team?: string) {
  const options: PostOptions = {};
  if (team) options.team = team;
  return post(url, JSON.stringify(events), options);
}

// ---------------------------------------------------------------------------
// Test chats

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

export function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

export function started(chatId: string, s = 0, name = 'Dana Lee'): Record<string, unknown> {
  return { type: 'chat.started', chatId, at: at(s), customer: { name }, channel: 'web' };
}

export function message(
  chatId: string,
  id: string,
  s: number,
  author = 'customer',
  text = `text ${id}`,
): Record<string, unknown> {
  return { type: 'message', chatId, id, at: at(s), author, text };
}

export function closed(chatId: string, s: number): Record<string, unknown> {
  return { type: 'chat.closed', chatId, at: at(s) };
}

// ---------------------------------------------------------------------------
// Widgets

export interface TestWidget {
  socket: Socket;
  seq: OffsetSequencer;
  events: ChatEvent[];
  batches: EventsBatch[];
  configs: ConfigVersion[];
  welcome: Welcome | null;
  timelines: Map<string, ChatTimeline>;
  /** (chatId, id) duplicates the engine dropped. */
  engineDuplicates(): number;
  /** Message events the engine applied for a chat. */
  messages(chatId: string): string[];
  waitFor(predicate: () => boolean, ms?: number, what?: string): Promise<void>;
  close(): void;
}

export interface WidgetOptions {
  resume?: { log: string; offset: number };
  team?: string;
  /** Use an existing sequencer (a widget that reconnects keeps its state). */
  seq?: OffsetSequencer;
  events?: ChatEvent[];
  timelines?: Map<string, ChatTimeline>;
  reconnection?: boolean;
}

export async function waitFor(predicate: () => boolean, ms = 5000, what = 'condition') {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Connects like the widget: applies batches by offset and feeds the engine. */
export function widget(url: string, token: string, options: WidgetOptions = {}): TestWidget {
  const seq = options.seq ?? new OffsetSequencer(options.resume);
  const events = options.events ?? [];
  const timelines = options.timelines ?? new Map<string, ChatTimeline>();
  const batches: EventsBatch[] = [];
  const configs: ConfigVersion[] = [];
  let seqNo = events.length;
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: options.reconnection ?? false,
    forceNew: true,
    auth: (cb) => {
      const auth: Record<string, unknown> = { token };
      if (seq.log !== null) {
        auth.log = seq.log;
        auth.offset = seq.last;
      }
      if (options.team) auth.team = options.team;
      cb(auth);
    },
  });
  const w: TestWidget = {
    socket,
    seq,
    events,
    batches,
    configs,
    welcome: null,
    timelines,
    engineDuplicates() {
      let n = 0;
      for (const t of timelines.values()) n += t.duplicates;
      return n;
    },
    messages(chatId) {
      const t = timelines.get(chatId);
      if (!t) return [];
      const ids: string[] = [];
      for (const { event } of t.events) if (event.type === 'message') ids.push(event.id);
      return ids;
    },
    waitFor: (predicate, ms, what) => waitFor(predicate, ms, what),
    close() {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
  socket.on('welcome', (value: Welcome) => {
    w.welcome = value;
  });
  socket.on('config', (value: ConfigVersion) => configs.push(value));
  socket.on('events', (batch: EventsBatch) => {
    batches.push(batch);
    for (const e of seq.accept(batch)) {
      events.push(e);
      let t = timelines.get(e.chatId);
      if (!t) {
        t = createTimeline(e.chatId);
        timelines.set(e.chatId, t);
      }
      addEvent(t, e, ++seqNo, []);
    }
  });
  return w;
}

export function connected(w: TestWidget, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (w.socket.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('widget did not connect')), ms);
    w.socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    w.socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The connect_error a refused widget gets: its message and code. */
export function refused(
  url: string,
  auth: Record<string, unknown>,
  namespace = '',
): Promise<{ message: string; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}${namespace}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth,
    });
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error('neither connected nor refused'));
    }, 5000);
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.disconnect();
      reject(new Error('connected, but should have been refused'));
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      socket.disconnect();
      resolve({ message: err.message, code: err.data?.code });
    });
  });
}

export function emitAck<T>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, ...args) as Promise<T>;
}

// ---------------------------------------------------------------------------
// Child processes

export interface ChildServer {
  url: string;
  child: ChildProcess;
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `chat-playbook serve` in a child process (through tsx); resolves on its ready line. */
export async function spawnServe(
  args: string[],
  env: Record<string, string> = {},
): Promise<ChildServer> {
  const server = await spawnFleetServe({ args, env: { PLAYBOOK_SECRET: SECRET, ...env } });
  return { ...server, kill: (signal = 'SIGKILL') => server.kill(signal) };
}

// ---------------------------------------------------------------------------
// redis-server

export function hasRedis(): boolean {
  return hasCommand('redis-server');
}

// The bench's fleet processes, started the same way in tests (bench/fleet.mjs).
export { freePort, type Redis as RedisServer, startRedis } from '../../bench/fleet.mjs';

// ---------------------------------------------------------------------------
// A raw socket.io client (Engine.IO v4 over WebSocket), for payloads that a real client
// library cannot even encode (JSON nested tens of thousands deep): the text goes out as is.

export interface RawSocket {
  /** Emits `event` with its arguments given as JSON text (`[arg1, arg2]`), awaiting the ack. */
  emit(event: string, argsJson: string, namespace?: string): Promise<unknown[]>;
  /** Stops reading from the network (a frozen tab): what the server sends piles up. */
  pause(): void;
  close(): void;
}

export async function rawSocket(
  url: string,
  auth: Record<string, unknown>,
  namespace = '/',
): Promise<RawSocket> {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const nsp = namespace === '/' ? '' : `${namespace},`;
  const acks = new Map<number, (args: unknown[]) => void>();
  let nextAck = 1;
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === '2') return ws.send('3'); // ping → pong
      if (text.startsWith('0')) return ws.send(`40${nsp}${JSON.stringify(auth)}`);
      if (text.startsWith(`40${nsp}`)) return resolve();
      if (text.startsWith(`44${nsp}`)) return reject(new Error(`refused: ${text}`));
      const ack = new RegExp(`^43${nsp}(\\d+)(.*)$`, 's').exec(text);
      if (ack) {
        acks.get(Number(ack[1]))?.(JSON.parse(ack[2]!) as unknown[]);
        acks.delete(Number(ack[1]));
      }
    });
  });
  return {
    emit(event, argsJson) {
      const id = nextAck++;
      const args = argsJson.trim().replace(/^\[/, '');
      ws.send(`42${nsp}${id}[${JSON.stringify(event)},${args}`);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5000);
        acks.set(id, (value) => {
          clearTimeout(timer);
          resolve(value);
        });
      });
    },
    pause: () => (ws as unknown as { _socket: { pause(): void } })._socket.pause(),
    close: () => ws.terminate(),
  };
}

/** JSON text of an array nested `depth` deep: `[[[…1…]]]` (never built as a value). */
export function deepJson(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}
