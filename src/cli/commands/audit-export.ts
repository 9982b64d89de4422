// `audit --from <host> FILE…`: a helpdesk's past conversations (the JSON its API returns for
// a conversation with its messages, one conversation per record) mapped to protocol events
// by the same connector code as its live webhooks, then audited like any transcript.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ChatEvent, nestsDeeperThan, validateEvent } from '../../core/index.ts';
import { CONNECTORS } from '../../server/connectors/registry.ts';
import type { HostName, MappingOptions } from '../../server/connectors/types.ts';
import { InputError } from '../io.ts';

/** Exports nest a conversation, its messages and their authors: a few levels. */
const MAX_RECORD_DEPTH = 32;

export interface ExportRead {
  events: ChatEvent[];
  conversations: number;
  /** Records (or their events) that could not be used, each already reported. */
  invalid: number;
}

/** The files to read: each FILE, or the .json/.jsonl files of each directory (sorted). */
export function exportFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push(path);
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (err) {
      throw new InputError(`${path}: cannot read (${(err as Error).message})`);
    }
    if (!isDir) files.push(path);
    else {
      for (const name of readdirSync(path).sort()) {
        if (/\.jsonl?$/i.test(name)) files.push(join(path, name));
      }
    }
  }
  return files;
}

/**
 * The records of one file: JSONL (one conversation per line), a JSON array of them, a JSON
 * object holding one list of them (`payload`, `data`, `conversations`, `chats`, `tickets`,
 * `_results`), or one conversation. Lines that are not JSON are reported and skipped.
 */
export function readRecords(
  text: string,
  onInvalid: (record: number, error: string) => void,
): Array<{ record: number; value: unknown }> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = body.trim();
  if (trimmed === '') return [];
  try {
    const value = JSON.parse(trimmed) as unknown;
    const list = Array.isArray(value) ? value : wrappedList(value);
    return (list ?? [value]).map((v, i) => ({ record: i + 1, value: v }));
  } catch {
    // Not one JSON document: JSONL.
  }
  const records: Array<{ record: number; value: unknown }> = [];
  body.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    try {
      records.push({ record: i + 1, value: JSON.parse(line) });
    } catch (err) {
      onInvalid(i + 1, `not valid JSON (${(err as Error).message})`);
    }
  });
  return records;
}

const LIST_KEYS = ['conversations', 'chats', 'tickets', 'data', 'payload', '_results'];

/** A top-level `{ "<list key>": [ … ] }` that is a page of conversations, not one of them. */
function wrappedList(value: unknown): unknown[] | null {
  if (typeof value !== 'object' || value === null) return null;
  const keys = Object.keys(value);
  const obj = value as Record<string, unknown>;
  const key = LIST_KEYS.find((k) => Array.isArray(obj[k]));
  // Only a page: an object with messages of its own is one conversation.
  if (!key || 'messages' in obj || 'comments' in obj || 'thread' in obj || 'threads' in obj) {
    return null;
  }
  return keys.every((k) => k === key || !Array.isArray(obj[k])) ? (obj[key] as unknown[]) : null;
}

/** Reads and maps every record of every file; problems go to `onInvalid` as `FILE: record N: …`. */
export function readExports(
  host: HostName,
  paths: readonly string[],
  options: MappingOptions,
  onInvalid: (message: string) => void,
): ExportRead {
  const connector = CONNECTORS[host];
  const out: ExportRead = { events: [], conversations: 0, invalid: 0 };
  for (const file of exportFiles(paths)) {
    let text: string;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (err) {
      throw new InputError(`${file}: cannot read (${(err as Error).message})`);
    }
    const label = file === '-' ? '<stdin>' : file;
    const report = (record: number, error: string) => {
      out.invalid += 1;
      onInvalid(`${label}: record ${record}: ${error}`);
    };
    for (const { record, value } of readRecords(text, report)) {
      if (nestsDeeperThan(value, MAX_RECORD_DEPTH)) {
        report(record, `nested deeper than ${MAX_RECORD_DEPTH} levels`);
        continue;
      }
      let mapped: ReturnType<typeof connector.mapExport>;
      try {
        mapped = connector.mapExport(value, options);
      } catch (err) {
        mapped = { kind: 'invalid', error: `could not be read (${(err as Error).message})` };
      }
      if (mapped.kind === 'invalid') {
        report(record, `not a ${host} conversation: ${mapped.error}`);
        continue;
      }
      const events: ChatEvent[] = [];
      let bad: string | null = null;
      for (const raw of mapped.events) {
        const v = validateEvent(raw);
        if (v.kind === 'invalid') {
          bad = v.error;
          break;
        }
        if (v.kind === 'event') events.push(v.event);
      }
      // All or nothing per conversation, as for a webhook: no half-audited chat.
      if (bad !== null) report(record, `${mapped.chatId}: ${bad}`);
      else {
        out.conversations += 1;
        out.events.push(...events);
      }
    }
  }
  return out;
}
