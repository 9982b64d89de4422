// `audit --from <host>`: a helpdesk's exported conversations (fixtures in
// tests/server/connectors/fixtures, each following the host's API docs as noted in
// <host>.test.ts) audited with the same mapping as the live webhooks; unreadable records
// reported by file and record number; `--agent`, `--since` and `--until` for a person or a month.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const FIXTURES = join(import.meta.dirname, '../server/connectors/fixtures');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-from-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function chatwootExport(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(FIXTURES, 'chatwoot/conversation-export.json'), 'utf8'));
}

/** The same conversation under another id, started `shiftS` later, answered by `agent`. */
function variant(base: Record<string, unknown>, id: number, shiftS: number, agent?: number) {
  const copy = structuredClone(base) as Record<string, unknown> & {
    messages: Array<Record<string, unknown> & { sender?: Record<string, unknown> }>;
  };
  copy.id = id;
  for (const key of ['created_at', 'timestamp', 'last_activity_at']) {
    if (typeof copy[key] === 'number') copy[key] = (copy[key] as number) + shiftS;
  }
  for (const m of copy.messages) {
    if (typeof m.created_at === 'number') m.created_at += shiftS;
    m.conversation_id = id;
    if (agent !== undefined && m.sender?.type === 'user') m.sender.id = agent;
  }
  return copy;
}

describe('audit --from chatwoot', () => {
  it('audits an export file with chat ids traceable to the helpdesk', async () => {
    const file = join(dir, 'one.json');
    await writeFile(file, JSON.stringify(await chatwootExport()));
    const run = await runCli(['audit', '--from', 'chatwoot', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.chats).toHaveLength(1);
    expect(report.chats[0]).toMatchObject({ chatId: 'chatwoot-1042', closed: true });
    expect(report.chats[0].firstResponseS).toBeGreaterThan(0);
    // People get the table.
    const table = await runCli(['audit', '--from', 'chatwoot', file]);
    expect(table.stdout).toContain('chatwoot-1042');
  });

  it('reads JSONL, arrays and directories, and reports unknown records by file and number', async () => {
    const base = await chatwootExport();
    await writeFile(
      join(dir, 'a.jsonl'),
      `${JSON.stringify(variant(base, 1, 0))}\n{"hello":"world"}\nnot json\n${JSON.stringify(variant(base, 2, 60))}\n`,
    );
    await writeFile(join(dir, 'b.json'), JSON.stringify([variant(base, 3, 120)]));
    await writeFile(join(dir, 'notes.txt'), 'not an export');
    const run = await runCli(['audit', '--from', 'chatwoot', dir, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.chats.map((c: { chatId: string }) => c.chatId)).toEqual([
      'chatwoot-1',
      'chatwoot-2',
      'chatwoot-3',
    ]);
    expect(report.summary.invalidLines).toBe(2);
    expect(run.stderr).toMatch(/a\.jsonl: record 2: not a chatwoot conversation: /);
    expect(run.stderr).toMatch(/a\.jsonl: record 3: not valid JSON/);
    // --strict fails the run when any record was unusable.
    const strict = await runCli(['audit', '--from', 'chatwoot', dir, '--json', '--strict']);
    expect(strict.code).toBe(1);
  });

  it('filters by agent and by start time', async () => {
    const base = await chatwootExport();
    const day = 86_400;
    await writeFile(
      join(dir, 'month.jsonl'),
      [variant(base, 10, 0, 3), variant(base, 11, 10 * day, 5), variant(base, 12, 20 * day, 3)]
        .map((c) => JSON.stringify(c))
        .join('\n'),
    );
    const ids = async (...args: string[]) => {
      const run = await runCli([
        'audit',
        '--from',
        'chatwoot',
        join(dir, 'month.jsonl'),
        '--json',
        ...args,
      ]);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report.summary.chats).toBe(report.chats.length);
      return report.chats.map((c: { chatId: string }) => c.chatId);
    };
    expect(await ids('--agent', '5')).toEqual(['chatwoot-11']);
    expect(await ids('--agent', '3')).toEqual(['chatwoot-10', 'chatwoot-12']);
    expect(await ids('--agent', 'nobody')).toEqual([]);
    const start = new Date(((base.created_at as number) + 5 * day) * 1000);
    const day5 = start.toISOString().slice(0, 10);
    const later = new Date(start.getTime() + 10 * day * 1000).toISOString();
    expect(await ids('--since', day5)).toEqual(['chatwoot-11', 'chatwoot-12']);
    expect(await ids('--since', day5, '--until', later)).toEqual(['chatwoot-11']);
    expect(await ids('--until', day5, '--agent', '3')).toEqual(['chatwoot-10']);
  });

  it('filters plain transcripts the same way', async () => {
    const file = join(dir, 't.jsonl');
    const lines = [
      { type: 'chat.started', chatId: 'c-1', at: '2026-11-02T10:00:00Z' },
      {
        type: 'message',
        chatId: 'c-1',
        id: 'm1',
        at: '2026-11-02T10:00:05Z',
        author: 'agent',
        agentId: 'a-3',
        text: 'Hi',
      },
      { type: 'chat.started', chatId: 'c-2', at: '2026-12-02T10:00:00Z' },
      {
        type: 'message',
        chatId: 'c-2',
        id: 'm1',
        at: '2026-12-02T10:00:05Z',
        author: 'agent',
        agentId: 'a-4',
        text: 'Hi',
      },
      {
        type: 'message',
        chatId: 'c-2',
        id: 'm2',
        at: '2026-12-02T10:00:06Z',
        author: 'agent',
        agentId: 'a-3',
        text: 'note',
        internal: true,
      },
    ];
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const run = async (...args: string[]) =>
      JSON.parse((await runCli(['audit', file, '--json', ...args])).stdout).chats.map(
        (c: { chatId: string }) => c.chatId,
      );
    // An internal note is not a public message: a-3 did not work c-2.
    expect(await run('--agent', 'a-3')).toEqual(['c-1']);
    expect(await run('--since', '2026-12-01')).toEqual(['c-2']);
    expect(await run('--until', '2026-12-01')).toEqual(['c-1']);
  });

  it('refuses wrong usage with exit 2 and names what is wrong', async () => {
    const bad = await runCli(['audit', '--from', 'intercom', 'x.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from must be one of chatwoot, zendesk, livechat, front');
    const none = await runCli(['audit', '--from', 'front']);
    expect(none.code).toBe(2);
    expect((await runCli(['audit', 'x.jsonl', '--since', 'last tuesday'])).code).toBe(2);
    const missing = await runCli(['audit', '--from', 'front', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json: cannot read');
  });
});
