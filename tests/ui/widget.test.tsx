// @vitest-environment jsdom
import { fireEvent } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { playbookSearch } from '../../src/adapters/search.ts';
import { memoryStorage } from '../../src/adapters/storage.ts';
import { createSearch } from '../../src/search/engine.ts';
import { LIBRARY } from '../models/fakes.ts';
import { msg, started } from '../models/harness.ts';
import { advance, flush, mount, setHidden, startTime } from './helpers.ts';

beforeEach(() => startTime());
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('widget: mounting and the DOM contract', () => {
  it('mounts in an open shadow root with adopted styles and no inline styles', async () => {
    const w = await mount();
    expect(w.host.shadowRoot?.mode).toBe('open');
    expect(w.root.adoptedStyleSheets.length).toBe(1);
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'hi <b>there</b>'));
    expect(w.root.querySelector('style')).toBeNull();
    expect(w.root.querySelector('[style]')).toBeNull();
    expect(w.events.ready).toEqual([{ library: 'none' }]);
    w.widget.destroy();
  });

  it('renders one element per chat with both clocks, state and m:ss', async () => {
    const w = await mount();
    await w.push(started('c-1', 0), started('c-2', 0, 'Ann Bo', 'vip'));
    expect(
      w
        .$$('[data-cp-chat]')
        .map((e) => e.dataset.cpChat)
        .sort(),
    ).toEqual(['c-1', 'c-2']);
    const clock = w.$('[data-cp-chat="c-1"] [data-cp-clock="firstResponse"]')!;
    expect(clock.dataset.cpState).toBe('ok');
    expect(clock.textContent).toContain('0:00');
    expect(w.$('[data-cp-chat="c-1"] [data-cp-clock="gap"]')!.dataset.cpState).toBe('ok');
    expect(w.$('[data-cp-chat="c-2"]')!.textContent).toContain('vip');
    w.widget.destroy();
  });

  it('ticks warning → breached at the right instants with one timer, and fires clock events', async () => {
    const w = await mount();
    await w.push(started('c-1', 0));
    const clock = () => w.$('[data-cp-chat="c-1"] [data-cp-clock="firstResponse"]')!;
    expect(vi.getTimerCount()).toBe(1);
    await advance(19_999);
    expect(clock().dataset.cpState).toBe('ok');
    expect(clock().textContent).toContain('0:19');
    await advance(1);
    expect(clock().dataset.cpState).toBe('warning');
    expect(clock().textContent).toContain('0:20');
    expect(vi.getTimerCount()).toBe(1);
    await advance(10_001);
    expect(clock().dataset.cpState).toBe('breached');
    expect(w.events.clock).toEqual([
      { chatId: 'c-1', clock: 'firstResponse', state: 'ok' },
      { chatId: 'c-1', clock: 'gap', state: 'ok' },
      { chatId: 'c-1', clock: 'firstResponse', state: 'warning' },
      { chatId: 'c-1', clock: 'firstResponse', state: 'breached' },
    ]);
    expect(w.$('[data-cp-live="polite"]')!.textContent).toContain('first response warning');
    expect(w.$('[data-cp-live="assertive"]')!.textContent).toContain('first response breached');
    w.widget.destroy();
  });

  it('does no work while hidden and shows the right clock at once after a 10-minute sleep', async () => {
    const w = await mount();
    await w.push(
      started('c-1', 0),
      msg('c-1', 'm1', 3, 'agent', 'Hi Dana'),
      msg('c-1', 'm2', 5, 'customer', 'where is my parcel'),
    );
    await advance(1_000);
    setHidden(true);
    await flush();
    expect(vi.getTimerCount()).toBe(0);
    await advance(10 * 60_000);
    expect(vi.getTimerCount()).toBe(0);
    setHidden(false);
    await flush();
    const gap = w.$('[data-cp-chat="c-1"] [data-cp-clock="gap"]')!;
    expect(gap.dataset.cpState).toBe('breached');
    // 10:01 after T0 − wait started at 0:05 = 9:56.
    expect(gap.textContent).toContain('9:56');
    expect(vi.getTimerCount()).toBe(1);
    w.widget.destroy();
  });

  it('lists chats most urgent first', async () => {
    const w = await mount();
    await w.push(
      started('answered', 0, 'Zoe Ng'),
      msg('answered', 'm1', 1, 'agent', 'Hi Zoe'),
      started('newer', 25, 'Max Li'),
      started('older', 10, 'Ida Ko'),
      started('breached', 0, 'Bo Yu'),
    );
    await advance(31_000);
    expect(w.$$('[data-cp-chat]').map((e) => e.dataset.cpChat)).toEqual([
      'breached',
      'older',
      'newer',
      'answered',
    ]);
    w.widget.destroy();
  });

  it('shows the unread customer message count', async () => {
    const w = await mount();
    await w.push(
      started('a', 0),
      started('b', 0),
      msg('b', 'm1', 1, 'customer', 'hello?'),
      msg('b', 'm2', 2, 'customer', 'anyone?'),
    );
    expect(w.$('[data-cp-chat="b"] .cp-unread')!.textContent).toBe('2 unread');
    fireEvent.click(w.$('[data-cp-chat="b"] button')!);
    await flush();
    expect(w.$('[data-cp-chat="b"] .cp-unread')).toBeNull();
    w.widget.destroy();
  });

  it('asks a listening host to open a picked chat, and shows it once the host focuses it', async () => {
    const w = await mount();
    const opened: unknown[] = [];
    w.widget.on('open', (p) => opened.push(p));
    await w.push(started('a', 0), started('b', 0));
    const focusedChat = () => w.$('[data-cp-focused]')?.getAttribute('data-cp-chat');
    expect(focusedChat()).toBe('a');
    fireEvent.click(w.$('[data-cp-chat="b"] button')!);
    await flush();
    // embed.md: the host opens that conversation and answers with focus.
    expect(opened).toEqual([{ chatId: 'b' }]);
    expect(focusedChat()).toBe('a');
    w.widget.focus('b');
    await flush();
    expect(focusedChat()).toBe('b');
    w.widget.destroy();
  });
});

describe('widget: checklist', () => {
  it('ticks a manual item with Space and Enter and updates aria-checked', async () => {
    const w = await mount();
    await w.push(started('c-1', 0));
    const item = () => w.$('[data-cp-check="history"]')!;
    expect(item().getAttribute('role')).toBe('checkbox');
    expect(item().getAttribute('aria-checked')).toBe('false');
    expect(item().tabIndex).toBe(0);
    fireEvent.keyDown(item(), { key: ' ' });
    await flush();
    expect(item().getAttribute('aria-checked')).toBe('true');
    fireEvent.keyDown(item(), { key: 'Enter' });
    await flush();
    expect(item().getAttribute('aria-checked')).toBe('false');
    w.widget.destroy();
  });

  it('marks automatic ticks as such and keeps measured items read-only', async () => {
    const w = await mount();
    await w.push(started('c-1', 0), msg('c-1', 'm1', 5, 'agent', 'Hi Dana, how can I help?'));
    const greet = w.$('[data-cp-check="greet"]')!;
    expect(greet.getAttribute('aria-checked')).toBe('true');
    expect(greet.dataset.cpSource).toBe('auto');
    expect(greet.textContent).toContain('auto-ticked');
    expect(greet.getAttribute('aria-readonly')).toBe('true');
    fireEvent.keyDown(greet, { key: ' ' });
    await flush();
    expect(w.$('[data-cp-check="greet"]')!.getAttribute('aria-checked')).toBe('true');
    w.widget.destroy();
  });

  it('needs a reason to tag for QA', async () => {
    const w = await mount();
    await w.push(started('c-1', 0));
    fireEvent.keyDown(w.$('[data-cp-check="qa"]')!, { key: 'Enter' });
    await flush();
    const input = w.$<HTMLInputElement>('#cp-qa-reason')!;
    // The tag picker opens on its first tag; "Other" takes a typed reason.
    expect(w.root.activeElement).toBe(w.$('[data-cp-qa-tag]'));
    fireEvent.submit(input.form!);
    await flush();
    expect(w.$('[data-cp-check="qa"]')!.getAttribute('aria-checked')).toBe('false');
    expect(w.$('#cp-qa-reason-error')!.textContent).toMatch(/type a reason/);
    fireEvent.input(input, { target: { value: 'customer disputed our records' } });
    fireEvent.submit(input.form!);
    await flush();
    const qa = w.$('[data-cp-check="qa"]')!;
    expect(qa.getAttribute('aria-checked')).toBe('true');
    expect(qa.textContent).toContain('Other: customer disputed our records');
    w.widget.destroy();
  });

  it('keeps notes with the chat', async () => {
    const w = await mount();
    await w.push(started('c-1', 0));
    const text = w.$<HTMLTextAreaElement>('#cp-note-text')!;
    fireEvent.input(text, { target: { value: 'Refunded the express charge' } });
    fireEvent.submit(text.form!);
    await flush();
    expect(w.$('.cp-notes')!.textContent).toContain('Refunded the express charge');
    w.widget.destroy();
  });
});

describe('widget: suggestions and replies', () => {
  it('loads a library object, then updates suggestions when a customer message arrives', async () => {
    const w = await mount({ library: LIBRARY });
    expect(w.events.ready).toEqual([{ library: 'ready' }]);
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'my parcel is late'));
    await advance(200);
    const first = w.$$('[data-cp-suggestion]').map((e) => e.dataset.cpSuggestion);
    expect(first[0]).toBe('CS-SH-001');
    const marks = w.$$('[data-cp-suggestion="CS-SH-001"] mark').map((m) => m.textContent);
    expect(marks).toContain('parcel');
    await w.push(msg('c-1', 'm2', 2, 'customer', 'I want to speak to a manager'));
    await advance(200);
    expect(w.$$('[data-cp-suggestion]').map((e) => e.dataset.cpSuggestion)).toContain('CS-ES-001');
    w.widget.destroy();
  });

  it('loads a built index by URL into the real search engine', async () => {
    const index = createSearch(LIBRARY).serialize();
    const fetch = vi.fn(async () => ({ ok: true, status: 200, json: async () => index }));
    const w = await mount({ library: '/sops/index.json' }, { fetch, createSource: playbookSearch });
    await flush();
    expect(w.events.ready).toEqual([{ library: 'ready' }]);
    await w.push(
      started('c-1', 0),
      msg('c-1', 'm1', 1, 'customer', 'my parcel has not arrived, where is it?'),
    );
    await advance(200);
    expect(w.$$('[data-cp-suggestion]')[0]?.dataset.cpSuggestion).toBe('CS-SH-001');
    expect(w.$('[data-cp-suggestion="CS-SH-001"] [data-cp-reply]')).not.toBeNull();
    w.widget.destroy();
  });

  it('rejects an invalid library, naming the SOP and field, and keeps running', async () => {
    const bad = { format: 'sop-library/1', sops: [{ id: 'X-1', title: '' }] };
    const w = await mount({ library: bad });
    expect(w.events.error).toHaveLength(1);
    expect((w.events.error[0] as { message: string; field: string }).field).toBe('library');
    expect((w.events.error[0] as { message: string }).message).toMatch(/X-1.*title/);
    expect(w.$('[data-cp-library="error"]')).not.toBeNull();
    await w.push(started('c-1', 0));
    expect(w.$('[data-cp-chat="c-1"]')).not.toBeNull();
    w.widget.destroy();
  });

  it('asks for fill-in fields, previews, then fires reply with the filled text', async () => {
    const w = await mount({ library: LIBRARY });
    const replies: unknown[] = [];
    w.widget.on('reply', (p) => replies.push(p));
    await w.push(
      started('c-1', 0, 'Dana Lee'),
      msg('c-1', 'm1', 1, 'customer', 'my order has not arrived'),
    );
    await advance(200);
    fireEvent.click(w.$('[data-cp-suggestion="CS-SH-001"] [data-cp-reply="r-ask-order"]')!);
    await flush();
    const field = w.$<HTMLInputElement>('[data-cp-field="timeframe"]')!;
    expect(field.required).toBe(true);
    expect(w.root.activeElement).toBe(field);
    fireEvent.submit(field.form!);
    await flush();
    expect(replies).toEqual([]);
    expect(field.getAttribute('aria-invalid')).toBe('true');
    fireEvent.input(field, { target: { value: '10 minutes' } });
    await flush();
    expect(w.$('[data-cp-preview]')!.textContent).toBe(
      'Thanks Dana! Could you share your order number? I will have an answer within 10 minutes.',
    );
    fireEvent.submit(field.form!);
    await flush();
    expect(replies).toEqual([
      {
        chatId: 'c-1',
        sopId: 'CS-SH-001',
        replyId: 'r-ask-order',
        text: 'Thanks Dana! Could you share your order number? I will have an answer within 10 minutes.',
      },
    ]);
    expect(w.clipboard.writeText).not.toHaveBeenCalled();
    // Inserting alone ticks nothing (protocol.md); the search learns from the pick at once.
    expect(w.$('[data-cp-check="snippet"]')!.getAttribute('aria-checked')).toBe('false');
    // The agent edits it a little and sends it: the message carries the reply, `snippet` ticks.
    await w.push({
      type: 'message',
      chatId: 'c-1',
      id: 'a-9',
      at: 40,
      author: 'agent',
      text: 'Thanks Dana! Could you share your order number, please? I will have an answer within 10 minutes.',
    });
    expect(w.$('[data-cp-check="snippet"]')!.getAttribute('aria-checked')).toBe('true');
    expect(w.sources[0]!.learned).toEqual([
      { text: 'my order has not arrived', sopId: 'CS-SH-001' },
    ]);
    w.widget.destroy();
  });

  it('remembers the team’s picks across page loads and teaches them to the next search', async () => {
    const storage = memoryStorage();
    const first = await mount({ library: LIBRARY }, { storage });
    first.widget.on('reply', () => {});
    await first.push(
      started('c-1', 0, 'Dana Lee', 'standard'),
      msg('c-1', 'm1', 1, 'customer', 'parcel tracking please'),
    );
    await advance(200);
    fireEvent.click(first.$('[data-cp-suggestion="CS-SH-001"] [data-cp-reply="r-tracking"]')!);
    await flush();
    expect(first.sources[0]!.learned).toEqual([
      { text: 'parcel tracking please', sopId: 'CS-SH-001' },
    ]);
    first.widget.destroy();

    // A reload: a new widget on the same storage teaches its new search what was picked.
    const second = await mount({ library: LIBRARY }, { storage });
    expect(second.sources[0]!.learned).toEqual([
      { text: 'parcel tracking please', sopId: 'CS-SH-001' },
    ]);
    second.widget.destroy();

    // Another team's widget starts from its own picks.
    const other = await mount(
      { library: LIBRARY, transport: 'local' },
      { storage: memoryStorage() },
    );
    expect(other.sources[0]!.learned).toEqual([]);
    other.widget.destroy();
  });

  it('copies to the clipboard and says so when the host has no reply handler', async () => {
    const w = await mount({ library: LIBRARY });
    await w.push(
      started('c-1', 0, 'Dana Lee', 'standard'),
      msg('c-1', 'm1', 1, 'customer', 'parcel tracking please'),
    );
    await advance(200);
    fireEvent.click(w.$('[data-cp-suggestion="CS-SH-001"] [data-cp-reply="r-tracking"]')!);
    await flush();
    expect(w.clipboard.writeText).toHaveBeenCalledWith(
      'Hi Dana, your parcel is with the carrier. Case c-1.',
    );
    expect(w.$('[data-cp-notice]')!.textContent).toMatch(/Copied .* clipboard/);
    w.widget.destroy();
  });

  it('shows the reply to copy by hand when the clipboard fails', async () => {
    const w = await mount(
      { library: LIBRARY },
      { clipboard: { writeText: () => Promise.reject(new Error('denied')) } },
    );
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'parcel tracking please'));
    await advance(200);
    fireEvent.click(w.$('[data-cp-reply="r-tracking"]')!);
    await flush();
    expect(w.$('[data-cp-notice="error"] textarea')!.textContent ?? '').toBe('');
    expect(w.$<HTMLTextAreaElement>('[data-cp-notice="error"] textarea')!.value).toContain(
      'your parcel is with the carrier',
    );
    w.widget.destroy();
  });

  it('supports / to focus search, arrows to move, Enter to open or insert, Esc to clear', async () => {
    const w = await mount({ library: LIBRARY });
    const replies: { replyId: string }[] = [];
    w.widget.on('reply', (p) => replies.push(p));
    await w.push(started('c-1', 0));
    const heading = w.$('#cp-chats-h')!;
    fireEvent.keyDown(heading, { key: '/' });
    const search = w.$<HTMLInputElement>('[data-cp-search]')!;
    expect(w.root.activeElement).toBe(search);
    fireEvent.input(search, { target: { value: 'parcel tracking' } });
    await advance(200);
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    await flush();
    expect(search.getAttribute('aria-activedescendant')).toBe(
      w.$('[data-cp-suggestion="CS-SH-001"] .cp-title')!.id,
    );
    fireEvent.keyDown(search, { key: 'Enter' });
    await flush();
    expect(w.$('[data-cp-sop="CS-SH-001"]')).not.toBeNull();
    search.focus();
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    await flush();
    const active = w.$('[data-cp-active]')!;
    expect(active.dataset.cpReply).toBe('r-tracking');
    fireEvent.keyDown(search, { key: 'Enter' });
    await flush();
    expect(replies.map((r) => r.replyId)).toEqual(['r-tracking']);
    fireEvent.keyDown(search, { key: 'Escape' });
    await flush();
    expect(search.value).toBe('');
    w.widget.destroy();
  });

  it('prompts to escalate naming the trigger and opens the escalation SOP', async () => {
    const w = await mount({ library: LIBRARY });
    await w.push(
      started('c-1', 0),
      msg('c-1', 'm1', 1, 'customer', 'I want to speak to a manager now'),
    );
    const prompt = w.$('[data-cp-escalation]')!;
    expect(prompt.textContent).toMatch(/asked for a manager/);
    const link = [...prompt.querySelectorAll('button')].find((b) =>
      b.textContent?.includes('CS-ES-001'),
    )!;
    fireEvent.click(link);
    await flush();
    expect(w.$('[data-cp-sop="CS-ES-001"]')!.textContent).toContain(
      'Hand the case to the Team Lead',
    );
    w.widget.destroy();
  });

  it('offers a set-expectations reply when the waiting clock warns', async () => {
    const w = await mount({ library: LIBRARY });
    await w.push(
      started('c-1', 0),
      msg('c-1', 'm1', 2, 'agent', 'Hi Dana'),
      msg('c-1', 'm2', 3, 'customer', 'is it coming?'),
    );
    expect(w.$('[data-cp-expectations]')).toBeNull();
    await advance(93_000);
    const offer = w.$('[data-cp-expectations]')!;
    expect(offer.textContent).toContain('Set expectations');
    fireEvent.click(offer);
    await flush();
    expect(w.$('[data-cp-fill="r-hold"] [data-cp-field="timeframe"]')).not.toBeNull();
    w.widget.destroy();
  });

  it('marks stale SOPs', async () => {
    const w = await mount({ library: LIBRARY });
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'please cancel my order'));
    await advance(200);
    expect(w.$('[data-cp-suggestion="CS-OR-001"] [data-cp-stale]')).not.toBeNull();
    expect(w.$('[data-cp-suggestion="CS-OR-001"]')!.textContent).toContain(
      'reviewed 18 months ago',
    );
    w.widget.destroy();
  });
});

describe('widget: errors and teardown', () => {
  it('reports a bad event naming the field and keeps working', async () => {
    const w = await mount();
    w.widget.event({
      type: 'message',
      chatId: 'c-1',
      id: 'm1',
      at: 'yesterday',
      author: 'customer',
      text: 'x',
    });
    w.widget.event({ type: 'message', chatId: 'c-1', id: 'm1', at: 1, author: 'robot', text: 'x' });
    w.widget.events('nope');
    await w.push(started('c-1', 0));
    expect(w.events.error.map((e) => (e as { field?: string }).field)).toEqual([
      'at',
      'author',
      'events',
    ]);
    expect(w.warn).toHaveBeenCalledTimes(3);
    expect(w.$('[data-cp-chat="c-1"]')).not.toBeNull();
    w.widget.destroy();
  });

  it('reports bad options by field without throwing, and mounts anyway', async () => {
    const w = await mount({ agent: { name: 42 }, thresholds: { maxGapS: 0 }, library: 5 });
    expect(w.events.error.map((e) => (e as { field?: string }).field)).toEqual([
      'agent.name',
      'library',
      'thresholds.maxGapS',
    ]);
    expect(w.root.querySelector('[data-cp-widget]')).not.toBeNull();
    w.widget.destroy();
  });

  it('reports the socket transport as unavailable', async () => {
    const w = await mount({ transport: { url: 'https://rt.example', token: 't' } });
    expect(w.events.error).toEqual([
      { field: 'transport', message: 'transport: socket transport not available in this build' },
    ]);
    w.widget.destroy();
  });

  it('rejects bad thresholds at run time and keeps the old ones', async () => {
    const w = await mount();
    await w.push(started('c-1', 0));
    w.widget.configure({ firstResponseWarnS: 40 });
    expect((w.events.error[0] as { field: string }).field).toBe('thresholds.firstResponseWarnS');
    w.widget.configure({ firstResponseWarnS: 5 });
    await advance(5_000);
    expect(w.$('[data-cp-chat="c-1"] [data-cp-clock="firstResponse"]')!.dataset.cpState).toBe(
      'warning',
    );
    w.widget.destroy();
  });

  it('shows loading then an error state for a library URL that fails', async () => {
    let reject: (e: Error) => void = () => {};
    const fetch = vi.fn(
      () =>
        new Promise<never>((_, r) => {
          reject = r;
        }),
    );
    const w = await mount({ library: '/sops/index.json' }, { fetch });
    expect(fetch).toHaveBeenCalledWith('/sops/index.json', expect.anything());
    expect(w.$('[data-cp-library="loading"]')).not.toBeNull();
    reject(new Error('HTTP 404'));
    await flush();
    await flush();
    expect(w.$('[data-cp-library="error"]')!.textContent).toContain('/sops/index.json');
    expect(w.events.error.map((e) => (e as { field?: string }).field)).toEqual(['library']);
    expect(w.events.ready).toEqual([{ library: 'error' }]);
    w.widget.destroy();
  });

  it('destroy leaves no timers, no DOM and no listeners; it is idempotent', async () => {
    const w = await mount({ library: LIBRARY });
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'parcel'));
    fireEvent.input(w.$('[data-cp-search]')!, { target: { value: 'late' } });
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    w.widget.destroy();
    w.widget.destroy();
    expect(vi.getTimerCount()).toBe(0);
    expect(w.root.childNodes.length).toBe(0);
    expect(w.root.adoptedStyleSheets.length).toBe(0);
    setHidden(true);
    setHidden(false);
    expect(vi.getTimerCount()).toBe(0);
    w.widget.event(started('c-2', 0));
    expect(w.events.error).toEqual([]);
  });
});
