// The settings' words: field names, the engine's errors in plain language (read from the
// real validateConfig, so a change of its messages shows here), the diff of two versions, and
// the tiers and channels offered.
import { describe, expect, it } from 'vitest';
import {
  type ChatState,
  DEFAULT_CONFIG,
  type TeamConfig,
  validateConfig,
} from '../../src/core/index.ts';
import {
  configChanges,
  describeChanges,
  distinctValues,
  fieldName,
  knownValues,
  matchName,
  plainError,
} from '../../src/models/config-diff.ts';

/** The plain errors validateConfig gives for `input`. */
function plainErrors(input: Record<string, unknown>): string[] {
  const r = validateConfig(input, DEFAULT_CONFIG);
  return r.ok ? [] : r.errors.map(plainError);
}

const config = (change: Partial<TeamConfig>): TeamConfig => ({ ...DEFAULT_CONFIG, ...change });

describe('field names', () => {
  it('names fields as the form labels them', () => {
    expect(fieldName('firstResponseS')).toBe('First response');
    expect(fieldName('gapWarnS')).toBe('Waiting warning');
    expect(fieldName('holdPhrases[2]')).toBe('Hold phrase 3');
    expect(fieldName('holdPhrases')).toBe('Hold phrases');
    expect(fieldName('overrides[0].when')).toBe('Override 1');
    expect(fieldName('overrides[0].when.tier')).toBe('Override 1 tier');
    expect(fieldName('overrides[1].maxGapS')).toBe('Override 2 waiting limit');
    expect(fieldName('escalation.maxOpenS')).toBe('Escalation time');
    expect(fieldName('comment')).toBe('Comment');
  });

  it('names what an override matches', () => {
    expect(matchName({ tier: 'vip' })).toBe('vip');
    expect(matchName({ channel: 'mobile' })).toBe('mobile channel');
    expect(matchName({ tier: 'VIP', channel: 'web' })).toBe('VIP on web');
  });
});

describe('plain errors', () => {
  it("turns each of the engine's threshold errors into a sentence naming the field", () => {
    expect(plainErrors({ firstResponseS: 0 })).toEqual([
      'First response must be more than 0 seconds',
    ]);
    expect(plainErrors({ maxGapS: Number.NaN })).toEqual([
      'Waiting limit must be a number of seconds',
    ]);
    expect(plainErrors({ gapWarnS: 90_000 })).toEqual([
      'Waiting warning must be at most 86400 seconds (24 hours)',
    ]);
    expect(plainErrors({ firstResponseWarnS: 45 })).toEqual([
      'First response warning must be less than first response (30 s)',
    ]);
  });

  it('says which row of a list is wrong', () => {
    expect(plainErrors({ holdPhrases: ['one moment', ' '] })).toEqual(['Hold phrase 2 is empty']);
    expect(plainErrors({ holdPhrases: ['x'.repeat(101)] })).toEqual([
      'Hold phrase 1 is too long: at most 100 characters',
    ]);
    expect(plainErrors({ holdPhrases: Array(101).fill('wait') })).toEqual([
      'Hold phrases: at most 100, not 101',
    ]);
    expect(plainErrors({ overrides: [{ when: {} }] })).toEqual([
      'Override 1 needs a tier or a channel',
    ]);
    expect(plainErrors({ overrides: [{ when: { tier: 'vip' }, firstResponseWarnS: 40 }] })).toEqual(
      ['Override 1 first response warning must be less than first response (30 s)'],
    );
    expect(plainErrors({ overrides: [{ when: { channel: 'y'.repeat(101) } }] })).toEqual([
      'Override 1 channel must be 1 to 100 characters',
    ]);
  });

  it("keeps a message it does not know after the field's name", () => {
    expect(plainError({ field: 'maxGapS', message: 'above the team policy' })).toBe(
      'Waiting limit: above the team policy',
    );
  });
});

describe('changes between two configurations', () => {
  it('lists changed thresholds with both values', () => {
    expect(describeChanges(DEFAULT_CONFIG, config({ firstResponseS: 20 }))).toBe(
      'First response 30 s → 20 s',
    );
    expect(describeChanges(DEFAULT_CONFIG, DEFAULT_CONFIG)).toBe('');
    // One phrase each, lower-case, to follow "Revert to version 3: …".
    expect(configChanges(DEFAULT_CONFIG, config({ firstResponseS: 40, gapWarnS: 60 }))).toEqual([
      'first response 30 s → 40 s',
      'waiting warning 90 s → 60 s',
    ]);
  });

  it('tells overrides apart by what they match, whatever the case', () => {
    const vip = config({ overrides: [{ when: { tier: 'vip' }, firstResponseS: 15 }] });
    expect(configChanges(DEFAULT_CONFIG, vip)).toEqual([
      'override for vip added (first response 15 s)',
    ]);
    expect(
      describeChanges(
        config({ firstResponseS: 30 }),
        config({
          firstResponseS: 20,
          overrides: [{ when: { tier: 'VIP' } }],
        }),
      ),
    ).toBe('First response 30 s → 20 s; override for VIP added');
    // "VIP" and "vip" are one override: a changed value, not a removal and an addition.
    const respelled = config({
      overrides: [{ when: { tier: 'VIP' }, firstResponseS: 10, maxGapS: 60 }],
    });
    expect(configChanges(vip, respelled)).toEqual([
      'override for VIP: first response 15 s → 10 s, waiting limit team value → 60 s',
    ]);
    expect(configChanges(vip, DEFAULT_CONFIG)).toEqual(['override for vip removed']);
  });

  it('lists hold phrases added and removed, and counts many', () => {
    const phrases = DEFAULT_CONFIG.holdPhrases;
    expect(
      configChanges(DEFAULT_CONFIG, config({ holdPhrases: [...phrases.slice(1), 'hang on'] })),
    ).toEqual(['hold phrase “hang on” added', `hold phrase “${phrases[0]}” removed`]);
    expect(configChanges(DEFAULT_CONFIG, config({ holdPhrases: [] }))).toEqual([
      `${phrases.length} hold phrases removed`,
    ]);
  });

  it('names changes the form does not edit', () => {
    const other = config({
      escalation: { tiers: ['vip'], maxOpenS: 1200 },
      checklist: DEFAULT_CONFIG.checklist.slice(1),
    });
    expect(configChanges(DEFAULT_CONFIG, other)).toEqual([
      'escalation time 1800 s → 1200 s',
      'escalation tier “enterprise” removed',
      'checklist changed',
    ]);
  });
});

describe('known tiers and channels', () => {
  it('keeps one spelling per value, the first given, sorted', () => {
    expect(distinctValues(['vip', 'Enterprise', 'VIP', ' vip ', undefined, '', 'basic'])).toEqual([
      'basic',
      'Enterprise',
      'vip',
    ]);
  });

  it('offers the configured values, then those seen in chats, each once', () => {
    const chat = (tier: string, channel: string) =>
      ({ customer: { id: 'u', tier }, channel }) as unknown as ChatState;
    const configured = config({ overrides: [{ when: { channel: 'mobile' }, maxGapS: 150 }] });
    expect(knownValues(DEFAULT_CONFIG, [])).toEqual({ tiers: ['enterprise', 'vip'], channels: [] });
    expect(
      knownValues(configured, [chat('VIP', 'web'), chat('Gold', 'Mobile'), undefined]),
    ).toEqual({ tiers: ['enterprise', 'Gold', 'vip'], channels: ['mobile', 'web'] });
  });
});
