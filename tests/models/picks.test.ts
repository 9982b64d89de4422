import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/adapters/storage.ts';
import type { Transport } from '../../src/adapters/transport.ts';
import { createPicks, MAX_PICKS, type Pick, picksKey } from '../../src/models/picks.ts';
import type { PickRequest, SharedPick } from '../../src/server/wire.ts';
import { LIBRARY } from './fakes.ts';
import { harness, msg, started } from './harness.ts';

const pick = (id: string, text = `text ${id}`, sopId = 'CS-SH-001'): Pick => ({ id, text, sopId });

describe('picks', () => {
  it('keeps picks between loads of the same store', () => {
    const store = memoryStorage();
    createPicks(store, 'k').add([pick('p1', 'where is my parcel')]);
    expect(createPicks(store, 'k').all()).toEqual([pick('p1', 'where is my parcel')]);
    expect(createPicks(store, 'other').all()).toEqual([]);
  });

  it('ignores unreadable or malformed stored data, and gives picks kept without an id one', () => {
    const store = memoryStorage();
    store.set('broken', '{not json');
    expect(createPicks(store, 'broken').all()).toEqual([]);
    store.set('mixed', JSON.stringify([{ text: 'ok', sopId: 'A' }, { text: 3 }, 'x', null]));
    const mixed = createPicks(store, 'mixed');
    expect(mixed.all()).toEqual([{ id: expect.any(String), text: 'ok', sopId: 'A' }]);
    // The old pick is kept (with its id) when a new one is added.
    mixed.add([pick('p1')]);
    expect(
      createPicks(store, 'mixed')
        .all()
        .map((p) => p.text),
    ).toEqual(['ok', 'text p1']);
  });

  it('keeps only the newest picks', () => {
    const store = memoryStorage();
    const picks = createPicks(store, 'k');
    for (let i = 0; i < MAX_PICKS + 5; i++) picks.add([pick(`p${i}`, `t${i}`)]);
    const kept = createPicks(store, 'k').all();
    expect(kept).toHaveLength(MAX_PICKS);
    expect(kept[0]!.text).toBe('t5');
  });

  it('merges picks by id: each new one is kept, persisted and taught exactly once', () => {
    const store = memoryStorage();
    const taught: string[] = [];
    const picks = createPicks(store, 'k', (p) => taught.push(p.id));
    expect(picks.add([pick('a')]).map((p) => p.id)).toEqual(['a']);
    // The server's list: the same pick again (an echo), a teammate's, a malformed entry.
    const added = picks.add([
      { ...pick('a'), by: 'a-1', at: 1 },
      { ...pick('b', 'refund please', 'CS-OR-001'), by: 'a-2', at: 2 },
      { id: 'c', text: 42 },
    ]);
    expect(added).toEqual([pick('b', 'refund please', 'CS-OR-001')]);
    expect(picks.add([pick('b'), pick('a')])).toEqual([]);
    expect(taught).toEqual(['a', 'b']);
    expect(
      createPicks(store, 'k')
        .all()
        .map((p) => p.id),
    ).toEqual(['a', 'b']);
  });

  it('keys picks by the team of the socket token, and keeps local ones apart', () => {
    const claims = Buffer.from(JSON.stringify({ team: 'north', role: 'agent' })).toString(
      'base64url',
    );
    expect(picksKey({ kind: 'socket', url: 'https://s', token: `h.${claims}.s` })).toBe(
      'chat-playbook:picks:team:north',
    );
    expect(picksKey({ kind: 'local' })).toBe('chat-playbook:picks:local');
    expect(picksKey({ kind: 'socket', url: 'https://s', token: 'garbage' })).toBe(
      'chat-playbook:picks:socket',
    );
    // A host adapter's picks stay with its helpdesk account.
    const host = { start() {}, send: () => Promise.resolve(), now: () => 0, dispose() {} };
    expect(picksKey({ kind: 'custom', transport: { ...host, scope: 'zendesk:acme' } })).toBe(
      'chat-playbook:picks:host:zendesk:acme',
    );
    expect(picksKey({ kind: 'custom', transport: host })).toBe('chat-playbook:picks:host:default');
  });
});

/** A server transport's picks side: records shared picks, lets the test push the team's. */
function teamTransport() {
  const shared: PickRequest[] = [];
  const listeners = new Set<(picks: SharedPick[]) => void>();
  const extras: Partial<Transport> = {
    sharePick: (p) => {
      shared.push(p);
      return Promise.resolve();
    },
    onPicks: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const push = (picks: SharedPick[]) => {
    for (const l of listeners) l(picks);
  };
  return { shared, listeners, extras, push };
}

const tracking = LIBRARY.sops[0]!.replies.find((r) => r.id === 'r-tracking')!;

describe('picks shared through the server (store)', () => {
  it("shares an inserted reply's pick, learns it once, and learns a teammate's pick live", async () => {
    const team = teamTransport();
    const storage = memoryStorage();
    const h = harness({}, 0, team.extras, storage);
    await h.store.library.load({ kind: 'object', data: LIBRARY });
    h.feed(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'my parcel is late'));
    h.store.commands.chooseReply('c-1', 'CS-SH-001', tracking);
    expect(h.replies).toHaveLength(1);
    expect(team.shared).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        text: 'my parcel is late',
        sopId: 'CS-SH-001',
      },
    ]);
    const mine = team.shared[0]!;
    const source = h.sources[0]!;
    expect(source.learned).toEqual([{ text: 'my parcel is late', sopId: 'CS-SH-001' }]);

    // The server echoes our pick with a teammate's: only the teammate's is new.
    team.push([
      { ...mine, by: 'a-1', at: 10 },
      { id: 'x-1', text: 'cancel my order', sopId: 'CS-OR-001', by: 'a-2', at: 11 },
    ]);
    // A reconnection brings the whole list again: nothing is learned twice.
    team.push([
      { ...mine, by: 'a-1', at: 10 },
      { id: 'x-1', text: 'cancel my order', sopId: 'CS-OR-001', by: 'a-2', at: 11 },
    ]);
    expect(source.learned).toEqual([
      { text: 'my parcel is late', sopId: 'CS-SH-001' },
      { text: 'cancel my order', sopId: 'CS-OR-001' },
    ]);

    // After a reload both are taught to the new search, once each.
    h.store.dispose();
    expect(team.listeners.size).toBe(0);
    const again = harness({}, 0, teamTransport().extras, storage);
    await again.store.library.load({ kind: 'object', data: LIBRARY });
    expect(again.sources[0]!.learned).toEqual(source.learned);
  });

  it('keeps team picks that arrive before the library and teaches them once it loads', async () => {
    const team = teamTransport();
    const h = harness({}, 0, team.extras);
    team.push([{ id: 'x-1', text: 'cancel my order', sopId: 'CS-OR-001', by: 'a-2', at: 1 }]);
    await h.store.library.load({ kind: 'object', data: LIBRARY });
    team.push([{ id: 'x-1', text: 'cancel my order', sopId: 'CS-OR-001', by: 'a-2', at: 1 }]);
    expect(h.sources[0]!.learned).toEqual([{ text: 'cancel my order', sopId: 'CS-OR-001' }]);
  });

  it('clips a long customer text to the 2,000 characters the server takes', async () => {
    const team = teamTransport();
    const h = harness({}, 0, team.extras);
    await h.store.library.load({ kind: 'object', data: LIBRARY });
    const long = `parcel ${'x'.repeat(3000)} late`;
    h.feed(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', long));
    h.store.commands.chooseReply('c-1', 'CS-SH-001', tracking);
    expect(team.shared[0]!.text).toHaveLength(2000);
    expect(team.shared[0]!.text.endsWith('x late')).toBe(true);
    expect(h.sources[0]!.learned[0]!.text).toBe(team.shared[0]!.text);
  });
});
