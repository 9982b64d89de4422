// The team configuration in a supervisor's words (issue 14, "Supervisor settings"): a field's
// name from its path, an engine error as a sentence that names the field the way the form
// does ("First response must be more than 0 seconds"), and what changed between two
// configurations ("First response 30 s → 20 s; override for vip added"), and the tiers and
// channels a supervisor can pick from. The engine's
// ConfigError keeps its path and terse message for tools; this is the settings layer's
// reading of it. Pure: no signals, no DOM. Only the supervisor's views import it.
import {
  type ChatState,
  type ConfigError,
  matchKey,
  type TeamConfig,
  type ThresholdOverride,
  type Thresholds,
} from '../core/index.ts';

export const THRESHOLD_NAMES: Record<keyof Thresholds, string> = {
  firstResponseS: 'First response',
  firstResponseWarnS: 'First response warning',
  maxGapS: 'Waiting limit',
  gapWarnS: 'Waiting warning',
};

const THRESHOLD_KEYS = Object.keys(THRESHOLD_NAMES) as (keyof Thresholds)[];

const lower = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const upper = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const seconds = (value: number | undefined) => (value === undefined ? 'team value' : `${value} s`);

/** Names of the other fields. */
const NAMES: Record<string, string> = {
  ...THRESHOLD_NAMES,
  tier: 'Tier',
  channel: 'Channel',
  comment: 'Comment',
  holdPhrases: 'Hold phrases',
  overrides: 'Overrides',
  qaTags: 'QA tags',
};
/** A list's rows: "Hold phrase 3". */
const ROWS: Record<string, string> = {
  holdPhrases: 'Hold phrase',
  overrides: 'Override',
  qaTags: 'QA tag',
};

/** A key's name: its own, or its words (`maxOpenS` → "Max open s"). */
const nameOf = (key: string): string =>
  NAMES[key] ?? upper(key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());

/** The form's name for the field at `path`: `overrides[1].maxGapS` → "Override 2 waiting limit". */
export function fieldName(path: string): string {
  const row = /^(holdPhrases|overrides|qaTags)\[(\d+)\](?:\.when)?\.?(\w*)$/.exec(path);
  if (row) {
    const [, list, i, key] = row;
    return `${ROWS[list!]} ${Number(i) + 1}${key ? ` ${lower(nameOf(key))}` : ''}`;
  }
  return path === 'escalation.maxOpenS' ? 'Escalation time' : path.split('.').map(nameOf).join(' ');
}

type Sentence = (name: string, match: RegExpExecArray) => string;

/** The engine's message shapes (src/core/config.ts) and their sentences. */
const SENTENCES: [RegExp, Sentence][] = [
  [/^must be a finite number/, (name) => `${name} must be a number of seconds`],
  [/^must be greater than 0/, (name) => `${name} must be more than 0 seconds`],
  [/^must be at most (\d+)/, (name, m) => `${name} must be at most ${m[1]} seconds (24 hours)`],
  // "must be below firstResponseS (45 is not below 30)", an override's "(45 ≥ 30)".
  [
    /^must be below (\w+) .*?([\d.]+)\)$/,
    (name, m) => `${name} must be less than ${lower(nameOf(m[1]!))} (${m[2]} s)`,
  ],
  [/^must be a non-empty/, (name) => `${name} is empty`],
  [/^must be an object with tier/, (name) => `${name} needs a tier or a channel`],
  [/^must be a string of 1 to (\d+)/, (name, m) => `${name} must be 1 to ${m[1]} characters`],
  [
    /^is \d+ characters.*more than (\d+)$/,
    (name, m) => `${name} is too long: at most ${m[1]} characters`,
  ],
  [/^has (\d+) entries, more than (\d+)$/, (name, m) => `${name}: at most ${m[2]}, not ${m[1]}`],
];

/**
 * An engine (or server) error in plain language, the field named as the form names it.
 * A message of a shape it does not know keeps its words after the field's name.
 */
export function plainError(error: ConfigError): string {
  const name = fieldName(error.field);
  for (const [shape, sentence] of SENTENCES) {
    const match = shape.exec(error.message);
    if (match) return sentence(name, match);
  }
  return `${name}: ${error.message}`;
}

/** What an override matches: "vip", "mobile channel", "vip on mobile". */
export function matchName({ tier, channel }: ThresholdOverride['when']): string {
  if (tier && channel) return `${tier} on ${channel}`;
  return tier || `${channel} channel`;
}

/** Overrides by what they match, compared as the engine compares (case-insensitively). */
function byMatch(overrides: readonly ThresholdOverride[]): Map<string, ThresholdOverride> {
  return new Map(
    overrides.map((o) => [
      `${matchKey(o.when.tier ?? '')}\u0000${matchKey(o.when.channel ?? '')}`,
      o,
    ]),
  );
}

/** Entries of `from` missing from `other` (compared as tiers are: `matchKey`). */
function missing(from: readonly string[], other: readonly string[]): string[] {
  const keys = new Set(other.map(matchKey));
  return from.filter((x) => !keys.has(matchKey(x)));
}

/** Added and removed entries of a list of words: `hold phrase “one sec” added`, or a count. */
function listChanges(what: string, before: readonly string[], after: readonly string[]): string[] {
  const phrases = (list: string[], verb: string) =>
    list.length > 3
      ? [`${list.length} ${what}s ${verb}`]
      : list.map((x) => `${what} “${x}” ${verb}`);
  return [
    ...phrases(missing(after, before), 'added'),
    ...phrases(missing(before, after), 'removed'),
  ];
}

/**
 * What changes from `before` to `after`, one lower-case phrase per change ("first response
 * 30 s → 20 s"), in the form's order: the
 * thresholds, the overrides (matched by tier and channel), the hold phrases, then what only
 * another tool edits (escalation, checklist, QA tags). Empty when nothing changes.
 */
export function configChanges(before: TeamConfig, after: TeamConfig): string[] {
  const changes: string[] = [];
  for (const key of THRESHOLD_KEYS) {
    if (before[key] !== after[key]) {
      changes.push(
        `${lower(THRESHOLD_NAMES[key])} ${seconds(before[key])} → ${seconds(after[key])}`,
      );
    }
  }
  const was = byMatch(before.overrides);
  const now = byMatch(after.overrides);
  for (const [key, o] of now) {
    const old = was.get(key);
    const set = THRESHOLD_KEYS.filter((k) => o[k] !== undefined);
    if (!old) {
      const values = set.map((k) => `${lower(THRESHOLD_NAMES[k])} ${seconds(o[k])}`);
      changes.push(
        `override for ${matchName(o.when)} added${values.length ? ` (${values.join(', ')})` : ''}`,
      );
      continue;
    }
    const moved = THRESHOLD_KEYS.filter((k) => old[k] !== o[k]).map(
      (k) => `${lower(THRESHOLD_NAMES[k])} ${seconds(old[k])} → ${seconds(o[k])}`,
    );
    if (moved.length) changes.push(`override for ${matchName(o.when)}: ${moved.join(', ')}`);
  }
  for (const [key, o] of was) {
    if (!now.has(key)) changes.push(`override for ${matchName(o.when)} removed`);
  }
  changes.push(...listChanges('hold phrase', before.holdPhrases, after.holdPhrases));
  if (before.escalation.maxOpenS !== after.escalation.maxOpenS) {
    changes.push(
      `escalation time ${seconds(before.escalation.maxOpenS)} → ${seconds(after.escalation.maxOpenS)}`,
    );
  }
  changes.push(...listChanges('escalation tier', before.escalation.tiers, after.escalation.tiers));
  changes.push(...listChanges('QA tag', before.qaTags ?? [], after.qaTags ?? []));
  const items = (c: TeamConfig) => JSON.stringify(c.checklist);
  if (items(before) !== items(after)) changes.push('checklist changed');
  return changes;
}

/** The changes as one sentence ("First response 30 s → 20 s; override for vip added"), or ''. */
export function describeChanges(before: TeamConfig, after: TeamConfig): string {
  return upper(configChanges(before, after).join('; '));
}

/**
 * Values as one list: the first spelling of each kept (so list the configured ones first),
 * values that differ only in case or spacing given once (`matchKey`), sorted.
 */
export function distinctValues(values: Iterable<string | undefined>): string[] {
  const kept = new Map<string, string>();
  for (const value of values) {
    const key = value === undefined ? '' : matchKey(value);
    if (key && !kept.has(key)) kept.set(key, value!.trim());
  }
  return [...kept].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, value]) => value);
}

/** The tiers and channels already configured, then those seen in the chats, each once. */
export function knownValues(
  config: TeamConfig,
  chats: Iterable<ChatState | undefined>,
): { tiers: string[]; channels: string[] } {
  const tiers: (string | undefined)[] = [...config.escalation.tiers];
  const channels: (string | undefined)[] = [];
  for (const { when } of config.overrides) {
    tiers.push(when.tier);
    channels.push(when.channel);
  }
  for (const state of chats) {
    tiers.push(state?.customer.tier);
    channels.push(state?.channel);
  }
  return { tiers: distinctValues(tiers), channels: distinctValues(channels) };
}
