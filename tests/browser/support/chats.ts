// Chats in known clock states, timed relative to the page's clock when they are sent, for
// the DOM-contract tests. Thresholds are the protocol defaults (30/20 s first response,
// 120/90 s gap).
import type { Page } from 'playwright-core';

export interface TimedEvent {
  /** Seconds relative to now (negative: in the past). */
  t: number;
  event: Record<string, unknown>;
}

const started = (chatId: string, t: number, name: string, extra: Record<string, unknown> = {}) => ({
  t,
  event: {
    type: 'chat.started',
    chatId,
    customer: { id: `u-${chatId}`, name, tier: 'standard' },
    channel: 'web',
    caseRef: `CS-${chatId.slice(2)}`,
    ...extra,
  },
});
const say = (chatId: string, id: string, t: number, author: string, text: string) => ({
  t,
  event: {
    type: 'message',
    chatId,
    id,
    author,
    text,
    ...(author === 'agent' ? { agentId: 'a-3' } : {}),
  },
});

/** chatId → expected [firstResponse, gap] states. */
export const EXPECTED_STATES: Record<string, [string, string]> = {
  'c-ok': ['ok', 'ok'],
  'c-warn': ['warning', 'ok'],
  'c-breach': ['breached', 'ok'],
  'c-gapwarn': ['met', 'warning'],
  'c-gapbreach': ['met', 'breached'],
  'c-closed': ['met', 'stopped'],
};

export const CHATS: TimedEvent[] = [
  started('c-ok', -5, 'Maya Okafor'),
  say(
    'c-ok',
    'm1',
    -4,
    'customer',
    'Hi, my order was supposed to arrive yesterday and it still hasnt come. Where is my parcel?',
  ),
  // 22 s in: a warning for the next 8 s (margin for a busy test machine).
  started('c-warn', -22, 'Tom Becker'),
  say('c-warn', 'm1', -21, 'customer', 'hi you charged me twice for my last order'),
  started('c-breach', -45, 'Lukas Brenner'),
  say(
    'c-breach',
    'm1',
    -44,
    'customer',
    'i cant log in to my account, the password reset email never comes',
  ),
  started('c-gapwarn', -200, 'Aisha Rahman'),
  say(
    'c-gapwarn',
    'm1',
    -198,
    'customer',
    'my coffee grinder arrived today and the lid is cracked',
  ),
  say(
    'c-gapwarn',
    'm2',
    -190,
    'agent',
    'Hi Aisha, I am Sam. Sorry it arrived damaged. Could you send a photo?',
  ),
  say('c-gapwarn', 'm3', -100, 'customer', 'here is the photo'),
  started('c-gapbreach', -300, 'Daniel Moreau'),
  say('c-gapbreach', 'm1', -298, 'customer', 'I want to cancel our subscription'),
  say('c-gapbreach', 'm2', -290, 'agent', 'Hi Daniel, I am Sam and I can help with that.'),
  say('c-gapbreach', 'm3', -140, 'customer', 'hello? anyone there?'),
  started('c-closed', -100, 'Sofia Lindqvist'),
  say('c-closed', 'm1', -98, 'customer', 'please delete my account'),
  say('c-closed', 'm2', -90, 'agent', 'Hi Sofia, I am Sam. I can help with that.'),
  { t: -60, event: { type: 'chat.closed', chatId: 'c-closed' } },
];

/** Sends `events` through ChatPlaybook('events'), each `at` = now + t seconds. */
export async function sendTimed(page: Page, events: TimedEvent[]): Promise<void> {
  await page.evaluate((list) => {
    const now = Date.now();
    const cp = (window as unknown as { ChatPlaybook: (...args: unknown[]) => unknown })
      .ChatPlaybook;
    cp(
      'events',
      list.map(({ t, event }) => ({ ...event, at: now + t * 1000 })),
    );
  }, events);
}

export async function command(page: Page, ...args: unknown[]): Promise<void> {
  await page.evaluate((list) => {
    const cp = (window as unknown as { ChatPlaybook: (...args: unknown[]) => unknown })
      .ChatPlaybook;
    cp(...list);
  }, args);
}
