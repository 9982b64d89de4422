// The script-tag shell (shared/spec/embed.md): drains the queue stub's calls, replaces
// `window.ChatPlaybook` with the real command function and runs every command against one
// widget. Nothing here throws into the host page: problems become `error` events (and a
// console warning). This module exports nothing, so the IIFE bundle defines no global of its
// own and cannot clobber the queue before it is drained.

import {
  chunkUrl,
  REPLY_CHUNK,
  REPLY_KEY,
  SEARCH_CHUNK,
  SOCKET_CHUNK,
  SOP_DETAIL_KEY,
  SUPERVISOR_CHUNK,
  SUPERVISOR_KEY,
} from './adapters/chunks.ts';
import { lazyFileSearch, lazySearch } from './adapters/lazy-search.ts';
import { lazySocketTransport } from './adapters/lazy-socket.ts';
import { lazyView } from './adapters/lazy-view.ts';
import { createWidget, type WidgetHandle } from './app.ts';
import { isObject } from './core/guards.ts';

type EventName = 'ready' | 'error' | 'reply' | 'clock' | 'open';
// biome-ignore lint/suspicious/noExplicitAny: payloads are plain data for the host page
type Handler = (payload: any) => void;

interface EmbedError {
  command: string;
  field?: string;
  message: string;
}

/** `window.ChatPlaybook` before (the stub, with its queue `q`) and after (the real one). */
interface CommandFunction {
  (...args: unknown[]): unknown;
  q?: ArrayLike<unknown>[];
  /** Marks the real function, so a second copy of the bundle does not wrap the first. */
  loaded?: true;
  version?: string;
}

const EVENT_NAMES: readonly EventName[] = ['ready', 'error', 'reply', 'clock', 'open'];
const VERSION = '1';

/** Commands held until `init` (or while its target is awaited) before they are dropped. */
const MAX_HELD = 10_000;

type Mount =
  /** No widget: widget commands are held and run right after the next `init`. */
  | { kind: 'idle'; held: unknown[][] }
  /** `init` named a selector that is not in the document yet: wait for DOMContentLoaded. */
  | { kind: 'waiting'; backlog: unknown[][]; cancel: () => void }
  | {
      kind: 'mounted';
      widget: WidgetHandle;
      unsubscribe: Map<EventName, () => void>;
      ready: { payload: unknown } | null;
    };

function install(win: Window & { ChatPlaybook?: CommandFunction }): void {
  const existing = win.ChatPlaybook;
  if (typeof existing === 'function' && existing.loaded) return;

  // Read while this script runs: `currentScript` is null once it has finished.
  const bundleScript = win.document.currentScript as HTMLScriptElement | null;
  const searchChunk = chunkUrl(SEARCH_CHUNK, win.document, bundleScript);
  const socketChunk = chunkUrl(SOCKET_CHUNK, win.document, bundleScript);
  const supervisorChunk = chunkUrl(SUPERVISOR_CHUNK, win.document, bundleScript);
  const replyChunk = chunkUrl(REPLY_CHUNK, win.document, bundleScript);
  const handlers = new Map<EventName, Set<Handler>>(EVENT_NAMES.map((name) => [name, new Set()]));
  let mount: Mount = { kind: 'idle', held: [] };

  const warn = (...parts: unknown[]): void => {
    try {
      console.warn('[chat-playbook]', ...parts);
    } catch {
      // a host that broke its console gets no warnings
    }
  };

  const deliver = (name: EventName, payload: unknown): void => {
    for (const handler of [...(handlers.get(name) ?? [])]) {
      try {
        handler(payload);
      } catch (err) {
        warn(`a '${name}' handler threw:`, err);
      }
    }
  };

  const fail = (error: EmbedError): void => {
    warn(`${error.command}: ${error.field ? `${error.field}: ` : ''}${error.message}`);
    deliver('error', error);
  };

  // The widget's own events reach the host through these subscriptions. `reply` is
  // subscribed only while the host has a reply handler: without one the widget copies the
  // reply to the clipboard instead (embed.md).
  const wanted = (name: EventName): boolean =>
    name === 'error' || name === 'ready' || (handlers.get(name)?.size ?? 0) > 0;

  const syncSubscriptions = (): void => {
    if (mount.kind !== 'mounted') return;
    const current = mount;
    for (const name of EVENT_NAMES) {
      const subscribed = current.unsubscribe.get(name);
      if (wanted(name) && !subscribed) {
        try {
          current.unsubscribe.set(
            name,
            current.widget.on(name, (payload: unknown) => fromWidget(current, name, payload)),
          );
        } catch (err) {
          warn(`could not subscribe to '${name}':`, err);
        }
      } else if (!wanted(name) && subscribed) {
        current.unsubscribe.delete(name);
        safely('on', subscribed);
      }
    }
  };

  const fromWidget = (
    from: Extract<Mount, { kind: 'mounted' }>,
    name: EventName,
    payload: unknown,
  ): void => {
    if (mount !== from) return; // a late event from a destroyed widget
    // The widget logs its own errors (its `warn` adapter); the host hears them here.
    if (name === 'ready') from.ready = { payload };
    deliver(name, payload);
  };

  const safely = (command: string, run: () => void): void => {
    try {
      run();
    } catch (err) {
      fail({ command, message: err instanceof Error ? err.message : String(err) });
    }
  };

  const resolveTarget = (target: unknown): HTMLElement | string | null => {
    if (typeof target === 'string') {
      if (target.trim() === '') return null;
      try {
        return (win.document.querySelector(target) as HTMLElement | null) ?? target;
      } catch {
        return null;
      }
    }
    const ElementCtor = (win as unknown as { HTMLElement: typeof HTMLElement }).HTMLElement;
    if (target instanceof ElementCtor) return target;
    return null;
  };

  const init = (options: unknown): void => {
    if (mount.kind !== 'idle') {
      fail({ command: 'init', message: 'already initialised; call destroy before init again' });
      return;
    }
    if (!isObject(options)) {
      fail({ command: 'init', field: 'options', message: 'must be an object' });
      return;
    }
    const target = resolveTarget(options.target);
    if (target === null) {
      fail({
        command: 'init',
        field: 'target',
        message: 'must be an element or a CSS selector that matches one',
      });
      return;
    }
    if (typeof target === 'string') {
      if (win.document.readyState !== 'loading') {
        fail({ command: 'init', field: 'target', message: `no element matches '${target}'` });
        return;
      }
      // The page is still parsing: mount once the target exists, keep later commands.
      const backlog = mount.held;
      const onReady = (): void => {
        if (mount.kind !== 'waiting') return;
        mount = { kind: 'idle', held: mount.backlog };
        init(options);
      };
      win.document.addEventListener('DOMContentLoaded', onReady);
      mount = {
        kind: 'waiting',
        backlog,
        cancel: () => win.document.removeEventListener('DOMContentLoaded', onReady),
      };
      return;
    }
    if (target.isConnected === false) {
      fail({ command: 'init', field: 'target', message: 'the element is not in the document' });
      return;
    }
    const { target: _target, ...widgetOptions } = options;
    let widget: WidgetHandle;
    try {
      widget = createWidget(target, widgetOptions, {
        createSource: lazySearch(searchChunk, win.document, (message) => warn(message)),
        createSourceFromFile: lazyFileSearch(searchChunk, win.document),
        socket: lazySocketTransport(socketChunk, win.document, (message) => warn(message)),
        supervisorView: lazyView(supervisorChunk, SUPERVISOR_KEY, win.document),
        replyForm: lazyView(replyChunk, REPLY_KEY, win.document),
        sopDetail: lazyView(replyChunk, SOP_DETAIL_KEY, win.document),
      });
    } catch (err) {
      fail({ command: 'init', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    const held = mount.held;
    mount = { kind: 'mounted', widget, unsubscribe: new Map(), ready: null };
    syncSubscriptions();
    for (const args of held) run(args);
  };

  const destroy = (): void => {
    if (mount.kind === 'waiting') mount.cancel();
    if (mount.kind === 'mounted') {
      const current = mount;
      for (const unsubscribe of current.unsubscribe.values()) safely('destroy', unsubscribe);
      current.unsubscribe.clear();
      safely('destroy', () => current.widget.destroy());
    }
    mount = { kind: 'idle', held: [] };
    for (const set of handlers.values()) set.clear();
  };

  const on = (name: unknown, handler: unknown): (() => void) => {
    const noop = (): void => {};
    if (!isEventName(name)) {
      fail({ command: 'on', field: 'name', message: `must be one of ${EVENT_NAMES.join(', ')}` });
      return noop;
    }
    if (typeof handler !== 'function') {
      fail({ command: 'on', field: 'handler', message: 'must be a function' });
      return noop;
    }
    const fn = handler as Handler;
    handlers.get(name)!.add(fn);
    syncSubscriptions();
    // `ready` is a state as much as an event: a handler that arrives late still hears it.
    if (name === 'ready' && mount.kind === 'mounted' && mount.ready) {
      const { payload } = mount.ready;
      const from = mount;
      queueMicrotask(() => {
        if (mount !== from || !handlers.get('ready')!.has(fn)) return;
        try {
          fn(payload);
        } catch (err) {
          warn(`a 'ready' handler threw:`, err);
        }
      });
    }
    return () => off(name, fn);
  };

  const off = (name: unknown, handler: unknown): void => {
    if (!isEventName(name)) return;
    handlers.get(name)!.delete(handler as Handler);
    syncSubscriptions();
  };

  /** Widget commands before `init` wait for it, so every loading order behaves the same. */
  const withWidget = (
    command: string,
    args: unknown[],
    use: (widget: WidgetHandle) => void,
  ): void => {
    if (mount.kind !== 'mounted') {
      const held = mount.kind === 'idle' ? mount.held : mount.backlog;
      if (held.length >= MAX_HELD) {
        fail({
          command,
          message: `not initialised, and ${MAX_HELD} commands already wait for init: dropped`,
        });
      } else {
        held.push(args);
      }
      return;
    }
    const { widget } = mount;
    safely(command, () => use(widget));
  };

  const run = (list: ArrayLike<unknown>): unknown => {
    const args = Array.from(list);
    const [command, a, b, c] = args;
    switch (command) {
      case 'init':
        init(a);
        return undefined;
      case 'event':
        withWidget('event', args, (w) => w.event(a));
        return undefined;
      case 'events':
        withWidget('events', args, (w) => w.events(a));
        return undefined;
      case 'focus':
        withWidget('focus', args, (w) => w.focus(a as string));
        return undefined;
      case 'configure':
        withWidget('configure', args, (w) => w.configure(a));
        return undefined;
      case 'fields':
        withWidget('fields', args, (w) => w.fields(a as string, b, c));
        return undefined;
      case 'on':
        return on(a, b);
      case 'off':
        off(a, b);
        return undefined;
      case 'destroy':
        destroy();
        return undefined;
      default:
        fail({
          command: typeof command === 'string' ? command : textOf(command),
          field: 'command',
          message:
            'unknown command; use init, event, events, focus, configure, fields, on, off or destroy',
        });
        return undefined;
    }
  };

  const ChatPlaybook: CommandFunction = function ChatPlaybook(...args: unknown[]): unknown {
    try {
      return run(args);
    } catch (err) {
      // Even an argument that throws when read (a getter, a proxy) is an error event.
      const command = typeof args[0] === 'string' ? args[0] : textOf(args[0]);
      fail({ command, message: `could not be run: ${textOf(err)}` });
      return undefined;
    }
  };
  ChatPlaybook.loaded = true;
  ChatPlaybook.version = VERSION;

  // Drain the stub's queue: subscriptions first (so queued handlers hear `ready`), then the
  // first `init`, then every other call in the order it was made.
  const queued = typeof existing === 'function' && existing.q ? Array.from(existing.q) : [];
  win.ChatPlaybook = ChatPlaybook;
  const calls = queued.filter(isArgumentList).map((args) => Array.from(args));
  const isOn = (args: unknown[]): boolean => args[0] === 'on' || args[0] === 'off';
  const firstInit = calls.findIndex((args) => args[0] === 'init');
  for (const args of calls) if (isOn(args)) ChatPlaybook(...args);
  if (firstInit >= 0) ChatPlaybook(...calls[firstInit]!);
  calls.forEach((args, index) => {
    if (index !== firstInit && !isOn(args)) ChatPlaybook(...args);
  });
}

/** `value` as text for a message, even when it has no string form (a null-prototype object). */
function textOf(value: unknown): string {
  try {
    return value instanceof Error ? value.message : String(value);
  } catch {
    return `(${typeof value})`;
  }
}

function isEventName(value: unknown): value is EventName {
  return (EVENT_NAMES as readonly unknown[]).includes(value);
}

function isArgumentList(value: unknown): value is ArrayLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ArrayLike<unknown>).length === 'number'
  );
}

if (typeof window !== 'undefined') install(window);
