// Shared plumbing for commands: the exit-code contract of shared/spec/cli.md
// (0 success, 1 bad input, 2 wrong usage), argument parsing and input streams.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Wrong usage: unknown flag, missing argument. Exits 2 with the command's usage. */
export class UsageError extends Error {}

/** Bad input: unreadable file, invalid library or configuration. Exits 1. */
export class InputError extends Error {}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with our error type; `--help` is handled by the dispatcher. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A file path or `-` for standard input. */
export function openInput(path: string): Readable {
  if (path === '-') return process.stdin;
  const stream = createReadStream(path);
  return stream;
}

export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function writeErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Parses a positive integer option, or throws a UsageError naming it. */
export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

/**
 * A progress line on stderr, only when stderr is a terminal (never in pipes or CI logs).
 * Redraws at most every 200 ms; `done()` clears the line.
 */
export function progress(label: string) {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(text: string) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      process.stderr.write(`\r\x1b[2K${label}: ${text}`);
    },
    done() {
      if (tty && last !== 0) process.stderr.write('\r\x1b[2K');
    },
  };
}
