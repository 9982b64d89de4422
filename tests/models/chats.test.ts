import { describe, expect, it } from 'vitest';
import { harness, msg, started } from './harness.ts';

const order = (h: ReturnType<typeof harness>) => h.store.chats.ordered.value.map((c) => c.id);

describe('chats model', () => {
  it('orders by urgency: breached, then nearest deadline, then open, then closed', () => {
    const h = harness();
    h.feed(
      started('quiet', 0),
      msg('quiet', 'm1', 2, 'agent', 'Hi Dana'),
      started('closed', 0),
      { type: 'chat.closed', chatId: 'closed', at: 1 },
      started('late', 0),
      started('soon', 10),
      started('later', 20),
    );
    h.clock.advance(35_000);
    // late: breached at 30 s; soon: due at 40 s; later: due at 50 s.
    expect(order(h)).toEqual(['late', 'soon', 'later', 'quiet', 'closed']);
    h.feed(msg('late', 'm1', 36, 'agent', 'Hello Dana'));
    h.clock.advance(1_000);
    expect(order(h)[0]).toBe('soon');
  });

  it('ignores duplicates and re-sorts late events, like the audit', () => {
    const h = harness();
    h.feed(
      started('c-1', 0),
      msg('c-1', 'm2', 10, 'agent', 'Hi Dana'),
      msg('c-1', 'm2', 11, 'agent', 'Hi Dana (copy)'),
      msg('c-1', 'm1', 4, 'customer', 'my order never arrived'),
    );
    const chat = h.store.chats.get('c-1')!;
    expect(chat.conversation.value.map((l) => l.id)).toEqual(['m1', 'm2']);
    expect(chat.reading.value!.firstResponse.state).toBe('met');
  });

  it('counts unread customer messages until the chat is focused or answered', () => {
    const h = harness();
    h.feed(
      started('a', 0),
      started('b', 0),
      msg('b', 'm1', 1, 'customer', 'hello?'),
      msg('b', 'm2', 2, 'customer', 'anyone?'),
    );
    // 'a' arrived first, so it is focused by default: its messages are read.
    h.feed(msg('a', 'm1', 3, 'customer', 'hi'));
    expect(h.store.chats.get('a')!.unread.value).toBe(0);
    expect(h.store.chats.get('b')!.unread.value).toBe(2);
    h.store.focus('b');
    expect(h.store.chats.get('b')!.unread.value).toBe(0);
    h.feed(msg('a', 'm2', 4, 'customer', 'still there?'));
    // m1 was read while 'a' was on screen; m2 came after the agent switched to 'b'.
    expect(h.store.chats.get('a')!.unread.value).toBe(1);
    h.feed(msg('a', 'm3', 5, 'agent', 'Yes Dana'));
    expect(h.store.chats.get('a')!.unread.value).toBe(0);
  });

  it('reads again when now moves back (a fast local clock corrected by the server)', () => {
    const h = harness();
    h.feed(started('c-1', 0));
    const state = () => h.store.chats.get('c-1')!.reading.value!.firstResponse.state;
    // Five minutes fast: the chat looks breached...
    h.clock.time += 300_000;
    h.store.scheduler.refresh();
    expect(state()).toBe('breached');
    // ...until the corrected time comes in: 5 s after the start, nothing is due yet.
    h.clock.time -= 295_000;
    h.store.scheduler.refresh();
    expect(state()).toBe('ok');
  });

  it('shows no chat for events that start none', () => {
    const h = harness();
    h.feed({ type: 'chat.closed', chatId: 'ghost', at: 1 });
    expect(h.store.chats.list.value).toEqual([]);
  });

  it('carries each chat’s owner, following assignments and replies as they arrive', () => {
    const h = harness({ agent: { id: 'a-3', name: 'Sam' } });
    h.feed(
      { ...started('mine', 0), assignee: 'a-3' },
      started('theirs', 0),
      msg('theirs', 'm1', 5, 'agent', 'Hi Dana', { agentId: 'a-9' }),
      started('queue', 0),
    );
    const owner = (id: string) => h.store.chats.get(id)!.owner.value;
    expect([owner('mine'), owner('theirs'), owner('queue')]).toEqual(['a-3', 'a-9', null]);
    // A late assignment (by `at`) still comes before the later reply: the assignment wins.
    h.feed({ type: 'chat.assigned', chatId: 'queue', at: 8, agentId: 'a-3' });
    h.feed({ type: 'chat.assigned', chatId: 'theirs', at: 3, agentId: 'a-3' });
    expect([owner('theirs'), owner('queue')]).toEqual(['a-3', 'a-3']);
    h.feed({ type: 'chat.assigned', chatId: 'mine', at: 9, agentId: null });
    expect(owner('mine')).toBeNull();
  });

  it('derives the checklist from playbook events sent through the transport', async () => {
    const h = harness({ agent: { id: 'a-3', name: 'Sam' } });
    h.feed(started('c-1', 0));
    expect(h.store.commands.tick('c-1', 'history', true)).toBeNull();
    expect(h.store.commands.tick('c-1', 'qa', true)).toMatch(/reason/);
    expect(h.store.commands.tick('c-1', 'qa', true, 'policy exception given')).toBeNull();
    expect(h.store.commands.note('c-1', 'refunded shipping')).toBeNull();
    const r = h.store.chats.get('c-1')!.reading.value!;
    const check = (id: string) => r.checklist.find((e) => e.id === id)!;
    expect(check('history')).toMatchObject({ checked: true, source: 'manual', by: 'a-3' });
    expect(check('qa')).toMatchObject({ checked: true, reason: 'policy exception given' });
    expect(h.store.chats.get('c-1')!.state.value!.notes.map((n) => n.text)).toEqual([
      'refunded shipping',
    ]);
    expect(h.store.commands.tick('nope', 'history', true)).toMatch(/no chat/);
  });
});
