import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, runCliProcess } from '../support/cli.ts';

// The example transcript of protocol.md, line for line.
const SPEC_EXAMPLE = [
  '{"type":"chat.started","chatId":"c-1042","at":"2026-11-23T10:00:00.000Z","customer":{"id":"u-77","name":"Dana Lee","tier":"standard"},"channel":"web"}',
  '{"type":"message","chatId":"c-1042","id":"m1","at":"2026-11-23T10:00:04.250Z","author":"customer","text":"Hi, my order never arrived"}',
  '{"type":"message","chatId":"c-1042","id":"m2","at":1795428019000,"author":"agent","agentId":"a-3","text":"Hi Dana! Sorry to hear that."}',
  '{"type":"message","chatId":"c-1042","id":"m3","at":"2026-11-23T10:00:30Z","author":"agent","text":"customer is VIP","internal":true}',
  '{"type":"chat.closed","chatId":"c-1042","at":"2026-11-23T10:09:12Z"}',
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('audit --json', () => {
  it('gives the numbers of protocol.md for its example transcript', async () => {
    const path = await file('t.jsonl', `${SPEC_EXAMPLE.join('\n')}\n`);
    const run = await runCli(['audit', path, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.chats).toHaveLength(1);
    expect(report.chats[0]).toMatchObject({
      chatId: 'c-1042',
      firstResponseS: 19,
      firstResponseBreached: false,
      greetedByName: true,
      longestGapS: 0,
      gapBreaches: 0,
      gapWarnings: 0,
      closed: true,
    });
    expect(report.summary).toEqual({
      chats: 1,
      firstResponseBreaches: 0,
      gapBreaches: 0,
      greetedByName: 1,
      invalidLines: 0,
      duplicates: 0,
    });
  });

  it('reports invalid lines as FILE: line N: reason, counts them and keeps the rest', async () => {
    const lines = [
      SPEC_EXAMPLE[0],
      'not json at all',
      '{"type":"message","chatId":"c-1042","id":"m9","at":"2026-11-23T10:00:05Z","author":"robot","text":"x"}',
      '[1,2]',
      '',
      ...SPEC_EXAMPLE.slice(1),
    ];
    const path = await file('bad.jsonl', lines.join('\n'));
    const run = await runCli(['audit', path, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${path}: line 2: not valid JSON`);
    expect(run.stderr).toContain(`${path}: line 3: author:`);
    expect(run.stderr).toContain(`${path}: line 4: not a JSON object`);
    expect(run.stderr).not.toContain('line 5');
    const report = JSON.parse(run.stdout);
    expect(report.summary.invalidLines).toBe(3);
    expect(report.chats[0].firstResponseS).toBe(19);
  });

  it('--strict exits 1 when any line was invalid, and 0 when none was', async () => {
    const bad = await file('bad.jsonl', `${SPEC_EXAMPLE.join('\n')}\n{"type":"message"}\n`);
    const good = await file('good.jsonl', SPEC_EXAMPLE.join('\n'));
    expect((await runCli(['audit', bad, '--strict', '--json'])).code).toBe(1);
    expect((await runCli(['audit', good, '--strict', '--json'])).code).toBe(0);
  });

  it('drops a byte-order mark and trailing carriage returns', async () => {
    const path = await file('crlf.jsonl', `\uFEFF${SPEC_EXAMPLE.join('\r\n')}\r\n`);
    const run = await runCli(['audit', path, '--json']);
    const report = JSON.parse(run.stdout);
    expect(report.summary.invalidLines).toBe(0);
    expect(report.chats[0].firstResponseS).toBe(19);
  });

  it('applies a configuration with overrides for the chat tier', async () => {
    const vip = SPEC_EXAMPLE.map((l) => l.replace('"tier":"standard"', '"tier":"vip"'));
    const path = await file('vip.jsonl', vip.join('\n'));
    const config = await file(
      'config.json',
      JSON.stringify({ overrides: [{ when: { tier: 'vip' }, firstResponseS: 15 }] }),
    );
    const report = JSON.parse((await runCli(['audit', path, '--config', config, '--json'])).stdout);
    expect(report.chats[0].firstResponseBreached).toBe(true);
    expect(report.summary.firstResponseBreaches).toBe(1);
  });

  it('refuses an invalid configuration, naming the file and the field', async () => {
    const path = await file('t.jsonl', SPEC_EXAMPLE.join('\n'));
    const config = await file('config.json', JSON.stringify({ maxGapS: 60, gapWarnS: 60 }));
    const run = await runCli(['audit', path, '--config', config, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${config}: gapWarnS: must be below maxGapS`);
    expect(run.stdout).toBe('');
  });

  it('exits 1 with a clear message for an unreadable transcript', async () => {
    const run = await runCli(['audit', join(dir, 'missing.jsonl'), '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/missing\.jsonl: cannot read transcript/);
  });
});

describe('audit usage', () => {
  it('exits 2 with usage when the transcript is missing or a flag is unknown', async () => {
    const none = await runCli(['audit']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing transcript');
    expect(none.stderr).toContain('Usage: chat-playbook audit');
    expect((await runCli(['audit', 'x.jsonl', '--frobnicate'])).code).toBe(2);
  });

  it('prints its usage on --help', async () => {
    const run = await runCli(['audit', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: chat-playbook audit');
  });
});

describe('audit for people', () => {
  it('prints a table per chat and compliance percentages', async () => {
    const late = [
      '{"type":"chat.started","chatId":"c-2","at":"2026-11-23T10:00:00Z","customer":{"name":"Ann"}}',
      '{"type":"message","chatId":"c-2","id":"a","at":"2026-11-23T10:00:45Z","author":"agent","text":"Hello"}',
    ];
    const path = await file('t.jsonl', [...SPEC_EXAMPLE, ...late].join('\n'));
    const run = await runCli(['audit', path]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/c-1042\s+19\.0s\s+yes/);
    expect(run.stdout).toMatch(/c-2\s+45\.0s BREACH\s+no/);
    expect(run.stdout).toContain('First response in time: 50% (1 breach(es))');
    expect(run.stdout).toContain('Greeted by name:        50%');
  });
});

describe('audit from standard input', () => {
  it('reads - and gives the sorted result even when a chat closes before its late lines', () => {
    // The close arrives first; two earlier messages come after it in the file.
    const shuffled = [
      SPEC_EXAMPLE[4],
      SPEC_EXAMPLE[0],
      SPEC_EXAMPLE[2],
      SPEC_EXAMPLE[1],
      SPEC_EXAMPLE[3],
    ];
    const run = runCliProcess(['audit', '-', '--json'], `${shuffled.join('\n')}\n`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.chats[0]).toMatchObject({ chatId: 'c-1042', firstResponseS: 19, closed: true });
  });

  it('replays a chat whose earlier message arrives after the close was processed', () => {
    const lines = [
      SPEC_EXAMPLE[0],
      SPEC_EXAMPLE[1],
      SPEC_EXAMPLE[2],
      SPEC_EXAMPLE[4],
      // A customer message before the close, delivered late: opens a wait until the close.
      '{"type":"message","chatId":"c-1042","id":"m4","at":"2026-11-23T10:05:00Z","author":"customer","text":"Any news?"}',
    ];
    const run = runCliProcess(['audit', '-', '--json'], lines.join('\n'));
    const report = JSON.parse(run.stdout);
    // 10:05:00 → close at 10:09:12 = 252 s, one breach.
    expect(report.chats[0]).toMatchObject({ longestGapS: 252, gapBreaches: 1 });
  });
});
