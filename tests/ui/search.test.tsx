// @vitest-environment jsdom
// The search box as the agent uses it: `/` from the widget and (opt-in) from the host page, Esc
// back to where `/` came from, the "Use the conversation" switch, typed words leading and
// marked, and the list held still behind a "New suggestions" cue while the agent navigates it.
import { fireEvent } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { playbookSearch } from '../../src/adapters/search.ts';
import { memoryStorage } from '../../src/adapters/storage.ts';
import { USE_CONVERSATION_KEY } from '../../src/models/suggestions.ts';
import { LIBRARY } from '../models/fakes.ts';
import { msg, started } from '../models/harness.ts';
import { advance, flush, mount, startTime } from './helpers.ts';

beforeEach(() => startTime());
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

/** A host page control and a host page text field beside the widget. */
function hostControls() {
  const button = document.createElement('button');
  button.textContent = 'Host button';
  const field = document.createElement('input');
  document.body.append(button, field);
  return { button, field };
}

type Mounted = Awaited<ReturnType<typeof mount>>;
const search = (w: Mounted) => w.$<HTMLInputElement>('[data-cp-search]')!;
const ids = (w: Mounted) => w.$$('[data-cp-suggestion]').map((e) => e.dataset.cpSuggestion);

describe('search: keys', () => {
  it('`/` on the host page focuses the search when the host allows it; Esc goes back', async () => {
    const w = await mount({ library: LIBRARY, searchShortcut: true });
    const { button } = hostControls();
    button.focus();
    const slash = fireEvent.keyDown(button, { key: '/' });
    expect(slash).toBe(false); // the page does not also get the character
    expect(document.activeElement).toBe(w.host);
    expect(w.root.activeElement).toBe(search(w));
    fireEvent.input(search(w), { target: { value: 'parcel' } });
    // The first Esc clears what was typed and stays; the next one returns to the page.
    fireEvent.keyDown(search(w), { key: 'Escape' });
    expect(search(w).value).toBe('');
    expect(w.root.activeElement).toBe(search(w));
    fireEvent.keyDown(search(w), { key: 'Escape' });
    expect(document.activeElement).toBe(button);
    w.widget.destroy();
  });

  it("leaves `/` to the host's fields, to hosts that did not opt in, and after destroy", async () => {
    const w = await mount({ library: LIBRARY, searchShortcut: true });
    const { button, field } = hostControls();
    field.focus();
    expect(fireEvent.keyDown(field, { key: '/' })).toBe(true);
    expect(document.activeElement).toBe(field);
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    document.body.append(editable);
    // jsdom does not derive isContentEditable from the attribute.
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    expect(fireEvent.keyDown(editable, { key: '/' })).toBe(true);
    button.focus();
    expect(fireEvent.keyDown(button, { key: '/', ctrlKey: true })).toBe(true);
    expect(document.activeElement).toBe(button);
    w.widget.destroy();
    expect(fireEvent.keyDown(button, { key: '/' })).toBe(true);
    expect(document.activeElement).toBe(button);

    const plain = await mount({ library: LIBRARY });
    button.focus();
    expect(fireEvent.keyDown(button, { key: '/' })).toBe(true);
    expect(document.activeElement).toBe(button);
    plain.widget.destroy();
  });

  it('`/` inside the widget and Esc come back to the control it was on', async () => {
    const w = await mount({ library: LIBRARY });
    const alerts = w.$$('button').find((b) => b.textContent?.startsWith('Alerts'))!;
    alerts.focus();
    fireEvent.keyDown(alerts, { key: '/' });
    expect(w.root.activeElement).toBe(search(w));
    fireEvent.keyDown(search(w), { key: 'Escape' });
    expect(w.root.activeElement).toBe(alerts);
    // Reached by a click rather than `/`, Esc has nowhere to return to: focus stays.
    search(w).focus();
    fireEvent.keyDown(search(w), { key: 'Escape' });
    expect(w.root.activeElement).toBe(search(w));
    w.widget.destroy();
  });

  it('names a searchShortcut that is not true or false', async () => {
    const w = await mount({ library: LIBRARY, searchShortcut: 'yes' });
    expect(w.events.error).toEqual([
      { message: 'searchShortcut: must be true or false', field: 'searchShortcut' },
    ]);
    w.widget.destroy();
  });
});

describe('search: typed words and the conversation', () => {
  it('ranks and marks by the typed words; the conversation only breaks ties', async () => {
    const w = await mount({ library: LIBRARY }, { createSource: playbookSearch });
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'my parcel is late'));
    await advance(200);
    expect(ids(w)[0]).toBe('CS-SH-001');
    fireEvent.input(search(w), { target: { value: 'order' } });
    await advance(200);
    expect(ids(w)[0]).toBe('CS-OR-001');
    const marked = w.$$('[data-cp-suggestion] mark').map((m) => m.textContent?.toLowerCase());
    expect(marked.length).toBeGreaterThan(0);
    expect(new Set(marked)).toEqual(new Set(['order']));
    w.widget.destroy();
  });

  it('has a "Use the conversation" switch that typed searches follow and storage keeps', async () => {
    const storage = memoryStorage();
    const w = await mount({ library: LIBRARY }, { storage });
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'my parcel is late'));
    const toggle = w.$<HTMLInputElement>('[data-cp-use-conversation]')!;
    expect(toggle.type).toBe('checkbox');
    expect(toggle.closest('label')!.textContent).toBe('Use the conversation');
    expect(toggle.checked).toBe(true);
    fireEvent.input(search(w), { target: { value: 'manager' } });
    await advance(200);
    expect(ids(w)).toContain('CS-SH-001');
    fireEvent.click(toggle);
    await advance(200);
    expect(toggle.checked).toBe(false);
    expect(ids(w)).toEqual(['CS-ES-001']);
    expect(w.sources[0]!.queries.at(-1)!.conversation).toEqual([]);
    expect(storage.get(USE_CONVERSATION_KEY)).toBe('0');
    w.widget.destroy();

    const again = await mount({ library: LIBRARY }, { storage });
    expect(again.$<HTMLInputElement>('[data-cp-use-conversation]')!.checked).toBe(false);
    again.widget.destroy();
  });
});

describe('search: the list holds still while the agent navigates it', () => {
  it('shows a "New suggestions" cue instead of reordering, and the new list on demand', async () => {
    const w = await mount({ library: LIBRARY });
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'my parcel is late'));
    await advance(200);
    search(w).focus();
    fireEvent.keyDown(search(w), { key: 'ArrowDown' });
    await flush();
    const cursor = search(w).getAttribute('aria-activedescendant');
    expect(cursor).not.toBeNull();
    await w.push(msg('c-1', 'm2', 2, 'customer', 'actually just cancel the order'));
    await advance(200);
    expect(ids(w)).toEqual(['CS-SH-001']);
    expect(search(w).getAttribute('aria-activedescendant')).toBe(cursor);
    const cue = w.$('[data-cp-new-suggestions]')!;
    expect(cue.textContent).toBe('New suggestions');
    expect(cue.closest('[role="status"]')).not.toBeNull();
    fireEvent.click(cue);
    await flush();
    expect(ids(w)).toContain('CS-OR-001');
    expect(w.$('[data-cp-new-suggestions]')).toBeNull();
    // The agent carries on from the search box.
    expect(w.root.activeElement).toBe(search(w));
    w.widget.destroy();
  });

  it('updates at once when the agent is not navigating', async () => {
    const w = await mount({ library: LIBRARY });
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'my parcel is late'));
    await advance(200);
    search(w).focus();
    await w.push(msg('c-1', 'm2', 2, 'customer', 'actually just cancel the order'));
    await advance(200);
    expect(ids(w)).toContain('CS-OR-001');
    expect(w.$('[data-cp-new-suggestions]')).toBeNull();
    w.widget.destroy();
  });
});
