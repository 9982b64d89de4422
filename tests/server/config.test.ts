// Supervisors' team configuration: validated by the engine, versioned, broadcast, revertible,
// and kept with --data.
import type { RunningServer } from '../../src/server/index.ts';
import type { ConfigHistoryAck, ConfigSaveAck } from '../../src/server/wire.ts';
import { connected, emitAck, removeDir, serve, tempDir, widget } from './helpers.ts';

let server: RunningServer;
let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  server = await serve({ rateLimit: false, data: dir });
});
afterEach(async () => {
  await server.close();
  await removeDir(dir);
});

const supervisor = () =>
  server.token({ team: 'acme', role: 'supervisor', sub: 's-1', name: 'Sue' });
const agent = (team = 'acme') => server.token({ team, role: 'agent', sub: 'a-1' });

describe('team configuration', () => {
  it('saves a supervisor change, broadcasts it at once to every widget of the team only', async () => {
    const boss = widget(server.url, supervisor());
    const a1 = widget(server.url, agent());
    const a2 = widget(server.url, agent());
    const outsider = widget(server.url, agent('globex'));
    await Promise.all([boss, a1, a2, outsider].map((w) => connected(w)));
    await a1.waitFor(() => a1.configs.length === 1 && a2.configs.length === 1);
    expect(a1.configs[0]).toMatchObject({ version: 0, comment: 'built-in defaults' });

    const ack = await emitAck<ConfigSaveAck>(boss.socket, 'config:save', {
      config: { firstResponseS: 45, firstResponseWarnS: 30, holdPhrases: ['Hang  ON'] },
      comment: 'weekend staffing',
    });
    expect(ack).toEqual({ ok: true, version: 1 });
    for (const w of [a1, a2, boss]) {
      await w.waitFor(() => w.configs.length === 2, 5000, 'config push');
      expect(w.configs[1]).toMatchObject({
        version: 1,
        comment: 'weekend staffing',
        by: { sub: 's-1', name: 'Sue' },
        config: {
          firstResponseS: 45,
          firstResponseWarnS: 30,
          holdPhrases: ['hang on'],
          maxGapS: 120,
        },
      });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(outsider.configs.length).toBe(1);

    // A widget that connects later gets the current version.
    const late = widget(server.url, agent());
    await connected(late);
    await late.waitFor(() => late.configs.length === 1);
    expect(late.configs[0]!.version).toBe(1);
    for (const w of [boss, a1, a2, outsider, late]) w.close();
  });

  it('rejects an invalid configuration naming the field, keeping the old one', async () => {
    const boss = widget(server.url, supervisor());
    await connected(boss);
    const ack = await emitAck<ConfigSaveAck>(boss.socket, 'config:save', {
      config: { maxGapS: 60, gapWarnS: 90, holdPhrases: ['ok', ' '], firstResponseS: -1 },
    });
    expect(ack.ok).toBe(false);
    const fields = (ack as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['gapWarnS', 'holdPhrases[1]', 'firstResponseS']),
    );
    const notObject = await emitAck<ConfigSaveAck>(boss.socket, 'config:save', { config: 7 });
    expect(notObject).toMatchObject({ ok: false, errors: [{ field: '(config)' }] });
    expect((await server.hub.currentConfig('acme')).version).toBe(0);
    boss.close();
  });

  it('keeps a history (who, when, comment) and reverts to a version as a new version', async () => {
    const boss = widget(server.url, supervisor());
    const a = widget(server.url, agent());
    await Promise.all([connected(boss), connected(a)]);
    await emitAck(boss.socket, 'config:save', {
      config: { firstResponseS: 60, firstResponseWarnS: 40 },
      comment: 'v1',
    });
    await emitAck(boss.socket, 'config:save', {
      config: { maxGapS: 300, gapWarnS: 200 },
      comment: 'v2',
    });
    const history = await emitAck<ConfigHistoryAck>(boss.socket, 'config:history');
    expect(history.ok).toBe(true);
    const versions = (history as { versions: { version: number; comment: string; at: number }[] })
      .versions;
    expect(versions.map((v) => [v.version, v.comment])).toEqual([
      [0, 'built-in defaults'],
      [1, 'v1'],
      [2, 'v2'],
    ]);
    expect(versions[2]!.at).toBeGreaterThan(0);
    // v2 was a partial update on top of v1.
    expect((await server.hub.currentConfig('acme')).config).toMatchObject({
      firstResponseS: 60,
      maxGapS: 300,
    });

    const revert = await emitAck<ConfigSaveAck>(boss.socket, 'config:revert', { version: 1 });
    expect(revert).toEqual({ ok: true, version: 3 });
    await a.waitFor(() => a.configs.at(-1)?.version === 3, 5000, 'revert push');
    expect(a.configs.at(-1)).toMatchObject({
      revertOf: 1,
      comment: 'revert to version 1',
      config: { firstResponseS: 60, maxGapS: 120 },
    });
    const missing = await emitAck<ConfigSaveAck>(boss.socket, 'config:revert', { version: 9 });
    expect(missing).toMatchObject({ ok: false, errors: [{ field: 'version' }] });
    const toDefaults = await emitAck<ConfigSaveAck>(boss.socket, 'config:revert', { version: 0 });
    expect(toDefaults).toEqual({ ok: true, version: 4 });
    expect((await server.hub.currentConfig('acme')).config.firstResponseS).toBe(30);
    boss.close();
    a.close();
  });

  it('keeps the versions across a restart with --data', async () => {
    const boss = widget(server.url, supervisor());
    await connected(boss);
    await emitAck(boss.socket, 'config:save', {
      config: { firstResponseS: 50, firstResponseWarnS: 25 },
      comment: 'kept',
    });
    boss.close();
    await server.close();
    server = await serve({ rateLimit: false, data: dir });
    const a = widget(server.url, agent());
    await connected(a);
    await a.waitFor(() => a.configs.length === 1);
    expect(a.configs[0]).toMatchObject({
      version: 1,
      comment: 'kept',
      config: { firstResponseS: 50 },
    });
    a.close();
  });
});
