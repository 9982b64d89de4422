// Connector webhooks: how long `serve --data` takes to answer a helpdesk's own webhook at
// POST /v1/connectors/<host>/<team> (signature check, mapping, validation, fsync'd append),
// against the baseline of the same events already mapped and POSTed to /v1/teams/<t>/events
// in the same run. Helpdesks give up on a webhook after 10–30 s; the answer must stay far
// below that. Each round sends one fixture chat (tests/server/connectors/fixtures) to a fresh
// team, so every event is new and written.
//   node --import tsx bench/connectors.ts [--rounds N]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECTORS } from '../src/server/connectors/registry.ts';
import { HOSTS, type HostName } from '../src/server/connectors/types.ts';
import { signBody, startServer } from '../src/server/index.ts';
import { signWebhook } from '../tests/support/webhooks.ts';
import { writeSection } from './perf-doc.mjs';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg === -1 ? 40 : Number(process.argv[roundsArg + 1]);
const SECRET = 'bench-secret-0123456789abcdef';
const FIXTURES = join(import.meta.dirname, '../tests/server/connectors/fixtures');
const secretOf = (host: HostName) => `${host}-bench-signing-secret-0123456789`;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-connectors-'));
  const teams = Array.from({ length: ROUNDS }, (_, r) => `t${r}`);
  const server = await startServer({
    secret: SECRET,
    port: 0,
    data: dir,
    rateLimit: false,
    compactEveryMs: 0,
    connectors: {
      entries: HOSTS.flatMap((host) =>
        teams.map((team) => ({ team, host, secret: secretOf(host) })),
      ),
    },
  });
  const rows: string[] = [];
  try {
    for (const host of HOSTS) {
      const sequence = JSON.parse(
        await readFile(join(FIXTURES, host, 'webhook-sequence.json'), 'utf8'),
      ) as unknown[];
      const connector: number[] = [];
      const baseline: number[] = [];
      for (const [r, team] of teams.entries()) {
        for (const payload of sequence) {
          const { body, headers } = signWebhook(host, JSON.stringify(payload), secretOf(host));
          const t0 = performance.now();
          const res = await fetch(`${server.url}/v1/connectors/${host}/${team}`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              ...headers,
            },
            body,
          });
          await res.arrayBuffer();
          connector.push(performance.now() - t0);
          if (res.status !== 200) throw new Error(`${host}: ${res.status}`);
          // Baseline: the same events, mapped already, to the plain ingest of another team.
          const mapped = CONNECTORS[host].mapWebhook(JSON.parse(body), {});
          if (mapped.kind !== 'events') continue;
          const plain = JSON.stringify(mapped.events);
          const t1 = performance.now();
          const base = await fetch(`${server.url}/v1/teams/b${r}-${host}/events`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'X-Signature-256': signBody(SECRET, plain),
            },
            body: plain,
          });
          await base.arrayBuffer();
          baseline.push(performance.now() - t1);
        }
      }
      connector.sort((a, b) => a - b);
      baseline.sort((a, b) => a - b);
      const c50 = quantile(connector, 0.5);
      const b50 = quantile(baseline, 0.5);
      rows.push(
        `| ${host} | ${connector.length} | ${c50.toFixed(2)} / ${quantile(connector, 0.95).toFixed(2)} / ${connector.at(-1)!.toFixed(1)} ms | ${b50.toFixed(2)} / ${quantile(baseline, 0.95).toFixed(2)} ms | ${(c50 / b50).toFixed(2)}× |`,
      );
      console.log(rows.at(-1));
    }
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
  writeSection(
    'Connectors',
    `\`node --import tsx bench/connectors.ts --rounds ${ROUNDS}\` (in \`npm run bench\`). One \`serve --data DIR\`
(fsync'd log) on loopback; each round posts one fixture chat of each helpdesk
(tests/server/connectors/fixtures) to a fresh team with the host's own signature, one
webhook at a time. Baseline: the same events, already mapped, POSTed signed to
\`/v1/teams/<t>/events\` in the same run. Helpdesks time a webhook out after 10–30 s.

| host | webhooks | answer p50 / p95 / max | baseline p50 / p95 | p50 ratio |
|---|---|---|---|---|
${rows.join('\n')}`,
  );
}

await main();
