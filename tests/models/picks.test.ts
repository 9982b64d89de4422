import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/adapters/storage.ts';
import { createPicks, MAX_PICKS, picksKey } from '../../src/models/picks.ts';

describe('picks', () => {
  it('keeps picks between loads of the same store', () => {
    const store = memoryStorage();
    createPicks(store, 'k').add({ text: 'where is my parcel', sopId: 'CS-SH-001' });
    expect(createPicks(store, 'k').all()).toEqual([
      { text: 'where is my parcel', sopId: 'CS-SH-001' },
    ]);
    expect(createPicks(store, 'other').all()).toEqual([]);
  });

  it('ignores unreadable or malformed stored data instead of failing', () => {
    const store = memoryStorage();
    store.set('broken', '{not json');
    expect(createPicks(store, 'broken').all()).toEqual([]);
    store.set('mixed', JSON.stringify([{ text: 'ok', sopId: 'A' }, { text: 3 }, 'x', null]));
    expect(createPicks(store, 'mixed').all()).toEqual([{ text: 'ok', sopId: 'A' }]);
  });

  it('keeps only the newest picks', () => {
    const store = memoryStorage();
    const picks = createPicks(store, 'k');
    for (let i = 0; i < MAX_PICKS + 5; i++) picks.add({ text: `t${i}`, sopId: 'A' });
    const kept = createPicks(store, 'k').all();
    expect(kept).toHaveLength(MAX_PICKS);
    expect(kept[0]!.text).toBe('t5');
  });

  it('keys picks by the team of the socket token, and keeps local ones apart', () => {
    const claims = Buffer.from(JSON.stringify({ team: 'north', role: 'agent' })).toString(
      'base64url',
    );
    expect(picksKey({ kind: 'socket', token: `h.${claims}.s` })).toBe(
      'chat-playbook:picks:team:north',
    );
    expect(picksKey({ kind: 'local' })).toBe('chat-playbook:picks:local');
    expect(picksKey({ kind: 'socket', token: 'garbage' })).toBe('chat-playbook:picks:socket');
  });
});
