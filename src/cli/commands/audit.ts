// chat-playbook audit: the live engine run over transcripts (protocol.md "audit --json").
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import {
  type AuditChat,
  type AuditReport,
  type AuditRun,
  auditEvent,
  auditEvents,
  auditInvalidLine,
  auditReport,
  type ChatEvent,
  type ChatFacts,
  type ChatState,
  createAuditRun,
  createChatFacts,
  createReorderWindow,
  createReplay,
  DEFAULT_CONFIG,
  filterAuditReport,
  formatConfigErrors,
  type OnAuditedChat,
  parseAt,
  parseEventLine,
  type TeamConfig,
  validateConfig,
} from '../../core/index.ts';
import { buildReport } from '../../report/build.ts';
import { reportFacts } from '../../report/collect.ts';
import type { ReportOptions, TeamReport, UnansweredQuestion } from '../../report/types.ts';
// Host names only: the connectors themselves load with --from (audit-export.ts).
import { HOSTS, isHost } from '../../server/connectors/types.ts';
import {
  type Command,
  InputError,
  openInput,
  parseCommandArgs,
  positiveInt,
  progress,
  UsageError,
  writeErr,
  writeOut,
} from '../io.ts';
import { createSpool } from '../spool.ts';
import { formatAuditTable } from './audit-format.ts';
import {
  createQuestionLog,
  findUnanswered,
  formatSample,
  REPORT_ARGS,
  type ReportRequest,
  readReportRequest,
  writeCsvTables,
  writeHtmlReport,
} from './audit-report.ts';

/** `--spool-limit` by default (MB): how much of standard input may be kept for a replay. */
export const DEFAULT_SPOOL_LIMIT_MB = 1024;

const usage = `Usage: chat-playbook audit <transcript.jsonl|-> [--config thresholds.json] [--json] [--strict]
       chat-playbook audit --from chatwoot|zendesk|livechat|front FILE|DIR… [options]
       … [--agent ID] [--since D] [--until D]
       … [--report FILE.html] [--csv DIR] [--sample N --seed S] [--period P] [--tz ZONE]
         [--library DIR|FILE]

Runs the live-chat clocks and checklist over a JSONL transcript (one event per line), or over
a helpdesk's exported conversations, and reports per chat: first response, greeting by name,
longest wait, breaches and warnings.

Options:
  --config FILE        thresholds and overrides (shared/spec/protocol.md); defaults otherwise
  --from HOST          read HOST's exported conversations (its API's JSON for a conversation
                       with its messages: JSON, JSONL or a directory of them; docs/integrations.md)
  --tier-field F       with --from: where the customer's tier is read (per host)
  --channel-field F    with --from: where the channel is read (per host)
  --agent ID           only chats in which agent ID sent a public message
  --since D            only chats that started at or after D (2026-11-01 or an ISO time)
  --until D            only chats that started before D
  --json               machine-readable output, exactly as protocol.md specifies, plus the
                       team report under "report"
  --strict             exit 1 if any line or record was invalid
  --spool-limit MB     with -: the disk that standard input's replay spool may use
                       (default ${DEFAULT_SPOOL_LIMIT_MB}; docs/architecture.md "Streaming audit")

The team report (docs/reports.md; --period, --tz and --library extend docs/spec/cli.md):
  --report FILE.html   write a self-contained HTML report with charts (no script; opens offline)
  --csv DIR            write one CSV file per report table into DIR (created if missing)
  --sample N           pick N chats per agent per month for QA review, weighted towards
                       breaches and escalations; needs --seed S (same seed, same picks)
  --seed S             the QA sample's seed (any word)
  --period P           day, week (default) or month: how the figures are grouped
  --tz ZONE            the team's IANA time zone for periods and hours of day (default UTC)
  --library DIR|FILE   the SOP library: titles, review dates, and the unanswered questions
                       (of the last 50,000 customer questions, those no SOP answers)
  -h, --help           show this help

Invalid lines are reported on stderr as 'FILE: line N: reason' (records of an export as
'FILE: record N: reason') and skipped.`;

/** `2026-11-01` (UTC midnight) or a full ISO time; null when neither. */
export function parseDay(value: string): number | null {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const at = parseAt(text);
  return at;
}

/** A line's chat id as a JSON string literal, when it has the plain shape. */
const CHAT_ID = /"chatId"\s*:\s*("(?:[^"\\]|\\.)*")/;

export function loadConfigFile(path: string): TeamConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read configuration (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const result = validateConfig(json);
  if (!result.ok) {
    const lines = formatConfigErrors(result.errors)
      .split('\n')
      .map((l) => `${path}: ${l}`);
    throw new InputError(`invalid configuration\n${lines.join('\n')}`);
  }
  for (const warning of result.warnings) writeErr(`${path}: warning: ${warning}`);
  return result.config;
}

/** An event delivered up to this many events late is put back in order without a replay. */
export const REORDER_WINDOW = 1024;

/** The transcript's text, chunk by chunk; a read error names the file. */
async function* readTranscript(path: string): AsyncGenerator<string> {
  const stream = openInput(path);
  stream.setEncoding('utf8');
  try {
    yield* stream as AsyncIterable<string>;
  } catch (err) {
    throw new InputError(`${path}: cannot read transcript (${(err as Error).message})`);
  }
}

/**
 * Calls `onLine` for each line of the text with its 1-based number, as the chunks arrive
 * (nothing is read ahead). Splits on `\n` only; the byte-order mark of the first line is
 * dropped.
 */
async function forEachLine(
  chunks: AsyncIterable<string> | Iterable<string>,
  onLine: (line: string, lineNo: number) => void,
): Promise<void> {
  let rest = '';
  let lineNo = 0;
  let first = true;
  for await (const chunk of chunks) {
    let text = rest + chunk;
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      onLine(text.slice(start, nl), ++lineNo);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
  }
  if (rest !== '') onLine(rest, ++lineNo);
}

/** The replay spool for standard input; a directory that refuses it is the user's to fix. */
function openSpool(limitBytes: number) {
  try {
    return createSpool(limitBytes);
  } catch (err) {
    throw new InputError(
      `<stdin>: cannot open the replay spool in ${tmpdir()} (${(err as Error).message}); set TMPDIR to a writable directory`,
    );
  }
}

export interface TranscriptHooks {
  onInvalid?: (line: number, error: string) => void;
  onProgress?: (lines: number) => void;
  /** Every valid event, in the transcript's order. */
  onEvent?: (event: ChatEvent) => void;
  /** Each chat's final state with its audit line, once all is read (the team report's input). */
  onChat?: OnAuditedChat;
  /** Standard input only: the most the replay spool may keep on disk, in bytes. */
  spoolLimitBytes?: number;
}

/**
 * Streams a transcript (a file, or `-` for standard input) through the engine. Events pass
 * a reorder window on their way to the engine; a chat that still gets an event out of order
 * is derived again in a second pass, over the file, or over the spool kept of standard
 * input (src/cli/spool.ts).
 */
export async function auditTranscript(
  path: string,
  config: TeamConfig,
  hooks: TranscriptHooks = {},
): Promise<AuditReport> {
  const { onInvalid, onProgress, onEvent, onChat } = hooks;
  const run: AuditRun = createAuditRun(config);
  const window = createReorderWindow(REORDER_WINDOW, (event) => auditEvent(run, event));
  const spoolLimit = hooks.spoolLimitBytes ?? DEFAULT_SPOOL_LIMIT_MB * 2 ** 20;
  const spool = path === '-' ? openSpool(spoolLimit) : null;
  try {
    await forEachLine(readTranscript(path), (line, lineNo) => {
      const parsed = parseEventLine(line);
      if (parsed.kind === 'event') {
        onEvent?.(parsed.event);
        window.add(parsed.event);
        spool?.write(line);
      } else if (parsed.kind === 'invalid') {
        auditInvalidLine(run);
        onInvalid?.(lineNo, parsed.error);
      }
      if ((lineNo & 0x3fff) === 0) onProgress?.(lineNo);
    });
    window.drain();

    const replay = createReplay(run);
    if (run.needsReplay.size > 0) {
      if (spool?.overflowed) {
        throw new InputError(
          `<stdin>: ${run.needsReplay.size.toLocaleString('en')} chat(s) got events more than ${REORDER_WINDOW} events late and need a second pass, but the replay spool stopped at its limit of ${Math.round(spool.limitBytes / 2 ** 20)} MB (--spool-limit): raise it, or audit the transcript from a file (read twice, no spool)`,
        );
      }
      await forEachLine(spool ? spool.chunks() : readTranscript(path), (line) => {
        // Most lines belong to chats that need no replay: skip them without a full parse.
        const id = CHAT_ID.exec(line);
        const only = id !== null && line.indexOf('"chatId"', id.index + 1) === -1;
        if (only && !replay.wants(JSON.parse(id[1]!) as string)) return;
        const parsed = parseEventLine(line);
        if (parsed.kind === 'event') replay.add(parsed.event);
      });
    }
    return auditReport(run, replay.timelines, onChat);
  } finally {
    spool?.close();
  }
}

interface ChatFilters {
  agent?: string | undefined;
  since: number | null;
  until: number | null;
}

function isFiltered({ agent, since, until }: ChatFilters): boolean {
  return agent !== undefined || since !== null || until !== null;
}

/** Whether a chat is of the agent and started within [since, until). */
function chatFilter(facts: ChatFacts, { agent, since, until }: ChatFilters) {
  return (chatId: string): boolean => {
    const start = facts.start(chatId);
    if (since !== null && (start === undefined || start < since)) return false;
    if (until !== null && (start === undefined || start >= until)) return false;
    return agent === undefined || facts.agents(chatId).has(agent);
  };
}

/** Keeps the chats of one agent and/or started within [since, until). */
export function applyFilters(
  report: AuditReport,
  facts: ChatFacts,
  filters: ChatFilters,
): AuditReport {
  if (!isFiltered(filters)) return report;
  return filterAuditReport(report, chatFilter(facts, filters));
}

/** The report engine's options from the command line (the same filters as the audit's). */
function reportOptions(request: ReportRequest, filters: ChatFilters, now: number): ReportOptions {
  const options: ReportOptions = { period: request.period, timeZone: request.timeZone, now };
  if (filters.since !== null) options.since = filters.since;
  if (filters.until !== null) options.until = filters.until;
  if (filters.agent !== undefined) options.agent = filters.agent;
  if (request.sample) options.sample = request.sample;
  return options;
}

/** Chats serialized per write of `writeAuditJson`. */
const JSON_SLICE = 200;

/**
 * Writes `audit --json` (with the team report under "report" when given): the bytes of
 * `JSON.stringify({ ...report, report: team })`, a slice of chats at a time, so the whole
 * document never sits in memory as one string.
 */
function writeAuditJson(report: AuditReport, team?: TeamReport): void {
  const { chats, summary } = report;
  for (let i = 0; i < chats.length; i += JSON_SLICE) {
    const slice = JSON.stringify(chats.slice(i, i + JSON_SLICE));
    process.stdout.write(`${i === 0 ? '{"chats":[' : ','}${slice.slice(1, -1)}`);
  }
  const head = chats.length === 0 ? '{"chats":[' : '';
  const tail = team === undefined ? '' : `,"report":${JSON.stringify(team)}`;
  writeOut(`${head}],"summary":${JSON.stringify(summary)}${tail}}`);
}

export const audit: Command = {
  name: 'audit',
  summary: 'timing and checklist audit of chat transcripts',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      config: { type: 'string' },
      json: { type: 'boolean' },
      strict: { type: 'boolean' },
      from: { type: 'string' },
      'tier-field': { type: 'string' },
      'channel-field': { type: 'string' },
      agent: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'spool-limit': { type: 'string' },
      ...REPORT_ARGS,
    });
    const since = values.since === undefined ? null : parseDay(values.since);
    if (values.since !== undefined && since === null) {
      throw new UsageError('--since must be a date (2026-11-01) or an ISO time');
    }
    const until = values.until === undefined ? null : parseDay(values.until);
    if (values.until !== undefined && until === null) {
      throw new UsageError('--until must be a date (2026-12-01) or an ISO time');
    }
    if (values.agent === '') throw new UsageError('--agent needs an agent id');
    if (values.from === undefined && (values['tier-field'] || values['channel-field'])) {
      throw new UsageError('--tier-field and --channel-field go with --from');
    }
    const spoolLimitMb = positiveInt(values['spool-limit'], 'spool-limit', DEFAULT_SPOOL_LIMIT_MB);
    if (
      values['spool-limit'] !== undefined &&
      (values.from !== undefined || positionals[0] !== '-')
    ) {
      throw new UsageError('--spool-limit goes with - (a transcript on standard input)');
    }
    const request = readReportRequest(values, values.json === true);
    const config = values.config ? loadConfigFile(values.config) : DEFAULT_CONFIG;
    // Read before the transcript, so a bad library stops the run before a long pass.
    const library = request?.libraryPath
      ? await (await import('../library-files.ts')).loadLibraryFromPath(request.libraryPath)
      : null;
    const filters: ChatFilters = { agent: values.agent, since, until };
    // What filters need of each chat, gathered only when a filter is given.
    const facts = isFiltered(filters) ? createChatFacts() : null;
    // The report reads the audit's own per-chat states, with their audit lines: no second
    // copy of the events, and no chat measured twice.
    const states: ChatState[] = [];
    const chatLines: AuditChat[] = [];
    const onChat: OnAuditedChat | undefined = request
      ? (state, line) => {
          states.push(state);
          chatLines.push(line);
        }
      : undefined;
    const questions = library ? createQuestionLog() : null;
    const onEvent =
      facts || questions
        ? (event: ChatEvent) => {
            facts?.add(event);
            questions?.add(event);
          }
        : undefined;
    let report: AuditReport;
    let invalid: number;
    if (values.from !== undefined) {
      const host = values.from;
      if (!isHost(host)) {
        throw new UsageError(`--from must be one of ${HOSTS.join(', ')}, not '${host}'`);
      }
      if (positionals.length === 0)
        throw new UsageError(`missing the ${host} export (FILE or DIR…)`);
      const bar = progress(`audit --from ${host}`);
      bar.update('reading');
      // Loaded only here, so a plain transcript audit never pays for the connectors.
      const { readExports } = await import('./audit-export.ts');
      const read = readExports(
        host,
        positionals,
        { tierField: values['tier-field'], channelField: values['channel-field'] },
        (message) => writeErr(message),
      );
      if (onEvent) for (const event of read.events) onEvent(event);
      bar.update(`${read.conversations.toLocaleString('en')} conversations`);
      report = auditEvents(read.events, config, onChat);
      report.summary.invalidLines = read.invalid;
      invalid = read.invalid;
      bar.done();
    } else {
      if (positionals.length !== 1) {
        throw new UsageError(
          positionals.length === 0
            ? 'missing transcript (a file, or - for stdin)'
            : 'give one transcript (or --from HOST for several export files)',
        );
      }
      const path = positionals[0]!;
      const label = path === '-' ? '<stdin>' : path;
      const bar = progress(`audit ${label}`);
      report = await auditTranscript(path, config, {
        onInvalid: (line, error) => writeErr(`${label}: line ${line}: ${error}`),
        onProgress: (lines) => bar.update(`${lines.toLocaleString('en')} lines`),
        onEvent,
        onChat,
        spoolLimitBytes: spoolLimitMb * 2 ** 20,
      });
      bar.done();
      invalid = report.summary.invalidLines;
    }
    if (facts) report = applyFilters(report, facts, filters);
    if (!request) {
      if (values.json) writeAuditJson(report);
      else writeOut(formatAuditTable(report, config));
      return values.strict && invalid > 0 ? 1 : 0;
    }

    const bar = progress('team report');
    let unanswered: UnansweredQuestion[] = [];
    if (library && questions) {
      // The search engine is loaded only for a report with a library.
      const { createSearch } = await import('../../search/engine.ts');
      const search = createSearch(library);
      const keep = facts ? chatFilter(facts, filters) : () => true;
      const asked = questions.list().filter((q) => keep(q.chatId));
      unanswered = findUnanswered(asked, search, (done, total) =>
        bar.update(
          `searching customer messages ${done.toLocaleString('en')}/${total.toLocaleString('en')}`,
        ),
      );
    }
    bar.update('computing figures');
    const team = buildReport(
      reportFacts(states, config, chatLines),
      reportOptions(request, filters, Date.now()),
      {
        library,
        unanswered,
      },
    );
    const written: string[] = [];
    if (request.csvDir !== undefined) written.push(...writeCsvTables(team, request.csvDir));
    if (request.htmlPath !== undefined) {
      bar.update('drawing charts');
      const source =
        positionals.length === 1 ? basename(positionals[0]!) : `${positionals.length} files`;
      await writeHtmlReport(team, request.htmlPath, { config, library, source });
      written.push(request.htmlPath);
    }
    bar.done();
    const wrote = written.map((path) => `wrote ${path}`);
    if (values.json) {
      writeAuditJson(report, team);
      // Standard output stays one JSON document: the files written go to stderr.
      if (wrote.length > 0) writeErr(wrote.join('\n'));
    } else {
      const parts = [formatAuditTable(report, config)];
      if (request.sample) parts.push(formatSample(team.sample, request.sample.seed));
      if (wrote.length > 0) parts.push(wrote.join('\n'));
      writeOut(parts.join('\n\n'));
    }
    return values.strict && invalid > 0 ? 1 : 0;
  },
};
