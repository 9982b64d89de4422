import { describe, expect, it } from 'vitest';
import { createSearch } from '../../src/search/engine.ts';
import { withMarks } from '../../src/search/highlight.ts';
import { summarizeLibrary } from '../../src/search/summary.ts';
import {
  createWorkerSearch,
  shouldUseWorker,
  WORKER_THRESHOLD_SOPS,
  type WorkerLike,
  WorkerLoadError,
} from '../../src/search/worker-client.ts';
import {
  createWorkerHandler,
  type WorkerRequest,
  type WorkerResponse,
} from '../../src/search/worker-protocol.ts';
import { fixture } from './fixtures/playbook.ts';

class FakeWorker implements WorkerLike {
  readonly received: WorkerRequest[] = [];
  terminated = false;
  private readonly inbox: WorkerRequest[] = [];
  private readonly listeners: Record<string, ((event: unknown) => void)[]> = {
    message: [],
    error: [],
  };
  private readonly handle = createWorkerHandler((message: WorkerResponse) => {
    // Messages cross threads as structured clones.
    for (const l of this.listeners.message!) l({ data: structuredClone(message) });
  });

  postMessage(message: WorkerRequest) {
    this.inbox.push(structuredClone(message));
  }
  addEventListener(type: 'message' | 'error', listener: (event: never) => void): void {
    this.listeners[type]!.push(listener as (event: unknown) => void);
  }
  removeEventListener(type: 'message' | 'error', listener: (event: never) => void): void {
    this.listeners[type] = this.listeners[type]!.filter((l) => l !== listener);
  }
  get listenerCount() {
    return this.listeners.message!.length + this.listeners.error!.length;
  }
  terminate() {
    this.terminated = true;
  }
  /** The worker takes the next message off its queue; false when there is none. */
  step(): boolean {
    const message = this.inbox.shift();
    if (!message || this.terminated) return false;
    this.received.push(message);
    this.handle(message);
    return true;
  }
  async runAll() {
    while (this.step()) await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
  }
  crash(message: string) {
    for (const l of this.listeners.error!) l({ message });
  }
  get searchesReceived() {
    return this.received.filter((m) => m.type === 'search').length;
  }
}

describe('search in a worker', () => {
  it('indexes in the worker and answers like the in-process search', async () => {
    const worker = new FakeWorker();
    const client = createWorkerSearch(worker, { data: fixture() });
    const hits = client.search({ text: 'I want a refund' }, 3);
    await worker.runAll();
    // Validated there: the page gets the library back in normal form, with its summary.
    await expect(client.ready).resolves.toEqual({
      summary: summarizeLibrary(fixture()),
      library: fixture(),
    });
    expect(await hits).toEqual(
      createSearch(fixture()).search({ text: 'I want a refund' }, 3).map(withMarks),
    );
  });

  it('loads a prebuilt index', async () => {
    const worker = new FakeWorker();
    const index = JSON.parse(JSON.stringify(createSearch(fixture()).serialize()));
    const client = createWorkerSearch(worker, { data: index });
    const hits = client.search({ text: 'forgot my password' });
    await worker.runAll();
    expect((await hits)?.[0]?.sop.id).toBe('ACC-03');
    expect((await client.ready).library).toEqual(fixture());
    expect(worker.received[0]).toMatchObject({
      type: 'init',
      source: { data: { format: 'sop-index/2' } },
    });
  });

  it('validates library data in the worker, with the messages the widget shows', async () => {
    const cases: [unknown, RegExp][] = [
      [{ format: 'sop-library/1', sops: [{ id: 'X-1' }] }, /^invalid SOP library: SOP X-1: title/],
      [{ format: 'sop-index/2' }, /^invalid SOP library: a library must be an object/],
      [
        { ...createSearch(fixture()).serialize(), version: 'x' },
        /^could not index the SOP library: prebuilt index: version must be 16 hex digits/,
      ],
    ];
    for (const [data, message] of cases) {
      const worker = new FakeWorker();
      const client = createWorkerSearch(worker, { data });
      await worker.runAll();
      const err = await client.ready.catch((e: Error) => e);
      expect(err).toBeInstanceOf(WorkerLoadError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('loads a fetched file in the worker: parsed, checked and loaded there', async () => {
    const built = createSearch(fixture());
    const text = JSON.stringify({ ...built.serialize(), builtAt: new Date(0).toISOString() });
    for (const file of [new TextEncoder().encode(text).buffer, text]) {
      const worker = new FakeWorker();
      const client = createWorkerSearch(worker, { file });
      const hits = client.search({ text: 'forgot my password' }, 3);
      await worker.runAll();
      const { summary, library } = await client.ready;
      expect(summary.sops).toBe(9);
      expect(summary).toEqual(summarizeLibrary(built.library));
      // The library stays in the worker.
      expect(library).toBeNull();
      expect(await hits).toEqual(built.search({ text: 'forgot my password' }, 3).map(withMarks));
    }
    // A plain library file is validated and indexed in the worker.
    const worker = new FakeWorker();
    const client = createWorkerSearch(worker, { file: JSON.stringify(fixture()) });
    await worker.runAll();
    await expect(client.ready).resolves.toMatchObject({ summary: { sops: 9 }, library: null });
  });

  it('names what is wrong with a file the worker cannot load', async () => {
    const index = createSearch(fixture()).serialize();
    const cases: [string, RegExp][] = [
      ['{"format":', /not JSON/],
      [JSON.stringify({ format: 'sop-index/9' }), /format must be "sop-index\/2"/],
      [
        JSON.stringify({ format: 'sop-library/1', sops: [{ id: 'X-1' }] }),
        /invalid SOP library: SOP X-1: title/,
      ],
      [
        JSON.stringify({
          ...index,
          index: { ...index.index, postings: index.index.postings.slice(0, -3) },
        }),
        /index\.postings/,
      ],
    ];
    for (const [file, message] of cases) {
      const worker = new FakeWorker();
      const client = createWorkerSearch(worker, { file });
      await worker.runAll();
      const err = await client.ready.catch((e: Error) => e);
      expect(err).toBeInstanceOf(WorkerLoadError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('answers a ping as soon as it runs', async () => {
    const handled: WorkerResponse[] = [];
    createWorkerHandler((m) => handled.push(m))({ type: 'ping' });
    expect(handled).toEqual([{ type: 'pong' }]);
  });

  it('latest query wins: waiting searches are replaced, never run', async () => {
    const worker = new FakeWorker();
    const client = createWorkerSearch(worker, { data: fixture() });
    worker.step(); // init
    const first = client.search({ text: 'r', typing: true });
    const second = client.search({ text: 're', typing: true });
    const third = client.search({ text: 'ref', typing: true });
    const fourth = client.search({ text: 'refund', typing: true });
    // Replaced while waiting: settled at once, without reaching the worker.
    await expect(second).resolves.toBeNull();
    await expect(third).resolves.toBeNull();
    await worker.runAll();
    // The first was already running when newer ones came: its answer is stale.
    await expect(first).resolves.toBeNull();
    expect((await fourth)?.[0]?.sop.id).toBe('RET-01');
    expect(worker.searchesReceived).toBe(2);
  });

  it('a search alone gets its answer, and the next search goes straight to the worker', async () => {
    const worker = new FakeWorker();
    const client = createWorkerSearch(worker, { data: fixture() });
    const a = client.search({ text: 'charged twice' });
    await worker.runAll();
    expect((await a)?.[0]?.sop.id).toBe('BIL-04');
    const b = client.search({ text: 'parcel late' });
    await worker.runAll();
    expect((await b)?.[0]?.sop.id).toBe('DEL-02');
  });

  it('learns in the worker and exports what it learned', async () => {
    const worker = new FakeWorker();
    const client = createWorkerSearch(
      worker,
      { data: fixture() },
      {
        learned: [{ text: 'courier left it at the wrong house', sopId: 'DEL-02' }],
      },
    );
    client.learn('the trainers are the wrong colour', 'RET-01');
    client.importLearned([{ text: 'wrong size', sopId: 'RET-01' }]);
    const exported = client.exportLearned();
    const hits = client.search({ text: 'wrong colour trainers' });
    await worker.runAll();
    expect(await exported).toEqual([
      { text: 'courier left it at the wrong house', sopId: 'DEL-02' },
      { text: 'the trainers are the wrong colour', sopId: 'RET-01' },
      { text: 'wrong size', sopId: 'RET-01' },
    ]);
    expect((await hits)?.[0]?.sop.id).toBe('RET-01');
  });

  it('rejects when the worker cannot load the library, or crashes', async () => {
    const worker = new FakeWorker();
    const client = createWorkerSearch(worker, { data: { format: 'nope' } });
    const hits = expect(client.search({ text: 'refund' })).rejects.toThrow(/sop-library\/1/);
    await worker.runAll();
    await expect(client.ready).rejects.toThrow(/sop-library\/1/);
    await hits;
    // Later searches reach the worker, which says why it cannot answer.
    const later = expect(client.search({ text: 'refund' })).rejects.toThrow(/not initialised/);
    await worker.runAll();
    await later;

    const crashing = new FakeWorker();
    const other = createWorkerSearch(crashing, { data: fixture() });
    const pending = expect(other.search({ text: 'refund' })).rejects.toThrow(/out of memory/);
    crashing.crash('out of memory');
    await pending;
    await expect(other.ready).rejects.toThrow(/out of memory/);
  });

  it('dispose terminates the worker, removes its listeners and settles everything pending', async () => {
    const worker = new FakeWorker();
    const client = createWorkerSearch(worker, { data: fixture() });
    expect(worker.listenerCount).toBe(2);
    const running = client.search({ text: 'refund' });
    const exported = client.exportLearned();
    client.dispose();
    expect(worker.terminated).toBe(true);
    expect(worker.listenerCount).toBe(0);
    await expect(running).resolves.toBeNull();
    await expect(exported).rejects.toThrow(/disposed/);
    await expect(client.ready).rejects.toThrow(/disposed/);
    await expect(client.search({ text: 'refund' })).resolves.toBeNull();
    client.dispose(); // twice is fine
  });

  it('takes a real Worker (checked by the type checker)', () => {
    const fits = (w: Worker): WorkerLike => w;
    expect(typeof fits).toBe('function');
  });

  it('recommends a worker for large libraries only', () => {
    expect(shouldUseWorker(fixture())).toBe(false);
    const big = {
      format: 'sop-library/1' as const,
      sops: Array(WORKER_THRESHOLD_SOPS).fill(fixture().sops[0]),
    };
    expect(shouldUseWorker(big)).toBe(true);
  });
});
