// A library URL with a search worker: the fetched bytes go to the worker unparsed, and the
// page keeps only the summary (escalation SOP, expectations reply) and the SOPs that came up
// in searches. Without a worker the page parses the file as before; a bad file is an error.
import { describe, expect, it } from 'vitest';
import type { FetchResponse } from '../../src/adapters/fetch.ts';
import { type FileSourceFactory, SearchElsewhere } from '../../src/adapters/file-source.ts';
import type { SuggestionSource } from '../../src/adapters/search.ts';
import { memoryStorage } from '../../src/adapters/storage.ts';
import { createLibraryModel } from '../../src/models/library.ts';
import { createPicks } from '../../src/models/picks.ts';
import { createSearch } from '../../src/search/engine.ts';
import { loadLibraryFile } from '../../src/search/file.ts';
import { withMarks } from '../../src/search/highlight.ts';
import { summarizeLibrary } from '../../src/search/summary.ts';
import { fakeSource, LIBRARY } from './fakes.ts';

const bytes = (data: unknown) => new TextEncoder().encode(JSON.stringify(data)).buffer;

function setup(file: ArrayBuffer, fromFile: FileSourceFactory | null) {
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
    createSource: (library) => {
      const source = fakeSource(library);
      pageSources.push(source);
      return source;
    },
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
    return { source, summary: summarizeLibrary(engine.library) };
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
