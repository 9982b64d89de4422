// What the widget's page needs of a library that lives in the search worker: the SOP count,
// the escalation SOP (FocusedChat) and the replies the next-action prompts offer (greeting,
// setting expectations). Computed where the library is (the page or the worker), so a
// 50,000-SOP library never crosses to the page.
import type { Sop, SopLibrary, SopReply } from './types.ts';

export interface LibrarySummary {
  sops: number;
  /** The SOP to open from an escalation prompt: tagged, else titled, "escalation". */
  escalation: Sop | null;
  /** The library's reply for setting expectations (a status update), if it has one. */
  expectations: { sopId: string; reply: SopReply } | null;
  /** The library's greeting reply (the first response), if it has one. */
  greeting: { sopId: string; reply: SopReply } | null;
}

const mentionsEscalation = (text: string) => /escalat/i.test(text);
const EXPECTATIONS = [/set(ting)? expectations/i, /expectation/i, /status update/i];
const GREETING = [/greeting/i, /\bgreet/i, /welcome/i];

/** The first reply, in pattern order, whose title matches. */
function replyTitled(sops: Sop[], patterns: RegExp[]): { sopId: string; reply: SopReply } | null {
  for (const pattern of patterns) {
    for (const sop of sops) {
      const reply = sop.replies.find((r) => pattern.test(r.title));
      if (reply) return { sopId: sop.id, reply };
    }
  }
  return null;
}

export function summarizeLibrary(library: SopLibrary): LibrarySummary {
  const { sops } = library;
  const escalation =
    sops.find((s) => s.tags.some((t) => t.toLowerCase() === 'escalation')) ??
    sops.find((s) => mentionsEscalation(s.title)) ??
    sops.find((s) => s.tags.some(mentionsEscalation)) ??
    null;
  return {
    sops: sops.length,
    escalation,
    expectations: replyTitled(sops, EXPECTATIONS),
    greeting: replyTitled(sops, GREETING),
  };
}
