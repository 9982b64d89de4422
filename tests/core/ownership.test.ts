// protocol.md "Ownership", with the precedence docs/ownership.md chooses: the latest explicit
// assignment by `at` (chat.started's assignee, chat.assigned; null = the queue) owns the chat;
// with none ever, the author of the latest public agent message does.
import { describe, expect, it } from 'vitest';
import {
  type ChatEvent,
  type ChatState,
  isMine,
  parseEventLine,
  validateEvent,
} from '../../src/core/index.ts';
import {
  agent,
  auditLines,
  closed,
  customer,
  internal,
  iso,
  line,
  messageRaw,
  type Raw,
  runChat,
  started,
  startedRaw,
  type Time,
  timelineOf,
  toEvent,
} from '../support/events.ts';

function assignedRaw(chatId: string, t: Time, agentId: string | null): Raw {
  return { type: 'chat.assigned', chatId, at: iso(t), agentId };
}

const assigned = (chatId: string, t: Time, agentId: string | null) =>
  toEvent(assignedRaw(chatId, t, agentId));

/** An agent's public message, with its author's id. */
const by = (agentId: string, id: string, t: Time, text = 'Hi Dana') =>
  agent('c', id, t, text, { agentId });

/** The chat's state after its events, delivered in the given order. */
function stateOf(events: readonly ChatEvent[]): ChatState {
  const state = timelineOf(events).state;
  if (!state) throw new Error('no chat');
  return state;
}

const ownerOf = (events: readonly ChatEvent[]) => stateOf(events).owner;

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('ownership: who works the chat', () => {
  it('nobody owns a chat nobody has assigned or answered', () => {
    const state = stateOf([started('c', 0), customer('c', 'm1', 1)]);
    expect([state.owner, state.ownerFrom]).toEqual([null, null]);
  });

  it('chat.started may carry an assignee: the chat is theirs from the start', () => {
    const state = stateOf([started('c', 0, { name: 'Dana' }), customer('c', 'm1', 1)]);
    expect(state.owner).toBeNull();
    const assignedAtStart = stateOf([
      toEvent({ ...startedRaw('c', 0), assignee: 'a-7' }),
      customer('c', 'm1', 1),
    ]);
    expect([assignedAtStart.owner, assignedAtStart.ownerFrom]).toEqual(['a-7', 'assignment']);
  });

  it('chat.assigned hands the chat to an agent, and a later one to another', () => {
    expect(ownerOf([started('c', 0), assigned('c', 5, 'a-1')])).toBe('a-1');
    expect(ownerOf([started('c', 0), assigned('c', 5, 'a-1'), assigned('c', 9, 'a-2')])).toBe(
      'a-2',
    );
  });

  it('agentId null returns the chat to the queue, even after an agent answered', () => {
    const state = stateOf([
      toEvent({ ...startedRaw('c', 0), assignee: 'a-1' }),
      by('a-1', 'm1', 10),
      assigned('c', 20, null),
    ]);
    expect([state.owner, state.ownerFrom]).toEqual([null, 'assignment']);
  });

  it('without an assignment, the author of the latest public agent message owns it', () => {
    expect(ownerOf([started('c', 0), by('a-1', 'm1', 10)])).toBe('a-1');
    expect(ownerOf([started('c', 0), by('a-1', 'm1', 10), by('a-2', 'm2', 20)])).toBe('a-2');
    const state = stateOf([started('c', 0), by('a-1', 'm1', 10), by('a-2', 'm2', 20)]);
    expect(state.ownerFrom).toBe('message');
  });

  it('internal notes and messages without an agentId change no owner', () => {
    const events = [
      started('c', 0),
      by('a-1', 'm1', 10),
      agent('c', 'm2', 20, 'note for a-2', { agentId: 'a-2', internal: true }),
      agent('c', 'm3', 30, 'no author id'),
    ];
    expect(ownerOf(events)).toBe('a-1');
  });

  it('an explicit assignment wins over later messages by someone else', () => {
    const events = [started('c', 0), assigned('c', 5, 'a-1'), by('a-2', 'm1', 10)];
    expect(ownerOf(events)).toBe('a-1');
  });

  it('the latest assignment by `at` wins, whichever is chat.started’s assignee', () => {
    // chat.started stamped after a message and after an assignment: its assignee is latest.
    const events = [
      customer('c', 'm1', 0),
      assigned('c', 5, 'a-1'),
      toEvent({ ...startedRaw('c', 8), assignee: 'a-2' }),
    ];
    expect(ownerOf(events)).toBe('a-2');
    expect(ownerOf([...events, assigned('c', 9, 'a-3')])).toBe('a-3');
  });

  it('the owner does not depend on arrival order (every order of six events)', () => {
    const events = [
      started('c', 0),
      by('a-1', 'm1', 10),
      assigned('c', 20, 'a-2'),
      by('a-3', 'm2', 30),
      assigned('c', 40, null),
      assigned('c', 50, 'a-4'),
    ];
    const owners = new Set<string | null>();
    for (const order of permutations(events)) owners.add(ownerOf(order));
    expect([...owners]).toEqual(['a-4']);
    // Without the last assignment the queue (null at 40 s) wins, in every order too.
    const queue = new Set<string | null>();
    for (const order of permutations(events.slice(0, 5))) queue.add(ownerOf(order));
    expect([...queue]).toEqual([null]);
  });

  it('two assignments at the same `at`: the later arrival wins (the engine’s tie rule)', () => {
    expect(ownerOf([started('c', 0), assigned('c', 5, 'a-1'), assigned('c', 5, 'a-2')])).toBe(
      'a-2',
    );
    expect(ownerOf([started('c', 0), assigned('c', 5, 'a-2'), assigned('c', 5, 'a-1')])).toBe(
      'a-1',
    );
  });

  it('an assignment after close changes nothing: the owner at close is kept', () => {
    const events = [started('c', 0), by('a-1', 'm1', 10), closed('c', 60)];
    expect(ownerOf([...events, assigned('c', 70, null)])).toBe('a-1');
  });

  it('an assignment for an unknown chat starts no chat', () => {
    expect(timelineOf([assigned('ghost', 5, 'a-1')]).state).toBeUndefined();
  });
});

describe('ownership: chat.assigned is ignored by the timers', () => {
  it('never moves Start or End, never answers, never ends a wait', () => {
    const base = [
      started('c', 0),
      customer('c', 'm1', 1, 'Hi'),
      by('a-1', 'm2', 10),
      customer('c', 'm3', 20, 'still there?'),
    ];
    const withAssignments = [
      assigned('c', -60, 'a-1'),
      ...base,
      assigned('c', 25, 'a-2'),
      assigned('c', 900, null),
    ];
    expect(runChat(withAssignments)).toEqual(runChat(base));
    // End is the last message (20 s): a wait of 0 s, not 880 s.
    expect(runChat(withAssignments).longestGapS).toBe(0);
  });
});

describe('ownership: the boundary', () => {
  it('a well-formed chat.assigned is an event; agentId null is the queue', () => {
    expect(validateEvent(assignedRaw('c', 5, 'a-1'))).toMatchObject({
      kind: 'event',
      event: { type: 'chat.assigned', chatId: 'c', agentId: 'a-1' },
    });
    expect(validateEvent(assignedRaw('c', 5, null))).toMatchObject({
      kind: 'event',
      event: { agentId: null },
    });
  });

  it.each<[string, Raw]>([
    ['no agentId', { type: 'chat.assigned', chatId: 'c', at: iso(5) }],
    ['an empty agentId', assignedRaw('c', 5, '')],
    ['a number agentId', { ...assignedRaw('c', 5, null), agentId: 7 }],
    ['an agentId of 201 characters', assignedRaw('c', 5, 'a'.repeat(201))],
    ['no chatId', { type: 'chat.assigned', at: iso(5), agentId: 'a-1' }],
    ['a bad at', { ...assignedRaw('c', 5, 'a-1'), at: '10:00' }],
  ])('a malformed chat.assigned (%s) is ignored like an unknown type, never invalid', (_l, raw) => {
    expect(validateEvent(raw)).toEqual({ kind: 'ignored', type: 'chat.assigned' });
  });

  it('a transcript with malformed chat.assigned lines has no invalid line', () => {
    const lines = [
      line(startedRaw('c', 0)),
      line({ type: 'chat.assigned', chatId: 'c', at: 'soon', agentId: 'a-1' }),
      line({ type: 'chat.assigned', chatId: 'c', at: iso(3) }),
      line(messageRaw('c', 'm1', 5, 'customer', 'Hi')),
    ];
    expect(auditLines(lines.join('\n')).summary).toMatchObject({ chats: 1, invalidLines: 0 });
  });

  it('chat.started’s assignee is validated like other fields, naming it', () => {
    const long = validateEvent({ ...startedRaw('c', 0), assignee: 'a'.repeat(201) });
    expect(long).toEqual({
      kind: 'invalid',
      error: 'assignee: is 201 characters, more than 200',
    });
    for (const bad of ['', 42, ['a-1']]) {
      const r = validateEvent({ ...startedRaw('c', 0), assignee: bad });
      expect(r.kind).toBe('invalid');
      if (r.kind === 'invalid') expect(r.error).toMatch(/^assignee: must be an agent id or null/);
    }
  });

  it('chat.started’s assignee null reads as "not assigned" (the same as leaving it out)', () => {
    const r = parseEventLine(line({ ...startedRaw('c', 0), assignee: null }));
    expect(r).toMatchObject({ kind: 'event' });
    if (r.kind === 'event') expect('assignee' in r.event).toBe(false);
    const state = stateOf([toEvent({ ...startedRaw('c', 0), assignee: null }), by('a-1', 'm', 5)]);
    expect([state.owner, state.ownerFrom]).toEqual(['a-1', 'message']);
  });
});

describe('ownership: per-agent figures', () => {
  it('lists every agent who sent a public message, once, in order of their first', () => {
    const state = stateOf([
      started('c', 0),
      internal('c', 'm0', 2),
      by('a-2', 'm1', 10),
      by('a-1', 'm2', 20),
      by('a-2', 'm3', 30),
      agent('c', 'm4', 40, 'internal', { agentId: 'a-9', internal: true }),
      agent('c', 'm5', 50, 'no id'),
    ]);
    expect(state.agents).toEqual(['a-2', 'a-1']);
  });

  it('the first responder is the author of the first public agent message', () => {
    const state = stateOf([
      started('c', 0),
      agent('c', 'm0', 5, 'internal', { agentId: 'a-9', internal: true }),
      by('a-2', 'm2', 20),
      by('a-1', 'm1', 10),
    ]);
    expect(state.firstResponderId).toBe('a-1');
    // A first reply without an agentId has no known responder, even if a named one follows.
    const anonymous = stateOf([started('c', 0), agent('c', 'm1', 10), by('a-1', 'm2', 20)]);
    expect(anonymous.firstResponderId).toBeNull();
  });

  it('an assignment does not make an agent who never wrote count for the chat', () => {
    const state = stateOf([started('c', 0), assigned('c', 5, 'a-1'), by('a-2', 'm1', 10)]);
    expect(state.agents).toEqual(['a-2']);
    expect(state.firstResponderId).toBe('a-2');
  });
});

describe('isMine: the "mine" view', () => {
  const owned = stateOf([started('c', 0), assigned('c', 5, 'a-1')]);
  const queued = stateOf([started('c', 0), assigned('c', 5, null)]);
  const fresh = stateOf([started('c', 0)]);

  it('shows the agent’s own chats, not a colleague’s', () => {
    expect(isMine(owned, 'a-1')).toBe(true);
    expect(isMine(owned, 'a-2')).toBe(false);
  });

  it('shows unassigned chats (the queue) to every agent', () => {
    expect(isMine(queued, 'a-2')).toBe(true);
    expect(isMine(fresh, 'a-2')).toBe(true);
  });

  it('without an agent id, every chat is shown', () => {
    expect(isMine(owned, undefined)).toBe(true);
    expect(isMine(owned, '')).toBe(true);
  });
});
