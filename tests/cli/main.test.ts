// The command itself: the bin entry always runs main and its exit code is the process's
// (issue 17: through npm's bin link the old argv check ran nothing and exited 0).
import { readFileSync } from 'node:fs';
import { runCli, runCliProcess } from '../support/cli.ts';

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
);

describe('chat-playbook', () => {
  it('prints the package version on --version', async () => {
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs as a process under any name, with the exit code of what it did', () => {
    const help = runCliProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: chat-playbook <command>');
    const none = runCliProcess([]);
    expect(none.code).toBe(2);
    const unknown = runCliProcess(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const missing = runCliProcess(['audit', 'no-such-file.jsonl']);
    expect(missing.code).toBe(1);
  });
});
