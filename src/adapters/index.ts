// Everything the widget needs from the outside world, injectable as a whole or in part.

import type { ViewLoader } from '../ui/lazy-view.tsx';
import { browserClipboard, type Clipboard } from './clipboard.ts';
import { browserClock, type Clock } from './clock.ts';
import { browserFetch, type Fetcher } from './fetch.ts';
import type { FileSourceFactory } from './file-source.ts';
import { browserNotifier, type Notifier } from './notifier.ts';
import type { SourceFactory } from './search.ts';
import { browserStorage, type KeyValueStore } from './storage.ts';
import type { SocketTransportOptions, Transport } from './transport.ts';

export interface WidgetAdapters {
  clock: Clock;
  fetch: Fetcher;
  clipboard: Clipboard;
  notifier: Notifier;
  createSource: SourceFactory;
  /**
   * Loads a library fetched by URL where the search runs (the script-tag bundle's search
   * worker), so the page never parses it; null to parse it in the page (createSource).
   */
  createSourceFromFile: FileSourceFactory | null;
  /**
   * Builds the socket transport for `transport: { url, token }`; null when this build has
   * none (the widget then reports an error and runs with the local transport).
   */
  socket: ((options: SocketTransportOptions, clock: Clock) => Transport) | null;
  /**
   * The supervisor's views (team settings): the component itself, or a promise of it where
   * they ship apart (the script-tag bundle's chunk); null when this build has none.
   */
  supervisorView: ViewLoader | null;
  /** The reply fill-in form, at once or from its chunk; null when this build has none. */
  replyForm: ViewLoader | null;
  /** An SOP opened in full, at once or from its chunk (the reply chunk). */
  sopDetail: ViewLoader | null;
  /** What the widget keeps between page loads (the agent's SOP picks). */
  storage: KeyValueStore;
  /** Where errors are logged besides the 'error' event. */
  warn: (message: string) => void;
}

/**
 * Each shell brings its search: the ESM build the engine itself, the script-tag bundle its
 * on-demand chunk. Not importing the engine here keeps MiniSearch out of the bundle.
 */
const noSearch: SourceFactory = () => {
  throw new Error('this build has no search engine');
};

export function defaultAdapters(overrides: Partial<WidgetAdapters> = {}): WidgetAdapters {
  return {
    clock: overrides.clock ?? browserClock(),
    fetch: overrides.fetch ?? browserFetch(),
    clipboard: overrides.clipboard ?? browserClipboard(),
    notifier: overrides.notifier ?? browserNotifier(),
    createSource: overrides.createSource ?? noSearch,
    createSourceFromFile: overrides.createSourceFromFile ?? null,
    socket: overrides.socket ?? null,
    supervisorView: overrides.supervisorView ?? null,
    replyForm: overrides.replyForm ?? null,
    sopDetail: overrides.sopDetail ?? null,
    storage: overrides.storage ?? browserStorage(),
    warn: overrides.warn ?? ((message) => console.warn(`[chat-playbook] ${message}`)),
  };
}

export type {
  Clipboard,
  Clock,
  Fetcher,
  FileSourceFactory,
  KeyValueStore,
  Notifier,
  SourceFactory,
};
