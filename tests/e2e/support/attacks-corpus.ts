// The XSS corpus of the attack suite (issue #13 "Prove it") and the content built from it: one
// chat, one JSON SOP and one Markdown SOP per payload, and a team configuration whose labels,
// hold phrases and override values are payloads. Every payload calls `cpXss(n)` (a function
// the test page defines) if it ever runs, so a page that executes any of them records it.
import { BUILTIN_CHECKLIST } from '../../../src/core/config.ts';
import { LIBRARY_FORMAT, validateLibrary } from '../../../src/search/library.ts';
import { parseMarkdownSop } from '../../../src/search/markdown.ts';
import type { Sop, SopLibrary } from '../../../src/search/types.ts';

export interface Payload {
  n: number;
  text: string;
  /**
   * The text the widget shows where SOP Markdown is rendered (steps, purpose): links survive
   * only as http(s)/mailto, so a `javascript:` link keeps its label and loses its target.
   * Defaults to `text` (shown literally).
   */
  markdown?: string;
}

const BT = '`';

/** Classic payloads, each calling cpXss(n) if it runs. */
export const PAYLOADS: Payload[] = [
  { n: 1, text: '<img src=x onerror=cpXss(1)>' },
  { n: 2, text: '<svg onload=cpXss(2)>' },
  { n: 3, text: '"><script>cpXss(3)</script>' },
  { n: 4, text: 'javascript:cpXss(4)' },
  // Link targets without parentheses, so the Markdown link syntax really matches.
  { n: 5, text: `[click me](javascript:cpXss${BT}5${BT})`, markdown: 'click me' },
  { n: 6, text: `![pic](javascript:cpXss${BT}6${BT})`, markdown: '!pic' },
  { n: 7, text: '<a href="javascript:cpXss(7)">link</a>' },
  { n: 8, text: "' onmouseover='cpXss(8)' data-x='" },
  { n: 9, text: '" autofocus onfocus="cpXss(9)" x="' },
  { n: 10, text: "{{constructor.constructor('cpXss(10)')()}}" },
  { n: 11, text: '<iframe srcdoc="<script>parent.cpXss(11)</script>"></iframe>' },
  { n: 12, text: `[x](  JaVaScRiPt:cpXss${BT}12${BT})`, markdown: 'x' },
  { n: 13, text: '<javascript:cpXss(13)>' },
  {
    n: 14,
    text: '[x](data:text/html;base64,PHNjcmlwdD5jcFhzcygxNCk8L3NjcmlwdD4=)',
    markdown: 'x',
  },
  { n: 15, text: '\u202E<img src=x onerror=cpXss(15)>\u202C gnp.exe' },
  { n: 16, text: '<img\u200B src=x onerror=cpXss(16)>' },
  { n: 17, text: '<math><mtext><table><mglyph><style><img src=x onerror=cpXss(17)>' },
  { n: 18, text: '**<img src=x onerror=cpXss(18)>**', markdown: '<img src=x onerror=cpXss(18)>' },
  {
    n: 19,
    text: `${BT}<img src=x onerror=cpXss(19)>${BT}`,
    markdown: '<img src=x onerror=cpXss(19)>',
  },
  {
    n: 20,
    text: '[<img src=x onerror=cpXss(20)>](https://example.com/x)',
    markdown: '<img src=x onerror=cpXss(20)>',
  },
  { n: 21, text: 'https://example.com/"onmouseover="cpXss(21)' },
  {
    n: 22,
    text: '<https://example.com/"><img src=x onerror=cpXss(22)>>',
    markdown: 'https://example.com/"<img src=x onerror=cpXss(22)>>',
  },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload is the literal text
  { n: 23, text: '${cpXss(23)}' },
  { n: 24, text: "<style>@import 'javascript:cpXss(24)';</style>" },
  { n: 25, text: '[x](https://example.com/ "t\\" onmouseover=\\"cpXss(25)")' },
  { n: 26, text: '&lt;img src=x onerror=cpXss(26)&gt;' },
  { n: 27, text: '<form action="javascript:cpXss(27)"><button>go</button></form>' },
  { n: 28, text: '<object data="javascript:cpXss(28)"></object>' },
  { n: 29, text: '<base href="javascript:cpXss(29)//">' },
  { n: 30, text: '<details open ontoggle=cpXss(30)>' },
  { n: 31, text: 'ｊａｖａｓｃｒｉｐｔ:cpXss(31)' },
  { n: 32, text: `[x](\u0001javascript:cpXss${BT}32${BT})`, markdown: 'x' },
  { n: 33, text: `${'A'.repeat(15_000)}<img src=x onerror=cpXss(33)>` },
  { n: 34, text: '--><img src=x onerror=cpXss(34)><!--' },
  { n: 35, text: '</textarea><img src=x onerror=cpXss(35)>' },
  { n: 36, text: `"'><svg/onload=cpXss(36)>` },
  { n: 37, text: '<a href="&#106;avascript:cpXss(37)">x</a>' },
  { n: 38, text: '<img src=x onerror=cpXss(38)//' },
  { n: 39, text: 'Ｄａｎａ\u0301 \u200F<b onmouseover=cpXss(39)>' },
];

/** Every payload that fits a field of at most `max` characters (ids, names, labels). */
export const fits = (p: Payload, max: number) => p.text.length <= max;

/** A word no real text contains, so search puts chat n's SOPs first. */
export const keyword = (n: number) => `quokka${n}zed`;

export const AGENT_NAME = '<img src=x onerror=cpXss(100)> Sam';
export const AGENT_ID = '"><script>cpXss(101)</script>';
/** The host element's id: an attribute breakout, for a target given as an element. */
export const HOST_ID = '"><img src=x onerror=cpXss(102)>';

export interface CorpusChat {
  n: number;
  chatId: string;
  name: string;
  tier: string;
  channel: string;
  caseRef: string;
  message: string;
}

/** Chat n carries payload n in every field that holds it (ids and labels within their limits). */
export function corpusChats(): CorpusChat[] {
  return PAYLOADS.map((p) => {
    const short = (max: number) => (fits(p, max) ? p.text : `long-${p.n}`);
    return {
      n: p.n,
      chatId: fits(p, 190) ? `c${p.n}${p.text}` : `c${p.n}-long`,
      name: short(200),
      tier: short(100),
      channel: short(100),
      caseRef: short(100),
      message: `${p.text} ${keyword(p.n)} I want to speak to a manager`,
    };
  });
}

/** The events of the corpus chats, `at` relative to `now` (ms). */
export function corpusEvents(now: number): Record<string, unknown>[] {
  return corpusChats().flatMap((c) => [
    {
      type: 'chat.started',
      chatId: c.chatId,
      at: now - 20_000,
      customer: { id: c.name, name: c.name, tier: c.tier },
      channel: c.channel,
      caseRef: c.caseRef,
    },
    {
      type: 'message',
      chatId: c.chatId,
      id: fits(PAYLOADS[c.n - 1]!, 190) ? `m-${PAYLOADS[c.n - 1]!.text}` : 'm-long',
      at: now - 19_000,
      author: 'customer',
      text: c.message,
    },
  ]);
}

/** Reply texts are templates: a payload with braces would be refused, so it becomes text. */
const templateSafe = (text: string) => text.replace(/[{}]/g, '');

function jsonSop(p: Payload): Record<string, unknown> {
  const id = fits(p, 90) ? `J${p.n}${p.text}` : `J${p.n}-long`;
  return {
    id,
    title: `${p.text} J${p.n}`,
    version: fits(p, 100) ? p.text : '1',
    owner: p.text,
    effective: '2026-01-05',
    lastReviewed: '2026-11-02',
    purpose: p.text,
    scope: p.text,
    tags: [keyword(p.n), p.text],
    triggers: [keyword(p.n), p.text],
    steps: [
      {
        id: 's1',
        text: p.text,
        role: p.text,
        within: p.text,
        replies: ['r1'],
      },
    ],
    escalation: { triggers: [p.text], to: p.text },
    replies: [
      {
        id: 'r1',
        title: `${p.text} reply`,
        shortcut: p.text,
        // Chat placeholders plus a fill-in field whose value the agent types (a payload).
        text: `${templateSafe(p.text)} {customer.firstName} {agent.name} {case.ref} {detail-${p.n}} ${templateSafe(p.text)}`,
      },
    ],
    notes: p.text,
  };
}

/**
 * The Markdown form (docs/library-format.md) of an SOP with payload n in its title, purpose,
 * step text and details, escalation and reply. Fill-in names are the ones a template allows
 * but a careless implementation would trip on (`__proto__`, `constructor`, `toString`). The
 * front matter is YAML, so its payloads are quoted (a JSON string is a YAML one).
 */
export function markdownSource(p: Payload): string {
  const fields = ['__proto__', 'constructor', 'toString'];
  const field = fields[p.n % fields.length]!;
  return `---
id: M${p.n}-sop
title: ${JSON.stringify(`${p.text} M${p.n}`)}
version: 2.${p.n}
owner: ${JSON.stringify(p.text)}
effective: 2026-01-05
lastReviewed: 2026-11-02
tags: [${keyword(p.n)}]
triggers:
  - ${keyword(p.n)}
---

## Purpose
${p.text}

## Scope
${p.text}

## Steps
1. ${p.text}
   - role: ${p.text}
   - within: ${p.text}
   - replies: r-m

## Escalation
- to: ${p.text}
- trigger: ${p.text}

## Replies

### ${p.text} M-reply
- id: r-m

Hello {customer.firstName}, ${templateSafe(p.text)} {${field}} {hasOwnProperty}
`;
}

export interface Corpus {
  library: SopLibrary;
  /** SOP ids of payload n: [json, markdown]. */
  sopIds: Map<number, [string, string]>;
}

/** Both forms of every payload's SOP, validated as the CLI and the demo validate them. */
export function corpusLibrary(): Corpus {
  const sops: Record<string, unknown>[] = [];
  const sopIds = new Map<number, [string, string]>();
  for (const p of PAYLOADS) {
    const json = jsonSop(p);
    const parsed = parseMarkdownSop(markdownSource(p), `m${p.n}.md`);
    if (!parsed.ok) {
      throw new Error(`markdown SOP ${p.n} does not parse: ${JSON.stringify(parsed.issues)}`);
    }
    sops.push(json, parsed.sop);
    sopIds.set(p.n, [json.id as string, parsed.sop.id as string]);
  }
  const result = validateLibrary({ format: LIBRARY_FORMAT, sops });
  if (!result.ok) throw new Error(`corpus library invalid: ${JSON.stringify(result.issues)}`);
  return { library: result.library, sopIds };
}

export function sopById(library: SopLibrary, id: string): Sop {
  const sop = library.sops.find((s) => s.id === id);
  if (!sop) throw new Error(`no SOP ${id}`);
  return sop;
}

/** Custom checklist items (ids and labels are payloads), after the built-in ones (30 at most). */
export function corpusChecklist(): { id: string; label: string }[] {
  return PAYLOADS.filter((p) => fits(p, 100))
    .slice(0, 30 - BUILTIN_CHECKLIST.length)
    .map((p) => ({ id: `k${p.n}${p.text}`, label: `${p.text} item` }));
}

/** Init `thresholds`: the checklist and escalation tiers (all the short payloads). */
export function corpusThresholds(): Record<string, unknown> {
  return {
    checklist: [...BUILTIN_CHECKLIST.map((item) => item.id), ...corpusChecklist()],
    escalation: {
      tiers: PAYLOADS.filter((p) => fits(p, 100))
        .slice(0, 50)
        .map((p) => p.text),
    },
  };
}

/** The `configure` command's input: hold phrases and override values are payloads. */
export function corpusConfigure(): Record<string, unknown> {
  const short = PAYLOADS.filter((p) => fits(p, 100) && p.text.trim() !== '');
  return {
    holdPhrases: short.slice(0, 100).map((p) => p.text),
    overrides: short.slice(0, 25).flatMap((p) => [
      { when: { tier: p.text }, maxGapS: 150 },
      { when: { channel: p.text }, firstResponseS: 40 },
    ]),
  };
}
