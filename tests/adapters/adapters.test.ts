// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserClipboard } from '../../src/adapters/clipboard.ts';
import { browserClock } from '../../src/adapters/clock.ts';
import { browserNotifier } from '../../src/adapters/notifier.ts';
import { type LoadedLibrary, playbookSearch, type Suggestion } from '../../src/adapters/search.ts';
import { createLocalTransport } from '../../src/adapters/transport.ts';
import type { ChatEvent } from '../../src/core/index.ts';
import { createSearch } from '../../src/search/engine.ts';
import { summarizeLibrary } from '../../src/search/summary.ts';
import { LIBRARY } from '../models/fakes.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('local transport', () => {
  it('delivers pushed events and echoes actions back, with the clock as time', async () => {
    const transport = createLocalTransport({ now: () => 42 });
    const received: ChatEvent[][] = [];
    const statuses: string[] = [];
    transport.start({
      events: (e) => received.push(e),
      status: (s) => statuses.push(s),
      config: () => {},
    });
    const started: ChatEvent = { type: 'chat.started', chatId: 'c-1', at: 1 };
    transport.push([started]);
    const tick: ChatEvent = {
      type: 'playbook.check',
      chatId: 'c-1',
      at: 2,
      item: 'history',
      checked: true,
    };
    await transport.send(tick);
    expect(received).toEqual([[started], [tick]]);
    expect(statuses).toEqual(['online']);
    expect(transport.now()).toBe(42);
    transport.dispose();
    transport.push([started]);
    expect(received.length).toBe(2);
  });
});

describe('browser clock', () => {
  it('uses the (fake) timers and reports visibility changes', () => {
    vi.useFakeTimers();
    const clock = browserClock(document);
    const fn = vi.fn();
    const id = clock.setTimeout(fn, 100);
    expect(vi.getTimerCount()).toBe(1);
    clock.clearTimeout(id);
    expect(vi.getTimerCount()).toBe(0);
    const seen = vi.fn();
    const off = clock.onVisibilityChange(seen);
    document.dispatchEvent(new Event('visibilitychange'));
    off();
    document.dispatchEvent(new Event('visibilitychange'));
    expect(seen).toHaveBeenCalledTimes(1);
    expect(clock.isHidden()).toBe(document.hidden);
  });
});

describe('clipboard', () => {
  it('rejects when the browser has no clipboard, so the widget can say so', async () => {
    await expect(browserClipboard({} as Navigator, undefined).writeText('x')).rejects.toThrow(
      /not available/,
    );
    const writeText = vi.fn(() => Promise.resolve());
    await browserClipboard({ clipboard: { writeText } } as unknown as Navigator).writeText('hi');
    expect(writeText).toHaveBeenCalledWith('hi');
  });

  it('falls back to the copy command where the Clipboard API is refused (a cross-origin frame)', async () => {
    const copied: string[] = [];
    const fields: Array<{ value: string; removed: boolean }> = [];
    const doc = {
      body: { append: (f: { value: string }) => fields.push(f as never) },
      activeElement: null,
      createElement: () => {
        const f = {
          value: '',
          removed: false,
          className: '',
          setAttribute() {},
          select() {},
          remove() {
            f.removed = true;
          },
        };
        return f;
      },
      execCommand: (name: string) => {
        copied.push(`${name}:${fields.at(-1)?.value}`);
        return true;
      },
    } as unknown as Document;
    const refused = vi.fn(() => Promise.reject(new DOMException('denied', 'NotAllowedError')));
    const nav = { clipboard: { writeText: refused } } as unknown as Navigator;
    await browserClipboard(nav, doc).writeText('Hi Dana');
    expect(refused).toHaveBeenCalled();
    expect(copied).toEqual(['copy:Hi Dana']);
    expect(fields.every((f) => f.removed)).toBe(true);
    // Both refused: the widget is told, and shows the reply to copy by hand.
    const none = { ...doc, execCommand: () => false } as unknown as Document;
    await expect(browserClipboard(nav, none).writeText('x')).rejects.toThrow(/denied/);
  });
});

describe('notifier', () => {
  it('puts the count in the title and restores it', () => {
    document.title = 'Helpdesk';
    const notifier = browserNotifier(window);
    notifier.setCount(0);
    expect(document.title).toBe('Helpdesk');
    notifier.setCount(2);
    expect(document.title).toBe('(2) Helpdesk');
    notifier.setCount(3);
    expect(document.title).toBe('(3) Helpdesk');
    notifier.dispose();
    expect(document.title).toBe('Helpdesk');
  });

  it('asks permission only on request and shows notifications once granted', async () => {
    const shown: string[] = [];
    class FakeNotification {
      static permission = 'default';
      static requestPermission = vi.fn(async () => {
        FakeNotification.permission = 'granted';
        return 'granted';
      });
      constructor(title: string) {
        shown.push(title);
      }
    }
    const win = { document, Notification: FakeNotification } as unknown as Window;
    const notifier = browserNotifier(win);
    notifier.show('before', 'x', 't');
    expect(notifier.permission()).toBe('default');
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();
    expect(await notifier.request()).toBe('granted');
    notifier.show('after', 'x', 't');
    expect(shown).toEqual(['after']);
    notifier.dispose();
  });
});

describe('search adapter (the real engine behind the port)', () => {
  const sync = (r: unknown) => r as LoadedLibrary;
  const hitIds = (r: unknown) => (r as Suggestion[]).map((hit) => hit.sop.id);

  it('searches a library, and loads a built index without re-indexing', () => {
    const { source, library, summary } = sync(playbookSearch(LIBRARY));
    const hits = source.search(
      { conversation: [{ author: 'customer', text: 'my parcel is late' }], channel: 'chat' },
      3,
    );
    expect(hitIds(hits)[0]).toBe('CS-SH-001');
    expect(library).toEqual(LIBRARY);
    expect(summary).toEqual(summarizeLibrary(LIBRARY));
    const loaded = sync(playbookSearch(createSearch(LIBRARY).serialize()));
    expect(hitIds(loaded.source.search({ text: 'parcel tracking' }, 1))).toEqual(['CS-SH-001']);
    expect(loaded.library).toEqual(LIBRARY);
    source.learn('where is my stuff', 'CS-SH-001');
  });

  it('validates what it is given, with the messages the widget shows', () => {
    expect(() =>
      playbookSearch({ format: 'sop-library/1', sops: [{ id: 'X-1', title: '' }] }),
    ).toThrow(/^invalid SOP library: SOP X-1: title: must not be empty/);
    // A built index's library is validated too; an index the engine cannot use is named.
    const built = createSearch(LIBRARY).serialize();
    expect(() => playbookSearch({ ...built, library: { format: 'sop-library/1' } })).toThrow(
      /^invalid SOP library: sops: is required/,
    );
    expect(() => playbookSearch({ ...built, version: 'nope' })).toThrow(
      /^could not index the SOP library: prebuilt index: version must be 16 hex digits/,
    );
  });
});
