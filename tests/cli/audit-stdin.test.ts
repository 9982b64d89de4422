// `audit -`: standard input is read as it arrives (never whole into memory), and a chat that
// needs the replay pass is replayed from a bounded spool on disk that never outlives the run.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REORDER_WINDOW } from '../../src/cli/commands/audit.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.parse('2026-11-23T10:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

const lateChat = {
  started: `{"type":"chat.started","chatId":"late","at":"${iso(0)}","customer":{"name":"Dana Lee"}}`,
  asked: `{"type":"message","chatId":"late","id":"m1","at":"${iso(4)}","author":"customer","text":"Hi, my order never arrived"}`,
  answered: `{"type":"message","chatId":"late","id":"m2","at":"${iso(19)}","author":"agent","text":"Hi Dana!"}`,
  closed: `{"type":"chat.closed","chatId":"late","at":"${iso(552)}"}`,
  // Sent before the close, delivered after it: a wait from 300 s to the close, one breach.
  lateQuestion: `{"type":"message","chatId":"late","id":"m3","at":"${iso(300)}","author":"customer","text":"Any news?"}`,
};

/** `count` in-order messages of another chat, long enough apart to stay in order. */
function filler(count: number, from = 600): string[] {
  const lines = [`{"type":"chat.started","chatId":"busy","at":"${iso(from)}"}`];
  for (let i = 1; i < count; i++) {
    const author = i % 2 === 0 ? 'agent' : 'customer';
    lines.push(
      `{"type":"message","chatId":"busy","id":"b${i}","at":"${iso(from + i)}","author":"${author}","text":"line ${i} of a long and busy chat"}`,
    );
  }
  return lines;
}

/** The late chat, then more lines than the reorder window holds, then its late line. */
function transcriptNeedingReplay(fillerLines = REORDER_WINDOW + 100): string[] {
  const { started, asked, answered, closed, lateQuestion } = lateChat;
  return [started, asked, answered, closed, ...filler(fillerLines), lateQuestion];
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-stdin-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<number>;
}

/** The CLI from source, its temporary files in `tmp`; standard input is left open. */
function startCli(args: string[], tmp: string): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp, TMP: tmp, TEMP: tmp },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

async function runWithInput(args: string[], input: string, tmp = dir) {
  const run = startCli(args, tmp);
  run.child.stdin!.end(input);
  const code = await run.done;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** What the CLI left in a temporary directory (tsx keeps its own cache there). */
async function spools(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name.startsWith('chat-playbook'));
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('audit - reads standard input as it arrives', () => {
  it('reports a bad first line while the rest of the input has not been written yet', async () => {
    const run = startCli(['audit', '-', '--json'], dir);
    run.child.stdin!.write(`not json\n${lateChat.started}\n${lateChat.asked}\n`);
    // Input still open: an audit that read all of it first could not have said anything yet.
    await until('the report of line 1', () =>
      run.stderr().includes('<stdin>: line 1: not valid JSON'),
    );
    expect(run.child.exitCode).toBeNull();
    run.child.stdin!.end(`${lateChat.answered}\n${lateChat.closed}\n`);
    expect(await run.done).toBe(0);
    const report = JSON.parse(run.stdout());
    expect(report.summary).toMatchObject({ chats: 1, invalidLines: 1 });
    expect(report.chats[0]).toMatchObject({ chatId: 'late', firstResponseS: 19, closed: true });
  });

  it('leaves no spool file behind when it is killed mid-input', async () => {
    const run = startCli(['audit', '-', '--json'], dir);
    run.child.stdin!.write(`not json\n${filler(200).join('\n')}\n`);
    await until('the first line read', () => run.stderr().includes('<stdin>: line 1'));
    expect(await spools(dir)).toEqual([]);
    run.child.kill('SIGKILL');
    await run.done;
    expect(await spools(dir)).toEqual([]);
  });
});

describe('audit - replays late chats from its spool', () => {
  it('gives the result of the same transcript read from a file, and of the sorted one', async () => {
    const lines = transcriptNeedingReplay();
    const file = join(dir, 't.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    const sorted = join(dir, 'sorted.jsonl');
    const { started, asked, answered, closed, lateQuestion } = lateChat;
    const inOrder = [
      started,
      asked,
      answered,
      lateQuestion,
      closed,
      ...filler(REORDER_WINDOW + 100),
    ];
    await writeFile(sorted, `${inOrder.join('\n')}\n`);
    const spoolDir = await mkdtemp(join(tmpdir(), 'audit-spool-'));
    try {
      const fromStdin = await runWithInput(
        ['audit', '-', '--json'],
        `${lines.join('\n')}\n`,
        spoolDir,
      );
      const fromFile = await runWithInput(['audit', file, '--json'], '');
      const fromSorted = await runWithInput(['audit', sorted, '--json'], '');
      expect(fromStdin.stderr).toBe('');
      expect(fromStdin.code).toBe(0);
      const strip = (out: string) => {
        const { report: _report, ...audit } = JSON.parse(out);
        return audit;
      };
      expect(strip(fromStdin.stdout)).toEqual(strip(fromFile.stdout));
      expect(strip(fromStdin.stdout)).toEqual(strip(fromSorted.stdout));
      // 300 s → close at 552 s: a 252 s wait, one breach.
      const late = strip(fromStdin.stdout).chats.find(
        (c: { chatId: string }) => c.chatId === 'late',
      );
      expect(late).toMatchObject({ longestGapS: 252, gapBreaches: 1 });
      expect(await spools(spoolDir)).toEqual([]);
    } finally {
      await rm(spoolDir, { recursive: true, force: true });
    }
  });

  it('stops at --spool-limit with an error naming it when a replay needs more than it kept', async () => {
    // ~1.2 MB of input against a 1 MB spool.
    const lines = transcriptNeedingReplay(16_000);
    const run = await runWithInput(
      ['audit', '-', '--json', '--spool-limit', '1'],
      lines.join('\n'),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('replay spool stopped at its limit of 1 MB (--spool-limit)');
    expect(await spools(dir)).toEqual([]);
  });

  it('needs no spool room when no chat needs a replay, however long the input', async () => {
    const { started, asked, answered, closed } = lateChat;
    const lines = [started, asked, answered, closed, ...filler(16_000)];
    const run = await runWithInput(
      ['audit', '-', '--json', '--spool-limit', '1'],
      lines.join('\n'),
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).summary.chats).toBe(2);
  });

  it('--spool-limit goes with standard input only', async () => {
    const file = join(dir, 't.jsonl');
    await writeFile(file, lateChat.started);
    const run = await runWithInput(['audit', file, '--spool-limit', '5'], '');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--spool-limit goes with -');
  });
});
