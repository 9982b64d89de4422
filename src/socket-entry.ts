// dist/chat-playbook.socket.js: the socket transport (socket.io-client inside), loaded by the
// script-tag bundle on first use (src/adapters/lazy-socket.ts). The ESM build imports the
// transport directly.
import { registerChunk, SOCKET_KEY } from './adapters/chunks.ts';
import { createSocketTransport } from './adapters/socket-transport.ts';

registerChunk(SOCKET_KEY, createSocketTransport);
