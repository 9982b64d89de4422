// @vitest-environment jsdom
// The sidebar laid out for the minute-to-minute job (issue 14): the clock that matters, the
// next action, a chat list folded to what needs the agent, Mine/Team, and folds that are
// remembered.
import { fireEvent } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../src/adapters/storage.ts';
import { msg, started } from '../models/harness.ts';
import { advance, mount, startTime } from './helpers.ts';

beforeEach(() => startTime());
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const agentSays = (chatId: string, id: string, at: number, text: string, agentId = 'a-3') =>
  msg(chatId, id, at, 'agent', text, { agentId });
const visible = (el: HTMLElement) => !el.closest('[hidden]');

describe('sidebar: clocks and attention', () => {
  it('shows an answered breach as history, not as a live alarm, and keeps it after close', async () => {
    const w = await mount();
    await w.push(started('c-1', 0));
    await advance(47_000);
    const first = () => w.$('[data-cp-chat="c-1"] [data-cp-clock="firstResponse"]')!;
    expect(first().dataset.cpState).toBe('breached');
    expect(w.$('[data-cp-attention-count]')!.textContent).toBe('1 needs attention');

    await w.push(agentSays('c-1', 'a1', 47, 'Hi Dana, sorry for the wait!'));
    expect(first().dataset.cpState).toBe('breached');
    expect(first().dataset.cpPast).toBe('answered');
    expect(first().textContent).toContain('breached0:47· answered');
    // No longer a live alarm: nothing needs attention, and the card's clock is the history.
    expect(w.$('[data-cp-attention-count]')).toBeNull();
    expect(w.$('[data-cp-focus] [data-cp-past="answered"]')!.textContent).toContain('0:47');

    await advance(5_000);
    await w.push({ type: 'chat.closed', chatId: 'c-1', at: 60 });
    expect(first().dataset.cpPast).toBe('answered');
    expect(first().textContent).toContain('0:47');
    w.widget.destroy();
  });

  it('counts in the header exactly the chats whose rows raise an alarm', async () => {
    const w = await mount();
    await w.push(started('c-1', 0), started('c-2', 15), started('c-3', 0));
    await w.push(agentSays('c-3', 'a1', 2, 'Hi Dana!'));
    await advance(21_000);
    // c-1 is in warning (21 s), c-2 is not yet (6 s), c-3 was answered.
    const alarms = () => w.$$('[data-cp-attention]').map((row) => row.dataset.cpChat);
    expect(alarms()).toEqual(['c-1']);
    expect(w.$('[data-cp-attention-count]')!.dataset.cpAttentionCount).toBe('1');
    await advance(15_000);
    expect(alarms().sort()).toEqual(['c-1', 'c-2']);
    expect(w.$('[data-cp-attention-count]')!.textContent).toBe('2 need attention');
    w.widget.destroy();
  });

  it('escalates the greeting prompt with its clock, quoting the clock to the second', async () => {
    const w = await mount();
    await w.push(started('c-1', 0));
    const prompt = () => w.$('[data-cp-next="greet"]')!;
    const clockTime = () =>
      w.$('[data-cp-focus] [data-cp-clock], [data-cp-focus] .cp-clock .cp-time')!.textContent;
    for (const [ms, state] of [
      [12_400, 'ok'],
      [8_000, 'warning'],
      [10_000, 'breached'],
    ] as const) {
      await advance(ms);
      expect(prompt().dataset.cpState).toBe(state);
      expect(prompt().querySelector('.cp-time')!.textContent).toBe(clockTime());
      expect(prompt().querySelector('.cp-time')!.textContent).toBe(
        w.$('[data-cp-chat="c-1"] [data-cp-clock="firstResponse"] .cp-time')!.textContent,
      );
    }
    expect(prompt().textContent).toContain('over the 0:30 limit');
    await w.push(agentSays('c-1', 'a1', 31, 'Hi Dana!'));
    expect(w.$('[data-cp-next="greet"]')).toBeNull();
    w.widget.destroy();
  });
});

describe('sidebar: the chat list', () => {
  it('folds to the chats that need attention and the one on screen; the rest a click away, remembered', async () => {
    const storage = memoryStorage();
    const w = await mount({}, { storage });
    await w.push(
      started('c-1', 0),
      ...['c-2', 'c-3', 'c-4'].flatMap((id) => [started(id, 0), agentSays(id, `${id}-a`, 1, 'Hi')]),
    );
    w.widget.focus('c-4');
    await advance(21_000);
    const shown = () =>
      w
        .$$('[data-cp-chat]')
        .filter(visible)
        .map((row) => row.dataset.cpChat)
        .sort();
    expect(shown()).toEqual(['c-1', 'c-4']);
    // Every chat keeps its element (the DOM contract), folded ones hidden.
    expect(w.$$('[data-cp-chat]')).toHaveLength(4);
    const more = w.$$('button').find((b) => b.textContent === 'Show 2 more chats')!;
    expect(more.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(more);
    await advance(0);
    expect(shown()).toEqual(['c-1', 'c-2', 'c-3', 'c-4']);
    w.widget.destroy();

    const again = await mount({}, { storage });
    await again.push(started('c-1', 21), started('c-2', 21));
    expect(again.$$('[data-cp-chat]').filter(visible)).toHaveLength(2);
    expect(
      again.$$('button').find((b) => b.textContent === 'Show only chats that need you'),
    ).toBeTruthy();
    again.widget.destroy();
  });

  it('shows my chats and the queue by default, colleagues’ a filter away and marked as theirs', async () => {
    const w = await mount();
    await w.push(
      { ...started('c-mine', 0), assignee: 'a-3' },
      { ...started('c-theirs', 0), assignee: 'a-7' },
      started('c-queue', 0),
      started('c-replied', 0),
      agentSays('c-replied', 'x', 1, 'Hi there', 'a-9'),
      { type: 'chat.assigned', chatId: 'c-theirs', at: 2, agentId: 'a-7' },
    );
    fireEvent.click(w.$$('button').find((b) => /more chat/.test(b.textContent ?? ''))!);
    await advance(0);
    const shown = () =>
      w
        .$$('[data-cp-chat]')
        .filter(visible)
        .map((row) => row.dataset.cpChat)
        .sort();
    expect(w.$('[data-cp-scope="mine"]')!.getAttribute('aria-pressed')).toBe('true');
    expect(shown()).toEqual(['c-mine', 'c-queue']);
    expect(w.$('.cp-list')!.textContent).toContain("2 colleagues' chats hidden");
    expect(w.$('[data-cp-chat="c-queue"]')!.textContent).toContain('queue');

    fireEvent.click(w.$('[data-cp-scope="team"]')!);
    await advance(0);
    expect(shown()).toEqual(['c-mine', 'c-queue', 'c-replied', 'c-theirs']);
    expect(w.$('[data-cp-chat="c-theirs"]')!.textContent).toContain("a-7's");
    expect(w.$('[data-cp-chat="c-replied"]')!.textContent).toContain("a-9's");
    expect(w.$('[data-cp-chat="c-mine"]')!.textContent).not.toContain("'s");
    w.widget.destroy();
  });
});

describe('sidebar: folds', () => {
  it('folds the checklist, notes and history, each remembering its state', async () => {
    const storage = memoryStorage();
    const w = await mount({}, { storage });
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'Where is my parcel?'));
    const fold = (id: string) => w.$(`[data-cp-fold="${id}"] .cp-fold-head`)!;
    expect(fold('checklist').getAttribute('aria-expanded')).toBe('true');
    expect(fold('history').getAttribute('aria-expanded')).toBe('false');
    expect(fold('history').textContent).toContain('1 message');
    fireEvent.click(fold('checklist'));
    fireEvent.click(fold('history'));
    await advance(0);
    expect(fold('checklist').getAttribute('aria-expanded')).toBe('false');
    // Folded, the contract's checklist items are still there, hidden.
    expect(w.$('[data-cp-check="greet"]')).not.toBeNull();
    expect(visible(w.$('[data-cp-check="greet"]')!)).toBe(false);
    expect(w.$('.cp-history')!.textContent).toContain('Where is my parcel?');
    w.widget.destroy();

    const again = await mount({}, { storage });
    await again.push(started('c-1', 0));
    expect(again.$('[data-cp-fold="checklist"] .cp-fold-head')!.getAttribute('aria-expanded')).toBe(
      'false',
    );
    expect(again.$('[data-cp-fold="history"] .cp-fold-head')!.getAttribute('aria-expanded')).toBe(
      'true',
    );
    again.widget.destroy();
  });
});
