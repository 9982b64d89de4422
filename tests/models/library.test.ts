// Loading the library where the search runs. A library URL with a search worker: the fetched
// bytes go to the worker unparsed, and the page keeps only the summary (escalation SOP,
// expectations reply) and the SOPs that came up in searches. Without a worker the page parses
// the file as before. A library object goes to the search side (createSource) unvalidated:
// that side validates it, and a bad library is an error that leaves the old one in place.
import { describe, expect, it } from 'vitest';
import type { FetchResponse } from '../../src/adapters/fetch.ts';
import { type FileSourceFactory, SearchElsewhere } from '../../src/adapters/file-source.ts';
import type { LoadedLibrary, SourceFactory, SuggestionSource } from '../../src/adapters/search.ts';
import { memoryStorage } from '../../src/adapters/storage.ts';
import { createLibraryModel } from '../../src/models/library.ts';
import { createPicks } from '../../src/models/picks.ts';
import { createSearch } from '../../src/search/engine.ts';
import { loadLibraryFile } from '../../src/search/file.ts';
import { withMarks } from '../../src/search/highlight.ts';
import { summarizeLibrary } from '../../src/search/summary.ts';
import { type fakeSource, fakeSourceFactory, LIBRARY } from './fakes.ts';

const bytes = (data: unknown) => new TextEncoder().encode(JSON.stringify(data)).buffer;

function setup(
  file: ArrayBuffer,
  fromFile: FileSourceFactory | null,
  createSource?: (pageSources: ReturnType<typeof fakeSource>[]) => SourceFactory,
) {
  const parsedInPage: string[] = [];
  const response: FetchResponse = {
    ok: true,
    status: 200,
    json: async () => {
      parsedInPage.push('json');
      return JSON.parse(new TextDecoder().decode(file));
    },
    arrayBuffer: async () => file,
  };
  const picks = createPicks(memoryStorage(), 'test');
  picks.add([{ id: 'p1', text: 'parcel late again', sopId: 'CS-SH-001' }]);
  const pageSources: ReturnType<typeof fakeSource>[] = [];
  const model = createLibraryModel({
    fetch: async () => response,
    createSource: (createSource ?? fakeSourceFactory)(pageSources),
    createSourceFromFile: fromFile,
    picks,
  });
  return { model, pageSources, parsedInPage };
}

/** The worker's side run in-process: what lazyFileSearch gives the page. */
const inProcessWorker =
  (received: ArrayBuffer[], learned: string[]): FileSourceFactory =>
  async (file) => {
    received.push(file);
    const engine = loadLibraryFile(file);
    const source: SuggestionSource = {
      search: async (query, limit) => engine.search(query, limit).map(withMarks),
      learn: (text, sopId) => {
        learned.push(`${sopId}: ${text}`);
        engine.learn(text, sopId);
      },
    };
    return { source, library: null, summary: summarizeLibrary(engine.library) };
  };

describe('library model, loading a URL', () => {
  it('hands the fetched file to the worker and keeps only the summary in the page', async () => {
    const received: ArrayBuffer[] = [];
    const learned: string[] = [];
    const file = bytes(createSearch(LIBRARY).serialize());
    const { model, parsedInPage } = setup(file, inProcessWorker(received, learned));
    expect(await model.load({ kind: 'url', url: '/sops/index.json' })).toBeNull();
    expect(received).toEqual([file]);
    expect(parsedInPage).toEqual([]);
    expect(model.status.value).toBe('ready');
    expect(model.library.value).toBeNull();
    expect(model.summary.value).toEqual(summarizeLibrary(LIBRARY));
    expect(model.escalationSop.value?.id).toBe('CS-ES-001');
    // The team's picks are taught to the worker's search.
    expect(learned).toEqual(['CS-SH-001: parcel late again']);
    // An SOP that came up in a search can be opened.
    expect(model.find('CS-SH-001')).toBeUndefined();
    const hits = await model.source.value!.search({ text: 'my parcel is late' }, 3);
    expect(hits[0]?.sop.id).toBe('CS-SH-001');
    expect(model.find('CS-SH-001')).toEqual(LIBRARY.sops.find((s) => s.id === 'CS-SH-001'));
  });

  it('parses the file in the page when no worker can run it', async () => {
    const elsewhere: FileSourceFactory = async () => {
      throw new SearchElsewhere('search worker unavailable (not allowed here)');
    };
    const { model, pageSources } = setup(bytes(LIBRARY), elsewhere);
    expect(await model.load({ kind: 'url', url: '/sops/library.json' })).toBeNull();
    expect(model.status.value).toBe('ready');
    expect(model.library.value).toEqual(LIBRARY);
    expect(model.summary.value).toEqual(summarizeLibrary(LIBRARY));
    expect(pageSources).toHaveLength(1);
  });

  it('reports what the worker found wrong with the file, without parsing it in the page', async () => {
    const bad = bytes({ format: 'sop-library/1', sops: [{ id: 'X-1', title: '' }] });
    const { model, pageSources, parsedInPage } = setup(bad, inProcessWorker([], []));
    const error = await model.load({ kind: 'url', url: '/sops/bad.json' });
    expect(error).toMatch(
      /^could not load the SOP library from \/sops\/bad\.json: invalid SOP library: SOP X-1: title/,
    );
    expect(model.status.value).toBe('error');
    expect(pageSources).toEqual([]);
    expect(parsedInPage).toEqual([]);
  });

  it('without a file factory, parses in the page as before', async () => {
    const { model, parsedInPage } = setup(bytes(LIBRARY), null);
    expect(await model.load({ kind: 'url', url: '/sops/library.json' })).toBeNull();
    expect(parsedInPage).toEqual(['json']);
    expect(model.library.value).toEqual(LIBRARY);
  });
});

/** A factory whose loads settle when the test says: the search side validating elsewhere. */
function deferredFactory() {
  const loads: {
    data: unknown;
    disposed: boolean;
    resolve(): void;
    reject(err: Error): void;
  }[] = [];
  const factory: SourceFactory = (data) =>
    new Promise<LoadedLibrary>((resolve, reject) => {
      const load = {
        data,
        disposed: false,
        resolve: () => {
          const loaded = fakeSourceFactory()(data) as LoadedLibrary;
          const dispose = () => {
            load.disposed = true;
          };
          resolve({ ...loaded, source: { ...loaded.source, dispose } });
        },
        reject,
      };
      loads.push(load);
    });
  return { factory, loads };
}

const NEWER: typeof LIBRARY = {
  format: 'sop-library/1',
  sops: [{ ...LIBRARY.sops[0]!, id: 'CS-NEW-001', title: 'Newer shipping delays' }],
};

describe('library model, loading an object', () => {
  it('hands the data to the search side, which validates it; the page holds the result', async () => {
    const { factory, loads } = deferredFactory();
    const { model } = setup(bytes(null), null, () => factory);
    const given = structuredClone(LIBRARY);
    const loading = model.load({ kind: 'object', data: given });
    expect(model.status.value).toBe('loading');
    expect(loads.map((l) => l.data)).toEqual([given]);
    loads[0]!.resolve();
    expect(await loading).toBeNull();
    expect(model.status.value).toBe('ready');
    expect(model.library.value).toEqual(LIBRARY);
    expect(model.summary.value).toEqual(summarizeLibrary(LIBRARY));
    expect(model.escalationSop.value?.id).toBe('CS-ES-001');
    // Any SOP of the library opens, searched for or not.
    expect(model.find('CS-ES-001')).toEqual(LIBRARY.sops.find((s) => s.id === 'CS-ES-001'));
  });

  it('shows what the search side found wrong, word for word, and keeps the library it had', async () => {
    const { model, pageSources } = setup(bytes(null), null);
    expect(await model.load({ kind: 'object', data: LIBRARY })).toBeNull();
    const bad = { format: 'sop-library/1', sops: [{ id: 'X-1', title: '' }, { id: 'X-1' }] };
    const error = await model.load({ kind: 'object', data: bad });
    expect(error).toBe(
      "invalid SOP library: SOP X-1: title: must not be empty; SOP X-1: id: duplicate SOP id 'X-1' (also used by sops[0]); SOP X-1: title: is required",
    );
    expect(model.status.value).toBe('error');
    expect(model.error.value).toBe(error);
    // Only a fully valid library replaces what is there.
    expect(pageSources).toHaveLength(1);
    expect(model.source.value).not.toBeNull();
    expect(model.library.value).toEqual(LIBRARY);
    expect(model.escalationSop.value?.id).toBe('CS-ES-001');
  });

  it('replays the team picks into each new source', async () => {
    const { model, pageSources } = setup(bytes(null), null);
    await model.load({ kind: 'object', data: LIBRARY });
    await model.load({ kind: 'object', data: NEWER });
    expect(pageSources.map((s) => s.learned)).toEqual([
      [{ text: 'parcel late again', sopId: 'CS-SH-001' }],
      [{ text: 'parcel late again', sopId: 'CS-SH-001' }],
    ]);
    expect(model.find('CS-SH-001')).toBeUndefined();
    expect(model.find('CS-NEW-001')?.title).toBe('Newer shipping delays');
  });

  it('a load overtaken by a newer one, or by dispose, never lands and releases its source', async () => {
    const { factory, loads } = deferredFactory();
    const { model } = setup(bytes(null), null, () => factory);
    const first = model.load({ kind: 'object', data: LIBRARY });
    const second = model.load({ kind: 'object', data: NEWER });
    loads[1]!.resolve();
    expect(await second).toBeNull();
    loads[0]!.resolve();
    expect(await first).toBeNull();
    expect(model.library.value?.sops.map((s) => s.id)).toEqual(['CS-NEW-001']);
    expect(loads.map((l) => l.disposed)).toEqual([true, false]);

    // A failure that comes too late is not shown either.
    const third = model.load({ kind: 'object', data: LIBRARY });
    model.dispose();
    loads[2]!.reject(new Error('invalid SOP library: too late'));
    expect(await third).toBeNull();
    expect(model.error.value).toBeNull();
    expect(loads[1]!.disposed).toBe(true);
  });

  it('without a worker, hands the file the page parsed to the search side unvalidated', async () => {
    const elsewhere: FileSourceFactory = async () => {
      throw new SearchElsewhere('search worker unavailable (not allowed here)');
    };
    const bad = { format: 'sop-library/1', sops: [{ id: 'X-1', title: '' }] };
    const { model } = setup(bytes(bad), elsewhere);
    expect(await model.load({ kind: 'url', url: '/sops/bad.json' })).toBe(
      'invalid SOP library: SOP X-1: title: must not be empty',
    );
  });
});
