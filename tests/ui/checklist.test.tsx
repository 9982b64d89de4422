// @vitest-environment jsdom
// The checklist: automatic items say why they are ticked (or what would tick them), notes
// tick "log the interaction", and QA tagging is a tag picker with the team's tags.
import { fireEvent } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIBRARY, T0 } from '../models/fakes.ts';
import { msg, started } from '../models/harness.ts';
import { advance, flush, mount, startTime } from './helpers.ts';

beforeEach(() => startTime());
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const time = (s: number) => new Date(T0 + s * 1000).toTimeString().slice(0, 5);

async function chat(...messages: Record<string, unknown>[]) {
  const w = await mount({ library: LIBRARY });
  await w.push(started('c-1', 0, 'Maria Lopez'), ...messages);
  const item = (id: string) => w.$(`[data-cp-check="${id}"]`)!;
  /** The explanation the item controls, when it is shown. */
  const why = (id: string) => {
    const panel = w.root.getElementById(item(id).getAttribute('aria-controls')!)!;
    return panel.hidden ? null : panel.textContent;
  };
  const press = async (id: string, key: string) => {
    fireEvent.keyDown(item(id), { key });
    await flush();
  };
  return { w, item, why, press };
}

describe('checklist: why an automatic item is ticked', () => {
  it('Enter on a ticked item says why, quoting the message; again hides it', async () => {
    const { w, item, why, press } = await chat(
      msg('c-1', 'm1', 5, 'agent', 'Hi Maria, thanks for waiting. How can I help you today?'),
    );
    expect(item('greet').getAttribute('aria-checked')).toBe('true');
    expect(item('greet').getAttribute('aria-expanded')).toBe('false');
    expect(why('greet')).toBeNull();
    await press('greet', 'Enter');
    expect(item('greet').getAttribute('aria-expanded')).toBe('true');
    expect(why('greet')).toBe(
      `Ticked at ${time(5)} because your first message greets the customer by name in time: “Hi Maria, thanks for waiting. How can I help you today?”`,
    );
    // Still ticked: the measured item cannot be unticked, only explained.
    expect(item('greet').getAttribute('aria-checked')).toBe('true');
    await press('greet', ' ');
    expect(item('greet').getAttribute('aria-expanded')).toBe('false');
    expect(why('greet')).toBeNull();
    w.widget.destroy();
  });

  it('says what would tick it while it is not ticked', async () => {
    const { w, item, why, press } = await chat();
    await press('greet', ' ');
    const rule = 'Ticks when your first message greets the customer by name in time.';
    expect(why('greet')).toBe(rule);
    await w.push(msg('c-1', 'm1', 45, 'agent', 'Hi Maria, sorry for the wait'));
    expect(item('greet').getAttribute('aria-checked')).toBe('false');
    expect(why('greet')).toBe(rule);
    w.widget.destroy();
  });

  it('explains a detected item by its message, and lets the agent untick it', async () => {
    const { w, item, why } = await chat(
      msg('c-1', 'm1', 5, 'agent', 'Hi Maria'),
      msg('c-1', 'm2', 8, 'customer', 'where is my parcel'),
      msg('c-1', 'm3', 12, 'agent', "I'll have an answer for you within 10 minutes."),
    );
    expect(item('expectations').dataset.cpSource).toBe('auto');
    fireEvent.click(item('expectations'));
    await flush();
    expect(why('expectations')).toContain(
      `Ticked at ${time(12)} because your message says when to expect an answer: “I'll have an answer for you within 10 minutes.”`,
    );
    fireEvent.click(w.$('[data-cp-why="expectations"] button')!);
    await flush();
    expect(item('expectations').getAttribute('aria-checked')).toBe('false');
    expect(item('expectations').dataset.cpSource).toBe('manual');
    // Now a manual mark: a click ticks it again instead of explaining.
    expect(item('expectations').getAttribute('aria-expanded')).toBeNull();
    fireEvent.click(item('expectations'));
    await flush();
    expect(item('expectations').getAttribute('aria-checked')).toBe('true');
    w.widget.destroy();
  });

  it('names the library reply a sent message carried', async () => {
    const { w, item, why } = await chat(msg('c-1', 'm1', 2, 'customer', 'parcel tracking please'));
    await advance(200);
    fireEvent.click(w.$('[data-cp-reply="r-tracking"]')!);
    await flush();
    await w.push(
      msg('c-1', 'm2', 30, 'agent', 'Hi Maria, your parcel is with the carrier. Case c-1.'),
    );
    fireEvent.click(item('snippet'));
    await flush();
    expect(why('snippet')).toContain(
      `Ticked at ${time(30)} because your message carries a reply inserted from the library: “Tracking update”`,
    );
    w.widget.destroy();
  });

  it('ticks "log the interaction" when a note is added, and says so', async () => {
    const { w, item, why } = await chat();
    expect(item('log').getAttribute('aria-checked')).toBe('false');
    const text = w.$<HTMLTextAreaElement>('#cp-note-text')!;
    fireEvent.input(text, { target: { value: 'Refunded the express charge' } });
    fireEvent.submit(text.form!);
    await flush();
    expect(item('log').getAttribute('aria-checked')).toBe('true');
    expect(item('log').dataset.cpSource).toBe('auto');
    fireEvent.click(item('log'));
    await flush();
    expect(why('log')).toContain(`because you add a note: “Refunded the express charge”`);
    w.widget.destroy();
  });

  it('still toggles a manual item on a click', async () => {
    const { w, item } = await chat();
    expect(item('history').getAttribute('aria-controls')).toBeNull();
    fireEvent.click(item('history'));
    await flush();
    expect(item('history').getAttribute('aria-checked')).toBe('true');
    w.widget.destroy();
  });
});

describe('checklist: the QA tag picker', () => {
  it("offers the default tags; a tag is the tick's reason", async () => {
    const { w, item, press } = await chat();
    await press('qa', 'Enter');
    const tags = w.$$('[data-cp-qa-tag]');
    expect(tags.map((t) => t.textContent)).toEqual(['Edge case', 'Policy exception', 'Complaint']);
    expect(w.root.activeElement).toBe(tags[0]);
    expect(w.$('[data-cp-qa-tags] legend')!.textContent).toBe('Why does this chat need QA review?');
    fireEvent.click(tags[2]!);
    await flush();
    expect(item('qa').getAttribute('aria-checked')).toBe('true');
    expect(item('qa').textContent).toContain(`ticked at ${time(0)}: Complaint`);
    expect(w.$('[data-cp-qa-tags]')).toBeNull();
    w.widget.destroy();
  });

  it("offers the team's tags, and Other with a typed reason", async () => {
    const { w, item, press } = await chat();
    w.widget.configure({ qaTags: ['Refund abuse', 'Legal threat'] });
    await press('qa', ' ');
    expect(w.$$('[data-cp-qa-tag]').map((t) => t.textContent)).toEqual([
      'Refund abuse',
      'Legal threat',
    ]);
    const reason = w.$<HTMLInputElement>('#cp-qa-reason')!;
    expect(reason.labels![0]!.textContent).toBe('Other: the reason');
    fireEvent.input(reason, { target: { value: 'asked for a refund in crypto' } });
    fireEvent.submit(reason.form!);
    await flush();
    expect(item('qa').textContent).toContain('Other: asked for a refund in crypto');
    w.widget.destroy();
  });

  it('closes on Escape without tagging', async () => {
    const { w, item, press } = await chat();
    await press('qa', 'Enter');
    fireEvent.keyDown(w.$('[data-cp-qa-tag]')!, { key: 'Escape' });
    await flush();
    expect(w.$('[data-cp-qa-tags]')).toBeNull();
    expect(item('qa').getAttribute('aria-checked')).toBe('false');
    w.widget.destroy();
  });
});
