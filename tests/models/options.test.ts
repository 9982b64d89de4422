import { describe, expect, it } from 'vitest';
import { validateOptions } from '../../src/models/options.ts';

const fields = (input: unknown) => validateOptions(input).errors.map((e) => e.field);

describe('init options', () => {
  it('accepts the documented options', () => {
    const { options, errors } = validateOptions({
      target: '#playbook',
      agent: { id: 'a-3', name: 'Sam' },
      role: 'supervisor',
      library: '/sops/index.json',
      thresholds: { firstResponseS: 15, firstResponseWarnS: 10 },
      transport: 'local',
    });
    expect(errors).toEqual([]);
    expect(options).toMatchObject({
      agent: { id: 'a-3', name: 'Sam' },
      role: 'supervisor',
      library: { kind: 'url', url: '/sops/index.json' },
      transport: { kind: 'local' },
    });
    expect(options.config.firstResponseS).toBe(15);
  });

  it('names the field of each bad option and keeps defaults for it', () => {
    expect(fields({ target: 42 })).toEqual(['target']);
    expect(fields({ agent: { name: '' } })).toEqual(['agent.name']);
    expect(fields({ library: 7 })).toEqual(['library']);
    expect(fields({ thresholds: { maxGapS: 'soon' } })).toEqual(['thresholds.maxGapS']);
    expect(fields({ thresholds: { gapWarnS: 200 } })).toEqual(['thresholds.gapWarnS']);
    expect(fields({ transport: 'carrier pigeon' })).toEqual(['transport']);
    expect(fields({ transport: { url: 'wss://x' } })).toEqual(['transport.token']);
    expect(fields({ role: 'admin' })).toEqual(['role']);
    const { options } = validateOptions({ thresholds: { maxGapS: -1 } });
    expect(options.config.maxGapS).toBe(120);
  });

  it('takes a Transport object (a host adapter) as the transport', () => {
    const transport = { start() {}, send: () => Promise.resolve(), now: () => 0, dispose() {} };
    const { options, errors } = validateOptions({ transport });
    expect(errors).toEqual([]);
    expect(options.transport).toEqual({ kind: 'custom', transport });
    // Half a transport is neither: the field is named.
    expect(validateOptions({ transport: { start() {} } }).errors.map((e) => e.field)).toEqual([
      'transport.url',
    ]);
  });

  it('recognises the socket transport and warns about unknown options', () => {
    const { options, warnings } = validateOptions({
      transport: { url: 'https://s', token: 't' },
      colour: 'red',
    });
    expect(options.transport).toEqual({ kind: 'socket', url: 'https://s', token: 't' });
    expect(warnings).toEqual(['colour: unknown option, ignored']);
  });
});

describe('init options: the settings page (our extension)', () => {
  it('takes the view, sidebar by default', () => {
    expect(validateOptions({}).options.view).toBe('sidebar');
    expect(validateOptions({ view: 'settings' }).options.view).toBe('settings');
    expect(fields({ view: 'page' })).toEqual(['view']);
    expect(validateOptions({ view: 'page' }).options.view).toBe('sidebar');
  });

  it("takes the host's settings page as a link target, never a script URL", () => {
    expect(validateOptions({ settingsUrl: '/team/settings' }).options.settingsUrl).toBe(
      '/team/settings',
    );
    expect(validateOptions({ settingsUrl: 'https://desk.example/s' }).errors).toEqual([]);
    for (const bad of ['javascript:alert(1)', 'java\nscript:alert(1)', 'data:text/html,x', '', 7]) {
      const { options, errors } = validateOptions({ settingsUrl: bad });
      expect(errors.map((e) => e.field)).toEqual(['settingsUrl']);
      expect(options.settingsUrl).toBeUndefined();
    }
  });
});
