import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { Suggestion, SuggestionSource } from '../../src/adapters/search.ts';
import { createSuggestions } from '../../src/models/suggestions.ts';
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
