// `audit`'s team report (issue 15, docs/reports.md): the `report` key of --json beside the
// unchanged protocol fields, the CSV tables, the static HTML file, the QA sample and the
// unanswered questions, and the options refused with a message naming them.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { HOSTILE_AGENT, reportTranscript, UNANSWERED } from './report-fixture.ts';

// protocol.md's example transcript.
const SPEC_EXAMPLE = [
  '{"type":"chat.started","chatId":"c-1042","at":"2026-11-23T10:00:00.000Z","customer":{"id":"u-77","name":"Dana Lee","tier":"standard"},"channel":"web"}',
  '{"type":"message","chatId":"c-1042","id":"m1","at":"2026-11-23T10:00:04.250Z","author":"customer","text":"Hi, my order never arrived"}',
  '{"type":"message","chatId":"c-1042","id":"m2","at":1795428019000,"author":"agent","agentId":"a-3","text":"Hi Dana! Sorry to hear that."}',
  '{"type":"message","chatId":"c-1042","id":"m3","at":"2026-11-23T10:00:30Z","author":"agent","text":"customer is VIP","internal":true}',
  '{"type":"chat.closed","chatId":"c-1042","at":"2026-11-23T10:09:12Z"}',
].join('\n');

let dir: string;
let team: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-report-'));
  team = join(dir, 'team.jsonl');
  await writeFile(team, reportTranscript());
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('audit --json with the report', () => {
  it('keeps the protocol fields exactly and adds the team report under "report"', async () => {
    const path = join(dir, 'spec.jsonl');
    await writeFile(path, `${SPEC_EXAMPLE}\n`);
    const run = await runCli(['audit', path, '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(Object.keys(out)).toEqual(['chats', 'summary', 'report']);
    expect(out.chats).toEqual([
      {
        chatId: 'c-1042',
        firstResponseS: 19,
        firstResponseBreached: false,
        greetedByName: true,
        longestGapS: 0,
        gapBreaches: 0,
        gapWarnings: 0,
        closed: true,
        checklist: expect.any(Object),
      },
    ]);
    expect(out.summary).toEqual({
      chats: 1,
      firstResponseBreaches: 0,
      gapBreaches: 0,
      greetedByName: 1,
      invalidLines: 0,
      duplicates: 0,
    });
    expect(out.report).toMatchObject({ period: 'week', timeZone: 'UTC', since: null, until: null });
    expect(out.report.agents).toEqual([
      expect.objectContaining({
        agentId: 'a-3',
        period: '2026-W48',
        chats: 1,
        firstResponseInTimePct: 100,
        firstResponseMedianS: 19,
      }),
    ]);
  });

  it('groups by the period and time zone asked for, and filters like the audit', async () => {
    const run = await runCli([
      'audit',
      team,
      '--json',
      '--period',
      'month',
      '--tz',
      'Europe/Paris',
      '--agent',
      'a-2',
    ]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.report).toMatchObject({ period: 'month', timeZone: 'Europe/Paris' });
    expect(out.report.agents.map((f: { agentId: string }) => f.agentId)).toEqual(['a-2']);
    expect(out.report.agents[0].period).toBe('2026-11');
    // The same chats in both parts: the audit's and the report's.
    expect(out.report.agents[0].chats).toBe(out.chats.length);
  });

  it('lists the questions no SOP answers, not the follow-ups, with --library', async () => {
    const run = await runCli(['audit', team, '--json', '--library', 'demo/library']);
    expect(run.code).toBe(0);
    const { unanswered, sops } = JSON.parse(run.stdout).report;
    expect(unanswered).toHaveLength(1);
    expect(unanswered[0].count).toBe(6);
    expect(unanswered[0].examples[0].text).toBe(UNANSWERED);
    // "Hi, my order never arrived" has an SOP; "It was due on Monday" is no question.
    const texts = unanswered.flatMap((g: { examples: { text: string }[] }) =>
      g.examples.map((e) => e.text),
    );
    expect(texts).not.toContain('Hi, my order never arrived');
    expect(texts).not.toContain('It was due on Monday');
    // The library gives titles and review dates.
    expect(sops).toContainEqual(
      expect.objectContaining({
        sopId: 'CS-OR-001',
        title: 'Order changes and cancellations',
        stale: true,
      }),
    );
  });
});

describe('audit --csv', () => {
  it('writes one CSV per table into a new folder and prints the files written', async () => {
    const out = join(dir, 'nested', 'csv');
    const run = await runCli(['audit', team, '--csv', out, '--sample', '1', '--seed', 'nov']);
    expect(run.code).toBe(0);
    const headers: Record<string, string> = {
      'agents.csv': 'agentId,period,start,end,chats,firstResponses,firstResponseInTimePct',
      'team.csv': 'agentId,period,start,end,chats',
      'trends.csv': 'agentId,period,figure,value,previous,change',
      'breaches-by-hour.csv': 'hour,firstResponse,gap',
      'first-response-distribution.csv': 'fromS,toS,chats',
      'sops.csv': 'sopId,title,suggested,opened,inserted,lastReviewed,reviewDue,stale',
      'unanswered.csv': 'words,count,example1',
      'sample.csv': 'agentId,month,chatId,breaches,escalated',
    };
    for (const [name, header] of Object.entries(headers)) {
      const path = join(out, name);
      expect(run.stdout).toContain(`wrote ${path}`);
      const text = await readFile(path, 'utf8');
      expect(text.startsWith(header), name).toBe(true);
    }
    const agents = (await readFile(join(out, 'agents.csv'), 'utf8')).trim().split('\r\n');
    // Three agents over three weeks, the hostile id as a quoted-free plain field.
    expect(agents).toHaveLength(1 + 9);
    expect(agents.filter((line) => line.startsWith(HOSTILE_AGENT))).toHaveLength(3);
    const sample = (await readFile(join(out, 'sample.csv'), 'utf8')).trim().split('\r\n');
    expect(sample).toHaveLength(1 + 3);
  });
});

describe('audit --sample', () => {
  const sampleOf = async (seed: string) => {
    const run = await runCli(['audit', team, '--json', '--sample', '2', '--seed', seed]);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout).report.sample as Array<{ agentId: string; chatId: string }>;
  };

  it('picks the same chats for the same seed, N per agent and month, each by its chat id', async () => {
    const first = await sampleOf('2026-11');
    expect(await sampleOf('2026-11')).toEqual(first);
    expect(first).toHaveLength(6);
    for (const agent of ['a-1', 'a-2', HOSTILE_AGENT]) {
      expect(first.filter((p) => p.agentId === agent)).toHaveLength(2);
    }
    for (const pick of first) expect(pick.chatId).toMatch(/^c-\d{3}$/);
    const others = [];
    // One at a time: runCli captures the process's own stdout.
    for (const seed of ['a', 'b', 'c']) others.push(await sampleOf(seed));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(first))).toBe(true);
  });

  it('lists the sample in the table output, one chat a line', async () => {
    const json = await sampleOf('q4');
    const run = await runCli(['audit', team, '--sample', '2', '--seed', 'q4']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('QA sample (seed q4)');
    for (const pick of json) {
      expect(run.stdout).toMatch(new RegExp(`2026-11 {2}\\S.* {2}${pick.chatId}\\b`));
    }
  });
});

describe('audit --report', () => {
  it('writes one static HTML file: the CSP, five SVG charts, no script, every string escaped', async () => {
    const path = join(dir, 'report.html');
    const run = await runCli(['audit', team, '--report', path, '--library', 'demo/library']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrote ${path}`);
    const html = await readFile(path, 'utf8');
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    expect(html.match(/<figure><svg /g)).toHaveLength(5);
    // Nothing that runs or loads (the attributes are checked in Chromium, report.test.ts).
    expect(html).not.toMatch(/<(script|img|iframe|object|embed|link|image|use|foreignObject)\b/i);
    // The hostile agent id is text, escaped, in the tables and on the chart's axis.
    expect(html).toContain('<th scope="row">&lt;img src=x onerror=alert(1)&gt;</th>');
    expect(html).toMatch(/<text [^>]*>&lt;img src=x onerror=/);
    expect(html).toContain('Can I pay with bitcoin or dogecoin?');
  });
});

describe('bad report options', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['--sample 0', ['--sample', '0', '--seed', 's'], /--sample must be a whole number/],
    ['--sample two', ['--sample', 'two', '--seed', 's'], /--sample must be a whole number/],
    ['--sample without --seed', ['--sample', '3'], /--sample needs --seed/],
    ['--seed alone', ['--seed', 's', '--json'], /--seed goes with --sample/],
    ['--period year', ['--json', '--period', 'year'], /--period must be day, week or month/],
    ['--tz Mars/Olympus', ['--json', '--tz', 'Mars/Olympus'], /--tz must be an IANA time zone/],
    ['--report out.txt', ['--report', 'out.txt'], /--report must name an \.html file/],
    ['--library alone', ['--library', 'demo/library'], /--library shapes the team report/],
    ['--csv ""', ['--csv', ''], /--csv needs a directory/],
  ];
  it.each(cases)('refuses %s with a message naming it (exit 2)', async (_, args, message) => {
    const run = await runCli(['audit', team, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('refuses an invalid library before reading the transcript (exit 1)', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"format":"nope"}');
    const run = await runCli(['audit', team, '--json', '--library', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(bad);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});
