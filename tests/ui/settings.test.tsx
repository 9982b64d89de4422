// @vitest-environment jsdom
// The supervisor view in the real widget, on a fake server transport with the supervisor
// capability: who sees it, plain errors per field, the preview (and why it cannot apply a
// draft), tiers and channels from the known values, save and revert answered beside their
// buttons, history as diffs, the full-width page (`view: 'settings'`), the host's settings
// page link, and the local transport's preview-only mode.
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

async function widget(
  role: 'agent' | 'supervisor' | null,
  option = 'supervisor',
  extra: Record<string, unknown> = {},
) {
  const sup = fakeSupervisor(role);
  let server: LocalTransport | undefined;
  const w = await mount(
    { role: option, transport: { url: 'wss://example.test', token: 't' }, ...extra },
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
  /** The error text the field's input is described by. */
  const errorOf = (path: string) => {
    const ids = field(path).getAttribute('aria-describedby')?.split(' ') ?? [];
    const error = ids.map((id) => w.root.getElementById(id)).find((e) => e?.matches('.cp-error'));
    return error ? error.textContent!.trim() : null;
  };
  const live = () => w.$('[data-cp-settings-live]')!.textContent;
  return { ...w, sup, emit, toggle, open, field, type, button, errorOf, live };
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
    expect(w.errorOf('firstResponseWarnS')).toBe(
      'First response warning must be less than first response (30 s)',
    );
    // Tools still find the field's path on the error.
    expect(w.$('[data-cp-error-field="firstResponseWarnS"]')).not.toBeNull();
    await w.type('firstResponseWarnS', '20');
    expect(w.errorOf('firstResponseWarnS')).toBeNull();
    await w.type('firstResponseS', '0');
    expect(w.errorOf('firstResponseS')).toBe('First response must be more than 0 seconds');
    await w.type('firstResponseS', '30');
    await w.type('maxGapS', '');
    expect(w.errorOf('maxGapS')).toBe('Waiting limit must be a number of seconds');
    await w.type('maxGapS', '120');

    fireEvent.click(w.button('Add hold phrase')!);
    await flush();
    expect(w.errorOf('holdPhrases[10]')).toBe('Hold phrase 11 is empty');
    await w.type('holdPhrases[10]', 'Hang on');
    expect(w.errorOf('holdPhrases[10]')).toBeNull();
    fireEvent.click(w.button('Remove hold phrase 1')!);
    await flush();
    expect(w.field('holdPhrases[0]').value).toBe('let me look into');
    expect(w.field('holdPhrases[9]').value).toBe('Hang on');

    fireEvent.click(w.button('Add override')!);
    await flush();
    expect(w.errorOf('overrides[0].when.tier')).toBe('Override 1 needs a tier or a channel');
    expect(w.$('[data-cp-error-field="overrides[0].when"]')).not.toBeNull();
    await w.type('overrides[0].when.channel', 'mobile');
    await w.type('overrides[0].gapWarnS', '150');
    expect(w.errorOf('overrides[0].when.tier')).toBeNull();
    expect(w.errorOf('overrides[0].gapWarnS')).toBe(
      'Override 1 waiting warning must be less than waiting limit (120 s)',
    );
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
    // A draft it cannot apply: now only, and why.
    expect(row('c-1')).toContain('First response warning');
    expect(row('c-1')).not.toContain('→');
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
    // The answer is beside the Save button, and announced; the notice bar stays free.
    expect(w.$('form [data-cp-outcome]')!.textContent).toBe('Saved: version 1.');
    expect(w.live()).toBe('Saved: version 1.');
    expect(w.$('.cp-notice[role="status"]')).toBeNull();
    expect(w.field('comment').value).toBe('');
    const history = w.$$('[data-cp-version]');
    expect(history.map((li) => li.dataset.cpVersion)).toEqual(['1', '0']);
    expect(history[0]!.textContent).toContain('v1 · Sue');
    expect(history[0]!.textContent).toContain('shorter first response');
    // Each version says what it changed.
    expect(history[0]!.querySelector('[data-cp-diff]')!.textContent).toBe(
      'First response 30 s → 25 s',
    );
    expect(history[1]!.querySelector('[data-cp-diff]')!.textContent).toBe('The starting settings.');
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
    expect(w.$('form [data-cp-outcome]')!.textContent).toBe(
      'Not saved: Waiting limit: above the team policy',
    );
    expect(w.$('form [data-cp-outcome]')!.dataset.kind).toBe('error');
    expect(w.live()).toBe('Not saved: Waiting limit: above the team policy');
    expect(w.field('maxGapS').getAttribute('aria-invalid')).toBe('true');
    expect(w.errorOf('maxGapS')).toBe('Waiting limit: above the team policy');
    expect(w.field('comment').value).toBe('longer');
    w.widget.destroy();
  });

  it('says what a revert will change, then reverts after a confirming click', async () => {
    const w = await widget('supervisor');
    await w.open();
    await w.type('maxGapS', '150');
    await w.type('comment', 'v1');
    fireEvent.click(w.button(/^Save$/)!);
    await flush();
    await flush();
    // The server pushes the saved configuration to every widget, this one too.
    w.widget.configure(w.sup.saveConfig.mock.calls[0]![0]);
    await flush();
    expect(w.button('Revert to v1')).toBeUndefined();
    fireEvent.click(w.button('Revert to v0')!);
    await flush();
    expect(w.sup.revertConfig).not.toHaveBeenCalled();
    const confirm = w.button('Confirm revert to v0')!;
    const explained = w.root.getElementById(confirm.getAttribute('aria-describedby')!)!;
    expect(explained.textContent).toBe('Revert to version 0: waiting limit 150 s → 120 s.');
    expect(w.live()).toBe(
      'Revert to version 0: waiting limit 150 s → 120 s. Press again to confirm.',
    );
    // Cancel leaves everything as it was.
    fireEvent.click(w.button('Cancel')!);
    await flush();
    expect(w.button('Confirm revert to v0')).toBeUndefined();
    fireEvent.click(w.button('Revert to v0')!);
    await flush();
    fireEvent.click(w.button('Confirm revert to v0')!);
    await flush();
    await flush();
    expect(w.sup.revertConfig).toHaveBeenCalledWith(0, 'revert to version 0');
    const rows = w.$$('[data-cp-version]');
    expect(rows.map((li) => li.dataset.cpVersion)).toEqual(['2', '1', '0']);
    // The answer shows in the row whose button asked.
    expect(rows[2]!.querySelector('[data-cp-outcome]')!.textContent).toBe(
      'Reverted to version 0: saved as version 2.',
    );
    expect(rows[0]!.querySelector('[data-cp-diff]')!.textContent).toBe(
      'Reverted to version 0: waiting limit 150 s → 120 s',
    );
    w.widget.destroy();
  });
});

describe('supervisor view: a draft it cannot apply', () => {
  it('lists the problems, each a link to its field', async () => {
    const w = await widget('supervisor');
    await w.emit(started('c-1', 0));
    await w.open();
    expect(w.$('[data-cp-problems]')).toBeNull();
    await w.type('firstResponseS', '0');
    await w.type('gapWarnS', '200');
    const problems = w.$('[data-cp-problems]')!;
    expect(problems.querySelector('p')!.textContent).toBe('Fix 2 problems to see the preview:');
    const links = [...problems.querySelectorAll<HTMLButtonElement>('button')];
    expect(links.map((b) => b.textContent)).toEqual([
      'First response must be more than 0 seconds',
      'Waiting warning must be less than waiting limit (120 s)',
    ]);
    fireEvent.click(links[1]!);
    expect(w.root.activeElement).toBe(w.field('gapWarnS'));
    expect(w.$('[data-cp-changes]')!.textContent).toBe('Fix 2 problems to save.');
    // An override with neither tier nor channel: its link goes to the tier.
    await w.type('firstResponseS', '30');
    await w.type('gapWarnS', '90');
    fireEvent.click(w.button('Add override')!);
    await flush();
    fireEvent.click(w.$<HTMLButtonElement>('[data-cp-goto="overrides[0].when"]')!);
    expect(w.root.activeElement).toBe(w.field('overrides[0].when.tier'));
    w.widget.destroy();
  });
});

describe('supervisor view: tiers and channels from the known values', () => {
  it('offers each known tier once, and an override in another case applies', async () => {
    const w = await widget('supervisor');
    await w.emit(
      started('c-1', 0, 'Ann Bo', 'VIP'),
      started('c-2', 0, 'Cy Dee', 'Gold'),
      started('c-3', 0, 'Eve Fox', 'vip'),
    );
    await advance(12_000);
    await w.open();
    fireEvent.click(w.button('Add override')!);
    await flush();
    const tier = w.field('overrides[0].when.tier');
    const options = (id: string) =>
      [...w.root.getElementById(id)!.querySelectorAll('option')].map((o) => o.value);
    // The configured escalation tiers first ("vip"), then the chats' (not "VIP" again).
    expect(options(tier.getAttribute('list')!)).toEqual(['enterprise', 'Gold', 'vip']);
    expect(options(w.field('overrides[0].when.channel').getAttribute('list')!)).toEqual(['web']);
    await w.type('overrides[0].when.tier', 'platinum');
    expect(w.$('#cp-field-overrides\\[0\\]\\.when\\.tier-hint')!.textContent).toBe(
      'No chat has had this tier yet.',
    );
    await w.type('overrides[0].when.tier', 'VIP');
    expect(tier.getAttribute('aria-describedby')).toBeNull();
    await w.type('overrides[0].firstResponseS', '10');
    const state = (id: string) =>
      w.$(`[data-cp-preview="${id}"] [data-cp-preview-clock="firstResponse"]`)!.dataset.cpState;
    expect([state('c-1'), state('c-2'), state('c-3')]).toEqual(['breached', 'ok', 'breached']);
    expect(w.$('[data-cp-changes]')!.textContent).toBe(
      'Changes: Override for VIP added (first response 10 s).',
    );
    expect(w.$('fieldset.cp-override legend')!.textContent).toBe('Override 1: VIP');
    w.widget.destroy();
  });
});

describe('supervisor view: the full-width page', () => {
  it('mounts as the settings page: no chats, form and preview, the history at once', async () => {
    const w = await widget('supervisor', 'supervisor', { view: 'settings' });
    await w.emit(started('c-1', 0));
    await flush();
    expect(w.toggle()).toBeUndefined();
    const page = w.$('[data-cp-settings-page]')!;
    expect(page.querySelector('h2')!.textContent).toBe('Team settings');
    expect(
      page.querySelector('[data-cp-column="form"] [data-cp-field="firstResponseS"]'),
    ).not.toBeNull();
    expect(page.querySelector('[data-cp-column="preview"] [data-cp-preview="c-1"]')).not.toBeNull();
    expect(w.$('[data-cp-chat]')).toBeNull();
    expect(w.sup.configHistory).toHaveBeenCalledTimes(1);
    expect(w.$$('[data-cp-version]').map((li) => li.dataset.cpVersion)).toEqual(['0']);
    expect(w.$('[data-cp-changes]')!.textContent).toBe('No changes yet.');
    await w.type('firstResponseS', '25');
    await w.type('maxGapS', '150');
    expect(w.$('[data-cp-changes]')!.textContent).toBe(
      'Changes: First response 30 s → 25 s; waiting limit 120 s → 150 s.',
    );
    w.widget.destroy();
  });

  it('tells an agent the page is for supervisors', async () => {
    const w = await widget('agent', 'supervisor', { view: 'settings' });
    expect(w.$('[data-cp-settings]')).toBeNull();
    expect(w.$('[data-cp-widget]')!.textContent).toContain('Team settings are for supervisors.');
    w.widget.destroy();
  });

  it("links the sidebar's entry to the host's settings page when it has one", async () => {
    const w = await widget('supervisor', 'supervisor', { settingsUrl: '/settings?team=t1' });
    expect(w.toggle()).toBeUndefined();
    const link = w.$<HTMLAnchorElement>('a[data-cp-settings-link]')!;
    expect(link.getAttribute('href')).toBe('/settings?team=t1');
    expect(link.target).toBe('_blank');
    expect(link.textContent).toBe('Team settings (opens in a new tab)↗');
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
