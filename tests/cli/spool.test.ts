import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSpool, type Spool } from '../../src/cli/spool.ts';

let dir: string;
let spool: Spool | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spool-test-'));
});
afterEach(async () => {
  spool?.close();
  spool = null;
  await rm(dir, { recursive: true, force: true });
});

const text = (s: Spool) => [...s.chunks()].join('');

describe('the replay spool', () => {
  it('gives back every line in order, across write batches and read chunks', () => {
    spool = createSpool(64 * 2 ** 20, dir);
    // Long lines of multi-byte characters: batches and 1 MiB reads split them anywhere.
    const lines = Array.from({ length: 300 }, (_, i) => `${i} ${'žluťoučký kůň '.repeat(i * 30)}`);
    for (const line of lines) spool.write(line);
    expect(text(spool)).toBe(`${lines.join('\n')}\n`);
    expect(spool.overflowed).toBe(false);
  });

  it('keeps at most its limit in UTF-8 bytes, and says when a line did not fit', () => {
    spool = createSpool(10, dir);
    spool.write('éé'); // 5 bytes with its newline
    spool.write('ab'); // 8
    expect(spool.overflowed).toBe(false);
    spool.write('cd'); // 11: over
    spool.write('e'); // nothing more once over, even what would fit
    expect(spool.overflowed).toBe(true);
    expect(text(spool)).toBe('éé\nab\n');
  });

  it('leaves no file in its directory, even while open', async () => {
    spool = createSpool(1024, dir);
    spool.write('{"type":"chat.closed","chatId":"c-1","at":0}');
    expect(await readdir(dir)).toEqual([]);
    expect(text(spool)).toContain('c-1');
    spool.close();
    spool.close();
    expect(await readdir(dir)).toEqual([]);
  });
});
