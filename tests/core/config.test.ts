// Team configuration beyond protocol.md's literal words (docs/ownership.md): tiers and
// channels compared ignoring case and surrounding whitespace (issue 14), and the team's QA tags.
import { describe, expect, it } from 'vitest';
import {
  CONFIG_LIMITS,
  DEFAULT_CONFIG,
  read,
  rulesFor,
  validateConfig,
} from '../../src/core/index.ts';
import { agent, audit, BASE_MS, config, started, timelineOf } from '../support/events.ts';

describe('overrides match tier and channel ignoring case and surrounding whitespace', () => {
  const cfg = config({
    overrides: [
      { when: { tier: 'VIP' }, firstResponseS: 15 },
      { when: { channel: ' Mobile ' }, maxGapS: 180 },
    ],
  });

  it.each<[{ tier?: string; channel?: string }, number[]]>([
    [{ tier: 'vip' }, [15, 120]],
    [{ tier: 'VIP' }, [15, 120]],
    [{ tier: ' Vip ' }, [15, 120]],
    [{ channel: 'MOBILE' }, [30, 180]],
    [{ tier: 'vip', channel: 'mobile' }, [15, 180]],
    [{ tier: 'vipx', channel: 'mobile-web' }, [30, 120]],
    [{}, [30, 120]],
  ])('%j → [firstResponseS, maxGapS] = %j', (chat, expected) => {
    const r = rulesFor(cfg, chat);
    expect([r.firstResponseS, r.maxGapS]).toEqual(expected);
  });

  it('audit applies a VIP override to a chat whose tier is vip', () => {
    // First reply at 20 s: within the team's 30 s, beyond the VIP 15 s.
    const report = audit(
      [
        started('v', 0, { tier: 'vip' }),
        agent('v', 'm1', 20, 'Hi'),
        started('s', 0, { tier: 'standard' }),
        agent('s', 'm1', 20, 'Hi'),
      ],
      cfg,
    );
    expect(report.chats.map((c) => [c.chatId, c.firstResponseBreached])).toEqual([
      ['s', false],
      ['v', true],
    ]);
  });

  it('stores match values trimmed, as typed otherwise, and refuses blank ones', () => {
    expect(cfg.overrides.map((o) => o.when)).toEqual([{ tier: 'VIP' }, { channel: 'Mobile' }]);
    const r = validateConfig({ overrides: [{ when: { tier: '   ' }, firstResponseS: 15 }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toEqual(['overrides[0].when.tier']);
  });

  it('escalation tiers compare the same way', () => {
    const gold = config({ escalation: { tiers: [' Gold '] } });
    const tierPrompt = (tier: string) => {
      const state = timelineOf([started('c', 0, { tier })]).state!;
      const rules = rulesFor(gold, { tier });
      return read(state, rules, BASE_MS + 1000).escalations.some((e) => e.kind === 'tier');
    };
    expect([tierPrompt('gold'), tierPrompt('GOLD'), tierPrompt('golden')]).toEqual([
      true,
      true,
      false,
    ]);
    const blank = validateConfig({ escalation: { tiers: ['vip', ' '] } });
    expect(blank.ok).toBe(false);
    if (!blank.ok) expect(blank.errors[0]!.field).toBe('escalation.tiers');
  });
});

describe('qaTags: the QA tag picker, configurable by the team', () => {
  const fieldsOf = (input: unknown) => {
    const r = validateConfig({ qaTags: input });
    return r.ok ? [] : r.errors.map((e) => `${e.field}: ${e.message}`);
  };

  it('defaults to edge case, policy exception and complaint ("Other" is the UI’s own)', () => {
    expect(DEFAULT_CONFIG.qaTags).toEqual(['Edge case', 'Policy exception', 'Complaint']);
    expect(config({}).qaTags).toEqual(['Edge case', 'Policy exception', 'Complaint']);
  });

  it('a team’s tags replace the defaults, trimmed, and reach each chat’s rules', () => {
    const cfg = config({ qaTags: ['  Refund over limit ', 'Legal'] });
    expect(cfg.qaTags).toEqual(['Refund over limit', 'Legal']);
    expect(rulesFor(cfg, { tier: 'vip' }).qaTags).toEqual(['Refund over limit', 'Legal']);
    expect(config({ qaTags: [] }).qaTags).toEqual([]);
  });

  it('a partial update keeps the team’s tags; a stored config without tags gets the defaults', () => {
    const cfg = config({ qaTags: ['Legal'] });
    const kept = validateConfig({ maxGapS: 200 }, cfg);
    expect(kept.ok && kept.config.qaTags).toEqual(['Legal']);
    const { qaTags: _none, ...older } = DEFAULT_CONFIG;
    const upgraded = validateConfig({}, older as typeof DEFAULT_CONFIG);
    expect(upgraded.ok && upgraded.config.qaTags).toEqual(DEFAULT_CONFIG.qaTags);
  });

  it('refuses a value that is not a list', () => {
    expect(fieldsOf('Edge case')).toEqual(['qaTags: must be a list of tags']);
  });

  it('refuses empty and non-string tags, naming each', () => {
    expect(fieldsOf(['Legal', '  ', 3])).toEqual([
      'qaTags[1]: must be a non-empty tag',
      'qaTags[2]: must be a non-empty tag',
    ]);
  });

  it('refuses a tag listed twice, ignoring case and surrounding whitespace', () => {
    expect(fieldsOf(['Legal', 'Complaint', ' legal'])).toEqual([
      "qaTags[2]: 'legal' is listed twice",
    ]);
  });

  it('refuses "Other", which the picker always offers with a typed reason', () => {
    expect(fieldsOf(['OTHER'])).toEqual([
      'qaTags[0]: "Other" is always offered, with a typed reason',
    ]);
  });

  it(`allows at most ${CONFIG_LIMITS.qaTags} tags of at most ${CONFIG_LIMITS.qaTagLength} characters`, () => {
    const many = Array.from({ length: 20 }, (_, i) => `Tag ${i}`);
    expect(fieldsOf(many)).toEqual([]);
    expect(fieldsOf([...many, 'Tag 20'])).toEqual(['qaTags: has 21 entries, more than 20']);
    expect(fieldsOf(['x'.repeat(60)])).toEqual([]);
    expect(fieldsOf(['ok', 'x'.repeat(61)])).toEqual(['qaTags[1]: is 61 characters, more than 60']);
  });

  it('is a known setting (no "unknown setting" warning)', () => {
    const r = validateConfig({ qaTags: ['Legal'] });
    expect(r.ok && r.warnings).toEqual([]);
  });
});
