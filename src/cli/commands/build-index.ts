// `chat-playbook build-index`: the validated library plus its prebuilt search index in one
// JSON file, which the widget loads without re-indexing; `version` is a content hash the
// widget can cache by.
import { rename, rm, writeFile } from 'node:fs/promises';
import { createSearch } from '../../search/engine.ts';
import { type Command, InputError, parseCommandArgs, UsageError, writeOut } from '../io.ts';
import { loadLibraryFromPath } from '../library-files.ts';

const usage = `Usage: chat-playbook build-index --library <file|dir> --out <index.json>

Validates an SOP library (a sop-library/1 JSON file, a folder of Markdown SOPs, or an earlier
index) and writes it with a prebuilt search index:
  {"format":"sop-index/2","version":"<content hash>","builtAt":"<ISO time>","analyzer":N,
   "library":{…},"index":{…compact postings…}}
The widget's \`library\` option accepts this file's URL (its search worker loads it).

Options:
  --library <file|dir>  the SOP library (required)
  --out <index.json>    where to write the index (required)

Exit status: 0, 1 invalid library or unwritable output, 2 wrong usage.`;

export const buildIndex: Command = {
  name: 'build-index',
  summary: 'validated library + prebuilt search index',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      library: { type: 'string' },
      out: { type: 'string' },
    });
    if (values.library === undefined) throw new UsageError('missing --library <file|dir>');
    if (values.out === undefined) throw new UsageError('missing --out <index.json>');
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);

    const library = await loadLibraryFromPath(values.library);
    const { format, version, analyzer, index } = createSearch(library).serialize();
    const builtAt = new Date().toISOString();
    const json = JSON.stringify({ format, version, builtAt, analyzer, library, index });

    // Written next to the target and renamed, so a reader never sees half a file.
    const temporary = `${values.out}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, json);
      await rename(temporary, values.out);
    } catch (err) {
      await rm(temporary, { force: true });
      throw new InputError(`${values.out}: cannot write: ${(err as Error).message}`);
    }
    const kb = Math.ceil(Buffer.byteLength(json) / 1024);
    writeOut(`${values.out}: ${library.sops.length} SOPs, version ${version}, ${kb} kB`);
    return 0;
  },
};
