// `audit` with the engine's extensions (docs/ownership.md): ownership events leave the
// protocol's output untouched, and overrides match tiers ignoring case.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

// protocol.md's example transcript, with an assignee and assignments added.
const TRANSCRIPT = [
  '{"type":"chat.started","chatId":"c-1042","at":"2026-11-23T10:00:00.000Z","customer":{"id":"u-77","name":"Dana Lee","tier":"vip"},"channel":"web","assignee":"a-3"}',
  '{"type":"message","chatId":"c-1042","id":"m1","at":"2026-11-23T10:00:04.250Z","author":"customer","text":"Hi, my order never arrived"}',
  '{"type":"chat.assigned","chatId":"c-1042","at":"2026-11-23T10:00:10Z","agentId":"a-4"}',
  '{"type":"message","chatId":"c-1042","id":"m2","at":1795428019000,"author":"agent","agentId":"a-3","text":"Hi Dana! Sorry to hear that."}',
  '{"type":"chat.assigned","chatId":"c-1042","at":"2026-11-23T10:00:40Z","agentId":null}',
  '{"type":"chat.assigned","chatId":"c-1042","at":"2026-11-23T10:00:41Z"}',
  '{"type":"chat.closed","chatId":"c-1042","at":"2026-11-23T10:09:12Z"}',
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-ownership-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('audit with ownership events and case-insensitive overrides', () => {
  it('assignments (well-formed or not) are no invalid lines and add no per-chat field', async () => {
    const run = await runCli(['audit', await file('t.jsonl', TRANSCRIPT.join('\n')), '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    const { checklist, ...timing } = report.chats[0];
    expect(timing).toEqual({
      chatId: 'c-1042',
      firstResponseS: 19,
      firstResponseBreached: false,
      greetedByName: true,
      longestGapS: 0,
      gapBreaches: 0,
      gapWarnings: 0,
      closed: true,
    });
    expect(typeof checklist).toBe('object');
    expect(report.summary).toMatchObject({ chats: 1, invalidLines: 0 });
  });

  it('an override for tier "VIP" applies to a chat whose tier is "vip"', async () => {
    const config = await file(
      'config.json',
      JSON.stringify({ overrides: [{ when: { tier: 'VIP' }, firstResponseS: 15 }] }),
    );
    const path = await file('t.jsonl', TRANSCRIPT.join('\n'));
    const run = await runCli(['audit', path, '--config', config, '--json']);
    const report = JSON.parse(run.stdout);
    // First response 19 s: within the team's 30 s, beyond the VIP 15 s.
    expect(report.chats[0].firstResponseBreached).toBe(true);
    expect(report.summary.firstResponseBreaches).toBe(1);
  });
});
