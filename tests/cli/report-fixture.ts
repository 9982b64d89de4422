// A small team's month of chats for the report tests (CLI and Chromium): three agents (one
// with a hostile id), breaches at different hours, escalations, SOPs suggested, opened and
// used from demo/library, and customer questions no SOP answers. Deterministic.

export const HOSTILE_AGENT = '<img src=x onerror=alert(1)>';
export const AGENTS = ['a-1', 'a-2', HOSTILE_AGENT] as const;
export const UNANSWERED = 'Can I pay with bitcoin or dogecoin?';

const DAY = 86_400_000;
/** Monday 2026-11-02 00:00 UTC. */
const FIRST_DAY = Date.UTC(2026, 10, 2);

/** 36 chats over three weeks of November 2026, as JSONL. */
export function reportTranscript(): string {
  const lines: object[] = [];
  const iso = (at: number) => new Date(at).toISOString();
  for (let i = 0; i < 36; i++) {
    const chatId = `c-${String(i + 1).padStart(3, '0')}`;
    const agentId = AGENTS[i % AGENTS.length]!;
    const start = FIRST_DAY + Math.floor(i / 2) * DAY + (8 + (i % 10)) * 3_600_000;
    // Every fourth chat is answered late (45 s), every fifth waits 3 minutes for an update.
    const late = i % 4 === 3;
    const firstResponse = start + (late ? 45_000 : 12_000 + (i % 3) * 5_000);
    const escalates = i % 6 === 5;
    lines.push({
      type: 'chat.started',
      chatId,
      at: iso(start),
      customer: { id: `u-${i}`, name: i % 2 === 0 ? 'Dana Lee' : 'Sam Roe' },
      channel: 'web',
    });
    lines.push({
      type: 'message',
      chatId,
      id: 'm1',
      at: iso(start + 2_000),
      author: 'customer',
      text: i % 7 === 0 ? UNANSWERED : 'Hi, my order never arrived',
    });
    lines.push({
      type: 'playbook.suggested',
      chatId,
      at: iso(start + 3_000),
      sopIds: ['CS-SH-001', 'CS-OR-001'],
    });
    const name = i % 2 === 0 ? 'Dana' : 'Sam';
    lines.push({
      type: 'message',
      chatId,
      id: 'm2',
      at: iso(firstResponse),
      author: 'agent',
      agentId,
      text: i % 5 === 1 ? 'Hello, looking into it.' : `Hi ${name}! Sorry to hear that.`,
    });
    if (i % 3 === 0) {
      lines.push({
        type: 'playbook.opened',
        chatId,
        at: iso(firstResponse + 1_000),
        sopId: 'CS-SH-001',
      });
    }
    const ask = firstResponse + 10_000;
    lines.push({
      type: 'message',
      chatId,
      id: 'm3',
      at: iso(ask),
      author: 'customer',
      text: escalates ? 'This is ridiculous, I want to speak to a manager' : 'It was due on Monday',
    });
    const wait = i % 5 === 4 ? 180_000 : 40_000;
    lines.push({
      type: 'message',
      chatId,
      id: 'm4',
      at: iso(ask + wait),
      author: 'agent',
      agentId,
      text: 'Thanks for waiting, I have sent a replacement.',
    });
    lines.push({ type: 'chat.closed', chatId, at: iso(ask + wait + 60_000) });
  }
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
}
