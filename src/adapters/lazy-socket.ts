// The socket transport lives in its own file, dist/chat-playbook.socket.js, which the
// script-tag bundle loads the first time a widget is given `transport: { url, token }`.
// socket.io-client is ~13 kB gzip that agents on the local transport never need; with it
// outside, the script-tag bundle stays within its budget.
import type { Clock } from './clock.ts';
import type { SocketTransportOptions, Transport, TransportSink } from './transport.ts';

type SocketFactory = (options: SocketTransportOptions, clock: Clock) => Transport;

/** Where the chunk puts its factory (a registered symbol: no global name to clash with). */
export const SOCKET_TRANSPORT_KEY = Symbol.for('chat-playbook.socket-transport');
export const SOCKET_CHUNK = 'chat-playbook.socket.js';

type Registry = { [SOCKET_TRANSPORT_KEY]?: SocketFactory };

const loading = new Map<string, Promise<SocketFactory>>();

/** Loads the chunk once per URL as a classic script (allowed by `script-src 'self'`). */
function loadFactory(url: string, doc: Document): Promise<SocketFactory> {
  const registry = globalThis as Registry;
  const ready = registry[SOCKET_TRANSPORT_KEY];
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(url);
  if (!pending) {
    pending = new Promise<SocketFactory>((resolve, reject) => {
      const script = doc.createElement('script');
      script.src = url;
      script.async = true;
      script.onload = () => {
        const factory = registry[SOCKET_TRANSPORT_KEY];
        if (factory) resolve(factory);
        else reject(new Error(`${url} did not register the socket transport`));
      };
      script.onerror = () => reject(new Error(`could not load ${url}`));
      doc.head.appendChild(script);
    });
    // A failed load may be retried by the next widget (e.g. after a network blip).
    pending.catch(() => loading.delete(url));
    loading.set(url, pending);
  }
  return pending;
}

/**
 * A socket transport factory that loads the chunk at `url` and delegates to the transport it
 * registers. Until then the widget reads as connecting, `now()` is the local clock, and sent
 * actions wait for the real transport (which acknowledges and retries them).
 */
export function lazySocketTransport(
  url: string,
  doc: Document,
  warn: (message: string) => void,
): SocketFactory {
  return (options, clock) => {
    let real: Transport | null = null;
    let sink: TransportSink | null = null;
    let disposed = false;
    const ready = loadFactory(url, doc).then((create) => {
      if (disposed) return null;
      real = create(options, clock);
      if (sink) real.start(sink);
      return real;
    });
    ready.catch((err: Error) => {
      warn(`socket transport unavailable: ${err.message}`);
      if (!disposed) sink?.status('error');
    });
    return {
      start(s) {
        sink = s;
        if (real) real.start(s);
        else s.status('connecting');
      },
      async send(action) {
        const transport = await ready;
        if (!transport) throw new Error('the transport was closed');
        return transport.send(action);
      },
      now: () => (real ? real.now() : clock.now()),
      dispose() {
        disposed = true;
        real?.dispose();
        real = null;
        sink = null;
      },
    };
  };
}

/**
 * The chunk's URL: beside the script that is running now (the bundle's own `<script>`), or,
 * when that is unknown, beside the first script whose file is the script-tag bundle.
 */
export function chunkUrlBesideBundle(doc: Document, current: HTMLScriptElement | null): string {
  const src =
    current?.src ||
    Array.from(doc.scripts, (s) => s.src).find((s) => /chat-playbook[^/]*\.js(\?|$)/.test(s)) ||
    '';
  return new URL(SOCKET_CHUNK, src || doc.baseURI).href;
}
