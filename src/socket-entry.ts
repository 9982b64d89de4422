// dist/chat-playbook.socket.js: the socket transport, registered for the script-tag bundle to
// pick up (src/adapters/lazy-socket.ts). The ESM build imports the transport directly.
import { SOCKET_TRANSPORT_KEY } from './adapters/lazy-socket.ts';
import { createSocketTransport } from './adapters/socket-transport.ts';

(globalThis as { [SOCKET_TRANSPORT_KEY]?: unknown })[SOCKET_TRANSPORT_KEY] = createSocketTransport;
