// --data: acknowledged events survive a restart and a `kill -9`; a torn last line is cut;
// compaction drops old closed chats and keeps offsets; widgets resume where they were.
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningServer } from '../../src/server/index.ts';
import {
  closed,
  connected,
  freePort,
  message,
  postEvents,
  removeDir,
  serve,
  spawnServe,
  started,
  tempDir,
  widget,
} from './helpers.ts';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('--data', () => {
  it('rebuilds offsets and open chats after a restart, and widgets resume from their offset', async () => {
    let server = await serve({ data: dir });
    const token = server.token({ team: 'default', role: 'agent', sub: 'a' });
    const w = widget(server.url, token);
    await connected(w);
    await postEvents(server.url, [started('c-1'), message('c-1', 'm1', 1)]);
    await postEvents(server.url, [started('c-2'), closed('c-2', 20)]);
    await w.waitFor(() => w.seq.last === 4);
    const logId = server.logId;
    w.close();
    await server.close();

    server = await serve({ data: dir });
    try {
      expect(server.logId).toBe(logId);
      expect(await server.hub.head('default')).toBe(4);
      expect(server.hub.stats()).toMatchObject({ chats: 2, openChats: 1, events: 4 });
      await postEvents(server.url, [message('c-1', 'm2', 30)]);
      expect(await server.hub.head('default')).toBe(5);
      const again = widget(server.url, token, {
        seq: w.seq,
        events: w.events,
        timelines: w.timelines,
      });
      await connected(again);
      await again.waitFor(() => again.seq.last === 5, 5000, 'resume');
      expect(again.welcome?.resume).toBe('replay');
      expect(again.events.length).toBe(5);
      expect(again.messages('c-1')).toEqual(['m1', 'm2']);
      again.close();
    } finally {
      await server.close();
    }
  });

  it('writes one JSON record per line with offset, arrival time and the event', async () => {
    const server = await serve({ data: dir });
    await postEvents(server.url, [started('c-1')], 'acme');
    await server.close();
    const text = await readFile(join(dir, 'teams', 'acme', 'events.jsonl'), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        o: 1,
        t: expect.any(Number),
        e: expect.objectContaining({ type: 'chat.started', chatId: 'c-1' }),
      },
    ]);
  });

  it('cuts a torn last line (a write cut short by a crash) and keeps everything before it', async () => {
    let server = await serve({ data: dir });
    await postEvents(server.url, [started('c-1'), message('c-1', 'm1', 1)]);
    await server.close();
    const path = join(dir, 'teams', 'default', 'events.jsonl');
    await appendFile(path, '{"o":3,"t":1,"e":{"type":"mess');
    const warnings: string[] = [];
    server = await serve({ data: dir, warn: (m) => warnings.push(m) });
    try {
      expect(await server.hub.head('default')).toBe(2);
      expect(warnings.join('\n')).toMatch(/torn last line/);
      expect((await readFile(path, 'utf8')).endsWith('}\n')).toBe(true);
      await postEvents(server.url, [message('c-1', 'm2', 2)]);
      expect(await server.hub.head('default')).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('compacts closed chats older than the retention, keeping offsets and open chats', async () => {
    const clock = { now: Date.now() };
    let server: RunningServer = await serve({
      data: dir,
      retentionMs: 3600_000,
      now: () => clock.now,
    });
    const token = server.token({ team: 'default', role: 'agent', sub: 'a' });
    const t = clock.now;
    await server.ingest([
      { type: 'chat.started', chatId: 'old', at: t - 5000 },
      { type: 'chat.closed', chatId: 'old', at: t - 4000 },
      { type: 'chat.started', chatId: 'open', at: t - 3000 },
      { type: 'message', chatId: 'open', id: 'm1', at: t - 2000, author: 'customer', text: 'hi' },
    ]);
    const w = widget(server.url, token);
    await connected(w);
    await w.waitFor(() => w.seq.last === 4);
    w.close();

    clock.now += 2 * 3600_000;
    expect(await server.compact()).toEqual([{ team: 'default', chats: 1, events: 2 }]);
    expect(server.hub.stats()).toMatchObject({ chats: 1, events: 2 });
    await server.close();

    const text = await readFile(join(dir, 'teams', 'default', 'events.jsonl'), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ head: 4 });
    expect(lines.slice(1).map((l) => l.o)).toEqual([3, 4]);

    server = await serve({ data: dir, retentionMs: 3600_000, now: () => clock.now });
    try {
      expect(await server.hub.head('default')).toBe(4);
      await server.ingest([message('open', 'm2', 9)]);
      expect(await server.hub.head('default')).toBe(5);
      const again = widget(server.url, token, {
        seq: w.seq,
        events: w.events,
        timelines: w.timelines,
      });
      await connected(again);
      await again.waitFor(() => again.seq.last === 5, 5000, 'resume after compaction');
      expect(again.events.length).toBe(5);
      again.close();
    } finally {
      await server.close();
    }
  });

  it('is memory only without --data: a restart starts a new log and widgets get a snapshot', async () => {
    const a = await serve();
    expect(a.storage).toBe('memory');
    await a.ingest([started('c-1')]);
    const logA = a.logId;
    await a.close();
    const b = await serve();
    try {
      expect(b.logId).not.toBe(logA);
      expect(await b.hub.head('default')).toBe(0);
    } finally {
      await b.close();
    }
  });
});

describe('kill -9', () => {
  it('loses no acknowledged event, and a connected widget resumes after the restart', async () => {
    const port = await freePort();
    let child = await spawnServe(['--data', dir, '--port', String(port), '--rate', '0']);
    const url = child.url;
    const health = (await (await fetch(`${url}/healthz`)).json()) as { log: string };
    const { signToken } = await import('../../src/server/auth.ts');
    const { SECRET } = await import('./helpers.ts');
    const token = signToken(SECRET, { team: 'default', role: 'agent', sub: 'a' });
    const w = widget(url, token, { reconnection: true });
    await connected(w);

    // Eight writers post chats as fast as they can; we note what was acknowledged.
    const acked = new Set<string>();
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, k) => {
      for (let i = 0; !stop; i++) {
        const chatId = `w${k}-c${i}`;
        try {
          const res = await postEvents(url, [started(chatId), message(chatId, 'm1', 1)]);
          if (res.status === 200) acked.add(chatId);
        } catch {
          return; // the server died mid-request: not acknowledged
        }
      }
    });
    await new Promise((r) => setTimeout(r, 600));
    await child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    expect(acked.size).toBeGreaterThan(10);

    child = await spawnServe(['--data', dir, '--port', String(port)]);
    try {
      const after = (await (await fetch(`${url}/healthz`)).json()) as { log: string };
      expect(after.log).toBe(health.log);
      // A fresh reader replays the whole log from offset 0.
      const reader = widget(url, token, { resume: { log: health.log, offset: 0 } });
      await connected(reader);
      await reader.waitFor(() => reader.welcome !== null);
      const head = reader.welcome!.head;
      await reader.waitFor(() => reader.seq.last === head, 10_000, 'full replay');
      const chats = new Set(reader.events.map((e) => e.chatId));
      const missing = [...acked].filter((c) => !chats.has(c));
      expect(missing).toEqual([]);
      for (const c of acked) expect(reader.messages(c)).toEqual(['m1']);
      reader.close();

      // The widget that was connected reconnects by itself and catches up.
      await w.waitFor(() => w.seq.last === head, 20_000, 'widget resume');
      const offsets = w.batches.flatMap((b) => b.events.map((e) => e.o));
      expect(w.events.length).toBe(new Set(offsets).size);
      expect(w.engineDuplicates()).toBe(0);
      for (const c of acked) expect(w.messages(c)).toEqual(['m1']);
      w.close();
    } finally {
      await child.kill('SIGTERM');
    }
  }, 90_000);
});
