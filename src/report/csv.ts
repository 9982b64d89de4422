// One CSV text per report table (RFC 4180: CRLF line ends, fields with a comma, quote or
// line break quoted, quotes doubled). Numbers are written plain, null as an empty field.
// A text cell that a spreadsheet would read as a formula (= + - @ first) gets a leading
// apostrophe: customer words must never run in the team lead's spreadsheet.
import { TREND_FIGURES } from './build.ts';
import type { PeriodFigures, TeamReport } from './types.ts';

type Cell = string | number | boolean | null | undefined;

function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function table(header: readonly string[], rows: readonly Cell[][]): string {
  return [header, ...rows].map((row) => `${row.map(cell).join(',')}\r\n`).join('');
}

/** An ISO instant for a spreadsheet, or empty. */
const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

function figuresTable(rows: readonly PeriodFigures[]): string {
  const checklist = [...new Set(rows.flatMap((r) => Object.keys(r.checklistPct)))];
  const tags = [...new Set(rows.flatMap((r) => Object.keys(r.qaTags)))].sort();
  const header = [
    'agentId',
    'period',
    'start',
    'end',
    ...TREND_FIGURES,
    ...checklist.map((id) => `checklist:${id}`),
    ...tags.map((tag) => `qa:${tag}`),
  ];
  return table(
    header,
    rows.map((r) => [
      r.agentId,
      r.period,
      iso(r.start),
      iso(r.end),
      ...TREND_FIGURES.map((f) => r[f]),
      ...checklist.map((id) => r.checklistPct[id]),
      ...tags.map((tag) => r.qaTags[tag] ?? 0),
    ]),
  );
}

/** File name → CSV text, one per table of the report. */
export function reportCsv(report: TeamReport): Record<string, string> {
  return {
    'agents.csv': figuresTable(report.agents),
    'team.csv': figuresTable(report.team),
    'trends.csv': table(
      ['agentId', 'period', 'figure', 'value', 'previous', 'change'],
      report.trends.map((t) => [t.agentId, t.period, t.figure, t.value, t.previous, t.change]),
    ),
    'breaches-by-hour.csv': table(
      ['hour', 'firstResponse', 'gap'],
      report.breachesByHour.map((h) => [h.hour, h.firstResponse, h.gap]),
    ),
    'first-response-distribution.csv': table(
      ['fromS', 'toS', 'chats'],
      report.firstResponseDistribution.map((b) => [b.fromS, b.toS, b.chats]),
    ),
    'sops.csv': table(
      ['sopId', 'title', 'suggested', 'opened', 'inserted', 'lastReviewed', 'reviewDue', 'stale'],
      report.sops.map((s) => [
        s.sopId,
        s.title,
        s.suggested,
        s.opened,
        s.inserted,
        s.lastReviewed,
        s.reviewDue,
        s.stale,
      ]),
    ),
    'unanswered.csv': table(
      ['words', 'count', 'example1', 'example2', 'example3'],
      report.unanswered.map((g) => [
        g.words.join(' '),
        g.count,
        ...[0, 1, 2].map((i) => g.examples[i]?.text),
      ]),
    ),
    'sample.csv': table(
      ['agentId', 'month', 'chatId', 'breaches', 'escalated'],
      report.sample.map((p) => [p.agentId, p.month, p.chatId, p.breaches, p.escalated]),
    ),
  };
}
