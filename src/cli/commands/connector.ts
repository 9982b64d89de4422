// `chat-playbook connector add --team T --host H`: the secret a helpdesk's webhooks are
// checked with at `POST /v1/connectors/<host>/<team>` (shared/spec/cli.md), kept in the
// connectors file that `serve` reads (and re-reads when it changes). The secret is printed
// once, for the team lead to paste into the helpdesk, and never logged by `serve`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTeamName } from '../../server/auth.ts';
import {
  addConnector,
  type ConnectorEntry,
  isHost,
  newConnectorSecret,
  readConnectorsFile,
} from '../../server/connectors/registry.ts';
import { HOSTS, type HostName } from '../../server/connectors/types.ts';
import {
  type Command,
  InputError,
  parseCommandArgs,
  UsageError,
  writeErr,
  writeOut,
} from '../io.ts';

export const DEFAULT_CONNECTORS_FILE = 'playbook-connectors.json';

/** Where the connectors live: --connectors FILE, else DIR/connectors.json with --data, else ./playbook-connectors.json. */
export function connectorsPath(values: { connectors?: string; data?: string }): string {
  if (values.connectors) return values.connectors;
  if (values.data) return join(values.data, 'connectors.json');
  return process.env.PLAYBOOK_CONNECTORS || DEFAULT_CONNECTORS_FILE;
}

/** Hosts that make the signing secret themselves: the team lead copies theirs in. */
const HOST_MAKES_SECRET: Record<HostName, string> = {
  chatwoot:
    'Chatwoot shows the webhook secret after you add the webhook (Settings → Integrations → Webhooks)',
  zendesk:
    'Zendesk shows the signing secret on the webhook’s page (Admin Center → Apps and integrations → Webhooks → the webhook → Reveal secret)',
  front:
    'Front shows the app secret on your app’s Basic information page (Settings → Developers → your app)',
  livechat: '',
};

const usage = `Usage: chat-playbook connector add --team T --host ${HOSTS.join('|')}
                                    [--secret S | --secret -] [--tier-field F] [--channel-field F]
                                    [--connectors FILE | --data DIR]
       chat-playbook connector list [--connectors FILE | --data DIR] [--json]

Registers a helpdesk's webhooks for a team: serve then takes them at
POST /v1/connectors/<host>/<team>, checked with this secret the host's own way
(docs/integrations.md).

Options:
  --team T            the team (letters, digits, dot, dash, underscore)
  --host H            ${HOSTS.join(', ')}
  --secret S          the secret: the one Chatwoot, Zendesk or Front shows you (they make it);
                      '-' reads it from stdin; without it, a new random one is made and printed
                      (for LiveChat, whose webhook secret you choose)
  --tier-field F      where the customer's tier is read (per host: docs/integrations.md)
  --channel-field F   where the channel is read (per host)
  --connectors FILE   the connectors file (default: DIR/connectors.json with --data DIR,
                      else $PLAYBOOK_CONNECTORS, else ./${DEFAULT_CONNECTORS_FILE})
  --json              machine-readable output (list)

The file holds secrets: it is written readable by its owner only. Adding a team and host
that exist replaces the entry (a rotated secret).`;

function readSecret(value: string | undefined): string | undefined {
  if (value !== '-') return value;
  try {
    return readFileSync(0, 'utf8').trim();
  } catch (err) {
    throw new InputError(`cannot read the secret from stdin (${(err as Error).message})`);
  }
}

export const connector: Command = {
  name: 'connector',
  summary: 'register a helpdesk’s webhooks for a team',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      team: { type: 'string' },
      host: { type: 'string' },
      secret: { type: 'string' },
      'tier-field': { type: 'string' },
      'channel-field': { type: 'string' },
      connectors: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
    const path = connectorsPath(values);
    if (action === 'list') {
      let entries: ConnectorEntry[];
      try {
        entries = await readConnectorsFile(path);
      } catch (err) {
        throw new InputError((err as Error).message);
      }
      // Never the secrets: who is connected, and how the fields are read.
      const rows = entries.map(({ secret: _secret, ...rest }) => rest);
      if (values.json) writeOut(JSON.stringify({ file: path, connectors: rows }));
      else if (rows.length === 0) writeOut(`no connectors in ${path}`);
      else {
        writeOut(`connectors in ${path}:`);
        for (const r of rows) {
          const fields = [
            r.tierField && `tier ← ${r.tierField}`,
            r.channelField && `channel ← ${r.channelField}`,
          ]
            .filter(Boolean)
            .join(', ');
          writeOut(
            `  ${r.team}  ${r.host}  /v1/connectors/${r.host}/${r.team}${fields ? `  (${fields})` : ''}`,
          );
        }
      }
      return 0;
    }
    if (action !== 'add') {
      throw new UsageError(
        action === undefined ? 'missing action: add or list' : `unknown action '${action}'`,
      );
    }
    const { team, host } = values;
    if (team === undefined) throw new UsageError('missing --team');
    if (!isTeamName(team))
      throw new UsageError('--team: letters, digits, dot, dash and underscore, at most 64');
    if (host === undefined) throw new UsageError(`missing --host (${HOSTS.join(', ')})`);
    if (!isHost(host))
      throw new UsageError(`--host must be one of ${HOSTS.join(', ')}, not '${host}'`);
    const given = readSecret(values.secret);
    if (given === undefined && HOST_MAKES_SECRET[host]) {
      throw new UsageError(`--secret is required for ${host}: ${HOST_MAKES_SECRET[host]}`);
    }
    const secret = given ?? newConnectorSecret();
    const entry: ConnectorEntry = { team, host, secret, createdAt: new Date().toISOString() };
    if (values['tier-field'] !== undefined) entry.tierField = values['tier-field'];
    if (values['channel-field'] !== undefined) entry.channelField = values['channel-field'];
    let replaced: boolean;
    try {
      replaced = await addConnector(path, entry);
    } catch (err) {
      throw new InputError(`${path}: ${(err as Error).message}`);
    }
    writeErr(
      `${replaced ? 'replaced' : 'added'} the ${host} connector of team '${team}' in ${path}`,
    );
    writeErr(`webhook URL: https://<your serve host>/v1/connectors/${host}/${team}`);
    if (given === undefined) {
      writeErr('secret (shown once; paste it into the helpdesk’s webhook settings):');
      writeOut(secret);
    }
    return 0;
  },
};
