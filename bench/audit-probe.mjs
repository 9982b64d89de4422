// Preloaded into each measured process (`node --import ./bench/audit-probe.mjs …`): at exit it
// reports the process's own wall time since start-up and its peak resident memory on file
// descriptor 3 (stderr when there is none), so the audit and its baseline are timed alike.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const line = `${JSON.stringify({
    ms: performance.now(),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`;
  try {
    writeSync(3, line);
  } catch {
    process.stderr.write(line);
  }
});
