// The ESM API for bundlers: `mount(element, options)` returns `unmount`, which also carries
// the widget's handle for the commands (event, events, focus, configure, on).
//
//   import { mount } from 'chat-playbook';
//   const unmount = mount('#playbook', { agent: { id: 'a-3', name: 'Sam' }, library, transport: 'local' });
//   unmount.widget.on('reply', ({ text }) => composer.insert(text));
//   unmount.widget.event({ type: 'chat.started', chatId: 'c-1', at: Date.now() });
//   unmount();
import { playbookSearch } from './adapters/search.ts';
import { createSocketTransport } from './adapters/socket-transport.ts';
import { createWidget, type WidgetHandle } from './app.ts';
import { ReplyFormView } from './ui/ReplyForm.tsx';
import { SopDetailView } from './ui/SopDetail.tsx';
import { SupervisorView } from './ui/supervisor.tsx';

export type {
  ClockPayload,
  ErrorPayload,
  ReadyPayload,
  ReplyPayload,
  WidgetAdapters,
  WidgetHandle,
} from './app.ts';
export type * from './core/types.ts';
export type * from './search/types.ts';
export { createWidget };

/** Removes the widget (idempotent) and exposes its handle. */
export interface Unmount {
  (): void;
  readonly widget: WidgetHandle;
}

/**
 * Renders the widget into an open shadow root on `element` (an element or a CSS selector).
 * Never throws: bad options and a missing element are reported as `error` events on the handle.
 */
export function mount(
  element: HTMLElement | string,
  options: unknown,
  adapters?: Parameters<typeof createWidget>[2],
): Unmount {
  const host = typeof element === 'string' ? findElement(element) : element;
  const widget = host
    ? createWidget(host, options, {
        createSource: playbookSearch,
        socket: createSocketTransport,
        supervisorView: () => SupervisorView,
        replyForm: () => ReplyFormView,
        sopDetail: () => SopDetailView,
        ...adapters,
      })
    : missingElement(element);
  let mounted = true;
  const unmount = (): void => {
    if (!mounted) return;
    mounted = false;
    widget.destroy();
  };
  return Object.assign(unmount, { widget });
}

function findElement(selector: string): HTMLElement | null {
  if (typeof document === 'undefined') return null;
  try {
    return document.querySelector<HTMLElement>(selector);
  } catch {
    return null;
  }
}

/** A handle with no widget behind it: every command reports that the element is missing. */
function missingElement(element: unknown): WidgetHandle {
  // biome-ignore lint/suspicious/noExplicitAny: payloads are plain data for the host page
  const errorHandlers = new Set<(payload: any) => void>();
  const message = `no element matches ${JSON.stringify(String(element))}`;
  const report = (): void => {
    console.warn(`[chat-playbook] target: ${message}`);
    for (const handler of errorHandlers) handler({ field: 'target', message });
  };
  return {
    event: report,
    events: report,
    focus: report,
    configure: report,
    fields: report,
    on(name, handler) {
      if (name !== 'error') return () => {};
      errorHandlers.add(handler);
      queueMicrotask(() => {
        if (errorHandlers.has(handler)) handler({ field: 'target', message });
      });
      return () => errorHandlers.delete(handler);
    },
    destroy() {
      errorHandlers.clear();
    },
  };
}
