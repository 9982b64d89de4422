// A bounded spool on disk for `audit -`: standard input can be read only once, so the event
// lines are copied to a temporary file as they stream past, in case a chat turns out to need
// the replay pass. Memory holds one write batch, never the input.
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Lines are written in batches of about this many characters (one write call each). */
const BATCH_CHARS = 1 << 20;
/** Read back in chunks of this many bytes. */
const READ_BYTES = 1 << 20;

export interface Spool {
  /** Appends one line (without its newline); past the limit nothing more is kept. */
  write(line: string): void;
  /** True once a line did not fit under the limit: the spool no longer holds every line. */
  readonly overflowed: boolean;
  /** The limit in bytes. */
  readonly limitBytes: number;
  /** The lines written, in order, as text chunks (lines end with `\n`). */
  chunks(): Generator<string>;
  /** Closes and removes the file; safe to call twice. */
  close(): void;
}

/** Spools opened by this process: part of each file's name. */
let spools = 0;

/**
 * Opens an empty spool in `dir` (the system's temporary directory by default, which
 * TMPDIR chooses) that keeps at most `limitBytes` of lines. The file is removed from the
 * directory as soon as it is open, so nothing is left behind on an error, a kill or a
 * crash: the system frees it when the descriptor closes. Where an open file cannot be
 * removed (Windows), it is removed by `close()` or at exit.
 */
export function createSpool(limitBytes: number, dir = tmpdir()): Spool {
  spools += 1;
  const path = join(dir, `chat-playbook-spool-${process.pid}-${Date.now()}-${spools}.jsonl`);
  const fd = openSync(path, 'wx+', 0o600);
  let linked = true;
  const unlink = () => {
    if (!linked) return;
    try {
      unlinkSync(path);
      linked = false;
    } catch {
      // Still open on a system that refuses this: `close()` or the exit hook tries again.
    }
  };
  unlink();
  if (linked) process.once('exit', unlink);

  let open = true;
  let batch: string[] = [];
  let batchChars = 0;
  let bytes = 0;
  let overflowed = false;

  const flush = () => {
    if (batch.length === 0) return;
    const text = batch.join('');
    batch = [];
    batchChars = 0;
    writeSync(fd, text);
  };

  return {
    write(line: string) {
      if (overflowed) return;
      const text = `${line}\n`;
      const size = Buffer.byteLength(text);
      if (bytes + size > limitBytes) {
        overflowed = true;
        return;
      }
      bytes += size;
      batch.push(text);
      batchChars += text.length;
      if (batchChars >= BATCH_CHARS) flush();
    },
    get overflowed() {
      return overflowed;
    },
    limitBytes,
    *chunks() {
      flush();
      const buffer = Buffer.allocUnsafe(READ_BYTES);
      const decoder = new StringDecoder('utf8');
      let position = 0;
      for (;;) {
        const read = readSync(fd, buffer, 0, READ_BYTES, position);
        if (read === 0) break;
        position += read;
        yield decoder.write(buffer.subarray(0, read));
      }
      const rest = decoder.end();
      if (rest !== '') yield rest;
    },
    close() {
      if (!open) return;
      open = false;
      batch = [];
      closeSync(fd);
      unlink();
      if (!linked) process.removeListener('exit', unlink);
    },
  };
}
