// The people-facing audit: a table per chat and a compliance summary.
import type { AuditChat, AuditReport, TeamConfig } from '../../core/index.ts';

export function seconds(value: number | null): string {
  if (value === null) return '—';
  if (value < 60) return `${value.toFixed(1)}s`;
  const m = Math.floor(value / 60);
  const s = Math.floor(value % 60);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`;
}

function checklistCell(chat: AuditChat): string {
  const ids = Object.keys(chat.checklist);
  const done = ids.filter((id) => chat.checklist[id]).length;
  return `${done}/${ids.length}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatAuditTable(report: AuditReport, config: TeamConfig): string {
  const { summary, chats } = report;
  if (chats.length === 0) {
    return `No chats found (${summary.invalidLines} invalid line(s)).`;
  }
  const rows: string[][] = [
    [
      'chat',
      'first response',
      'greeted',
      'longest wait',
      'gap breaches',
      'gap warnings',
      'closed',
      'checklist',
    ],
  ];
  for (const c of chats) {
    rows.push([
      c.chatId,
      `${seconds(c.firstResponseS)}${c.firstResponseBreached ? ' BREACH' : ''}`,
      c.greetedByName ? 'yes' : 'no',
      seconds(c.longestGapS),
      String(c.gapBreaches),
      String(c.gapWarnings),
      c.closed ? 'yes' : 'open',
      checklistCell(c),
    ]);
  }
  const n = summary.chats;
  const noGapBreach = chats.filter((c) => c.gapBreaches === 0).length;
  const lines = [
    table(rows),
    '',
    `Chats: ${n}   (thresholds: first response ${config.firstResponseS}s, wait ${config.maxGapS}s` +
      `${config.overrides.length > 0 ? `, ${config.overrides.length} override(s)` : ''})`,
    `First response in time: ${percent(n - summary.firstResponseBreaches, n)} (${summary.firstResponseBreaches} breach(es))`,
    `Greeted by name:        ${percent(summary.greetedByName, n)}`,
    `No wait over limit:     ${percent(noGapBreach, n)} (${summary.gapBreaches} gap breach(es) in all)`,
    `Invalid lines: ${summary.invalidLines}   Duplicates ignored: ${summary.duplicates}`,
  ];
  return lines.join('\n');
}
