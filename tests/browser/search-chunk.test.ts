// The search engine ships as dist/chat-playbook.search.js beside the script-tag bundle: the
// widget starts it as a Worker, or loads it into the page when the host forbids workers.
// Either way the customer's words bring up the matching SOP, and the library, given by URL
// or as an object, is validated there (the bundle has no validator).
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createSearch } from '../../src/search/engine.ts';
import {
  assertBuilt,
  describeBrowser,
  launch,
  STUB,
  type Watched,
  watch,
} from './support/browser.ts';
import { BUNDLE, helpdeskPage, setupScript, waitForReady, waitInShadow } from './support/pages.ts';
import { demoLibraryJson, startServer, type TestServer } from './support/server.ts';

describeBrowser('search chunk', () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let watched: Watched;
  let invalidSop: string;

  beforeAll(async () => {
    assertBuilt();
    browser = await launch();
    server = await startServer();
    server.add('search-stub.js', STUB);
    server.add('search-setup.js', setupScript());
    // The demo library as build-index writes it: handed to the worker as bytes.
    server.add(
      'index.json',
      JSON.stringify(createSearch(JSON.parse(demoLibraryJson())).serialize()),
    );
    server.add('index-setup.js', setupScript({ library: '/pages/index.json' }));
    // A library given as an object in `init`: validated where the search runs, not the bundle.
    const inline = (library: unknown) =>
      setupScript().replace(JSON.stringify('/fixtures/library.json'), JSON.stringify(library));
    const demo = JSON.parse(demoLibraryJson());
    server.add('object-setup.js', inline(demo));
    invalidSop = demo.sops[0].id;
    demo.sops[0].title = ' ';
    server.add('bad-object-setup.js', inline(demo));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    watched = await watch(context);
  });
  afterEach(async () => {
    await context.close();
  });

  const scripts = `<script src="/pages/search-stub.js"></script><script src="/pages/search-setup.js"></script>
<script async src="${BUNDLE}"></script>`;

  async function suggestedSops(name: string, body = scripts): Promise<string[]> {
    const { page } = watched;
    await page.goto(server.add(name, helpdeskPage(body), pageOptions[name]));
    await waitForReady(page);
    await waitInShadow(page, '[data-cp-suggestion]');
    return page.evaluate(() =>
      Array.from(
        document.querySelector('#playbook')?.shadowRoot?.querySelectorAll('[data-cp-suggestion]') ??
          [],
        (el) => el.getAttribute('data-cp-suggestion') ?? '',
      ),
    );
  }

  const pageOptions: Record<string, { extraCsp?: string }> = {
    'worker.html': {},
    'no-worker.html': { extraCsp: "worker-src 'none'" },
    'index-worker.html': {},
    'index-no-worker.html': { extraCsp: "worker-src 'none'" },
    'object-worker.html': {},
    'object-no-worker.html': { extraCsp: "worker-src 'none'" },
    'bad-object-worker.html': {},
    'bad-object-no-worker.html': { extraCsp: "worker-src 'none'" },
  };
  const withSetup = (
    setup: string,
  ) => `<script src="/pages/search-stub.js"></script><script src="/pages/${setup}"></script>
<script async src="${BUNDLE}"></script>`;
  const indexScripts = `<script src="/pages/search-stub.js"></script><script src="/pages/index-setup.js"></script>
<script async src="${BUNDLE}"></script>`;

  it('suggests the shipping SOP for a late parcel, searching in a worker', async () => {
    const sops = await suggestedSops('worker.html');
    expect(sops[0]).toMatch(/^CS-SH-/);
    expect(watched.warnings.join('\n')).not.toMatch(/search worker unavailable/);
    expect(await watched.violations()).toEqual([]);
  });

  it('falls back to searching in the page when the host forbids workers', async () => {
    const sops = await suggestedSops('no-worker.html');
    expect(sops[0]).toMatch(/^CS-SH-/);
    expect(watched.warnings.join('\n')).toMatch(/search worker unavailable/);
  });

  it('loads a prebuilt index by URL in the worker, or in the page without one', async () => {
    expect((await suggestedSops('index-worker.html', indexScripts))[0]).toMatch(/^CS-SH-/);
    expect(watched.warnings.join('\n')).not.toMatch(/search worker unavailable/);
    expect(watched.errors).toEqual([]);
    expect((await suggestedSops('index-no-worker.html', indexScripts))[0]).toMatch(/^CS-SH-/);
    expect(watched.warnings.join('\n')).toMatch(/search worker unavailable/);
  });

  it('validates and indexes a library object in the worker, or in the page without one', async () => {
    expect((await suggestedSops('object-worker.html', withSetup('object-setup.js')))[0]).toMatch(
      /^CS-SH-/,
    );
    expect(watched.warnings.join('\n')).not.toMatch(/search worker unavailable/);
    expect(watched.errors).toEqual([]);
    expect((await suggestedSops('object-no-worker.html', withSetup('object-setup.js')))[0]).toMatch(
      /^CS-SH-/,
    );
    expect(watched.warnings.join('\n')).toMatch(/search worker unavailable/);
  });

  it('refuses an invalid library object with the message naming the SOP and field', async () => {
    for (const name of ['bad-object-worker.html', 'bad-object-no-worker.html']) {
      const { page } = watched;
      await page.goto(
        server.add(name, helpdeskPage(withSetup('bad-object-setup.js')), pageOptions[name]),
      );
      await waitForReady(page);
      const errors = await page.evaluate(() =>
        (window as unknown as { __log: { name: string; payload: unknown }[] }).__log
          .filter((e) => e.name === 'error')
          .map((e) => e.payload),
      );
      expect(errors).toEqual([
        {
          field: 'library',
          message: `library: invalid SOP library: SOP ${invalidSop}: title: must not be empty`,
        },
      ]);
      await waitInShadow(page, '[data-cp-library="error"]');
      // The worker said so itself: the page did not fall back to validating.
      expect(watched.warnings.join('\n').includes('search worker unavailable')).toBe(
        name.includes('no-worker'),
      );
    }
  });
});
