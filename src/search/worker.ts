// The search Worker's side: answers the worker protocol (worker-protocol.ts) in `scope`.
// The script-tag build starts dist/chat-playbook.search.js as the Worker, whose entry
// (src/search-entry.ts) calls this; a bundler build can start a module worker that does too.
import { createWorkerHandler, type WorkerRequest } from './worker-protocol.ts';

export interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}

export function serveSearchWorker(scope: WorkerScope): void {
  const handle = createWorkerHandler((message) => scope.postMessage(message));
  scope.addEventListener('message', (event) => handle(event.data));
}
