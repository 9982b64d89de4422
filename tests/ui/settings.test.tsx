// @vitest-environment jsdom
// The supervisor view in the real widget, on a fake server transport with the supervisor
// capability: who sees it, errors per field, the preview, save, the server's errors, history
// and revert, and the local transport's preview-only mode.
import { fireEvent } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalTransport, type LocalTransport } from '../../src/adapters/transport.ts';
import {
  type ChatEvent,
  DEFAULT_CONFIG,
  validateConfig,
  validateEvent,
} from '../../src/core/index.ts';
import type { ConfigSaveAck, ConfigVersion, Welcome } from '../../src/server/wire.ts';
import { T0 } from '../models/fakes.ts';
import { started } from '../models/harness.ts';
import { advance, flush, mount, startTime } from './helpers.ts';

/** The server's side of the supervisor capability, in memory (like hub.ts, without the log). */
function fakeSupervisor(role: Welcome['role'] | null) {
  const versions: ConfigVersion[] = [
    { version: 0, config: DEFAULT_CONFIG, at: T0, by: null, comment: 'built-in defaults' },
  ];
  const refusal = { errors: null as ConfigSaveAck | null };
  const store = (v: Omit<ConfigVersion, 'version' | 'at' | 'by'>): ConfigSaveAck => {
    const version = versions.length;
    versions.push({ ...v, version, at: T0 + version * 60_000, by: { sub: 'u-sue', name: 'Sue' } });
    return { ok: true, version };
  };
  return {
    refusal,
    saveConfig: vi.fn(async (input: unknown, comment = ''): Promise<ConfigSaveAck> => {
      if (refusal.errors) return refusal.errors;
      const r = validateConfig(input, versions.at(-1)!.config);
      return r.ok ? store({ config: r.config, comment }) : { ok: false, errors: r.errors };
    }),
    configHistory: vi.fn(async () => versions.slice()),
    revertConfig: vi.fn(async (version: number, comment = '') =>
      store({ config: versions[version]!.config, comment, revertOf: version }),
    ),
    welcome: () => (role === null ? null : ({ team: 'default', role, sub: 'u-sue' } as Welcome)),
  };
}

beforeEach(() => startTime());
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

async function widget(role: 'agent' | 'supervisor' | null, option = 'supervisor') {
  const sup = fakeSupervisor(role);
  let server: LocalTransport | undefined;
  const w = await mount(
    { role: option, transport: { url: 'wss://example.test', token: 't' } },
    {
      socket: (_options, clock) => {
        server = Object.assign(createLocalTransport(clock), { supervisor: sup });
        return server;
      },
    },
  );
  /** The server pushes events (`at` in seconds after T0). */
  const emit = async (...raw: Record<string, unknown>[]) => {
    server!.push(
      raw.map((r) => {
        const v = validateEvent({ ...r, at: T0 + (r.at as number) * 1000 });
        if (v.kind !== 'event') throw new Error(JSON.stringify(v));
        return v.event as ChatEvent;
      }),
    );
    await flush();
  };
  const toggle = () => w.$$('button').find((b) => b.textContent === 'Team settings');
  const open = async () => {
    fireEvent.click(toggle()!);
    await flush();
    return w.$('[data-cp-settings]')!;
  };
  const field = (path: string) => w.$<HTMLInputElement>(`[data-cp-field="${path}"]`)!;
  const type = async (path: string, value: string) => {
    fireEvent.input(field(path), { target: { value } });
    await flush();
  };
  const button = (text: string | RegExp) =>
    w.$$('[data-cp-settings] button').find((b) => b.textContent!.match(text)) as
      | HTMLButtonElement
      | undefined;
  const errorOf = (path: string) => {
    const input = field(path);
    const id = input.getAttribute('aria-describedby');
    return id ? w.root.getElementById(id)?.textContent : null;
  };
  return { ...w, sup, emit, toggle, open, field, type, button, errorOf };
}

describe('supervisor view: who sees it', () => {
  it('agents never see it, whatever the option says', async () => {
    const w = await widget('agent');
    expect(w.toggle()).toBeUndefined();
    expect(w.$('[data-cp-settings]')).toBeNull();
    w.widget.destroy();
    const plain = await widget(null, 'agent');
    expect(plain.toggle()).toBeUndefined();
    plain.widget.destroy();
  });

  it('supervisors get a keyboard-reachable disclosure', async () => {
    const w = await widget('supervisor', 'agent');
    const toggle = w.toggle()!;
    expect(toggle.tagName).toBe('BUTTON');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    const panel = await w.open();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(panel.id).toBe(toggle.getAttribute('aria-controls'));
    expect(w.field('firstResponseS').value).toBe('30');
    expect(w.field('gapWarnS').value).toBe('90');
    expect(w.field('holdPhrases[0]').value).toBe('let me check');
    expect(w.root.querySelector('[style]')).toBeNull();
    fireEvent.click(toggle);
    await flush();
    expect(w.$('[data-cp-settings]')).toBeNull();
    w.widget.destroy();
  });
});

describe('supervisor view: editing', () => {
  it('shows each error next to its field, naming it', async () => {
    const w = await widget('supervisor');
    await w.open();
    expect(w.field('firstResponseWarnS').getAttribute('aria-invalid')).toBe('false');
    await w.type('firstResponseWarnS', '45');
    expect(w.field('firstResponseWarnS').getAttribute('aria-invalid')).toBe('true');
    expect(w.errorOf('firstResponseWarnS')).toMatch(/^firstResponseWarnS: must be below/);
    await w.type('firstResponseWarnS', '20');
    expect(w.errorOf('firstResponseWarnS')).toBeNull();
    await w.type('maxGapS', '');
    expect(w.errorOf('maxGapS')).toBe('maxGapS: must be a finite number');
    await w.type('maxGapS', '120');

    fireEvent.click(w.button('Add hold phrase')!);
    await flush();
    expect(w.errorOf('holdPhrases[10]')).toBe('holdPhrases[10]: must be a non-empty phrase');
    await w.type('holdPhrases[10]', 'Hang on');
    expect(w.errorOf('holdPhrases[10]')).toBeNull();
    fireEvent.click(w.button('Remove hold phrase 1')!);
    await flush();
    expect(w.field('holdPhrases[0]').value).toBe('let me look into');
    expect(w.field('holdPhrases[9]').value).toBe('Hang on');

    fireEvent.click(w.button('Add override')!);
    await flush();
    expect(w.errorOf('overrides[0].when.tier')).toMatch(/^overrides\[0\]\.when: /);
    await w.type('overrides[0].when.channel', 'mobile');
    await w.type('overrides[0].gapWarnS', '150');
    expect(w.errorOf('overrides[0].when.tier')).toBeNull();
    expect(w.errorOf('overrides[0].gapWarnS')).toMatch(/^overrides\[0\]\.gapWarnS: must be below/);
    await w.type('overrides[0].maxGapS', '180');
    expect(w.$$('[aria-invalid="true"]')).toEqual([]);
    fireEvent.click(w.button('Remove override 1')!);
    await flush();
    expect(w.$('[data-cp-field="overrides[0].when.tier"]')).toBeNull();
    w.widget.destroy();
  });

  it('previews the open chats under the draft', async () => {
    const w = await widget('supervisor');
    await w.emit(started('c-1', 0), started('c-2', 0, 'Ann Bo', 'vip'));
    await advance(25_000);
    await w.open();
    const row = (id: string) => w.$(`[data-cp-preview="${id}"]`)!.textContent;
    expect(row('c-1')).toContain('First response warning → warning');
    expect(row('c-1')).toContain('Waiting ok → ok');
    await w.type('firstResponseS', '24');
    expect(row('c-1')).toContain('First response warning → breached');
    expect(row('c-2')).toContain('First response warning → breached');
    await w.type('firstResponseWarnS', 'x');
    expect(row('c-1')).toContain('First response warning → ?');
    // The chat list still reads under the team's configuration.
    expect(w.$('[data-cp-chat="c-1"] [data-cp-clock="firstResponse"]')!.dataset.cpState).toBe(
      'warning',
    );
    w.widget.destroy();
  });
});

describe('supervisor view: save, history, revert', () => {
  it('saves only when valid and commented, then lists the new version', async () => {
    const w = await widget('supervisor');
    await w.open();
    const save = () => w.button(/^Save$/)!;
    expect(save().disabled).toBe(true);
    await w.type('comment', 'shorter first response');
    expect(save().disabled).toBe(false);
    await w.type('firstResponseS', '0');
    expect(save().disabled).toBe(true);
    await w.type('firstResponseS', '25');
    expect(save().disabled).toBe(false);
    fireEvent.click(save());
    await flush();
    await flush();
    expect(w.sup.saveConfig).toHaveBeenCalledWith(
      expect.objectContaining({ firstResponseS: 25 }),
      'shorter first response',
    );
    expect(w.$('[data-cp-notice]')!.textContent).toContain('Saved: version 1.');
    expect(w.field('comment').value).toBe('');
    const history = w.$$('[data-cp-version]');
    expect(history.map((li) => li.dataset.cpVersion)).toEqual(['1', '0']);
    expect(history[0]!.textContent).toContain('v1 · Sue');
    expect(history[0]!.textContent).toContain('shorter first response');
    w.widget.destroy();
  });

  it("shows the server's errors by field", async () => {
    const w = await widget('supervisor');
    await w.open();
    w.sup.refusal.errors = {
      ok: false,
      errors: [{ field: 'maxGapS', message: 'above the team policy' }],
    };
    await w.type('maxGapS', '900');
    await w.type('comment', 'longer');
    fireEvent.click(w.button(/^Save$/)!);
    await flush();
    await flush();
    expect(w.$('[data-cp-notice]')!.textContent).toContain(
      'Not saved: maxGapS: above the team policy',
    );
    expect(w.field('maxGapS').getAttribute('aria-invalid')).toBe('true');
    expect(w.errorOf('maxGapS')).toBe('maxGapS: above the team policy');
    expect(w.field('comment').value).toBe('longer');
    w.widget.destroy();
  });

  it('reverts after a confirming click', async () => {
    const w = await widget('supervisor');
    await w.open();
    await w.type('maxGapS', '150');
    await w.type('comment', 'v1');
    fireEvent.click(w.button(/^Save$/)!);
    await flush();
    await flush();
    expect(w.button('Revert to v1')).toBeUndefined();
    fireEvent.click(w.button('Revert to v0')!);
    await flush();
    expect(w.sup.revertConfig).not.toHaveBeenCalled();
    fireEvent.click(w.button('Confirm revert to v0')!);
    await flush();
    await flush();
    expect(w.sup.revertConfig).toHaveBeenCalledWith(0, 'revert to version 0');
    expect(w.$$('[data-cp-version]').map((li) => li.dataset.cpVersion)).toEqual(['2', '1', '0']);
    w.widget.destroy();
  });
});

describe('supervisor view: local transport', () => {
  it('is a preview only: saving needs the server', async () => {
    const w = await mount({ role: 'supervisor' });
    const toggle = w.$$('button').find((b) => b.textContent === 'Team settings')!;
    fireEvent.click(toggle);
    await flush();
    const panel = w.$('[data-cp-settings]')!;
    expect(panel.textContent).toContain('Saving needs the server.');
    fireEvent.input(w.$('[data-cp-field="comment"]')!, { target: { value: 'x' } });
    await flush();
    const save = [...panel.querySelectorAll('button')].find((b) => b.textContent === 'Save')!;
    expect(save.disabled).toBe(true);
    w.widget.destroy();
    const agent = await mount();
    expect(agent.$$('button').some((b) => b.textContent === 'Team settings')).toBe(false);
    agent.widget.destroy();
  });
});
