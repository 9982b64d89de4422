// The socket transport from its chunk (chunks.ts): until it has loaded the widget reads as
// connecting, `now()` is the local clock, sent actions and picks wait for the real transport
// (which acknowledges and retries them), and picks listeners are passed on once it is there.
import type { SharedPick } from '../server/wire.ts';
import { loadChunk, SOCKET_KEY } from './chunks.ts';
import type { Clock } from './clock.ts';
import {
  type SocketTransportOptions,
  supervisorOf,
  type Transport,
  type TransportSink,
} from './transport.ts';

export type SocketFactory = (options: SocketTransportOptions, clock: Clock) => Transport;

export function lazySocketTransport(
  url: string,
  doc: Document,
  warn: (message: string) => void,
): SocketFactory {
  return (options, clock) => {
    let real: Transport | null = null;
    let sink: TransportSink | null = null;
    let disposed = false;
    const listeners = new Set<(picks: SharedPick[]) => void>();
    const ready = loadChunk<SocketFactory>(url, SOCKET_KEY, doc).then((create) => {
      if (disposed) return null;
      real = create(options, clock);
      real.onPicks?.((picks) => {
        for (const l of listeners) l(picks);
      });
      if (sink) real.start(sink);
      return real;
    });
    ready.catch((err: Error) => {
      warn(`socket transport unavailable: ${err.message}`);
      if (!disposed) sink?.status('error');
    });
    return {
      /** The server's team-configuration calls, once the chunk has loaded. */
      get supervisor() {
        return real ? supervisorOf(real) : undefined;
      },
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
      async sharePick(pick) {
        await (await ready)?.sharePick?.(pick);
      },
      onPicks(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      now: () => (real ? real.now() : clock.now()),
      dispose() {
        disposed = true;
        listeners.clear();
        real?.dispose();
        real = null;
        sink = null;
      },
    };
  };
}
