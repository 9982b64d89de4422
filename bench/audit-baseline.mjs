// The audit bench's baseline: what any line-by-line reader of the transcript must do. It
// streams the file (64 KiB chunks decoded as UTF-8), splits the lines and `JSON.parse`s each,
// keeping nothing; plain JavaScript, like the built CLI it is compared with.
//   node bench/audit-baseline.mjs FILE
import { createReadStream } from 'node:fs';

let rest = '';
let parsed = 0;
for await (const chunk of createReadStream(process.argv[2], { encoding: 'utf8' })) {
  const text = rest + chunk;
  let start = 0;
  let nl = text.indexOf('\n');
  while (nl !== -1) {
    try {
      JSON.parse(text.slice(start, nl));
      parsed += 1;
    } catch {
      // a broken line
    }
    start = nl + 1;
    nl = text.indexOf('\n', start);
  }
  rest = text.slice(start);
}
try {
  if (rest !== '') JSON.parse(rest);
} catch {
  // a broken last line
}
process.stdout.write(`${parsed} lines parsed\n`);
