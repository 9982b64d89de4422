// The widget shell: createWidget mounts into an open shadow root on the host element and
// returns the handle the embed (src/embed.ts) and the ESM API build on. It validates every
// input at this boundary and never throws into the host page: problems become 'error'
// events (naming the field) and console warnings.
import { batch } from '@preact/signals';
import { createElement, render } from 'preact';
import { defaultAdapters, type WidgetAdapters } from './adapters/index.ts';
import { createLocalTransport, type Transport } from './adapters/transport.ts';
import { type ChatEvent, validateEvent } from './core/index.ts';
import {
  createEmitter,
  EVENT_NAMES,
  type Handler,
  type WidgetEventName,
} from './models/emitter.ts';
import { validateHostFields } from './models/fill.ts';
import { type FieldError, thresholdErrors, validateOptions } from './models/options.ts';
import { createStore, type Store } from './models/store.ts';
import { App } from './ui/App.tsx';
import { listenForHostSlash, onWidgetKeyDown } from './ui/shortcuts.ts';
import { adoptStyles } from './ui/styles.ts';

export type { WidgetAdapters } from './adapters/index.ts';
export type {
  ClockPayload,
  ErrorPayload,
  OpenPayload,
  ReadyPayload,
  ReplyPayload,
} from './models/emitter.ts';

export interface WidgetHandle {
  /** One protocol event (validated; bad → 'error' event naming the field). */
  event(input: unknown): void;
  /** An array of events. */
  events(input: unknown): void;
  focus(chatId: string): void;
  /** Validated; invalid → 'error', old config kept. */
  configure(thresholds: unknown): void;
  /** The host's values for a chat's reply fill-ins, replacing earlier ones (docs/embedding.md). */
  fields(chatId: string, values: unknown, source?: unknown): void;
  on(
    name: 'ready' | 'error' | 'reply' | 'clock' | 'open',
    // biome-ignore lint/suspicious/noExplicitAny: host handlers receive plain payloads
    handler: (payload: any) => void,
  ): () => void;
  /** Unmount, stop timers, remove listeners; idempotent. */
  destroy(): void;
}

export function createWidget(
  host: HTMLElement,
  options: unknown,
  adapters?: Partial<WidgetAdapters>,
): WidgetHandle {
  const a = defaultAdapters(adapters);
  const emitter = createEmitter(a.warn);
  let destroyed = false;
  // Set once mounted; until then (or for good, when mounting failed) commands do nothing.
  let store: Store | undefined;
  let teardown = () => {};
  const noop = () => {};
  const live =
    <T>(command: (input: T, store: Store) => void) =>
    (input: T) => {
      if (!destroyed && store) command(input, store);
    };
  // Until the host had a chance to subscribe (right after this call returns), events wait.
  let held: [WidgetEventName, unknown][] | null = [];
  queueMicrotask(() => {
    const queue = held!;
    held = null;
    for (const [name, payload] of queue) if (!destroyed) emitter.emit(name, payload);
  });
  const emitLater = (name: WidgetEventName, payload: unknown) => {
    if (held) held.push([name, payload]);
    else if (!destroyed) emitter.emit(name, payload);
  };
  const fail = (message: string, field?: string) => {
    a.warn(field && !message.startsWith(`${field}: `) ? `${field}: ${message}` : message);
    emitLater('error', field === undefined ? { message } : { message, field });
  };
  const failAll = (errors: FieldError[]) => {
    for (const e of errors) fail(`${e.field}: ${e.message}`, e.field);
  };

  const configure = live((input: unknown, store) => {
    const result = store.config.configure(input);
    if (!result.ok) failAll(thresholdErrors(result.errors));
    else for (const w of result.warnings) a.warn(`thresholds.${w}`);
  });

  function accept(input: unknown, where = ''): ChatEvent[] {
    const result = validateEvent(input);
    if (result.kind === 'event') return [result.event];
    if (result.kind === 'invalid') {
      // "at: must be …" names the field; messages without a field path name none.
      const field = /^([\w$.[\]-]+): /.exec(result.error)?.[1];
      fail(`${where}invalid event: ${result.error}`, field);
    }
    return [];
  }

  function push(events: ChatEvent[]): void {
    if (events.length === 0) return;
    if (transport === local) local.push(events);
    else fail('events are pushed by the server with a socket transport; event() was ignored');
  }

  const handle: WidgetHandle = {
    event: live((input) => push(accept(input))),
    events: live((input) => {
      if (!Array.isArray(input)) fail('events: must be an array of events', 'events');
      else push(input.flatMap((item, i) => accept(item, `events[${i}]: `)));
    }),
    focus: live((chatId, store) => {
      if (typeof chatId === 'string' && chatId !== '') store.focus(chatId);
      else fail('chatId: focus needs a chat id', 'chatId');
    }),
    configure,
    fields(chatId, values, source) {
      if (destroyed || !store) return;
      const checked = validateHostFields(values, source);
      if (typeof chatId !== 'string' || chatId === '')
        fail('chatId: fields needs a chat id', 'chatId');
      else if (!checked.ok) fail(`${checked.field}: ${checked.message}`, checked.field);
      else store.commands.setHostFields(chatId, checked.fields);
    },
    on(name, handler) {
      if (destroyed) return noop;
      if (EVENT_NAMES.includes(name) && typeof handler === 'function') {
        return emitter.on(name, handler as Handler);
      }
      fail(`on: unknown event '${String(name)}' or handler is not a function`, 'on');
      return noop;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        teardown();
      } finally {
        emitter.clear();
      }
    },
  };

  if (typeof (host as HTMLElement | null)?.attachShadow !== 'function') {
    fail('target: no element to mount into', 'target');
    return handle;
  }

  const { options: opts, errors, warnings } = validateOptions(options);
  for (const w of warnings) a.warn(w);
  failAll(errors);

  let root: ShadowRoot;
  try {
    root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  } catch (err) {
    fail(`target: cannot attach a shadow root (${(err as Error).message})`, 'target');
    return handle;
  }

  const local = createLocalTransport(a.clock);
  let transport: Transport = local;
  if (opts.transport.kind === 'custom') transport = opts.transport.transport;
  else if (opts.transport.kind === 'socket') {
    try {
      if (!a.socket) throw new Error('socket transport not available in this build');
      transport = a.socket(opts.transport, a.clock);
    } catch (err) {
      fail(`transport: ${(err as Error).message}`, 'transport');
    }
  }

  const mounted = createStore({
    options: opts,
    adapters: a,
    transport,
    onClock: (payload) => !destroyed && emitter.emit('clock', payload),
    emitReply: (payload) => !destroyed && emitter.emit('reply', payload),
    emitOpen: (payload) => !destroyed && emitter.emit('open', payload),
    onError: fail,
  });
  store = mounted;

  transport.start({
    // Read the time first: readings of the new events are at this instant, not the last tick.
    events: live((events, store) =>
      batch(() => {
        store.scheduler.refresh();
        store.chats.ingest(events);
        store.role.refresh();
      }),
    ),
    status: live((status, store) => {
      store.transportStatus.value = status;
      store.scheduler.refresh();
      store.role.refresh();
    }),
    // Each push may follow the server's welcome: the supervisor view re-reads the role.
    config: (input) => {
      configure(input);
      store?.role.refresh();
    },
    error: (message) => {
      if (!destroyed) fail(message);
    },
  });

  const removeStyles = adoptStyles(root);
  if (!removeStyles) {
    a.warn('constructable stylesheets are not supported here: the widget is unstyled');
  }
  const container = (host.ownerDocument ?? document).createElement('div');
  container.setAttribute('data-cp-root', '');
  root.appendChild(container);
  render(
    createElement(App, {
      store: mounted,
      views: { supervisor: a.supervisorView, replyForm: a.replyForm, sopDetail: a.sopDetail },
    }),
    container,
  );
  root.addEventListener('keydown', onWidgetKeyDown);
  const stopHostSlash = opts.searchShortcut ? listenForHostSlash(host, root) : noop;
  teardown = () => {
    stopHostSlash();
    root.removeEventListener('keydown', onWidgetKeyDown);
    render(null, container);
    container.remove();
    removeStyles?.();
    mounted.dispose();
    transport.dispose();
    if (transport !== local) local.dispose();
    a.notifier.dispose();
  };

  void mounted.library.load(opts.library).then(
    live((error, store) => {
      if (error) fail(`library: ${error}`, 'library');
      emitLater('ready', {
        library: store.library.status.peek() === 'ready' ? 'ready' : error ? 'error' : 'none',
      });
    }),
  );
  return handle;
}
