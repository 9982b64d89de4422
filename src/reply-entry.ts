// dist/chat-playbook.reply.js: what an agent opens to use a reply, an SOP in full and the
// reply fill-in form, loaded by the script-tag bundle the first time either is shown (src/adapters/lazy-view.ts). Built against the bundle's
// Preact and signals (vite.config.ts, mode `reply`). The ESM build imports the form directly.
import { REPLY_KEY, registerChunk, SOP_DETAIL_KEY } from './adapters/chunks.ts';
import { ReplyFormView } from './ui/ReplyForm.tsx';
import { SopDetailView } from './ui/SopDetail.tsx';

registerChunk(REPLY_KEY, ReplyFormView);
registerChunk(SOP_DETAIL_KEY, SopDetailView);
