// dist/chat-playbook.supervisor.js: the supervisor's views (team settings), loaded by the
// script-tag bundle when the server says the user is a supervisor (src/adapters/
// lazy-view.ts). Built against the bundle's Preact and signals (vite.config.ts, mode `supervisor`).
// The ESM build imports the views directly.
import { registerChunk, SUPERVISOR_KEY } from './adapters/chunks.ts';
import { SupervisorView } from './ui/supervisor.tsx';

registerChunk(SUPERVISOR_KEY, SupervisorView);
