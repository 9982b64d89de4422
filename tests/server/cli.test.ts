// `chat-playbook token` and `chat-playbook serve` as shared/spec/cli.md describes them.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseDuration, signBody, signToken, verifyToken } from '../../src/server/auth.ts';
import { runCli } from '../support/cli.ts';
import { connected, ROOT, SECRET, widget } from './helpers.ts';

describe('tokens', () => {
  it('round-trips claims and refuses tampering, another secret and expiry', () => {
    const now = Date.UTC(2026, 0, 1);
    const t = signToken(SECRET, {
      team: 'acme',
      role: 'supervisor',
      sub: 's',
      name: 'Sue',
      ttlMs: 60_000,
      now,
    });
    const ok = verifyToken(SECRET, t, now + 1000);
    expect(ok).toEqual({
      ok: true,
      claims: {
        team: 'acme',
        role: 'supervisor',
        sub: 's',
        name: 'Sue',
        iat: now / 1000,
        exp: now / 1000 + 60,
      },
    });
    expect(verifyToken('other', t, now)).toMatchObject({ ok: false, code: 'auth_signature' });
    expect(verifyToken(SECRET, t, now + 61_000)).toMatchObject({ ok: false, code: 'auth_expired' });
    expect(verifyToken(SECRET, `${t}x`, now)).toMatchObject({ ok: false });
    expect(verifyToken(SECRET, t.replace(/\.[^.]*$/, '.'), now)).toMatchObject({
      ok: false,
      code: 'auth_signature',
    });
    expect(() => signToken(SECRET, { team: '../x', role: 'agent', sub: 's' })).toThrow(/team/);
  });

  it('signs bodies as sha256=<hex HMAC>', () => {
    // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog")
    expect(signBody('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('parses durations', () => {
    expect(parseDuration('8h')).toBe(8 * 3600_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration('0s')).toBeNull();
  });
});

describe('chat-playbook token', () => {
  const env = process.env.PLAYBOOK_SECRET;
  beforeEach(() => {
    process.env.PLAYBOOK_SECRET = SECRET;
  });
  afterEach(() => {
    if (env === undefined) delete process.env.PLAYBOOK_SECRET;
    else process.env.PLAYBOOK_SECRET = env;
  });

  it('prints a token signed with PLAYBOOK_SECRET', async () => {
    const run = await runCli([
      'token',
      '--team',
      'acme',
      '--role',
      'agent',
      '--sub',
      'a-3',
      '--name',
      'Sam',
      '--ttl',
      '30m',
    ]);
    expect(run.code).toBe(0);
    const token = run.stdout.trim();
    const v = verifyToken(SECRET, token);
    expect(v).toMatchObject({
      ok: true,
      claims: { team: 'acme', role: 'agent', sub: 'a-3', name: 'Sam' },
    });
    if (v.ok) expect(v.claims.exp - v.claims.iat).toBe(1800);
  });

  it('defaults to 8 hours and prints JSON with --json', async () => {
    const run = await runCli([
      'token',
      '--team',
      't',
      '--role',
      'supervisor',
      '--sub',
      's',
      '--json',
    ]);
    const out = JSON.parse(run.stdout) as { token: string; claims: { exp: number; iat: number } };
    expect(out.claims.exp - out.claims.iat).toBe(8 * 3600);
    expect(verifyToken(SECRET, out.token).ok).toBe(true);
  });

  it('exits 2 on wrong usage or without a secret', async () => {
    expect((await runCli(['token', '--role', 'agent', '--sub', 's'])).code).toBe(2);
    expect((await runCli(['token', '--team', 't', '--role', 'admin', '--sub', 's'])).code).toBe(2);
    expect((await runCli(['token', '--team', 't', '--role', 'agent'])).code).toBe(2);
    expect(
      (await runCli(['token', '--team', 't', '--role', 'agent', '--sub', 's', '--ttl', 'x'])).code,
    ).toBe(2);
    delete process.env.PLAYBOOK_SECRET;
    const run = await runCli(['token', '--team', 't', '--role', 'agent', '--sub', 's']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PLAYBOOK_SECRET/);
  });
});

describe('chat-playbook serve', () => {
  it('refuses to start without PLAYBOOK_SECRET', async () => {
    const env = process.env.PLAYBOOK_SECRET;
    delete process.env.PLAYBOOK_SECRET;
    try {
      const run = await runCli(['serve', '--port', '0']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/PLAYBOOK_SECRET is not set/);
      expect(run.stdout).toBe('');
    } finally {
      if (env !== undefined) process.env.PLAYBOOK_SECRET = env;
    }
  });

  it('rejects bad flags with exit 2', async () => {
    expect((await runCli(['serve', '--port', 'x'])).code).toBe(2);
    expect((await runCli(['serve', '--data', 'd', '--redis', 'redis://x'])).code).toBe(2);
    expect((await runCli(['serve', '--retention', 'forever'])).code).toBe(2);
  });

  it('--demo prints exactly one stdout line when ready, demo tokens on stderr, and stops on SIGTERM', async () => {
    const env = { ...process.env };
    delete env.PLAYBOOK_SECRET;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'serve', '--demo', '--port', '0'],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const start = Date.now();
    while (!stdout.includes('\n') && Date.now() - start < 30_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stdout).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(stderr).toMatch(/storage: memory only/);
    const agentToken = /demo agent token:\s+(\S+)/.exec(stderr)?.[1];
    expect(agentToken).toBeDefined();
    const url = stdout.trim().replace('listening on ', '');
    const w = widget(url, agentToken!);
    await connected(w);
    await w.waitFor(() => w.welcome !== null);
    expect(w.welcome).toMatchObject({ team: 'default', role: 'agent' });
    w.close();
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
