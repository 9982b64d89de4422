// The batch audit's own bookkeeping (src/core/audit.ts), beyond what the property tests in
// properties.test.ts reach with their short generated chats.
import { describe, expect, it } from 'vitest';
import { auditEvents, type ChatEvent, DEFAULT_CONFIG } from '../../src/core/index.ts';
import { agent, closed, customer, started } from '../support/events.ts';

/** A chat of `turns` customer/agent exchanges, one second apart. */
function longChat(chatId: string, turns: number): ChatEvent[] {
  const events: ChatEvent[] = [started(chatId, 0, { name: 'Ana Silva' })];
  for (let i = 0; i < turns; i++) {
    events.push(customer(chatId, `c${i}`, 1 + 2 * i, `Question ${i}`));
    events.push(agent(chatId, `a${i}`, 2 + 2 * i, `Answer ${i}`));
  }
  return events;
}

describe('duplicate messages in a long chat', () => {
  // A chat keeps its first ids in a list and moves them to a set past 32: copies of ids
  // from both sides of that switch, and of the newest id, must count as duplicates.
  it.each([10, 16, 17, 40, 200])('with %i exchanges, every copy is a duplicate', (turns) => {
    const original = [...longChat('c-1', turns), closed('c-1', 3 * turns + 10)];
    const body = original.slice(0, -1);
    // Redelivered after the chat moved on (a later `at`), so they reach the in-order path,
    // not the replay that an out-of-order copy would send the chat to.
    const last = body.at(-1)!.at;
    const copies = [body[1]!, body[2 * turns - 1]!, body.at(-1)!].map((e, i) => ({
      ...e,
      at: last + 1000 * (i + 1),
    }));
    const withCopies = [...body, ...copies, original.at(-1)!];
    const base = auditEvents(original, DEFAULT_CONFIG);
    const audited = auditEvents(withCopies, DEFAULT_CONFIG);
    expect(audited.chats).toEqual(base.chats);
    expect(audited.summary.duplicates).toBe(3);
  });

  it('a message with a new id late in a long chat is applied, not taken for a copy', () => {
    const events = longChat('c-2', 40);
    const answered = auditEvents(
      [...events, customer('c-2', 'late', 200), agent('c-2', 'reply', 230)],
      DEFAULT_CONFIG,
    );
    expect(answered.summary.duplicates).toBe(0);
    expect(answered.chats[0]!.longestGapS).toBe(30);
  });
});
