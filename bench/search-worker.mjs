// The search in a worker thread, for bench/search.mjs, run as its own process so the main
// thread holds no more than a widget's page would (not the benchmark's libraries and indexes).
//
//   node bench/search-worker.mjs <index.json> <texts.json> [keyMs] [maxKeys]
//
// Main thread: starts this file as a worker thread (the real worker protocol handler, as the
// widget's Web Worker runs it), waits until it answers a ping, hands it the prebuilt file as
// bytes, then types: one search per keystroke every keyMs. Prints, as JSON, how long the
// hand-over and the load took and, per keystroke, the main thread's work for it: the search
// call (the query copied and posted) plus, for its answer, unpacking the hits (timed as a
// structuredClone of them: the same serializer, both ways, so an upper bound) and handling
// them; and how old hits were when they arrived (a search the next keystroke made stale
// answers nothing). Timed directly rather than as event-loop utilisation, which on a shared
// machine also counts the moments the OS runs something else.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { loadTs } from './load-ts.mjs';

if (!isMainThread) {
  const { createWorkerHandler } = await loadTs('src/search/worker-protocol.ts');
  const handle = createWorkerHandler((message) => parentPort.postMessage(message));
  parentPort.on('message', handle);
} else {
  const [indexPath, textsPath, keyMs = '40', maxKeys = '400'] = process.argv.slice(2);
  const { createWorkerSearch } = await loadTs('src/search/worker-client.ts');
  const texts = JSON.parse(readFileSync(textsPath, 'utf8')).slice(0, Number(maxKeys));
  const file = readFileSync(indexPath);
  // What fetch's arrayBuffer() gives the widget: the file's bytes in a buffer of their own.
  const bytes = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  const now = () => performance.now();
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Main-thread time per answered search id: unpacking and handling its hits. */
  const received = new Map();
  const cloneMs = (data) => {
    const start = now();
    structuredClone(data);
    return now() - start;
  };
  const thread = new Worker(new URL(import.meta.url));
  // The Web Worker interface the widget's client expects.
  const wrapped = new Map();
  const worker = {
    postMessage: (message, transfer) => thread.postMessage(message, transfer),
    terminate: () => thread.terminate(),
    addEventListener(type, listener) {
      const fn =
        type === 'message'
          ? (data) => {
              const start = now();
              listener({ data });
              const handled = now() - start;
              if (data?.type === 'hits') received.set(data.id, handled + cloneMs(data));
            }
          : (err) => listener(err);
      wrapped.set(listener, fn);
      thread.on(type, fn);
    },
    removeEventListener(type, listener) {
      thread.off(type, wrapped.get(listener));
    },
  };
  // Started: its code loaded (as lazyFileSearch waits before handing over the file).
  await new Promise((resolve) => {
    thread.on('message', function pong(message) {
      if (message?.type !== 'pong') return;
      thread.off('message', pong);
      resolve();
    });
    thread.postMessage({ type: 'ping' });
  });

  let start = now();
  const client = createWorkerSearch(worker, { file: bytes });
  const postMs = now() - start;
  await client.ready;
  const readyMs = now() - start;
  start = now();
  await client.search({ text: texts[0], typing: true }, 5);
  const firstSearchMs = now() - start;

  const busy = [];
  const ages = [];
  let answered = 0;
  await sleep(200);
  for (const text of texts) {
    await sleep(Number(keyMs));
    const start = now();
    const hits = client.search({ text, typing: true }, 5);
    const postMs = now() - start;
    busy.push(
      hits.then((result) => {
        if (!result) return postMs;
        answered++;
        ages.push(now() - start);
        // The answer to this search is the last one received.
        return postMs + [...received.values()].at(-1);
      }),
    );
  }
  await sleep(1000);
  client.dispose();
  const perKey = await Promise.all(busy);
  console.log(
    JSON.stringify({
      postMs,
      readyMs,
      firstSearchMs,
      busy: perKey,
      ages,
      answered,
      keys: texts.length,
      keyMs,
    }),
  );
}
