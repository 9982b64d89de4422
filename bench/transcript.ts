// A seeded generator of realistic chat transcripts (JSONL) for benchmarks and soak tests.
// Chats overlap in time like a busy team's queue; a small share of lines arrive late,
// repeat, or are broken, as they do from real webhooks.
import { mulberry32 } from './random.mjs';

export { mulberry32 };

const NAMES = ['Dana Lee', 'Sam Ortiz', 'Priya Nair', 'Zoë Martin', 'Kenji Sato', 'Amara Obi'];
const CUSTOMER_LINES = [
  'Hi, my order never arrived',
  'I was charged twice for the same order',
  "I can't log in to my account",
  'The parcel arrived damaged, the box was crushed',
  'I want to cancel my subscription',
  'Where is my refund? It has been two weeks',
  'Can I change the delivery address?',
];
const AGENT_LINES = [
  'Hi {name}! Thanks for reaching out, I can help with that.',
  'Let me check that for you.',
  'Thanks for waiting. I can see the order here.',
  "I'll have an answer within 10 minutes.",
  'Is there anything else I can help with?',
  'Thank you for chatting with us, your case reference is {ref}.',
];

/** The agents of a `widget` transcript: a team of 40. */
const AGENT_IDS = Array.from({ length: 40 }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
/** The SOP ids the widget suggests from (a library of 30). */
const SOP_IDS = Array.from({ length: 30 }, (_, i) => `CS-${String(i + 1).padStart(3, '0')}`);

export interface TranscriptOptions {
  events: number;
  seed?: number;
  /**
   * A transcript as our own server logs it: agent ids on agents' messages, assignments and
   * transfers, and the widget's events (suggestions, SOPs opened, replies inserted, notes and
   * QA tags after the close). Without it, the protocol's events alone, as before.
   */
  widget?: boolean;
  /** Share of lines moved a few positions later (0–1). */
  lateShare?: number;
  duplicateShare?: number;
  invalidShare?: number;
}

/** Generates the lines of a transcript (without trailing newlines). */
export function generateTranscript(options: TranscriptOptions): string[] {
  const random = mulberry32(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const t0 = Date.parse('2026-11-23T08:00:00.000Z');
  const rows: Array<{ at: number; line: string }> = [];
  let chat = 0;
  while (rows.length < options.events) {
    const chatId = `c-${String(chat++).padStart(7, '0')}`;
    const name = pick(NAMES);
    const first = name.split(' ')[0]!;
    let at = t0 + Math.floor(random() * 8 * 3600_000);
    const tier = random() < 0.1 ? 'vip' : 'standard';
    const startedEvent: Record<string, unknown> = {
      type: 'chat.started',
      chatId,
      at: new Date(at).toISOString(),
      customer: { id: `u-${chat}`, name, tier },
      channel: random() < 0.3 ? 'mobile' : 'web',
    };
    const widget = options.widget ? widgetEvents(random, chatId) : null;
    if (widget && random() < 0.6) startedEvent.assignee = widget.agent();
    rows.push({ at, line: JSON.stringify(startedEvent) });
    const messages = 8 + Math.floor(random() * 24);
    for (let m = 0; m < messages && rows.length < options.events; m++) {
      at += 3000 + Math.floor(random() * 140_000);
      const roll = random();
      const author =
        roll < 0.5 ? 'customer' : roll < 0.93 ? 'agent' : roll < 0.97 ? 'bot' : 'system';
      const text =
        author === 'customer'
          ? pick(CUSTOMER_LINES)
          : pick(AGENT_LINES).replace('{name}', first).replace('{ref}', chatId);
      const event: Record<string, unknown> = {
        type: 'message',
        chatId,
        id: `m${m}`,
        at: random() < 0.5 ? new Date(at).toISOString() : at,
        author,
        text,
      };
      if (author === 'agent' && random() < 0.05) event.internal = true;
      if (widget) widget.around(event, at, text, rows);
      rows.push({ at, line: JSON.stringify(event) });
    }
    if (rows.length < options.events && random() < 0.9) {
      at += 5000 + Math.floor(random() * 60_000);
      rows.push({
        at,
        line: JSON.stringify({ type: 'chat.closed', chatId, at: new Date(at).toISOString() }),
      });
      widget?.afterClose(at, rows);
    }
  }
  rows.length = options.events;
  rows.sort((a, b) => a.at - b.at);
  const lines = rows.map((r) => r.line);
  const swap = (i: number, j: number) => {
    const tmp = lines[i]!;
    lines[i] = lines[j]!;
    lines[j] = tmp;
  };
  const n = lines.length;
  for (let k = Math.floor(n * (options.lateShare ?? 0.01)); k > 0; k--) {
    const i = Math.floor(random() * (n - 50));
    swap(i, i + 1 + Math.floor(random() * 40));
  }
  for (let k = Math.floor(n * (options.duplicateShare ?? 0.005)); k > 0; k--) {
    const i = Math.floor(random() * (n - 20));
    lines[i + 1 + Math.floor(random() * 10)] = lines[i]!;
  }
  for (let k = Math.floor(n * (options.invalidShare ?? 0.001)); k > 0; k--) {
    lines[Math.floor(random() * n)] = '{"type":"message","chatId":"broken"';
  }
  return lines;
}

/**
 * One chat's widget side for a `widget` transcript: its agent (who may hand it over), and the
 * events the sidebar logs around its messages. Draws from the transcript's generator only for
 * `widget` transcripts, so the plain one stays as it was.
 */
function widgetEvents(random: () => number, chatId: string) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let agent = pick(AGENT_IDS);
  let suggested: string[] = [];
  const add = (rows: Array<{ at: number; line: string }>, at: number, event: object) =>
    rows.push({ at, line: JSON.stringify({ chatId, at: new Date(at).toISOString(), ...event }) });
  return {
    agent: () => agent,
    /** Before a message: a transfer now and then, fresh suggestions, a reply inserted. */
    around(
      event: Record<string, unknown>,
      at: number,
      text: string,
      rows: Array<{ at: number; line: string }>,
    ): void {
      if (event.author === 'customer') {
        if (suggested.length === 0 || random() < 0.15) {
          suggested = [pick(SOP_IDS), pick(SOP_IDS), pick(SOP_IDS)];
          add(rows, at + 1000, { type: 'playbook.suggested', sopIds: suggested, by: agent });
          if (random() < 0.4) {
            add(rows, at + 4000, { type: 'playbook.opened', sopId: suggested[0], by: agent });
          }
        }
        return;
      }
      if (event.author !== 'agent') return;
      if (random() < 0.02) {
        agent = pick(AGENT_IDS);
        add(rows, at - 3000, { type: 'chat.assigned', agentId: agent });
      }
      event.agentId = agent;
      if (suggested.length > 0 && random() < 0.3) {
        add(rows, at - 2000, {
          type: 'playbook.reply',
          sopId: suggested[0],
          replyId: 'r1',
          filled: true,
          text,
          by: agent,
        });
      }
    },
    /** After the close: a note, now and then a QA tag. */
    afterClose(at: number, rows: Array<{ at: number; line: string }>): void {
      if (random() < 0.08) {
        add(rows, at + 30_000, {
          type: 'playbook.note',
          text: 'Customer will call back',
          by: agent,
        });
      }
      if (random() < 0.03) {
        add(rows, at + 60_000, {
          type: 'playbook.check',
          item: 'qa',
          checked: true,
          reason: 'Tone',
          by: agent,
        });
      }
    },
  };
}
