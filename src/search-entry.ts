// dist/chat-playbook.search.js: the search engine (library validation and MiniSearch inside),
// loaded by the script-tag bundle on first use (src/adapters/lazy-search.ts). Started as a
// Worker it answers the worker protocol; loaded into a page it registers the engine for the
// bundle. Either way it validates the library: the bundle has no validator.
import { registerChunk, SEARCH_KEY } from './adapters/chunks.ts';
import { playbookSearch } from './adapters/search.ts';
import { serveSearchWorker, type WorkerScope } from './search/worker.ts';

const inWorker =
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' &&
  typeof (globalThis as { document?: unknown }).document === 'undefined';

if (inWorker) serveSearchWorker(globalThis as unknown as WorkerScope);
else registerChunk(SEARCH_KEY, { createSource: playbookSearch });
