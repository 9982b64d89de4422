// The team report of `audit` (issue 15, docs/reports.md): its options, the customer questions
// kept during the audit's one pass, the "unanswered questions" search, and the report's
// outputs (the `report` key of --json, CSV tables, the static HTML file, the QA sample list).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatEvent, TeamConfig } from '../../core/index.ts';
import { reportCsv } from '../../report/csv.ts';
import { checkTimeZone } from '../../report/periods.ts';
import type { Period, QaPick, TeamReport, UnansweredQuestion } from '../../report/types.ts';
import { analyzeTerms } from '../../search/analyzer.ts';
import type { PlaybookSearch } from '../../search/engine.ts';
import type { SopLibrary } from '../../search/types.ts';
import { UsageError } from '../io.ts';

/** The options `audit` adds for the report (parseCommandArgs shapes). */
export const REPORT_ARGS = {
  report: { type: 'string' },
  csv: { type: 'string' },
  sample: { type: 'string' },
  seed: { type: 'string' },
  period: { type: 'string' },
  tz: { type: 'string' },
  library: { type: 'string' },
} as const;

export interface ReportRequest {
  /** `--report FILE.html` */
  htmlPath?: string;
  /** `--csv DIR` */
  csvDir?: string;
  sample?: { perAgentPerMonth: number; seed: string };
  period: Period;
  timeZone: string;
  /** `--library DIR|FILE`: SOP titles, review dates and unanswered questions. */
  libraryPath?: string;
}

type ReportArgValues = { [K in keyof typeof REPORT_ARGS]?: string | undefined };

const PERIODS: readonly Period[] = ['day', 'week', 'month'];
/** A QA sample larger than this per agent and month is a typo, not a review plan. */
const MAX_SAMPLE = 1000;

/**
 * Validates the report options; null when the run needs no report at all (a plain audit
 * table with none of them), so a plain audit never pays for it.
 */
export function readReportRequest(values: ReportArgValues, json: boolean): ReportRequest | null {
  const request: ReportRequest = { period: 'week', timeZone: 'UTC' };
  if (values.report !== undefined) {
    if (!/\.html?$/i.test(values.report)) {
      throw new UsageError('--report must name an .html file (e.g. --report report.html)');
    }
    request.htmlPath = values.report;
  }
  if (values.csv !== undefined) {
    if (values.csv === '') throw new UsageError('--csv needs a directory');
    request.csvDir = values.csv;
  }
  if (values.sample !== undefined) {
    const n = Number(values.sample);
    if (!/^\d+$/.test(values.sample) || n < 1 || n > MAX_SAMPLE) {
      throw new UsageError(`--sample must be a whole number of chats from 1 to ${MAX_SAMPLE}`);
    }
    if (values.seed === undefined || values.seed === '') {
      throw new UsageError(
        '--sample needs --seed S (any word: the same seed picks the same chats again)',
      );
    }
    request.sample = { perAgentPerMonth: n, seed: values.seed };
  } else if (values.seed !== undefined) {
    throw new UsageError('--seed goes with --sample N');
  }
  if (values.period !== undefined) {
    if (!(PERIODS as readonly string[]).includes(values.period)) {
      throw new UsageError(`--period must be day, week or month, not '${values.period}'`);
    }
    request.period = values.period as Period;
  }
  if (values.tz !== undefined) {
    try {
      checkTimeZone(values.tz);
    } catch {
      throw new UsageError(
        `--tz must be an IANA time zone such as Europe/Paris, not '${values.tz}'`,
      );
    }
    request.timeZone = values.tz;
  }
  if (values.library !== undefined) {
    if (values.library === '' || values.library === '-') {
      throw new UsageError(
        '--library needs a file or folder (standard input holds the transcript)',
      );
    }
    request.libraryPath = values.library;
  }
  const wanted =
    json ||
    request.htmlPath !== undefined ||
    request.csvDir !== undefined ||
    request.sample !== undefined;
  if (!wanted) {
    for (const name of ['period', 'tz', 'library'] as const) {
      if (values[name] !== undefined) {
        throw new UsageError(
          `--${name} shapes the team report: add --report, --csv, --sample or --json`,
        );
      }
    }
    return null;
  }
  return request;
}

/** Customer messages searched for unanswered questions: the latest this many. */
export const MAX_QUESTIONS = 50_000;
/** Only a message's first characters are searched (questions come first; memory stays bounded). */
export const QUESTION_CHARS = 500;
/** Messages with fewer content words ("hi", "thanks!") are not questions. */
const MIN_QUESTION_WORDS = 2;

/**
 * The latest customer questions of the pass, in a ring of at most `limit`, so memory stays
 * bounded however long the transcript. A question is a chat's opening customer message (what
 * the sidebar searches first) or a later one with a question mark: follow-ups such as "it
 * was due on Monday" are answers to the agent, not questions for the library.
 */
export function createQuestionLog(limit = MAX_QUESTIONS) {
  const ring: UnansweredQuestion[] = [];
  /** Chats whose opening message was seen (ids only: the ring bounds the texts). */
  const opened = new Set<string>();
  let next = 0;
  return {
    add(event: ChatEvent): void {
      if (event.type !== 'message' || event.author !== 'customer' || event.internal) return;
      const opening = !opened.has(event.chatId);
      if (opening) opened.add(event.chatId);
      if (!opening && !event.text.includes('?')) return;
      const text = event.text.slice(0, QUESTION_CHARS);
      const question = { chatId: event.chatId, at: event.at, text };
      if (ring.length < limit) ring.push(question);
      else ring[next] = question;
      next = (next + 1) % limit;
    },
    /** Oldest first. */
    list(): UnansweredQuestion[] {
      return ring.length < limit ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)];
    },
  };
}

/**
 * The confidence line: a question is answered when the best SOP matches more than half of
 * its content words (a synonym counts for its word; a fuzzy near-miss does not). Search
 * scores are relative to the best hit, so the share of words matched is the absolute part.
 */
export function isAnswered(text: string, search: PlaybookSearch): boolean | null {
  const words = [...new Set(analyzeTerms(text).filter((t) => !t.startsWith('~')))];
  if (words.length < MIN_QUESTION_WORDS) return null;
  const best = search.search({ text }, 1)[0];
  if (!best) return false;
  const matched = new Set(best.terms);
  const covered = words.filter((w) => matched.has(w) || matched.has(`~${w}`)).length;
  return covered / words.length > 0.5;
}

/** The questions no SOP answers with confidence; one search per distinct text. */
export function findUnanswered(
  questions: readonly UnansweredQuestion[],
  search: PlaybookSearch,
  onProgress: (done: number, total: number) => void = () => {},
): UnansweredQuestion[] {
  const verdicts = new Map<string, boolean | null>();
  const unanswered: UnansweredQuestion[] = [];
  questions.forEach((question, i) => {
    const key = question.text.trim().toLowerCase();
    let answered = verdicts.get(key);
    if (answered === undefined) {
      answered = isAnswered(question.text, search);
      verdicts.set(key, answered);
    }
    if (answered === false) unanswered.push(question);
    if ((i & 0x3ff) === 0) onProgress(i, questions.length);
  });
  return unanswered;
}

/** Writes one CSV per table into `dir` (created); returns the paths written. */
export function writeCsvTables(report: TeamReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(reportCsv(report)).map(([name, csv]) => {
    const path = join(dir, name.endsWith('.csv') ? name : `${name}.csv`);
    writeFileSync(path, csv);
    return path;
  });
}

/** Writes the self-contained HTML report (charts drawn by vega, loaded only here). */
export async function writeHtmlReport(
  report: TeamReport,
  path: string,
  context: { config: TeamConfig; library: SopLibrary | null; source: string },
): Promise<void> {
  const { renderCharts } = await import('./report-charts.ts');
  const { reportHtml } = await import('./report-html.ts');
  const charts = await renderCharts(report, context.config);
  writeFileSync(path, reportHtml(report, charts, context));
}

/** The QA sample as plain text for the audit table: one chat per line with its agent. */
export function formatSample(sample: readonly QaPick[], seed: string): string {
  if (sample.length === 0) return `QA sample (seed ${seed}): no chats to pick.`;
  const lines = sample.map((pick) => {
    const why = [
      pick.breaches > 0 ? `${pick.breaches} breach(es)` : '',
      pick.escalated ? 'escalated' : '',
    ].filter(Boolean);
    return `  ${pick.month}  ${pick.agentId}  ${pick.chatId}${why.length > 0 ? `  (${why.join(', ')})` : ''}`;
  });
  return [`QA sample (seed ${seed}): month, agent, chat`, ...lines].join('\n');
}
