// Mounts the real widget (createWidget) on fake adapters, with the browser clock adapter
// driven by Vitest's fake timers and a controllable `document.hidden`.

import { act } from '@testing-library/preact';
import { vi } from 'vitest';
import { memoryStorage } from '../../src/adapters/storage.ts';
import { createWidget, type WidgetAdapters } from '../../src/app.ts';
import { ReplyFormView } from '../../src/ui/ReplyForm.tsx';
import { SopDetailView } from '../../src/ui/SopDetail.tsx';
import { SupervisorView } from '../../src/ui/supervisor.tsx';
import { fakeNotifier, type fakeSource, fakeSourceFactory, T0 } from '../models/fakes.ts';

let hidden = false;

export function setHidden(value: boolean): void {
  hidden = value;
  document.dispatchEvent(new Event('visibilitychange'));
}

export async function flush(): Promise<void> {
  await act(async () => {
    await Promise.resolve();
  });
}

/** Advances fake time (running due timers) and lets Preact re-render. */
export async function advance(ms: number): Promise<void> {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

export async function mount(
  options: Record<string, unknown> = {},
  adapters: Partial<WidgetAdapters> = {},
) {
  hidden = false;
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  const host = document.createElement('div');
  document.body.append(host);
  const clipboard = { writeText: vi.fn((_text: string) => Promise.resolve()) };
  const notifier = fakeNotifier();
  const warn = vi.fn();
  const sources: ReturnType<typeof fakeSource>[] = [];
  const widget = createWidget(
    host,
    { agent: { id: 'a-3', name: 'Sam' }, ...options },
    {
      clipboard,
      notifier,
      warn,
      // Each mount its own store: picks never leak from one test into the next.
      storage: memoryStorage(),
      supervisorView: () => SupervisorView,
      replyForm: () => ReplyFormView,
      sopDetail: () => SopDetailView,
      createSource: fakeSourceFactory(sources),
      ...adapters,
    },
  );
  const events: { ready: unknown[]; error: unknown[]; reply: unknown[]; clock: unknown[] } = {
    ready: [],
    error: [],
    reply: [],
    clock: [],
  };
  for (const name of ['ready', 'error', 'clock'] as const) {
    widget.on(name, (p) => events[name].push(p));
  }
  await flush();
  const root = host.shadowRoot!;
  const $ = <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector);
  const $$ = (selector: string) => [...root.querySelectorAll<HTMLElement>(selector)];
  const at = (s: number) => new Date(T0 + s * 1000).toISOString();
  /** Pushes events with `at` given as seconds after T0. */
  const push = async (...raw: Record<string, unknown>[]) => {
    widget.events(raw.map((r) => (typeof r.at === 'number' ? { ...r, at: at(r.at) } : r)));
    await flush();
  };
  return { host, root, widget, clipboard, notifier, warn, sources, events, $, $$, push, at };
}

export function startTime(): void {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  vi.setSystemTime(T0);
}
