// The audit bench's floor: what any audit must do before its engine runs. It reads the
// transcript as the baseline does and passes each line through the engine's boundary
// (`parseEventLine`: JSON.parse, then the event's validation), keeping nothing. bench/audit.ts
// bundles it to plain JavaScript, so it runs like the built CLI it is compared with.
//   node bench/out/audit-floor.mjs FILE
import { createReadStream } from 'node:fs';
import { parseEventLine } from '../src/core/events.ts';

let rest = '';
let events = 0;
const take = (line: string) => {
  if (parseEventLine(line).kind === 'event') events += 1;
};
for await (const chunk of createReadStream(process.argv[2]!, { encoding: 'utf8' })) {
  const text = rest + chunk;
  let start = 0;
  let nl = text.indexOf('\n');
  while (nl !== -1) {
    take(text.slice(start, nl));
    start = nl + 1;
    nl = text.indexOf('\n', start);
  }
  rest = text.slice(start);
}
if (rest !== '') take(rest);
process.stdout.write(`${events} events\n`);
