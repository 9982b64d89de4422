import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { Suggestion, SuggestionSource } from '../../src/adapters/search.ts';
import { memoryStorage } from '../../src/adapters/storage.ts';
import { createSuggestions, USE_CONVERSATION_KEY } from '../../src/models/suggestions.ts';
import { fakeClock, LIBRARY } from './fakes.ts';
import { harness, msg, started } from './harness.ts';

describe('suggestions model', () => {
  it('searches with the conversation, debounced, and updates when the customer writes', async () => {
    const h = harness({ library: LIBRARY });
    await h.store.library.load({ kind: 'object', data: LIBRARY });
    h.feed(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'Hi, my parcel is late'));
    expect(h.store.suggestions.pending.value).toBe(true);
    h.clock.advance(149);
    expect(h.store.suggestions.hits.value).toEqual([]);
    h.clock.advance(1);
    expect(h.store.suggestions.hits.value[0]?.sop.id).toBe('CS-SH-001');
    h.feed(msg('c-1', 'm2', 2, 'customer', 'actually I want to cancel the order'));
    h.clock.advance(150);
    expect(h.store.suggestions.hits.value.map((s) => s.sop.id)).toContain('CS-OR-001');
    const last = h.sources[0]!.queries.at(-1)!;
    expect(last.channel).toBe('chat');
    expect(last.conversation?.map((m) => m.author)).toEqual(['customer', 'customer']);
  });

  it('combines typed text with the conversation, and a tick does not search again', async () => {
    const h = harness();
    await h.store.library.load({ kind: 'object', data: LIBRARY });
    h.feed(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'hello'));
    h.clock.advance(200);
    const before = h.sources[0]!.queries.length;
    h.store.commands.tick('c-1', 'history', true);
    h.clock.advance(200);
    expect(h.sources[0]!.queries.length).toBe(before);
    h.store.suggestions.setTyped('manager');
    h.clock.advance(200);
    const q = h.sources[0]!.queries.at(-1)!;
    expect(q).toMatchObject({ text: 'manager', typing: true });
    expect(h.store.suggestions.hits.value[0]?.sop.id).toBe('CS-ES-001');
  });

  it('lets the latest query win when answers come back out of order', async () => {
    const clock = fakeClock();
    const resolvers: ((hits: Suggestion[]) => void)[] = [];
    const source: SuggestionSource = {
      search: () => new Promise<Suggestion[]>((resolve) => resolvers.push(resolve)),
      learn: () => {},
    };
    const model = createSuggestions({
      source: signal(source),
      chat: signal(undefined),
      clock,
      onError: () => {},
    });
    model.setTyped('first');
    clock.advance(150);
    model.setTyped('second');
    clock.advance(150);
    const hit = (id: string) => ({
      sop: { ...LIBRARY.sops[0]!, id },
      score: 1,
      terms: [],
      marks: [],
      steps: [],
      replies: [],
    });
    resolvers[1]!([hit('NEW')]);
    resolvers[0]!([hit('OLD')]);
    await Promise.resolve();
    await Promise.resolve();
    expect(model.hits.value.map((h) => h.sop.id)).toEqual(['NEW']);
    model.dispose();
    expect(clock.timers.size).toBe(0);
  });

  it('moves through SOPs and replies with the keyboard model, and Esc clears then closes', async () => {
    const h = harness();
    await h.store.library.load({ kind: 'object', data: LIBRARY });
    h.feed(started('c-1', 0));
    h.store.suggestions.setTyped('parcel tracking');
    h.clock.advance(150);
    const s = h.store.suggestions;
    expect(s.options.value.map((o) => o.kind)).toEqual(['sop', 'reply']);
    s.move(1);
    s.move(1);
    expect(s.options.value.find((o) => o.key === s.activeKey.value)?.kind).toBe('reply');
    s.move(1);
    expect(s.activeKey.value).toBeNull();
    s.open('CS-SH-001');
    s.clear();
    expect(s.typed.value).toBe('');
    expect(s.opened.value).toBe('CS-SH-001');
    s.clear();
    expect(s.opened.value).toBeNull();
  });
});

describe('suggestions while the agent navigates them', () => {
  /** A chat about a late parcel, its suggestions shown, the cursor on the first one. */
  async function navigating() {
    const h = harness();
    await h.store.library.load({ kind: 'object', data: LIBRARY });
    h.feed(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'my parcel is late'));
    h.clock.advance(150);
    const s = h.store.suggestions;
    expect(s.hits.value.map((x) => x.sop.id)).toEqual(['CS-SH-001']);
    s.setFocus('search');
    s.move(1);
    expect(s.activeKey.value).not.toBeNull();
    return { h, s };
  }
  const ids = (s: { hits: { value: { sop: { id: string } }[] } }) =>
    s.hits.value.map((x) => x.sop.id);

  it('holds what a new message brings behind a cue, and shows it when asked', async () => {
    const { h, s } = await navigating();
    h.feed(msg('c-1', 'm2', 2, 'customer', 'actually cancel the order instead'));
    h.clock.advance(150);
    expect(ids(s)).toEqual(['CS-SH-001']);
    expect(s.held.value).toBe(true);
    // The cursor stays where it was.
    expect(s.activeKey.value).toBe(s.options.value[0]!.key);
    s.showHeld();
    expect(ids(s)).toContain('CS-OR-001');
    expect(s.held.value).toBe(false);
  });

  it('shows at once what the agent types, and drops what was held', async () => {
    const { h, s } = await navigating();
    h.feed(msg('c-1', 'm2', 2, 'customer', 'actually cancel the order instead'));
    h.clock.advance(150);
    expect(s.held.value).toBe(true);
    s.setTyped('manager');
    expect(s.held.value).toBe(false);
    h.clock.advance(150);
    expect(ids(s)).toContain('CS-ES-001');
    expect(s.held.value).toBe(false);
  });

  it('updates in place when a new message leaves the list in the same order', async () => {
    const { h, s } = await navigating();
    h.feed(msg('c-1', 'm2', 2, 'customer', 'the tracking says nothing'));
    h.clock.advance(150);
    expect(s.held.value).toBe(false);
    expect(s.hits.value[0]!.terms).toContain('tracking');
  });

  it('holds while focus is in the list; the cue stays after focus leaves, until newer news', async () => {
    const { h, s } = await navigating();
    s.setFocus('list');
    h.feed(msg('c-1', 'm2', 2, 'customer', 'actually cancel the order instead'));
    h.clock.advance(150);
    expect(s.held.value).toBe(true);
    s.setFocus(null);
    expect(s.held.value).toBe(true);
    expect(ids(s)).toEqual(['CS-SH-001']);
    // Not navigating any more: the next message's suggestions show directly.
    h.feed(msg('c-1', 'm3', 3, 'customer', 'I want to speak to a manager'));
    h.clock.advance(150);
    expect(s.held.value).toBe(false);
    expect(ids(s)).toContain('CS-ES-001');
  });

  it('does not hold while the agent is only typing in the box, with no cursor', async () => {
    const { h, s } = await navigating();
    s.move(-1);
    expect(s.activeKey.value).toBeNull();
    h.feed(msg('c-1', 'm2', 2, 'customer', 'actually cancel the order instead'));
    h.clock.advance(150);
    expect(s.held.value).toBe(false);
    expect(ids(s)).toContain('CS-OR-001');
  });

  it('undoes one thing per Esc: the text, the opened SOP, the navigation, then nothing', async () => {
    const { h, s } = await navigating();
    h.feed(msg('c-1', 'm2', 2, 'customer', 'actually cancel the order instead'));
    h.clock.advance(150);
    s.open('CS-SH-001');
    s.setTyped('parcel');
    expect(s.clear()).toBe(true);
    expect(s.typed.value).toBe('');
    expect(s.opened.value).toBe('CS-SH-001');
    h.clock.advance(150);
    s.move(1);
    h.feed(msg('c-1', 'm3', 3, 'customer', 'I want to speak to a manager'));
    h.clock.advance(150);
    expect(s.held.value).toBe(true);
    expect(s.clear()).toBe(true);
    expect(s.opened.value).toBeNull();
    // Closing ended the navigation too: the held suggestions are shown.
    expect(s.held.value).toBe(false);
    expect(s.activeKey.value).toBeNull();
    expect(ids(s)).toContain('CS-ES-001');
    expect(s.clear()).toBe(false);
  });
});

describe('"Use the conversation"', () => {
  it('leaves the conversation out of typed searches when off, and remembers the choice', async () => {
    const storage = memoryStorage();
    const h = harness({}, 0, {}, storage);
    await h.store.library.load({ kind: 'object', data: LIBRARY });
    const s = h.store.suggestions;
    expect(s.useConversation.value).toBe(true);
    h.feed(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'my parcel is late'));
    s.setTyped('manager');
    h.clock.advance(150);
    expect(h.sources[0]!.queries.at(-1)!.conversation).toHaveLength(1);
    s.setUseConversation(false);
    h.clock.advance(150);
    expect(h.sources[0]!.queries.at(-1)).toMatchObject({ text: 'manager', conversation: [] });
    // New messages do not search again while only the typed words count.
    const asked = h.sources[0]!.queries.length;
    h.feed(msg('c-1', 'm2', 2, 'customer', 'and cancel my order'));
    h.clock.advance(150);
    expect(h.sources[0]!.queries.length).toBe(asked);
    // With nothing typed the conversation drives the suggestions as ever.
    s.setTyped('');
    h.clock.advance(150);
    expect(h.sources[0]!.queries.at(-1)!.conversation).toHaveLength(2);
    expect(s.hits.value.map((x) => x.sop.id)).toContain('CS-OR-001');

    const again = harness({}, 0, {}, storage);
    expect(again.store.suggestions.useConversation.value).toBe(false);
    again.store.suggestions.setUseConversation(true);
    expect(harness({}, 0, {}, storage).store.suggestions.useConversation.value).toBe(true);
  });

  it('is on unless storage says "0"', () => {
    const storage = memoryStorage();
    storage.set(USE_CONVERSATION_KEY, 'garbage');
    expect(harness({}, 0, {}, storage).store.suggestions.useConversation.value).toBe(true);
  });
});
