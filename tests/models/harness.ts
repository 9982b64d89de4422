// A store wired like the widget, on fake adapters, without any DOM.
import { defaultAdapters } from '../../src/adapters/index.ts';
import { memoryStorage } from '../../src/adapters/storage.ts';
import { createLocalTransport, type Transport } from '../../src/adapters/transport.ts';
import { type ChatEvent, validateEvent } from '../../src/core/index.ts';
import type { ClockPayload, ReplyPayload } from '../../src/models/emitter.ts';
import { validateOptions } from '../../src/models/options.ts';
import { createStore } from '../../src/models/store.ts';
import { fakeClock, fakeNotifier, type fakeSource, fakeSourceFactory, T0 } from './fakes.ts';

export function harness(
  options: unknown = {},
  serverOffsetMs = 0,
  /** What a server transport adds to the local one (e.g. `sharePick`, `onPicks`). */
  transportExtras: Partial<Transport> = {},
  storage = memoryStorage(),
) {
  const clock = fakeClock();
  const notifier = fakeNotifier();
  const sources: ReturnType<typeof fakeSource>[] = [];
  const adapters = defaultAdapters({
    clock,
    notifier,
    clipboard: { writeText: () => Promise.resolve() },
    fetch: () => Promise.reject(new Error('no fetch in tests')),
    storage,
    createSource: fakeSourceFactory(sources),
    warn: () => {},
  });
  // The transport's now() is the server-corrected time the clocks are measured against.
  const transport = Object.assign(
    createLocalTransport({ now: () => clock.time + serverOffsetMs }),
    transportExtras,
  );
  const clocks: ClockPayload[] = [];
  const replies: ReplyPayload[] = [];
  const errors: string[] = [];
  const { options: opts } = validateOptions(options);
  const store = createStore({
    options: opts,
    adapters,
    transport,
    onClock: (p) => clocks.push(p),
    emitReply: (p) => {
      replies.push(p);
      return true;
    },
    onError: (m) => errors.push(m),
  });
  transport.start({ events: (e) => store.chats.ingest(e), status: () => {}, config: () => {} });
  /** Feeds protocol events (JSON-like, `at` as seconds after T0). */
  const feed = (...raw: Record<string, unknown>[]) => {
    const events: ChatEvent[] = raw.map((r) => {
      const input = typeof r.at === 'number' && r.at < 1e9 ? { ...r, at: T0 + r.at * 1000 } : r;
      const v = validateEvent(input);
      if (v.kind !== 'event') throw new Error(`bad test event: ${JSON.stringify(v)}`);
      return v.event;
    });
    transport.push(events);
  };
  return { clock, notifier, store, transport, clocks, replies, errors, feed, sources };
}

export const started = (chatId: string, at: number, name = 'Dana Lee', tier = 'standard') => ({
  type: 'chat.started',
  chatId,
  at,
  customer: { id: `u-${chatId}`, name, tier },
  channel: 'web',
});

export const msg = (
  chatId: string,
  id: string,
  at: number,
  author: string,
  text: string,
  extra = {},
) => ({
  type: 'message',
  chatId,
  id,
  at,
  author,
  text,
  ...extra,
});
