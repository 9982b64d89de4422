// The static HTML report of `audit --report` (docs/reports.md) in real Chromium, opened from
// disk as a team lead would open a mailed file: under its own CSP (default-src 'none';
// style-src 'unsafe-inline'; img-src data:) it renders with no console error and no CSP
// violation, every chart is an SVG with an accessible name, the hostile agent id is text,
// and the tables scroll by keyboard. REPORT_SCREENSHOT=1 refreshes docs/screenshot-report.png.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HOSTILE_AGENT, reportTranscript } from '../cli/report-fixture.ts';
import { runCli } from '../support/cli.ts';
import { describeBrowser, launch, watch } from './support/browser.ts';

describeBrowser('the HTML team report in Chromium', () => {
  let dir: string;
  let reportUrl: string;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-browser-'));
    const transcript = join(dir, 'team.jsonl');
    await writeFile(transcript, reportTranscript());
    const path = join(dir, 'report.html');
    const run = await runCli([
      'audit',
      transcript,
      '--report',
      path,
      '--library',
      'demo/library',
      '--sample',
      '2',
      '--seed',
      'nov',
    ]);
    expect(run.code, run.stderr).toBe(0);
    reportUrl = pathToFileURL(path).href;
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('renders every chart as SVG under its CSP, with no error and no violation', async () => {
    const w = await watch(context);
    await w.page.goto(reportUrl);
    const charts = await w.page.$$eval('figure > svg', (svgs) =>
      svgs.map((svg) => ({
        name: svg.getAttribute('aria-label'),
        width: svg.getBoundingClientRect().width,
        marks: svg.querySelectorAll('.role-mark path, .role-mark line').length,
      })),
    );
    expect(charts).toHaveLength(5);
    for (const chart of charts) {
      expect(chart.name).toBeTruthy();
      expect(chart.width).toBeGreaterThan(200);
      expect(chart.marks).toBeGreaterThan(0);
    }
    expect(await w.page.$$eval('h2', (hs) => hs.map((h) => h.textContent))).toEqual([
      'Compliance by agent',
      'Trend by week',
      'First-response distribution',
      'Breaches by hour of day',
      'SOP usage and staleness',
      'Questions no SOP answers',
      'QA sample',
    ]);
    const csp = await w.page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) =>
      m.getAttribute('content'),
    );
    expect(csp).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(w.errors).toEqual([]);
    expect(w.warnings).toEqual([]);
    expect(await w.violations()).toEqual([]);
    if (process.env.REPORT_SCREENSHOT) {
      await w.page.setViewportSize({ width: 1280, height: 1700 });
      await w.page.screenshot({ path: 'docs/screenshot-report.png' });
    }
    // The policy is in force (and the watch sees it): an image from the network is refused.
    await w.page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://example.invalid/pixel.png';
      document.body.append(img);
    });
    await expect.poll(async () => (await w.violations()).length).toBeGreaterThan(0);
    await w.page.close();
  });

  it('shows a hostile agent id as text, in the tables and on the chart', async () => {
    const w = await watch(context);
    await w.page.goto(reportUrl);
    const found = await w.page.evaluate((id) => {
      const cells = [...document.querySelectorAll('th, td')].filter((c) => c.textContent === id);
      const labels = [...document.querySelectorAll('#compliance svg text')].filter((t) =>
        (t.textContent ?? '').startsWith('<img'),
      );
      return {
        cells: cells.length,
        labels: labels.length,
        images: document.querySelectorAll('img').length,
        active: document.querySelectorAll(
          'script, iframe, object, embed, link, image, use, foreignObject',
        ).length,
        handlers: [...document.querySelectorAll('*')]
          .flatMap((el) => [...el.attributes])
          .filter((a) => /^on/i.test(a.name) || /^\s*(javascript|https?):/i.test(a.value))
          .filter((a) => !a.name.startsWith('xmlns'))
          .map((a) => a.name),
      };
    }, HOSTILE_AGENT);
    expect(found.cells).toBeGreaterThan(0);
    expect(found.labels).toBeGreaterThan(0);
    expect(found.images).toBe(0);
    expect(found.active).toBe(0);
    expect(found.handlers).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(await w.violations()).toEqual([]);
    await w.page.close();
  });

  it('lets the keyboard reach the sections and scroll the wide tables', async () => {
    const w = await watch(context);
    await w.page.goto(reportUrl);
    await w.page.keyboard.press('Tab');
    expect(await w.page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Compliance by agent',
    );
    // Tab past the seven section links to the first table, a named, focusable region.
    for (let i = 0; i < 7; i++) await w.page.keyboard.press('Tab');
    const focused = await w.page.evaluate(() => ({
      role: document.activeElement?.getAttribute('role'),
      name: document.activeElement?.getAttribute('aria-label'),
      outline: getComputedStyle(document.activeElement as Element).outlineStyle,
    }));
    expect(focused).toEqual({ role: 'region', name: 'Per agent and period', outline: 'solid' });
    await w.page.close();
  });
});
