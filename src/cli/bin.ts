// The `chat-playbook` command (package.json "bin", built to dist/cli.js): runs main and sets
// the exit code, however it was invoked (the npm bin link, npx, node dist/cli.js, tsx).
import { writeErr } from './io.ts';
import { main } from './main.ts';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    writeErr(`chat-playbook: internal error: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  },
);
