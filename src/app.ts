// The widget shell: createWidget mounts into an open shadow root on the host element and
// returns the handle the embed (src/embed.ts) and the ESM API build on. It validates every
// input at this boundary and never throws into the host page: problems become 'error'
// events (naming the field) and console warnings.
import { createElement, render } from 'preact';
import { defaultAdapters, type WidgetAdapters } from './adapters/index.ts';
import { createLocalTransport, type Transport } from './adapters/transport.ts';
import type { ChatEvent } from './core/index.ts';
import { validateEvent } from './core/index.ts';
import { createEmitter, type ErrorPayload, EVENT_NAMES, type Handler } from './models/emitter.ts';
import { validateOptions } from './models/options.ts';
import { createStore, type Store } from './models/store.ts';
import { App, onWidgetKeyDown } from './ui/App.tsx';
import { adoptStyles } from './ui/styles.ts';

export type { WidgetAdapters } from './adapters/index.ts';
export type { ClockPayload, ErrorPayload, ReadyPayload, ReplyPayload } from './models/emitter.ts';

export interface WidgetHandle {
  /** One protocol event (validated; bad → 'error' event naming the field). */
  event(input: unknown): void;
  /** An array of events. */
  events(input: unknown): void;
  focus(chatId: string): void;
  /** Validated; invalid → 'error', old config kept. */
  configure(thresholds: unknown): void;
  // biome-ignore lint/suspicious/noExplicitAny: host handlers receive plain payloads
  on(name: 'ready' | 'error' | 'reply' | 'clock', handler: (payload: any) => void): () => void;
  /** Unmount, stop timers, remove listeners; idempotent. */
  destroy(): void;
}

/** "at: must be …" → field "at"; messages without a field path give none. */
function fieldOf(message: string): string | undefined {
  const m = /^([\w$.[\]-]+): /.exec(message);
  return m ? m[1] : undefined;
}

export function createWidget(
  host: HTMLElement,
  options: unknown,
  adapters?: Partial<WidgetAdapters>,
): WidgetHandle {
  const a = defaultAdapters(adapters);
  const emitter = createEmitter(a.warn);
  let destroyed = false;
  // Until the host had a chance to subscribe (right after this call returns), events wait.
  let held: { name: 'ready' | 'error'; payload: unknown }[] | null = [];

  const emitLater = (name: 'ready' | 'error', payload: unknown) => {
    if (held) held.push({ name, payload });
    else if (!destroyed) emitter.emit(name, payload);
  };
  const fail = (message: string, field?: string) => {
    a.warn(
      field
        ? `${field}: ${message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message}`
        : message,
    );
    const payload: ErrorPayload = { message };
    if (field !== undefined) payload.field = field;
    emitLater('error', payload);
  };
  queueMicrotask(() => {
    const queue = held ?? [];
    held = null;
    for (const { name, payload } of queue) if (!destroyed) emitter.emit(name, payload);
  });

  const inert: WidgetHandle = {
    event() {},
    events() {},
    focus() {},
    configure() {},
    on: (name, handler) => emitter.on(name, handler as Handler),
    destroy() {
      destroyed = true;
      emitter.clear();
    },
  };

  const isElement =
    typeof host === 'object' &&
    host !== null &&
    typeof (host as HTMLElement).attachShadow === 'function';
  if (!isElement) {
    fail('target: no element to mount into', 'target');
    return inert;
  }

  const { options: opts, errors, warnings } = validateOptions(options);
  for (const w of warnings) a.warn(w);
  for (const e of errors) fail(`${e.field}: ${e.message}`, e.field);

  let root: ShadowRoot;
  try {
    root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  } catch (err) {
    fail(`target: cannot attach a shadow root (${(err as Error).message})`, 'target');
    return inert;
  }

  const local = createLocalTransport(a.clock);
  let transport: Transport = local;
  if (opts.transport.kind === 'socket') {
    if (a.socket) {
      try {
        transport = a.socket({ url: opts.transport.url, token: opts.transport.token }, a.clock);
      } catch (err) {
        fail(`transport: ${(err as Error).message}`, 'transport');
      }
    } else {
      fail('transport: socket transport not available in this build', 'transport');
    }
  }

  let store: Store;
  store = createStore({
    options: opts,
    adapters: a,
    transport,
    onClock: (payload) => {
      if (!destroyed) emitter.emit('clock', payload);
    },
    emitReply: (payload) => !destroyed && emitter.emit('reply', payload),
    onError: (message, field) => fail(message, field),
  });

  transport.start({
    events: (events) => {
      if (!destroyed) store.chats.ingest(events);
    },
    status: (status) => {
      if (destroyed) return;
      store.setTransportStatus(status);
      store.scheduler.refresh();
    },
    config: (input) => {
      if (!destroyed) applyConfig(input);
    },
  });

  const removeStyles = adoptStyles(root);
  if (!removeStyles)
    a.warn('constructable stylesheets are not supported here: the widget is unstyled');
  const container = (host.ownerDocument ?? document).createElement('div');
  container.setAttribute('data-cp-root', '');
  root.appendChild(container);
  render(createElement(App, { store }), container);
  root.addEventListener('keydown', onWidgetKeyDown as EventListener);

  void store.library.load(opts.library).then((error) => {
    if (destroyed) return;
    if (error) fail(`library: ${error}`, 'library');
    emitLater('ready', {
      library: store.library.status.peek() === 'ready' ? 'ready' : error ? 'error' : 'none',
    });
  });

  function applyConfig(input: unknown): void {
    const result = store.config.configure(input);
    if (!result.ok) {
      for (const e of result.errors) {
        const field = e.field === '(config)' ? 'thresholds' : `thresholds.${e.field}`;
        fail(`${field}: ${e.message}`, field);
      }
      return;
    }
    for (const w of result.warnings) a.warn(`thresholds.${w}`);
  }

  function accept(input: unknown, where?: string): ChatEvent | null {
    const result = validateEvent(input);
    if (result.kind === 'event') return result.event;
    if (result.kind === 'invalid') {
      const field = fieldOf(result.error);
      fail(`${where ? `${where}: ` : ''}invalid event: ${result.error}`, field);
    }
    return null;
  }

  function push(events: ChatEvent[]): void {
    if (events.length === 0) return;
    if (transport === local) local.push(events);
    else fail('events are pushed by the server with a socket transport; event() was ignored');
  }

  return {
    event(input) {
      if (destroyed) return;
      const event = accept(input);
      if (event) push([event]);
    },
    events(input) {
      if (destroyed) return;
      if (!Array.isArray(input)) {
        fail('events: must be an array of events', 'events');
        return;
      }
      const valid: ChatEvent[] = [];
      input.forEach((item, i) => {
        const event = accept(item, `events[${i}]`);
        if (event) valid.push(event);
      });
      push(valid);
    },
    focus(chatId) {
      if (destroyed) return;
      if (typeof chatId !== 'string' || chatId === '') {
        fail('chatId: focus needs a chat id', 'chatId');
        return;
      }
      store.focus(chatId);
    },
    configure(thresholds) {
      if (!destroyed) applyConfig(thresholds);
    },
    on(name, handler) {
      if (destroyed) return () => {};
      if (!EVENT_NAMES.includes(name) || typeof handler !== 'function') {
        fail(`on: unknown event '${String(name)}' or handler is not a function`, 'on');
        return () => {};
      }
      return emitter.on(name, handler as Handler);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        root.removeEventListener('keydown', onWidgetKeyDown as EventListener);
        render(null, container);
        container.remove();
        removeStyles?.();
        store.dispose();
        transport.dispose();
        if (transport !== local) local.dispose();
        a.notifier.dispose();
      } finally {
        emitter.clear();
      }
    },
  };
}
