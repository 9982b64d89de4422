// `chat-playbook search`: the SOPs a customer message brings up, with their best steps and
// replies and the matched words, for people (bold matches on a terminal) or as JSON.
import { createSearch, type SearchHit } from '../../search/engine.ts';
import { highlight, matchedWords } from '../../search/highlight.ts';
import {
  type Command,
  openInput,
  parseCommandArgs,
  positiveInt,
  UsageError,
  writeOut,
} from '../io.ts';
import { loadLibraryFromPath } from '../library-files.ts';

const usage = `Usage: chat-playbook search --library <file|dir> [--limit N] [--json] <text…|->

Ranks the SOPs of a library for a customer message, with each SOP's best-matching steps and
replies. The library is a sop-library/1 JSON file, an index written by build-index, or a
folder of Markdown SOPs. The text is the rest of the command line, or - to read standard input.

Options:
  --library <file|dir>  the SOP library (required)
  --limit N             at most N SOPs (default 5)
  --json                print {"query","hits":[{"id","title","score","terms","matched","steps","replies"}]}

Exit status: 0 (also when nothing matches), 1 unreadable or invalid library, 2 wrong usage.`;

const STEPS_SHOWN = 2;
const REPLIES_SHOWN = 2;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export const search: Command = {
  name: 'search',
  summary: 'ranked SOPs with their best-matching steps and replies',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      library: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.library === undefined) throw new UsageError('missing --library <file|dir>');
    const limit = positiveInt(values.limit, 'limit', 5);
    if (positionals.length === 0) throw new UsageError('missing the text to search for');
    if (values.library === '-' && positionals.length === 1 && positionals[0] === '-') {
      throw new UsageError('the library and the text cannot both come from standard input');
    }
    const text =
      positionals.length === 1 && positionals[0] === '-'
        ? await readAll(openInput('-'))
        : positionals.join(' ');

    const library = await loadLibraryFromPath(values.library);
    const hits = createSearch(library).search({ text }, limit);
    if (values.json) {
      writeOut(JSON.stringify({ query: text, hits: hits.map(toJson) }, null, 2));
    } else {
      writeOut(formatHits(hits, process.stdout.isTTY === true && !process.env.NO_COLOR));
    }
    return 0;
  },
};

async function readAll(stream: AsyncIterable<unknown>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

function toJson(hit: SearchHit) {
  const { sop } = hit;
  return {
    id: sop.id,
    title: sop.title,
    score: round3(hit.score),
    terms: hit.terms,
    matched: matchedWords(searchableText(hit), hit.terms),
    steps: hit.steps.map(({ step, score }) => ({
      id: step.id,
      text: step.text,
      score: round3(score),
    })),
    replies: hit.replies.map(({ reply, score }) => ({
      id: reply.id,
      title: reply.title,
      text: reply.text,
      score: round3(score),
    })),
  };
}

/** The SOP's own words, where matched words are looked for. */
function searchableText(hit: SearchHit): string {
  const { sop } = hit;
  return [
    sop.title,
    ...sop.triggers,
    ...sop.tags,
    sop.purpose,
    sop.scope,
    sop.notes,
    ...(sop.escalation?.triggers ?? []),
    ...sop.steps.map((s) => s.text),
    ...sop.replies.flatMap((r) => [r.title, r.text]),
  ]
    .filter(Boolean)
    .join('\n');
}

export function formatHits(hits: readonly SearchHit[], bold: boolean): string {
  if (hits.length === 0) return 'No matching SOPs.';
  const mark = (text: string, terms: string[]) =>
    highlight(text, terms)
      .map((s) => (s.match && bold ? `\x1b[1m${s.text}\x1b[22m` : s.text))
      .join('');
  const blocks = hits.map((hit, i) => {
    const lines = [
      `${i + 1}. ${mark(hit.sop.title, hit.terms)}  [${hit.sop.id}]  score ${hit.score.toFixed(2)}`,
    ];
    const words = matchedWords(searchableText(hit), hit.terms);
    if (words.length > 0) lines.push(`   matched: ${words.join(', ')}`);
    for (const { step } of hit.steps.slice(0, STEPS_SHOWN)) {
      lines.push(`   step ${step.id}: ${mark(step.text, hit.terms)}`);
    }
    for (const { reply } of hit.replies.slice(0, REPLIES_SHOWN)) {
      lines.push(`   reply ${reply.id} "${reply.title}": ${mark(reply.text, hit.terms)}`);
    }
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}
