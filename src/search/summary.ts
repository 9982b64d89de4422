// What the widget's page needs of a library that lives in the search worker: the SOP count,
// the escalation SOP (FocusedChat) and the "setting expectations" reply. Computed where the
// library is (the page or the worker), so a 50,000-SOP library never crosses to the page.
import type { Sop, SopLibrary, SopReply } from './types.ts';

export interface LibrarySummary {
  sops: number;
  /** The SOP to open from an escalation prompt: tagged, else titled, "escalation". */
  escalation: Sop | null;
  /** The library's reply for setting expectations (a status update), if it has one. */
  expectations: { sopId: string; reply: SopReply } | null;
}

const mentionsEscalation = (text: string) => /escalat/i.test(text);
const EXPECTATIONS = [/set(ting)? expectations/i, /expectation/i, /status update/i];

export function summarizeLibrary(library: SopLibrary): LibrarySummary {
  const { sops } = library;
  const escalation =
    sops.find((s) => s.tags.some((t) => t.toLowerCase() === 'escalation')) ??
    sops.find((s) => mentionsEscalation(s.title)) ??
    sops.find((s) => s.tags.some(mentionsEscalation)) ??
    null;
  let expectations: LibrarySummary['expectations'] = null;
  for (const pattern of EXPECTATIONS) {
    for (const sop of sops) {
      const reply = sop.replies.find((r) => pattern.test(r.title));
      if (reply) {
        expectations = { sopId: sop.id, reply };
        break;
      }
    }
    if (expectations) break;
  }
  return { sops: sops.length, escalation, expectations };
}
