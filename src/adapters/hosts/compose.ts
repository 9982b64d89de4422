// A helpdesk app connected to `chat-playbook serve` as well: the host adapter supplies the
// conversation the agent works (from the host's SDK), the server the team's configuration,
// shared picks, the server clock and a durable, shared home for the agent's ticks and notes.
// When the team also feeds `serve` from the helpdesk's webhooks (connectors), the same chats
// arrive both ways with the same chat and message ids, and the engine keeps one copy of each.
import type { SocketTransport } from '../socket-transport.ts';
import { supervisorOf, type Transport, type TransportSink } from '../transport.ts';
import type { HostAdapter } from './types.ts';

export function withServer(host: HostAdapter, server: SocketTransport): Transport {
  return {
    scope: host.scope,
    get supervisor() {
      return supervisorOf(server);
    },
    start(sink: TransportSink) {
      // The host's conversation, always; the server's status is the one the widget shows.
      host.start({ events: sink.events, status: () => {}, config: () => {} });
      server.start(sink);
    },
    // Ticks and notes are stored by the server (acknowledged, retried) and come back from it.
    send: (action) => server.send(action),
    now: () => server.now(),
    sharePick: (pick) => server.sharePick(pick),
    onPicks: (listener) => server.onPicks(listener),
    dispose() {
      server.dispose();
      host.dispose();
    },
  };
}
