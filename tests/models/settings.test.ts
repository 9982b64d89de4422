// The supervisor view's model: draft ↔ configuration, validation as typed, the preview of the
// open chats under the draft, save / history / revert
// through a fake supervisor transport with each answer kept for the button that asked, who
// sees it, and the lazy socket wrapper's forwarding of the capability.
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SOCKET_KEY } from '../../src/adapters/chunks.ts';
import { lazySocketTransport } from '../../src/adapters/lazy-socket.ts';
import {
  createLocalTransport,
  type SupervisorCapability,
  supervisorOf,
  type Transport,
} from '../../src/adapters/transport.ts';
import {
  type ChatEvent,
  DEFAULT_CONFIG,
  type TeamConfig,
  validateConfig,
  validateEvent,
} from '../../src/core/index.ts';
import { createChats } from '../../src/models/chats.ts';
import { createConfigModel } from '../../src/models/config.ts';
import { createRole } from '../../src/models/role.ts';
import { createSettings, draftOf, inputOf, valueAt } from '../../src/models/settings.ts';
import type { ConfigSaveAck, ConfigVersion, Welcome } from '../../src/server/wire.ts';
import { fakeClock, T0 } from './fakes.ts';
import { started } from './harness.ts';

function fakeSupervisor(role: Welcome['role'] | null = 'supervisor') {
  let current: TeamConfig = DEFAULT_CONFIG;
  const versions: ConfigVersion[] = [
    { version: 0, config: current, at: T0, by: null, comment: 'built-in defaults' },
  ];
  const refusal = { errors: null as ConfigSaveAck | null };
  const store = (config: TeamConfig, comment: string, revertOf?: number): ConfigSaveAck => {
    current = config;
    const v: ConfigVersion = {
      version: versions.length,
      config,
      at: T0 + versions.length * 60_000,
      by: { sub: 'u-sue', name: 'Sue' },
      comment,
    };
    if (revertOf !== undefined) v.revertOf = revertOf;
    versions.push(v);
    return { ok: true, version: v.version };
  };
  const sup = {
    role,
    versions,
    refusal,
    saveConfig: vi.fn(async (input: unknown, comment?: string): Promise<ConfigSaveAck> => {
      if (refusal.errors) return refusal.errors;
      const r = validateConfig(input, current);
      return r.ok ? store(r.config, comment ?? '') : { ok: false, errors: r.errors };
    }),
    configHistory: vi.fn(async () => versions.slice()),
    revertConfig: vi.fn(async (version: number, comment?: string) =>
      store(versions[version]!.config, comment ?? '', version),
    ),
    welcome: () =>
      sup.role === null ? null : ({ team: 'default', role: sup.role, sub: 'u-sue' } as Welcome),
  };
  return sup satisfies SupervisorCapability;
}

function setup(
  opts: {
    role?: 'agent' | 'supervisor';
    supervisor?: ReturnType<typeof fakeSupervisor> | null;
  } = {},
) {
  const clock = fakeClock();
  const local = createLocalTransport(clock);
  const sup = opts.supervisor === undefined ? fakeSupervisor() : opts.supervisor;
  const transport: Transport = sup ? Object.assign(local, { supervisor: sup }) : local;
  const config = createConfigModel(DEFAULT_CONFIG);
  const now = signal(T0);
  const chats = createChats({ config: config.config, now, focusedId: () => null });
  const notices: { kind: string; text: string }[] = [];
  const role = createRole(transport, opts.role ?? 'supervisor');
  const settings = createSettings({
    config: config.config,
    chats,
    now,
    role,
    inform: (kind, text) => notices.push({ kind, text }),
  });
  const feed = (...raw: Record<string, unknown>[]) =>
    chats.ingest(
      raw.map((r) => {
        const v = validateEvent({ ...r, at: T0 + (r.at as number) * 1000 });
        if (v.kind !== 'event') throw new Error(JSON.stringify(v));
        return v.event as ChatEvent;
      }),
    );
  return { settings, role, config, chats, now, notices, feed, sup: sup! };
}

const fieldsOf = (s: ReturnType<typeof setup>['settings']) => s.errors.value.map((e) => e.field);

describe('settings model: the draft', () => {
  it('round-trips the configuration through the form text', () => {
    const config: TeamConfig = {
      ...DEFAULT_CONFIG,
      overrides: [{ when: { tier: 'vip' }, firstResponseS: 15 }],
    };
    const draft = draftOf(config);
    expect(draft.firstResponseS).toBe('30');
    expect(valueAt(draft, 'overrides[0].when.tier')).toBe('vip');
    expect(valueAt(draft, 'overrides[0].when.channel')).toBe('');
    expect(valueAt(draft, 'overrides[0].maxGapS')).toBe('');
    expect(draft).not.toHaveProperty('checklist');
    const r = validateConfig(inputOf(draft), DEFAULT_CONFIG);
    expect(r.ok && r.config).toEqual(config);
  });

  it('validates as typed, each error naming its field', () => {
    const { settings } = setup();
    expect(settings.result.value.ok).toBe(true);
    settings.set('firstResponseWarnS', '45');
    expect(fieldsOf(settings)).toEqual(['firstResponseWarnS']);
    expect(settings.errors.value[0]!.message).toMatch(/below firstResponseS/);
    settings.set('firstResponseWarnS', '20');
    settings.set('maxGapS', '');
    expect(settings.errors.value).toEqual([
      { field: 'maxGapS', message: 'must be a finite number' },
    ]);
    settings.set('maxGapS', '-3');
    expect(settings.errors.value[0]).toEqual({
      field: 'maxGapS',
      message: 'must be greater than 0',
    });
    settings.set('maxGapS', '120');
    settings.edit((d) => d.holdPhrases.push('  '));
    expect(fieldsOf(settings)).toEqual(['holdPhrases[10]']);
    settings.edit((d) => d.holdPhrases.pop());
    settings.edit((d) => d.overrides.push({}));
    expect(fieldsOf(settings)).toEqual(['overrides[0].when']);
    settings.set('overrides[0].when.tier', 'vip');
    settings.set('overrides[0].firstResponseWarnS', '40');
    expect(fieldsOf(settings)).toEqual(['overrides[0].firstResponseWarnS']);
    settings.set('overrides[0].firstResponseS', '60');
    expect(settings.result.value.ok).toBe(true);
    const r = settings.result.value;
    expect(r.ok && r.config.overrides).toEqual([
      { when: { tier: 'vip' }, firstResponseS: 60, firstResponseWarnS: 40 },
    ]);
  });
});

describe('settings model: preview', () => {
  it('reads each open chat now and under the draft, at the same now', () => {
    const { settings, feed, now } = setup();
    feed(started('c-1', 0), started('c-2', 0, 'Ann Bo', 'vip'), started('c-3', 0));
    feed({ type: 'chat.closed', chatId: 'c-3', at: 1 });
    now.value = T0 + 25_000;
    const states = () =>
      settings.preview.value.map((r) => [
        r.id,
        r.now.firstResponse.state,
        r.draft?.firstResponse.state,
      ]);
    expect(states()).toEqual([
      ['c-1', 'warning', 'warning'],
      ['c-2', 'warning', 'warning'],
    ]);
    settings.set('firstResponseS', '24');
    expect(states()).toEqual([
      ['c-1', 'warning', 'breached'],
      ['c-2', 'warning', 'breached'],
    ]);
    settings.set('firstResponseS', '60');
    settings.edit((d) => d.overrides.push({ when: { tier: 'vip' }, firstResponseS: '25' }));
    settings.set('firstResponseWarnS', '40');
    expect(states()).toEqual([
      ['c-1', 'warning', 'ok'],
      ['c-2', 'warning', 'warning'],
    ]);
    settings.set('firstResponseS', 'x');
    expect(settings.preview.value[0]!.draft).toBeNull();
  });

  it('applies a tier override to chats of that tier in any case', () => {
    const { settings, feed, now } = setup();
    feed(started('c-1', 0, 'Ann Bo', 'VIP'), started('c-2', 0, 'Cy Dee', 'vip '));
    feed(started('c-3', 0));
    now.value = T0 + 12_000;
    settings.edit((d) => d.overrides.push({ when: { tier: 'Vip' }, firstResponseS: '10' }));
    expect(settings.preview.value.map((r) => [r.id, r.tier, r.draft?.firstResponse.state])).toEqual(
      [
        ['c-1', 'VIP', 'breached'],
        ['c-2', 'vip ', 'breached'],
        ['c-3', 'standard', 'ok'],
      ],
    );
  });
});

describe('settings model: save, history, revert', () => {
  it('saves the draft with the comment, then reloads the history', async () => {
    const { settings, sup, notices, config } = setup();
    settings.set('maxGapS', '150');
    settings.comment.value = '  longer waits on mobile ';
    await settings.save();
    expect(sup.saveConfig).toHaveBeenCalledTimes(1);
    const [input, comment] = sup.saveConfig.mock.calls[0]!;
    expect(comment).toBe('longer waits on mobile');
    expect(input).toMatchObject({ maxGapS: 150, firstResponseS: 30, overrides: [] });
    expect(settings.outcome.value).toEqual({ cause: 'save', ok: true, version: 1 });
    // The answer is shown beside the Save button, not in the widget's notice bar.
    expect(notices).toEqual([]);
    expect(settings.comment.value).toBe('');
    expect(settings.history.value?.map((v) => v.version)).toEqual([1, 0]);
    // The draft follows the team's configuration again (the server's push applies it).
    config.configure(sup.versions[1]!.config);
    expect(settings.draft.value.maxGapS).toBe('150');
  });

  it('does not save without a comment or while invalid', async () => {
    const { settings, sup } = setup();
    await settings.save();
    settings.comment.value = 'x';
    settings.set('gapWarnS', '500');
    await settings.save();
    expect(sup.saveConfig).not.toHaveBeenCalled();
  });

  it("shows the server's field errors and keeps the draft and comment", async () => {
    const { settings, sup, notices } = setup();
    sup.refusal.errors = {
      ok: false,
      errors: [{ field: 'maxGapS', message: 'above the team policy' }],
    };
    settings.set('maxGapS', '900');
    settings.comment.value = 'try';
    await settings.save();
    const errors = [{ field: 'maxGapS', message: 'above the team policy' }];
    expect(settings.errors.value).toEqual(errors);
    expect(settings.outcome.value).toEqual({ cause: 'save', ok: false, errors });
    expect(notices).toEqual([]);
    expect(settings.comment.value).toBe('try');
    expect(settings.draft.value.maxGapS).toBe('900');
    // Editing again clears them and the answer (the next save asks the server again).
    settings.set('maxGapS', '901');
    expect(settings.errors.value).toEqual([]);
    expect(settings.outcome.value).toBeNull();
  });

  it('reports a transport failure', async () => {
    const { settings, sup } = setup();
    sup.saveConfig.mockRejectedValueOnce(new Error('not connected to the server'));
    settings.comment.value = 'x';
    await settings.save();
    expect(settings.outcome.value).toEqual({
      cause: 'save',
      ok: false,
      message: 'not connected to the server',
    });
    expect(settings.comment.value).toBe('x');
  });

  it('reverts to a version with a default comment', async () => {
    const { settings, sup } = setup();
    settings.set('maxGapS', '150');
    settings.comment.value = 'v1';
    await settings.save();
    settings.confirm.value = 0;
    await settings.revert(0);
    expect(sup.revertConfig).toHaveBeenCalledWith(0, 'revert to version 0');
    expect(settings.confirm.value).toBeNull();
    expect(settings.outcome.value).toEqual({ cause: 0, ok: true, version: 2 });
    expect(settings.history.value?.map((v) => [v.version, v.revertOf])).toEqual([
      [2, 0],
      [1, undefined],
      [0, undefined],
    ]);
  });
});

describe('settings model: the history', () => {
  it('loads when shown, and again once the team configuration changes', async () => {
    const { settings, role, sup, config } = setup();
    role.refresh();
    expect(sup.configHistory).not.toHaveBeenCalled();
    settings.show();
    expect(settings.open.value).toBe(true);
    await Promise.resolve();
    expect(settings.history.value?.map((v) => v.version)).toEqual([0]);
    role.refresh();
    settings.show();
    expect(sup.configHistory).toHaveBeenCalledTimes(1);
    // Another supervisor saved: the server pushes the configuration.
    sup.versions.push({
      ...sup.versions[0]!,
      version: 1,
      config: { ...DEFAULT_CONFIG, maxGapS: 99 },
    });
    config.configure({ maxGapS: 99 });
    role.refresh();
    await Promise.resolve();
    expect(settings.history.value?.map((v) => v.version)).toEqual([1, 0]);
  });

  it('waits for the server capability (the socket chunk) before asking', async () => {
    const sup = fakeSupervisor();
    const transport = createLocalTransport(fakeClock()) as Transport & {
      supervisor?: typeof sup;
    };
    const config = createConfigModel(DEFAULT_CONFIG);
    const chats = createChats({ config: config.config, now: signal(T0), focusedId: () => null });
    const role = createRole(transport, 'supervisor');
    const settings = createSettings({
      config: config.config,
      chats,
      now: signal(T0),
      role,
      inform: () => {},
    });
    settings.show();
    expect(settings.history.value).toBeNull();
    transport.supervisor = sup;
    role.refresh();
    await Promise.resolve();
    expect(settings.history.value?.map((v) => v.version)).toEqual([0]);
  });

  it('asks again after a failure, quietly while the socket is still connecting', async () => {
    const sup = fakeSupervisor(null);
    const { settings, role, notices } = setup({ supervisor: sup });
    const settle = async () => {
      for (let i = 0; i < 3; i++) await Promise.resolve();
    };
    sup.configHistory.mockRejectedValueOnce(new Error('not connected to the server'));
    settings.show();
    await settle();
    expect(notices).toEqual([]);
    // Connected (the status push refreshes the view), welcomed, then a failure to tell.
    sup.role = 'supervisor';
    sup.configHistory.mockRejectedValueOnce(new Error('timed out'));
    role.refresh();
    await settle();
    expect(notices).toEqual([
      { kind: 'error', text: 'The settings history could not load: timed out' },
    ]);
    expect(settings.history.value).toBeNull();
    role.refresh();
    await settle();
    expect(sup.configHistory).toHaveBeenCalledTimes(3);
    expect(settings.history.value?.map((v) => v.version)).toEqual([0]);
  });
});

describe('settings model: who sees it', () => {
  it("follows the server's welcome role over the option", () => {
    const sup = fakeSupervisor(null);
    const { role } = setup({ role: 'supervisor', supervisor: sup });
    expect(role.supervisor.value).toBe(true);
    sup.role = 'agent';
    role.refresh();
    expect(role.supervisor.value).toBe(false);
    const other = setup({ role: 'agent', supervisor: fakeSupervisor('supervisor') });
    expect(other.role.supervisor.value).toBe(true);
  });

  it('with the local transport: the role option, and no saving', async () => {
    const agent = setup({ role: 'agent', supervisor: null });
    expect(agent.role.supervisor.value).toBe(false);
    const { settings, role, notices } = setup({ role: 'supervisor', supervisor: null });
    expect(role.supervisor.value).toBe(true);
    expect(settings.canSave.value).toBe(false);
    await settings.loadHistory();
    expect(settings.history.value).toBeNull();
    expect(notices).toEqual([]);
  });
});

describe('lazy socket transport: the supervisor capability', () => {
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[SOCKET_KEY];
  });

  it('is absent until the chunk has loaded, then the real transport', async () => {
    const sup = fakeSupervisor();
    const real = Object.assign(createLocalTransport(fakeClock()), sup);
    (globalThis as Record<symbol, unknown>)[SOCKET_KEY] = () => real;
    const create = lazySocketTransport('chunk.js', {} as Document, () => {});
    const transport = create({ url: 'ws://x', token: 't' }, fakeClock());
    expect(supervisorOf(transport)).toBeUndefined();
    await Promise.resolve();
    await Promise.resolve();
    expect(supervisorOf(transport)).toBe(real);
    expect(supervisorOf(real)).toBe(real);
    transport.dispose();
    expect(supervisorOf(transport)).toBeUndefined();
  });
});
