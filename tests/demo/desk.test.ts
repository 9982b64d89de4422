// The demo helpdesk's own state (demo/desk.ts): the widget's clock events and the desk's feed
// arrive over two connections, in either order; the inbox's SLA badge must not depend on it.
import { describe, expect, it } from 'vitest';
import { attention, createDesk } from '../../demo/desk.ts';

const started = { type: 'chat.started', chatId: 'c-1', at: 1_000, customer: { name: 'Ann' } };

describe('demo desk: clock states and the feed in either order', () => {
  it('keeps a clock state that came before the chat, and badges the chat when it appears', () => {
    const desk = createDesk();
    desk.setClock('c-1', 'firstResponse', 'breached');
    desk.apply(started);
    const chat = desk.get().conversations.find((c) => c.chatId === 'c-1')!;
    expect(chat.clocks.firstResponse).toBe('breached');
    expect(attention(chat)).toBe('breached');
  });

  it('applies a clock state to a chat it knows at once', () => {
    const desk = createDesk();
    desk.apply(started);
    desk.setClock('c-1', 'gap', 'warning');
    expect(attention(desk.get().conversations[0]!)).toBe('warning');
  });
});
