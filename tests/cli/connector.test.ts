// `chat-playbook connector add|list`: the connectors file serve reads (secrets kept to its
// owner, never printed by list), and the usage errors a team lead would hit first.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConnectorsFile } from '../../src/server/connectors/registry.ts';
import { runCli } from '../support/cli.ts';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'connector-cli-'));
  file = join(dir, 'connectors.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('connector add', () => {
  it('makes a secret for LiveChat, prints it once, and keeps the file to its owner', async () => {
    const run = await runCli([
      'connector',
      'add',
      '--team',
      'acme',
      '--host',
      'livechat',
      '--connectors',
      file,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const secret = run.stdout.trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(run.stderr).toContain('/v1/connectors/livechat/acme');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const entries = parseConnectorsFile(await readFile(file, 'utf8'));
    expect(entries).toMatchObject([{ team: 'acme', host: 'livechat', secret }]);
  });

  it('requires the helpdesk’s own secret for Chatwoot, Zendesk and Front, and replaces on re-add', async () => {
    for (const host of ['chatwoot', 'zendesk', 'front']) {
      const run = await runCli([
        'connector',
        'add',
        '--team',
        'acme',
        '--host',
        host,
        '--connectors',
        file,
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--secret is required for ${host}`);
    }
    const add = (secret: string) =>
      runCli([
        'connector',
        'add',
        '--team',
        'acme',
        '--host',
        'front',
        '--secret',
        secret,
        '--tier-field',
        'tag:tier-',
        '--connectors',
        file,
      ]);
    expect((await add('first-secret-0123456789')).stderr).toContain('added');
    const again = await add('second-secret-0123456789');
    expect(again.stderr).toContain('replaced');
    expect(again.stdout).toBe('');
    const entries = parseConnectorsFile(await readFile(file, 'utf8'));
    expect(entries).toEqual([
      expect.objectContaining({
        host: 'front',
        secret: 'second-secret-0123456789',
        tierField: 'tag:tier-',
      }),
    ]);
    const list = await runCli(['connector', 'list', '--connectors', file]);
    expect(list.stdout).toContain('acme  front  /v1/connectors/front/acme  (tier ← tag:tier-)');
    expect(list.stdout).not.toContain('second-secret');
  });

  it('refuses a short secret, an unknown host or a bad team, naming it', async () => {
    const short = await runCli([
      'connector',
      'add',
      '--team',
      'acme',
      '--host',
      'front',
      '--secret',
      'abc',
      '--connectors',
      file,
    ]);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('secret: must be a string of 16 to 512 characters');
    const host = await runCli([
      'connector',
      'add',
      '--team',
      'acme',
      '--host',
      'intercom',
      '--connectors',
      file,
    ]);
    expect(host.code).toBe(2);
    expect(host.stderr).toContain('--host must be one of chatwoot, zendesk, livechat, front');
    const team = await runCli([
      'connector',
      'add',
      '--team',
      '../etc',
      '--host',
      'livechat',
      '--connectors',
      file,
    ]);
    expect(team.code).toBe(2);
    expect((await runCli(['connector', 'remove'])).code).toBe(2);
  });

  it('puts the file in the data directory serve uses with --data', async () => {
    const run = await runCli([
      'connector',
      'add',
      '--team',
      'acme',
      '--host',
      'livechat',
      '--data',
      dir,
    ]);
    expect(run.code).toBe(0);
    expect(parseConnectorsFile(await readFile(join(dir, 'connectors.json'), 'utf8'))).toHaveLength(
      1,
    );
  });
});
