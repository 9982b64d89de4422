// `chat-playbook check-library`: validation errors, or a summary plus the SOPs whose review
// date has passed. Stale SOPs are a warning, not a failure.
import { parseIsoDate, reviewStatus } from '../../search/library.ts';
import type { Sop, SopLibrary } from '../../search/types.ts';
import { type Command, parseCommandArgs, UsageError, writeOut } from '../io.ts';
import { LibraryError, loadLibraryFromPath } from '../library-files.ts';

const usage = `Usage: chat-playbook check-library <file|dir|-> [--json] [--now YYYY-MM-DD]

Validates an SOP library: a sop-library/1 JSON file, an index written by build-index, a
folder of Markdown SOPs (docs/library-format.md), or - for standard input. Lists every
problem with its file, line, SOP and field; if there are none, prints a summary and the SOPs
that are past their review date.

Options:
  --json             print {"ok":true,"sops":N,"stale":[…]} or {"ok":false,"errors":[…]}
  --now YYYY-MM-DD   judge review dates as of this day (default: today)

Exit status: 0 valid (even with stale SOPs), 1 invalid or unreadable library, 2 wrong usage.`;

interface StaleSop {
  id: string;
  title: string;
  dueOn: string;
  monthsSinceReview: number;
}

export const checkLibrary: Command = {
  name: 'check-library',
  summary: 'validation errors, and stale SOPs past their review date',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      json: { type: 'boolean' },
      now: { type: 'string' },
    });
    const [path, ...extra] = positionals;
    if (path === undefined) throw new UsageError('missing the library <file|dir>');
    if (extra.length > 0)
      throw new UsageError(`expected one library, got also: ${extra.join(' ')}`);
    const now = parseNow(values.now);

    let library: SopLibrary;
    try {
      library = await loadLibraryFromPath(path);
    } catch (err) {
      if (values.json && err instanceof LibraryError) {
        writeOut(JSON.stringify({ ok: false, errors: err.issues }, null, 2));
        return 1;
      }
      throw err; // main prints it to stderr and exits 1.
    }

    const stale = staleSops(library.sops, now);
    if (values.json) {
      const entries = stale.map(({ id, title, dueOn }) => ({ id, title, dueOn }));
      writeOut(JSON.stringify({ ok: true, sops: library.sops.length, stale: entries }, null, 2));
      return 0;
    }
    writeOut(humanReport(library.sops, stale));
    return 0;
  },
};

function parseNow(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const date = parseIsoDate(value);
  if (!date) throw new UsageError(`--now must be a real date written YYYY-MM-DD (got '${value}')`);
  return date.getTime();
}

/** Past their review date, the longest overdue first. */
function staleSops(sops: readonly Sop[], now: number): StaleSop[] {
  const stale: StaleSop[] = [];
  for (const sop of sops) {
    const status = reviewStatus(sop, now);
    if (status.stale && status.dueOn !== null && status.monthsSinceReview !== null) {
      const { dueOn, monthsSinceReview } = status;
      stale.push({ id: sop.id, title: sop.title, dueOn, monthsSinceReview });
    }
  }
  // ISO dates sort as text; Array#sort is stable, so ties keep library order.
  return stale.sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0));
}

function humanReport(sops: readonly Sop[], stale: readonly StaleSop[]): string {
  const steps = sops.reduce((sum, sop) => sum + sop.steps.length, 0);
  const replies = sops.reduce((sum, sop) => sum + sop.replies.length, 0);
  const lines = [
    `OK: ${count(sops.length, 'SOP')}, ${count(steps, 'step')}, ${count(replies, 'reply', 'replies')}`,
  ];
  if (stale.length === 0) {
    lines.push('No SOPs are past their review date.');
  } else {
    lines.push(`${count(stale.length, 'SOP')} past the review date:`);
    for (const sop of stale) {
      const since = count(sop.monthsSinceReview, 'month');
      lines.push(`  ${sop.id} ${sop.title} — review was due ${sop.dueOn} (${since} since review)`);
    }
  }
  const undated = sops.filter((sop) => !sop.lastReviewed && !sop.effective).length;
  if (undated > 0) {
    lines.push(
      `${count(undated, 'SOP')} without an effective or lastReviewed date (never flagged as stale).`,
    );
  }
  return lines.join('\n');
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
