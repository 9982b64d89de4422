// Web Worker entry for large libraries: messages in, hits out (worker-protocol.ts).
// Bundle it as a module worker, e.g. new Worker(new URL('./worker.ts', import.meta.url),
// { type: 'module' }), and talk to it through worker-client.ts.
import { createWorkerHandler, type WorkerRequest } from './worker-protocol.ts';

const scope = self as unknown as {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
};

const handle = createWorkerHandler((message) => scope.postMessage(message));
scope.addEventListener('message', (event) => handle(event.data));
