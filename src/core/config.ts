// Team configuration (protocol.md "Threshold configuration"): defaults from the live-chat
// standard, validation that names the field, and per-chat resolution of overrides.

import { normalizeForMatch } from './detect.ts';
import { isObject } from './guards.ts';
import type {
  ChatRules,
  ChecklistItemDef,
  TeamConfig,
  ThresholdOverride,
  Thresholds,
} from './types.ts';

export const DEFAULT_HOLD_PHRASES: readonly string[] = [
  'let me check',
  'let me look into',
  'one moment',
  'just a moment',
  'bear with me',
  'give me a minute',
  'give me a moment',
  "i'll be right back",
  'checking on that',
  'looking into this',
];

/** The live-chat checklist (protocol.md), in the order an agent works through it. */
export const BUILTIN_CHECKLIST: readonly ChecklistItemDef[] = [
  { id: 'greet', label: 'Greet the customer by name' },
  { id: 'restate', label: 'Restate the issue to confirm understanding' },
  { id: 'history', label: 'Check the account history' },
  { id: 'snippet', label: 'Use a library reply and personalise it' },
  { id: 'expectations', label: 'Set expectations for timing' },
  { id: 'resolve', label: 'Resolve, or escalate per the escalation SOP' },
  { id: 'anything-else', label: 'Ask whether there is anything else' },
  { id: 'close', label: 'Close with a thank-you and the case reference' },
  { id: 'log', label: 'Log the interaction with notes and follow-ups' },
  { id: 'qa', label: 'Tag for QA review if an edge case' },
];

/** The QA tag picker's default tags; "Other" with a typed reason is always offered besides. */
export const DEFAULT_QA_TAGS: readonly string[] = ['Edge case', 'Policy exception', 'Complaint'];

export const DEFAULT_CONFIG: TeamConfig = Object.freeze({
  firstResponseS: 30,
  firstResponseWarnS: 20,
  maxGapS: 120,
  gapWarnS: 90,
  holdPhrases: [...DEFAULT_HOLD_PHRASES],
  overrides: [],
  checklist: [...BUILTIN_CHECKLIST],
  escalation: { tiers: ['enterprise', 'vip'], maxOpenS: 1800 },
  qaTags: [...DEFAULT_QA_TAGS],
});

export const MAX_SECONDS = 86_400;

/**
 * Bounds on a configuration's lists and strings. Every hold phrase is tried on every agent
 * message of every chat, so their number and length are the config's cost on ingest.
 */
export const CONFIG_LIMITS = {
  holdPhrases: 100,
  holdPhraseLength: 100,
  overrides: 50,
  matchValueLength: 100,
  checklist: 30,
  checklistIdLength: 100,
  checklistLabelLength: 200,
  escalationTiers: 50,
  qaTags: 20,
  qaTagLength: 60,
} as const;

/**
 * A tier or channel as it is compared (issue 14, docs/ownership.md): helpdesks and
 * supervisors spell them differently ("VIP", "vip "), so case and surrounding whitespace
 * are ignored, and inner runs of whitespace count as one space.
 */
export function matchKey(value: string): string {
  return normalizeForMatch(value.trim());
}

/** Pushes an error when a list is longer than its limit; true when it is within it. */
function withinLimit(list: unknown[], max: number, field: string, errors: ConfigError[]): boolean {
  if (list.length <= max) return true;
  errors.push({ field, message: `has ${list.length} entries, more than ${max}` });
  return false;
}

const THRESHOLD_KEYS = ['firstResponseS', 'firstResponseWarnS', 'maxGapS', 'gapWarnS'] as const;
/** Each warn threshold and the threshold it must stay below. */
const WARN_PAIRS = [
  ['firstResponseWarnS', 'firstResponseS'],
  ['gapWarnS', 'maxGapS'],
] as const;
const KNOWN_KEYS = new Set<string>([
  ...THRESHOLD_KEYS,
  'holdPhrases',
  'overrides',
  'checklist',
  'escalation',
  'qaTags',
]);

export interface ConfigError {
  field: string;
  message: string;
}

export type ConfigResult =
  | { ok: true; config: TeamConfig; warnings: string[] }
  | { ok: false; errors: ConfigError[] };

function secondsError(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  if (value <= 0) return 'must be greater than 0';
  if (value > MAX_SECONDS) return `must be at most ${MAX_SECONDS} (24 hours)`;
  return null;
}

export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('\n');
}

/**
 * Validates a configuration. Missing fields keep their value in `base` (the defaults, or the
 * team's current configuration for a partial update). An invalid configuration yields every
 * error found and no configuration, so the caller keeps the one it has.
 */
export function validateConfig(input: unknown, base: TeamConfig = DEFAULT_CONFIG): ConfigResult {
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  if (!isObject(input)) {
    return { ok: false, errors: [{ field: '(config)', message: 'must be a JSON object' }] };
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) warnings.push(`${key}: unknown setting, ignored`);
  }

  const thresholds: Thresholds = {
    firstResponseS: base.firstResponseS,
    firstResponseWarnS: base.firstResponseWarnS,
    maxGapS: base.maxGapS,
    gapWarnS: base.gapWarnS,
  };
  for (const key of THRESHOLD_KEYS) {
    if (input[key] === undefined) continue;
    const problem = secondsError(input[key]);
    if (problem) errors.push({ field: key, message: problem });
    else thresholds[key] = input[key] as number;
  }
  for (const [warn, limit] of WARN_PAIRS) {
    if (errors.some((e) => e.field === warn || e.field === limit)) continue;
    if (thresholds[warn] >= thresholds[limit]) {
      errors.push({
        field: warn,
        message: `must be below ${limit} (${thresholds[warn]} is not below ${thresholds[limit]})`,
      });
    }
  }

  let holdPhrases = base.holdPhrases;
  if (input.holdPhrases !== undefined) {
    if (!Array.isArray(input.holdPhrases)) {
      errors.push({ field: 'holdPhrases', message: 'must be a list of phrases' });
    } else if (withinLimit(input.holdPhrases, CONFIG_LIMITS.holdPhrases, 'holdPhrases', errors)) {
      holdPhrases = [];
      input.holdPhrases.forEach((phrase, i) => {
        if (typeof phrase !== 'string' || phrase.trim() === '') {
          errors.push({ field: `holdPhrases[${i}]`, message: 'must be a non-empty phrase' });
        } else if (phrase.length > CONFIG_LIMITS.holdPhraseLength) {
          errors.push({
            field: `holdPhrases[${i}]`,
            message: `is ${phrase.length} characters, more than ${CONFIG_LIMITS.holdPhraseLength}`,
          });
        } else {
          // Kept lower-cased, which can lengthen it ('İ' becomes 'i̇'): measured as kept, so
          // a configuration this returns always validates again (a widget re-checks pushes).
          const kept = normalizeForMatch(phrase.trim());
          if (kept.length > CONFIG_LIMITS.holdPhraseLength) {
            errors.push({
              field: `holdPhrases[${i}]`,
              message: `is ${kept.length} characters once lower-cased, more than ${CONFIG_LIMITS.holdPhraseLength}`,
            });
          } else holdPhrases.push(kept);
        }
      });
    }
  }

  const overrides =
    input.overrides === undefined
      ? base.overrides
      : validateOverrides(input.overrides, thresholds, errors);
  const checklist =
    input.checklist === undefined ? base.checklist : validateChecklist(input.checklist, errors);
  const escalation = { ...base.escalation };
  if (input.escalation !== undefined) {
    if (!isObject(input.escalation)) {
      errors.push({ field: 'escalation', message: 'must be an object' });
    } else {
      const { tiers, maxOpenS } = input.escalation;
      if (tiers !== undefined) {
        if (
          !Array.isArray(tiers) ||
          tiers.some(
            (t) =>
              typeof t !== 'string' || t.trim() === '' || t.length > CONFIG_LIMITS.matchValueLength,
          )
        ) {
          errors.push({
            field: 'escalation.tiers',
            message: `must be a list of tier names of 1 to ${CONFIG_LIMITS.matchValueLength} characters`,
          });
        } else if (withinLimit(tiers, CONFIG_LIMITS.escalationTiers, 'escalation.tiers', errors)) {
          escalation.tiers = (tiers as string[]).map((t) => t.trim());
        }
      }
      if (maxOpenS !== undefined) {
        const problem = secondsError(maxOpenS);
        if (problem) errors.push({ field: 'escalation.maxOpenS', message: problem });
        else escalation.maxOpenS = maxOpenS as number;
      }
    }
  }

  // A configuration stored before qaTags existed has none: it gets the defaults.
  const qaTags =
    input.qaTags === undefined
      ? (base.qaTags ?? [...DEFAULT_QA_TAGS])
      : validateQaTags(input.qaTags, errors);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: { ...thresholds, holdPhrases, overrides, checklist, escalation, qaTags },
    warnings,
  };
}

/** Tags of the QA picker: trimmed, non-empty, unique ignoring case, "Other" left to the UI. */
function validateQaTags(input: unknown, errors: ConfigError[]): string[] {
  if (!Array.isArray(input)) {
    errors.push({ field: 'qaTags', message: 'must be a list of tags' });
    return [];
  }
  if (!withinLimit(input, CONFIG_LIMITS.qaTags, 'qaTags', errors)) return [];
  const tags: string[] = [];
  const seen = new Set<string>(['other']);
  input.forEach((raw, i) => {
    const field = `qaTags[${i}]`;
    const tag = typeof raw === 'string' ? raw.trim() : '';
    const key = matchKey(tag);
    if (tag === '') errors.push({ field, message: 'must be a non-empty tag' });
    else if (tag.length > CONFIG_LIMITS.qaTagLength) {
      errors.push({
        field,
        message: `is ${tag.length} characters, more than ${CONFIG_LIMITS.qaTagLength}`,
      });
    } else if (seen.has(key)) {
      errors.push({
        field,
        message:
          key === 'other'
            ? '"Other" is always offered, with a typed reason'
            : `'${tag}' is listed twice`,
      });
    } else {
      seen.add(key);
      tags.push(tag);
    }
  });
  return tags;
}

function validateOverrides(
  input: unknown,
  base: Thresholds,
  errors: ConfigError[],
): ThresholdOverride[] {
  if (!Array.isArray(input)) {
    errors.push({ field: 'overrides', message: 'must be a list' });
    return [];
  }
  if (!withinLimit(input, CONFIG_LIMITS.overrides, 'overrides', errors)) return [];
  const overrides: ThresholdOverride[] = [];
  input.forEach((raw, i) => {
    const at = `overrides[${i}]`;
    if (!isObject(raw)) {
      errors.push({ field: at, message: 'must be an object with `when`' });
      return;
    }
    const when = raw.when;
    if (!isObject(when) || Object.keys(when).length === 0) {
      errors.push({ field: `${at}.when`, message: 'must be an object with tier and/or channel' });
      return;
    }
    const override: ThresholdOverride = { when: {} };
    for (const [key, value] of Object.entries(when)) {
      // An unknown key would otherwise make the override match every chat.
      if (key !== 'tier' && key !== 'channel') {
        errors.push({
          field: `${at}.when.${key}`,
          message: 'only tier and channel can be matched',
        });
      } else if (
        typeof value !== 'string' ||
        value.trim() === '' ||
        value.length > CONFIG_LIMITS.matchValueLength
      ) {
        errors.push({
          field: `${at}.when.${key}`,
          message: `must be a string of 1 to ${CONFIG_LIMITS.matchValueLength} characters`,
        });
      } else override.when[key] = value.trim();
    }
    for (const key of THRESHOLD_KEYS) {
      if (raw[key] === undefined) continue;
      const problem = secondsError(raw[key]);
      if (problem) errors.push({ field: `${at}.${key}`, message: problem });
      else override[key] = raw[key] as number;
    }
    for (const [warn, limit] of WARN_PAIRS) {
      const w = override[warn];
      if (w === undefined) continue;
      // A warn set alone must stay below the threshold it inherits.
      const l = override[limit] ?? base[limit];
      if (w >= l) {
        errors.push({ field: `${at}.${warn}`, message: `must be below ${limit} (${w} ≥ ${l})` });
      }
    }
    overrides.push(override);
  });
  return overrides;
}

function validateChecklist(input: unknown, errors: ConfigError[]): ChecklistItemDef[] {
  if (!Array.isArray(input)) {
    errors.push({ field: 'checklist', message: 'must be a list of item ids or {id, label}' });
    return [];
  }
  if (!withinLimit(input, CONFIG_LIMITS.checklist, 'checklist', errors)) return [];
  const items: ChecklistItemDef[] = [];
  const seen = new Set<string>();
  input.forEach((raw, i) => {
    const at = `checklist[${i}]`;
    let item: ChecklistItemDef | undefined;
    if (typeof raw === 'string') {
      item = BUILTIN_CHECKLIST.find((b) => b.id === raw);
      if (!item) {
        errors.push({
          field: at,
          message: `unknown item '${raw}' (give {"id", "label"} for a team's own item)`,
        });
        return;
      }
    } else if (
      isObject(raw) &&
      typeof raw.id === 'string' &&
      raw.id !== '' &&
      raw.id.length <= CONFIG_LIMITS.checklistIdLength &&
      typeof raw.label === 'string' &&
      raw.label.length <= CONFIG_LIMITS.checklistLabelLength
    ) {
      item = { id: raw.id, label: raw.label || raw.id };
    } else {
      errors.push({
        field: at,
        message: `must be an item id or {"id", "label"} (id at most ${CONFIG_LIMITS.checklistIdLength} characters, label ${CONFIG_LIMITS.checklistLabelLength})`,
      });
      return;
    }
    if (seen.has(item.id)) {
      errors.push({ field: at, message: `item '${item.id}' is listed twice` });
      return;
    }
    seen.add(item.id);
    items.push(item);
  });
  return items;
}

/** Whether a chat's tier or channel is the configured one, by `matchKey`. */
function matches(configured: string | undefined, value: string | undefined): boolean {
  return (
    configured === undefined || (value !== undefined && matchKey(configured) === matchKey(value))
  );
}

/**
 * The rules for one chat: overrides whose `when` matches every key (ignoring case and
 * surrounding whitespace: `matchKey`) apply in order, the last match winning per field.
 * When an override lowers a threshold to or below the warn it inherits, the warn keeps the
 * team's warn/threshold ratio, so the example override
 * `{ "when": { "tier": "vip" }, "firstResponseS": 15 }` warns at 10 s.
 */
export function rulesFor(
  config: TeamConfig,
  chat: { tier?: string | undefined; channel?: string | undefined },
): ChatRules {
  const t: Thresholds = {
    firstResponseS: config.firstResponseS,
    firstResponseWarnS: config.firstResponseWarnS,
    maxGapS: config.maxGapS,
    gapWarnS: config.gapWarnS,
  };
  for (const o of config.overrides) {
    if (!matches(o.when.tier, chat.tier) || !matches(o.when.channel, chat.channel)) continue;
    for (const key of THRESHOLD_KEYS) {
      const value = o[key];
      if (value !== undefined) t[key] = value;
    }
  }
  for (const [warn, limit] of WARN_PAIRS) {
    if (t[warn] >= t[limit]) t[warn] = t[limit] * (config[warn] / config[limit]);
  }
  return {
    ...t,
    escalation: config.escalation,
    checklist: config.checklist,
    qaTags: config.qaTags,
  };
}
