// The scripted chats of demo/scenarios/*.jsonl (protocol events), re-timed so they play out
// live: each scenario starts at its own offset from page load, and every event keeps its
// place in the scenario's timeline. Pure functions; demo/player.ts does the scheduling.

export interface ScriptedEvent {
  /** Milliseconds after the scenario's start. */
  after: number;
  event: Record<string, unknown> & { type: string; chatId: string };
}

export interface Scenario {
  file: string;
  chatId: string;
  events: ScriptedEvent[];
}

/** Parses one JSONL scenario; lines that are not events are skipped with a warning. */
export function parseScenario(file: string, text: string): Scenario | null {
  const events: Array<{ at: number; event: ScriptedEvent['event'] }> = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    try {
      const event = JSON.parse(trimmed) as ScriptedEvent['event'] & { at?: unknown };
      const at = typeof event.at === 'number' ? event.at : Date.parse(String(event.at));
      if (typeof event.chatId !== 'string' || !Number.isFinite(at)) throw new Error('no chatId/at');
      events.push({ at, event });
    } catch (err) {
      console.warn(`[demo] ${file}: line ${index + 1}: ${(err as Error).message}`);
    }
  });
  if (events.length === 0) return null;
  events.sort((a, b) => a.at - b.at);
  const start = events[0]!.at;
  return {
    file,
    chatId: events[0]!.event.chatId,
    events: events.map(({ at, event }) => ({ after: at - start, event })),
  };
}

/**
 * When each chat starts, in seconds from page load (negative: already under way). Chosen so
 * that, from the first minute: the open password-reset chat warns then breaches its first
 * response, the VIP double charge breaches, a waiting customer's gap warns, and new chats
 * keep arriving.
 */
export const START_OFFSETS_S: Record<string, number> = {
  'c-2003': -4, // password reset, nobody has answered: warning at ~16 s, breach at ~26 s
  'c-2001': -40, // late parcel: under way; its 93 s hold shows a gap warning
  'c-2002': 6, // VIP double charge: first response at 47 s, a breach
  'c-2006': 35, // data deletion request, unanswered
  'c-2004': 55, // damaged item: a 148 s wait after "let me check" breaches the gap
  'c-2005': 80, // enterprise cancellation with a manager request
};

export interface TimedEvent {
  /** Epoch ms at which to send the event (its `at`). */
  at: number;
  event: ScriptedEvent['event'];
}

/**
 * Lays every scenario on the page's timeline: `at` = load + offset + position × 1/speed.
 * Scenarios with no offset start one after another, a minute apart.
 */
export function schedule(
  scenarios: readonly Scenario[],
  loadedAt: number,
  options: { speed?: number; offsets?: Record<string, number> } = {},
): TimedEvent[] {
  const speed = options.speed && options.speed > 0 ? options.speed : 1;
  const offsets = options.offsets ?? START_OFFSETS_S;
  let next = 120;
  const timed: TimedEvent[] = [];
  for (const scenario of scenarios) {
    const offsetS = offsets[scenario.chatId] ?? next;
    if (offsets[scenario.chatId] === undefined) next += 60;
    const start = loadedAt + offsetS * 1000;
    for (const { after, event } of scenario.events) {
      const at = Math.round(start + after / speed);
      timed.push({ at, event: { ...event, at } });
    }
  }
  return timed.sort((a, b) => a.at - b.at);
}
