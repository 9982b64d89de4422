// The team report as ONE static HTML file: inline SVG charts with their tables beside them,
// no script, no external resource, under a CSP in a meta tag, so it opens offline, can be
// mailed, and passes any policy. Every string from the data is escaped here.
import type { TeamConfig } from '../../core/index.ts';
import type { PeriodFigures, TeamReport } from '../../report/types.ts';
import type { SopLibrary } from '../../search/types.ts';
import { seconds } from './audit-format.ts';
import type { Chart } from './report-charts.ts';

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const pct = (value: number | null) => (value === null ? '—' : `${Math.round(value)}%`);
const num = (value: number | null) =>
  value === null ? '—' : String(Math.round(value * 100) / 100);
const signed = (value: number | null, unit = '') =>
  value === null ? '' : `${value > 0 ? '+' : value < 0 ? '−' : '±'}${num(Math.abs(value))}${unit}`;

function isoDay(at: number | null): string {
  return at === null
    ? '…'
    : new Date(at)
        .toISOString()
        .replace(/T00:00:00\.000Z$/, '')
        .replace('.000Z', 'Z');
}

/** A table with a caption; every cell is escaped text. */
function table(caption: string, head: string[], rows: string[][], empty = 'None.'): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(caption)}: ${escapeHtml(empty)}</p>`;
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="table" role="region" tabindex="0" aria-label="${escapeHtml(caption)}"><table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function figure(chart: Chart | undefined): string {
  if (!chart) return '';
  const drawing =
    chart.svg === null
      ? '<p class="empty">Nothing to draw for this range.</p>'
      : // The SVG is vega's output: its text is escaped by vega, and it carries no script.
        chart.svg.replace(
          '<svg ',
          `<svg role="img" aria-label="${escapeHtml(chart.description)}" `,
        );
  return `<figure>${drawing}<figcaption>${escapeHtml(chart.description)}</figcaption></figure>`;
}

/** Detail that a reader opens on demand (no script: a <details> element). */
function more(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>${body}</details>`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${escapeHtml(id)}" aria-labelledby="${escapeHtml(id)}-title"><h2 id="${escapeHtml(id)}-title">${escapeHtml(title)}</h2>${body}</section>`;
}

function agentRows(figures: readonly PeriodFigures[]): string[][] {
  return figures.map((f) => [
    f.agentId ?? 'team',
    f.period,
    String(f.chats),
    `${pct(f.firstResponseInTimePct)} of ${f.firstResponses}`,
    seconds(f.firstResponseMedianS),
    seconds(f.firstResponseP90S),
    pct(f.greetedByNamePct),
    seconds(f.longestWaitS),
    num(f.gapBreachesPerChat),
    seconds(f.handlingMedianS),
    seconds(f.handlingP90S),
    `${f.escalations} (${f.escalationsWithSopOpened} with SOP opened)`,
    Object.entries(f.qaTags)
      .map(([tag, n]) => `${tag}: ${n}`)
      .join(', ') || '—',
  ]);
}

const AGENT_HEAD = [
  'agent',
  'period',
  'chats',
  'first response in time',
  'median first response',
  'p90 first response',
  'greeted by name',
  'longest wait',
  'gap breaches per chat',
  'median handling',
  'p90 handling',
  'escalations',
  'QA tags',
];

function checklistTable(report: TeamReport, config: TeamConfig): string {
  const rows = [...report.agents, ...report.team];
  const ids = [...new Set(rows.flatMap((f) => Object.keys(f.checklistPct)))];
  const label = (id: string) => config.checklist.find((item) => item.id === id)?.label ?? id;
  return table(
    'Checklist completion',
    ['agent', 'period', ...ids.map(label)],
    rows.map((f) => [
      f.agentId ?? 'team',
      f.period,
      ...ids.map((id) => pct(f.checklistPct[id] ?? null)),
    ]),
  );
}

const TREND_FIGURES: Array<[keyof PeriodFigures, string, string]> = [
  ['chats', 'chats', ''],
  ['firstResponseInTimePct', 'first response in time', '%'],
  ['greetedByNamePct', 'greeted by name', '%'],
  ['gapBreachesPerChat', 'gap breaches per chat', ''],
  ['handlingMedianS', 'median handling (s)', ''],
];

function trendTable(report: TeamReport): string {
  const teamRows = report.trends.filter((t) => t.agentId === null);
  const periods = [...new Set(report.team.map((f) => f.period))];
  const cell = (period: string, figure: keyof PeriodFigures, unit: string) => {
    const row = teamRows.find((t) => t.period === period && t.figure === figure);
    if (!row || row.value === null) return '—';
    const change =
      unit === '%'
        ? signed(row.change === null ? null : Math.round(row.change), ' pts')
        : signed(row.change);
    const value = unit === '%' ? pct(row.value) : num(row.value);
    return `${value}${change ? ` (${change})` : ''}`;
  };
  return table(
    `The team ${report.period} by ${report.period}, with the change against the previous ${report.period}`,
    [report.period, ...TREND_FIGURES.map(([, label]) => label)],
    periods.map((p) => [p, ...TREND_FIGURES.map(([key, , unit]) => cell(p, key, unit))]),
  );
}

const STYLE = `
:root { color-scheme: light; --text: #1f2328; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: #fff; }
main { max-width: 1280px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 0 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0; margin: 0 0 24px; list-style: none; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
section { margin: 0 0 32px; }
.pair { display: flex; flex-wrap: wrap; gap: 16px 24px; align-items: flex-start; }
figure { margin: 0; flex: 0 1 auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.85rem; max-width: 600px; }
.table { overflow-x: auto; flex: 1 1 360px; max-width: 100%; }
.table:focus-visible { outline: 3px solid var(--accent); }
table { border-collapse: collapse; font-size: 0.85rem; }
caption { text-align: left; font-weight: 600; padding: 0 0 4px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--band); }
td { font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); }
details { margin: 12px 0 0; }
summary { cursor: pointer; color: var(--accent); margin: 0 0 8px; }
summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
details .table { margin: 0 0 12px; }
@media print { nav { display: none; } section { break-inside: avoid; } }
`;

export interface HtmlContext {
  config: TeamConfig;
  library: SopLibrary | null;
  /** What was audited (a file name), for the heading. */
  source: string;
}

export function reportHtml(
  report: TeamReport,
  charts: readonly Chart[],
  context: HtmlContext,
): string {
  const chart = (id: string) => figure(charts.find((c) => c.id === id));
  const { config } = context;
  const range =
    report.since === null && report.until === null
      ? 'all chats'
      : `chats started ${isoDay(report.since)} to ${isoDay(report.until)}`;
  const generated = new Date(report.generatedAt).toISOString().slice(0, 16).replace('T', ' ');
  const distribution = report.firstResponseDistribution.filter((b) => b.chats > 0);
  const hours = report.breachesByHour.filter((h) => h.firstResponse + h.gap > 0);
  const sops = [...report.sops].sort(
    (a, b) => Number(b.stale) - Number(a.stale) || b.opened + b.inserted - (a.opened + a.inserted),
  );

  const sections = [
    section(
      'compliance',
      'Compliance by agent',
      `<div class="pair">${chart('compliance')}${table(
        'Per agent and period',
        [
          'agent',
          'period',
          'chats',
          'first response in time',
          'greeted by name',
          'gap breaches per chat',
        ],
        report.agents.map((f) => [
          f.agentId ?? 'team',
          f.period,
          String(f.chats),
          pct(f.firstResponseInTimePct),
          pct(f.greetedByNamePct),
          num(f.gapBreachesPerChat),
        ]),
        'no agent sent a public message in this range.',
      )}</div>${more('Every figure per agent and period', table('Every figure per agent and period', AGENT_HEAD, agentRows(report.agents)) + checklistTable(report, config))}`,
    ),
    section(
      'trend',
      `Trend by ${report.period}`,
      `<div class="pair">${chart('trend')}${trendTable(report)}</div>${more('Every figure of the team per period', table('The team per period', AGENT_HEAD, agentRows(report.team)))}`,
    ),
    section(
      'first-response',
      'First-response distribution',
      `<div class="pair">${chart('first-response')}${table(
        'Chats by first response',
        ['first response', 'chats'],
        distribution.map((b) => [
          b.toS === null ? `${b.fromS} s or more` : `${b.fromS}–${b.toS} s`,
          String(b.chats),
        ]),
        'no first responses in this range.',
      )}</div>`,
    ),
    section(
      'breaches-by-hour',
      'Breaches by hour of day',
      `<div class="pair">${chart('breaches-by-hour')}${table(
        `Breaches by hour (${report.timeZone}), hours with any`,
        ['hour', 'first response', 'wait over limit'],
        hours.map((h) => [
          `${String(h.hour).padStart(2, '0')}:00`,
          String(h.firstResponse),
          String(h.gap),
        ]),
        'no breaches in this range.',
      )}</div>`,
    ),
    section(
      'sops',
      'SOP usage and staleness',
      `<div class="pair">${chart('sops')}${table(
        context.library
          ? 'SOPs, past their review date first'
          : 'SOPs (run with --library for titles and review dates)',
        [
          'SOP',
          'title',
          'suggested',
          'opened',
          'reply inserted',
          'last reviewed',
          'review due',
          'stale',
        ],
        sops.map((s) => [
          s.sopId,
          s.title ?? '—',
          String(s.suggested),
          String(s.opened),
          String(s.inserted),
          s.lastReviewed ?? '—',
          s.reviewDue ?? '—',
          s.stale ? 'review overdue' : 'no',
        ]),
        'no SOP was used in this range.',
      )}</div>`,
    ),
    section(
      'unanswered',
      'Questions no SOP answers',
      context.library
        ? table(
            'Customer questions grouped by shared words: the SOPs to write',
            ['shared words', 'messages', 'examples (chat: text)'],
            report.unanswered.map((g) => [
              g.words.join(' '),
              String(g.count),
              g.examples.map((e) => `${e.chatId}: ${e.text}`).join(' · '),
            ]),
            'every question found an SOP.',
          )
        : '<p class="empty">Run the audit with --library to find the questions no SOP answers.</p>',
    ),
    section(
      'qa-sample',
      'QA sample',
      table(
        'Chats picked for review, per agent and month (breaches and escalations weigh more)',
        ['chat', 'agent', 'month', 'breaches', 'escalated'],
        report.sample.map((p) => [
          p.chatId,
          p.agentId,
          p.month,
          String(p.breaches),
          p.escalated ? 'yes' : 'no',
        ]),
        'run with --sample N --seed S to pick chats for review.',
      ),
    ),
  ];
  const nav = [
    ['compliance', 'Compliance by agent'],
    ['trend', `Trend by ${report.period}`],
    ['first-response', 'First-response distribution'],
    ['breaches-by-hour', 'Breaches by hour'],
    ['sops', 'SOP usage and staleness'],
    ['unanswered', 'Questions no SOP answers'],
    ['qa-sample', 'QA sample'],
  ]
    .map(([id, label]) => `<li><a href="#${id}">${escapeHtml(label!)}</a></li>`)
    .join('');
  const meta = [
    `${context.source}`,
    range,
    `by ${report.period}, ${report.timeZone}`,
    `thresholds: first response ${config.firstResponseS} s, wait ${config.maxGapS} s`,
    `made ${generated} UTC`,
  ].join(' · ');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Team report · ${escapeHtml(range)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Team report</h1>
<p class="meta">${escapeHtml(meta)}</p>
<nav aria-label="Sections"><ul>${nav}</ul></nav>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
