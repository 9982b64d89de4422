// chat-playbook: the command-line shell over the same engine and search as the widget.
// `main` is the whole CLI as a function (tests call it); bin.ts runs it as the command.
import { VERSION } from '../version.ts';
import { type Command, InputError, UsageError, writeErr, writeOut } from './io.ts';

// Each command module is loaded only when used, so `audit` never pays for the search index.
const commands: Record<string, () => Promise<Command>> = {
  audit: async () => (await import('./commands/audit.ts')).audit,
  search: async () => (await import('./commands/search.ts')).search,
  eval: async () => (await import('./commands/eval.ts')).evaluate,
  'build-index': async () => (await import('./commands/build-index.ts')).buildIndex,
  'check-library': async () => (await import('./commands/check-library.ts')).checkLibrary,
  serve: async () => (await import('./commands/serve.ts')).serve,
  token: async () => (await import('./commands/token.ts')).token,
  connector: async () => (await import('./commands/connector.ts')).connector,
};

const mainUsage = `Usage: chat-playbook <command> [options]

Commands:
  audit <transcript.jsonl|-> [--config F] [--json] [--strict]   timing and checklist audit
    … [--report F.html] [--csv DIR] [--sample N --seed S]        the team report (docs/reports.md)
  search --library <file|dir> [--limit N] [--json] <text…>      ranked SOPs for a message
  eval --library <file|dir> --queries <file.jsonl> [--learn-from F] [--json]
  build-index --library <file|dir> --out <index.json>           validated library + index
  check-library <file|dir>                                      validation and stale SOPs
  serve [--port N] [--host H] [--data DIR | --redis URL] [--demo]  the realtime server
  token --team T --role agent|supervisor --sub ID [--name N] [--ttl 8h]   a widget token
  connector add --team T --host chatwoot|zendesk|livechat|front [--secret S]   a helpdesk's webhooks

Run 'chat-playbook <command> --help' for a command's options, 'chat-playbook --version' for
the version.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeOut(mainUsage);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    writeOut(VERSION);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    writeErr(`chat-playbook: unknown command '${name}'\n\n${mainUsage}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    writeOut(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      writeErr(`chat-playbook ${name}: ${err.message}\n\n${command.usage}`);
      return 2;
    }
    if (err instanceof InputError) {
      writeErr(`chat-playbook ${name}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
