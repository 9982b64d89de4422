import { mkdirSync, writeFileSync } from 'node:fs';
import { generateTranscript } from './transcript.ts';

const [out, count] = process.argv.slice(2);
mkdirSync('bench/out', { recursive: true });
writeFileSync(out!, `${generateTranscript({ events: Number(count) }).join('\n')}\n`);
