// `chat-playbook eval`: top-1, top-3 and MRR of the search over labelled queries
// (shared/spec/sop-format.md), optionally after learning from agents' picks.
import { readFile } from 'node:fs/promises';
import { createSearch } from '../../search/engine.ts';
import { type EvalQuery, evaluate as measure } from '../../search/evaluate.ts';
import type { SopLibrary } from '../../search/types.ts';
import {
  type Command,
  InputError,
  openInput,
  parseCommandArgs,
  progress,
  UsageError,
  writeOut,
} from '../io.ts';
import { loadLibraryFromPath } from '../library-files.ts';

const usage = `Usage: chat-playbook eval --library <file|dir> --queries <file.jsonl|-> [--learn-from <file.jsonl>] [--json]

Measures how well the search ranks SOPs for labelled customer messages. Each line of the
queries file is {"id":"q1","text":"…","expect":["SOP-ID", …]}; a query is a hit at k when an
expected id is among the first k SOPs.

Options:
  --library <file|dir>      the SOP library (required)
  --queries <file.jsonl>    the labelled queries, or - for standard input (required)
  --learn-from <file.jsonl> first learn these picks (same form: the agent picked the first
                            expected SOP for that text), then evaluate
  --json                    print {"n":N,"top1":F,"top3":F,"mrr":F} (fractions 0-1, 3 decimals)

MRR counts the first 100 results (a miss counts 0).
Exit status: 0, 1 invalid library or query line (named by file and line), 2 wrong usage.`;

export const evaluate: Command = {
  name: 'eval',
  summary: 'top-1, top-3 and MRR over labelled queries',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      library: { type: 'string' },
      queries: { type: 'string' },
      'learn-from': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.library === undefined) throw new UsageError('missing --library <file|dir>');
    if (values.queries === undefined) throw new UsageError('missing --queries <file.jsonl>');
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const learnFrom = values['learn-from'];
    const stdinUses = [values.library, values.queries, learnFrom].filter((p) => p === '-').length;
    if (stdinUses > 1) throw new UsageError('only one input can come from standard input');

    const library = await loadLibraryFromPath(values.library);
    const queries = await readQueries(values.queries, library);
    const picks = learnFrom === undefined ? [] : await readQueries(learnFrom, library);

    const search = createSearch(library);
    for (const pick of picks) search.learn(pick.text, pick.expect[0]!);
    const bar = progress('eval');
    let result: ReturnType<typeof measure>;
    try {
      result = measure(search, queries, (done, total) => bar.update(`${done}/${total} queries`));
    } finally {
      bar.done();
    }

    if (values.json) {
      writeOut(JSON.stringify(result));
    } else {
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      const learned = picks.length > 0 ? `, after learning ${picks.length} picks` : '';
      writeOut(
        `${result.n} queries${learned}: top-1 ${pct(result.top1)}, top-3 ${pct(result.top3)}, MRR ${result.mrr.toFixed(3)}`,
      );
    }
    return 0;
  },
};

async function readQueries(path: string, library: SopLibrary): Promise<EvalQuery[]> {
  const name = path === '-' ? '<stdin>' : path;
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`${name}: cannot read: ${(err as Error).message}`);
  }
  const ids = new Set(library.sops.map((s) => s.id));
  const queries: EvalQuery[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    queries.push(parseQuery(line, `${name}:${i + 1}`, ids));
  });
  if (queries.length === 0) throw new InputError(`${name}: no queries`);
  return queries;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of openInput('-')) text += String(chunk);
  return text;
}

function parseQuery(line: string, where: string, ids: ReadonlySet<string>): EvalQuery {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (err) {
    throw new InputError(`${where}: invalid JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(`${where}: expected a JSON object {"id","text","expect"}`);
  }
  const { id, text, expect } = data as Record<string, unknown>;
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') {
    throw new InputError(`${where}: field "id" must be a string`);
  }
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InputError(`${where}: field "text" must be a non-empty string`);
  }
  if (
    !Array.isArray(expect) ||
    expect.length === 0 ||
    !expect.every((e) => typeof e === 'string')
  ) {
    throw new InputError(`${where}: field "expect" must be a non-empty array of SOP ids`);
  }
  const unknown = expect.find((e) => !ids.has(e));
  if (unknown !== undefined) {
    throw new InputError(`${where}: field "expect": no SOP with id '${unknown}' in the library`);
  }
  return { id: id === undefined ? where : String(id), text, expect };
}
