// The package's version, for `chat-playbook --version` and the server's `GET /v1/health`
// (the build inlines package.json; `npm version` is the one place it changes).
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
