// `chat-playbook token`: prints a widget token signed with PLAYBOOK_SECRET (shared/spec/cli.md).
import {
  DEFAULT_TOKEN_LIFETIMES,
  isTeamName,
  parseDuration,
  type Role,
  signToken,
} from '../../server/auth.ts';
import { type Command, parseCommandArgs, UsageError, writeErr, writeOut } from '../io.ts';

const usage = `Usage: chat-playbook token --team T --role agent|supervisor --sub ID [--name NAME] [--ttl 8h] [--json]

Prints a token signed with PLAYBOOK_SECRET for the widget (transport: { url, token }).
A host's backend can mint the same token with any JWT library: HS256 over the claims
{ team, role, sub, name, iat, exp } with the same secret.

Options:
  --team T       the team whose chats the token opens
  --role R       agent, or supervisor (may also change the team's thresholds);
                 connector for a helpdesk connector on the /connectors socket
  --sub ID       the user's id (recorded as the author of their actions)
  --name NAME    display name (optional)
  --ttl D        lifetime, e.g. 30m, 8h, 7d (default 8h)
  --json         print {"token","claims"} instead

Environment:
  PLAYBOOK_SECRET   the shared secret (required)`;

const ROLES: readonly Role[] = ['agent', 'supervisor', 'connector'];

export const token: Command = {
  name: 'token',
  summary: 'a signed widget token',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      team: { type: 'string' },
      role: { type: 'string' },
      sub: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const { team, role, sub, name } = values;
    if (team === undefined) throw new UsageError('missing --team');
    if (!isTeamName(team)) {
      throw new UsageError('--team: letters, digits, dot, dash and underscore, at most 64');
    }
    if (role === undefined) throw new UsageError('missing --role (agent or supervisor)');
    if (!ROLES.includes(role as Role)) {
      throw new UsageError(`--role must be agent or supervisor (or connector), not '${role}'`);
    }
    if (sub === undefined || sub === '') throw new UsageError('missing --sub (the user id)');
    const ttlMs = parseDuration(values.ttl ?? '8h');
    if (ttlMs === null) throw new UsageError('--ttl must be a duration such as 30m, 8h or 7d');
    const maxMs =
      role === 'connector' ? DEFAULT_TOKEN_LIFETIMES.connectorMs : DEFAULT_TOKEN_LIFETIMES.widgetMs;
    if (ttlMs > maxMs) {
      writeErr(
        `warning: --ttl ${values.ttl} is longer than serve accepts by default (${Math.round(maxMs / 3600_000)} h): the token will be refused unless serve runs with a longer --max-token-ttl`,
      );
    }
    const secret = process.env.PLAYBOOK_SECRET ?? '';
    if (!secret) throw new UsageError('PLAYBOOK_SECRET is not set (the secret serve uses)');
    const now = Date.now();
    const signed = signToken(secret, { team, role: role as Role, sub, name, ttlMs, now });
    if (values.json) {
      const claims = JSON.parse(Buffer.from(signed.split('.')[1]!, 'base64url').toString('utf8'));
      writeOut(JSON.stringify({ token: signed, claims }));
    } else writeOut(signed);
    return 0;
  },
};
