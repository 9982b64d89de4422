// The live demo's page sessions (src/server/demo-sessions.ts): one per page load, found by
// the page's token, ended when the page goes, when it falls silent, or when it is the least
// recently seen of `max` and another page opens; stops run once, and closeAll waits for them.
import { describe, expect, it } from 'vitest';
import { DemoSessions, type EndReason } from '../../src/server/demo-sessions.ts';

function registry(max = 3, idleMs = 60_000) {
  const started: string[] = [];
  const stopped: Array<{ id: string; reason: EndReason }> = [];
  const sessions = new DemoSessions<{ team: string }, { role: string }>({
    max,
    idleMs,
    start(id) {
      started.push(id);
      return { team: `demo-${id}` };
    },
    async stop(session, reason) {
      stopped.push({ id: session.id, reason });
      // Stopping takes a moment (a simulator's last ingest, closing the team's chats).
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
  });
  return { sessions, started, stopped };
}

describe('demo page sessions', () => {
  it('gives each page its own session, found by its token only', () => {
    const { sessions, started } = registry();
    const a = sessions.create({ role: 'agent' }, 1000);
    const b = sessions.create({ role: 'supervisor' }, 1000);
    expect(a.id).not.toBe(b.id);
    expect(started).toEqual([a.id, b.id]);
    expect(a.running.team).toBe(`demo-${a.id}`);
    expect(b.params).toEqual({ role: 'supervisor' });
    expect(a.token).toMatch(/^[\w-]+\.[\w-]{20,}$/);

    expect(sessions.find(a.token)).toEqual({ ok: true, session: a });
    expect(sessions.find(`${a.id}.${b.token.split('.')[1]}`)).toEqual({
      ok: false,
      reason: 'wrong',
    });
    expect(sessions.find(`${a.id}.`)).toEqual({ ok: false, reason: 'wrong' });
    expect(sessions.find('x'.repeat(32))).toEqual({ ok: false, reason: 'malformed' });
    expect(sessions.find(undefined)).toEqual({ ok: false, reason: 'malformed' });
    expect(sessions.find(['a', 'b'])).toEqual({ ok: false, reason: 'malformed' });
    expect(sessions.find('nobody.secret')).toEqual({ ok: false, reason: 'ended' });
  });

  it('ends a session once, when its page goes; its token then names an ended session', async () => {
    const { sessions, stopped } = registry();
    const a = sessions.create({ role: 'agent' }, 0);
    await Promise.all([sessions.end(a, 'gone'), sessions.end(a, 'gone')]);
    expect(stopped).toEqual([{ id: a.id, reason: 'gone' }]);
    expect(sessions.find(a.token)).toEqual({ ok: false, reason: 'ended' });
    expect(sessions.size).toBe(0);
  });

  it('ends the sessions whose page has been silent for idleMs', () => {
    const { sessions, stopped } = registry(5, 60_000);
    const quiet = sessions.create({ role: 'agent' }, 0);
    const chatty = sessions.create({ role: 'agent' }, 0);
    sessions.touch(chatty, 50_000);
    sessions.sweep(60_000);
    expect(stopped).toEqual([]);
    sessions.sweep(60_001);
    expect(stopped).toEqual([{ id: quiet.id, reason: 'idle' }]);
    sessions.sweep(110_001);
    expect(stopped.map((s) => s.id)).toEqual([quiet.id, chatty.id]);
  });

  it('a reload storm replaces sessions: never more than max, the least recently seen go first', () => {
    const { sessions, stopped } = registry(3);
    const first = sessions.create({ role: 'agent' }, 0);
    const second = sessions.create({ role: 'agent' }, 1);
    const third = sessions.create({ role: 'agent' }, 2);
    sessions.touch(first, 10); // the first page is still open and heard from
    for (let i = 0; i < 50; i += 1) {
      sessions.create({ role: 'agent' }, 20 + i);
      expect(sessions.size).toBe(3);
    }
    expect(stopped.slice(0, 2)).toEqual([
      { id: second.id, reason: 'replaced' },
      { id: third.id, reason: 'replaced' },
    ]);
    expect(stopped[2]).toEqual({ id: first.id, reason: 'replaced' });
    expect(stopped).toHaveLength(50);
  });

  it('next() resolves with the next page’s session; closeAll ends every one and waits', async () => {
    const { sessions, stopped } = registry();
    const next = sessions.next();
    const a = sessions.create({ role: 'agent' }, 0);
    expect(await next).toBe(a);
    sessions.create({ role: 'agent' }, 0);
    let closed = false;
    const all = sessions.closeAll().then(() => {
      closed = true;
    });
    await Promise.resolve();
    expect(closed).toBe(false);
    await all;
    expect(stopped.map((s) => s.reason)).toEqual(['shutdown', 'shutdown']);
    expect(sessions.size).toBe(0);
  });
});
