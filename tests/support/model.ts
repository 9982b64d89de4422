// An independent, deliberately naive reading of protocol.md's timing rules, used as the
// oracle of the property tests. It shares no code with src/core: it sorts the whole event
// list (by `at`, equal `at` in list order) and walks it once per chat.
//
// Where the spec is silent it follows the engine's documented decisions: a message after
// close is ignored and not counted as a duplicate; an override lowering a threshold to or
// below the inherited warn scales the warn by the team's warn/threshold ratio.
import type { ChatEvent } from '../../src/core/index.ts';

export interface ModelThresholds {
  firstResponseS: number;
  firstResponseWarnS: number;
  maxGapS: number;
  gapWarnS: number;
}

export interface ModelConfig extends ModelThresholds {
  holdPhrases: string[];
  overrides: Array<Partial<ModelThresholds> & { when: { tier?: string; channel?: string } }>;
}

export interface ModelChat {
  chatId: string;
  firstResponseS: number | null;
  firstResponseBreached: boolean;
  greetedByName: boolean;
  longestGapS: number;
  gapBreaches: number;
  gapWarnings: number;
  closed: boolean;
}

export interface ModelReport {
  chats: ModelChat[];
  summary: {
    chats: number;
    firstResponseBreaches: number;
    gapBreaches: number;
    greetedByName: number;
    duplicates: number;
  };
}

interface Acc {
  chatId: string;
  start: number;
  lastAt: number;
  startedSeen: boolean;
  closedAt: number | null;
  name: string | undefined;
  tier: string | undefined;
  channel: string | undefined;
  ids: Set<string>;
  firstAgentAt: number | null;
  firstAgentText: string | null;
  waitingSince: number | null;
  periods: number[];
}

const KEYS = ['firstResponseS', 'firstResponseWarnS', 'maxGapS', 'gapWarnS'] as const;

export function modelRules(cfg: ModelConfig, tier?: string, channel?: string): ModelThresholds {
  const t: ModelThresholds = {
    firstResponseS: cfg.firstResponseS,
    firstResponseWarnS: cfg.firstResponseWarnS,
    maxGapS: cfg.maxGapS,
    gapWarnS: cfg.gapWarnS,
  };
  for (const o of cfg.overrides) {
    const matches =
      (o.when.tier === undefined || o.when.tier === tier) &&
      (o.when.channel === undefined || o.when.channel === channel);
    if (!matches) continue;
    for (const k of KEYS) if (o[k] !== undefined) t[k] = o[k]!;
  }
  if (t.firstResponseWarnS >= t.firstResponseS) {
    t.firstResponseWarnS = (t.firstResponseS * cfg.firstResponseWarnS) / cfg.firstResponseS;
  }
  if (t.gapWarnS >= t.maxGapS) t.gapWarnS = (t.maxGapS * cfg.gapWarnS) / cfg.maxGapS;
  return t;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
}

/** Whole-word, case-insensitive search by scanning (inputs of the generators are BMP). */
export function modelGreets(text: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  const first = name.trim().split(/\s+/)[0] ?? '';
  if (first === '') return false;
  const hay = text.toLowerCase();
  const needle = first.toLowerCase();
  if (hay.length !== text.length || needle.length !== first.length) {
    throw new Error('model only supports case mappings that keep length');
  }
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) {
    if (!isWordChar(hay[i - 1]) && !isWordChar(hay[i + needle.length])) return true;
  }
  return false;
}

export function modelIsHold(text: string, phrases: readonly string[]): boolean {
  const t = text.toLowerCase().split(/\s+/).join(' ');
  return phrases.some((p) => t.includes(p));
}

export function modelAudit(events: readonly ChatEvent[], cfg: ModelConfig): ModelReport {
  const order = events.map((e, i) => ({ e, i }));
  order.sort((a, b) => a.e.at - b.e.at || a.i - b.i);
  const chats = new Map<string, Acc>();
  let duplicates = 0;
  for (const { e } of order) {
    const c = chats.get(e.chatId);
    if (e.type === 'chat.started') {
      if (!c) {
        chats.set(e.chatId, {
          ...fresh(e.chatId, e.at),
          startedSeen: true,
          name: e.customer?.name,
          tier: e.customer?.tier,
          channel: e.channel,
        });
      } else if (!c.startedSeen && c.closedAt === null) {
        c.startedSeen = true;
        c.name = e.customer?.name;
        c.tier = e.customer?.tier;
        c.channel = e.channel;
        c.lastAt = Math.max(c.lastAt, e.at);
      }
    } else if (e.type === 'message') {
      if (c && c.closedAt !== null) continue;
      if (c?.ids.has(e.id)) {
        duplicates += 1;
        continue;
      }
      const chat = c ?? fresh(e.chatId, e.at);
      if (!c) chats.set(e.chatId, chat);
      chat.ids.add(e.id);
      chat.lastAt = Math.max(chat.lastAt, e.at);
      if (e.author === 'customer') {
        if (chat.firstAgentAt !== null && chat.waitingSince === null) chat.waitingSince = e.at;
      } else if (e.author === 'agent' && !e.internal) {
        if (chat.firstAgentAt === null) {
          chat.firstAgentAt = e.at;
          chat.firstAgentText = e.text;
        } else if (chat.waitingSince !== null) {
          chat.periods.push(e.at - chat.waitingSince);
        }
        chat.waitingSince = e.hold || modelIsHold(e.text, cfg.holdPhrases) ? e.at : null;
      }
    } else if (e.type === 'chat.closed') {
      if (!c || c.closedAt !== null) continue;
      c.closedAt = e.at;
      if (c.waitingSince !== null) c.periods.push(e.at - c.waitingSince);
      c.waitingSince = null;
    }
  }

  const out: ModelChat[] = [];
  for (const c of chats.values()) {
    const r = modelRules(cfg, c.tier, c.channel);
    const end = c.closedAt ?? c.lastAt;
    const periods = [...c.periods];
    if (c.waitingSince !== null) periods.push(end - c.waitingSince);
    const fr = c.firstAgentAt === null ? null : (c.firstAgentAt - c.start) / 1000;
    // Compared in seconds: a measured value equal to the threshold is no breach.
    const breached =
      fr !== null ? fr > r.firstResponseS : (end - c.start) / 1000 > r.firstResponseS;
    let longest = 0;
    let breaches = 0;
    let warnings = 0;
    for (const p of periods) {
      const s = p / 1000;
      longest = Math.max(longest, s);
      if (s > r.maxGapS) breaches += 1;
      else if (s > r.gapWarnS) warnings += 1;
    }
    out.push({
      chatId: c.chatId,
      firstResponseS: fr,
      firstResponseBreached: breached,
      greetedByName: c.firstAgentText !== null && modelGreets(c.firstAgentText, c.name),
      longestGapS: longest,
      gapBreaches: breaches,
      gapWarnings: warnings,
      closed: c.closedAt !== null,
    });
  }
  out.sort((a, b) => (a.chatId < b.chatId ? -1 : a.chatId > b.chatId ? 1 : 0));
  return {
    chats: out,
    summary: {
      chats: out.length,
      firstResponseBreaches: out.filter((c) => c.firstResponseBreached).length,
      gapBreaches: out.reduce((n, c) => n + c.gapBreaches, 0),
      greetedByName: out.filter((c) => c.greetedByName).length,
      duplicates,
    },
  };
}

function fresh(chatId: string, at: number): Acc {
  return {
    chatId,
    start: at,
    lastAt: at,
    startedSeen: false,
    closedAt: null,
    name: undefined,
    tier: undefined,
    channel: undefined,
    ids: new Set(),
    firstAgentAt: null,
    firstAgentText: null,
    waitingSince: null,
    periods: [],
  };
}
