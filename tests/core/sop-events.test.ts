// Our extension (issue 15): playbook.opened and playbook.suggested, validated at the
// boundary, ignored by the timers, kept in the chat's state for the team report.
import { describe, expect, it } from 'vitest';
import { auditEvents, DEFAULT_CONFIG, validateEvent } from '../../src/core/index.ts';
import { collect, opened, suggested } from '../report/fixtures.ts';
import { agent, customer, iso, reply, started } from '../support/events.ts';

describe('SOP usage events', () => {
  it('accept an SOP id, or a list of at most five', () => {
    expect(
      validateEvent({ type: 'playbook.opened', chatId: 'c', at: 0, sopId: 's', by: 'a' }),
    ).toEqual({
      kind: 'event',
      event: { type: 'playbook.opened', chatId: 'c', at: 0, sopId: 's', by: 'a' },
    });
    const list = validateEvent({
      type: 'playbook.suggested',
      chatId: 'c',
      at: 0,
      sopIds: ['a', 'b'],
    });
    expect(list).toMatchObject({ kind: 'event', event: { sopIds: ['a', 'b'] } });
  });

  it('refuse a bad value, naming the field', () => {
    const error = (raw: Record<string, unknown>) => {
      const v = validateEvent({ chatId: 'c', at: iso(0), ...raw });
      return v.kind === 'invalid' ? v.error : v.kind;
    };
    expect(error({ type: 'playbook.opened' })).toMatch(/^sopId: /);
    expect(error({ type: 'playbook.suggested', sopIds: 's' })).toMatch(/^sopIds: /);
    expect(error({ type: 'playbook.suggested', sopIds: ['1', '2', '3', '4', '5', '6'] })).toMatch(
      /^sopIds: must be a list of at most 5/,
    );
    expect(error({ type: 'playbook.suggested', sopIds: ['a', ''] })).toMatch(/^sopIds: /);
    expect(error({ type: 'playbook.suggested', sopIds: ['x'.repeat(101)] })).toMatch(
      /^sopIds: is 101 characters, more than 100/,
    );
  });

  it('are counted once per SOP in the chat, and change no timer', () => {
    const chat = [
      started('c', 0, { name: 'Dana' }),
      customer('c', 'm1', 0),
      suggested('c', 1, ['a', 'b']),
      suggested('c', 2, ['b', 'c']),
      opened('c', 3, 'b'),
      opened('c', 4, 'b'),
      reply('c', 5, 'a', 'r', false),
      agent('c', 'm2', 50, 'Hi Dana', { agentId: 'ann' }),
    ];
    const [facts] = collect(chat);
    expect(facts?.sops).toEqual({ suggested: ['a', 'b', 'c'], opened: ['b'], inserted: ['a'] });
    const plain = chat.filter(
      (e) => e.type !== 'playbook.suggested' && e.type !== 'playbook.opened',
    );
    expect(auditEvents(chat, DEFAULT_CONFIG).chats).toEqual(
      auditEvents(plain, DEFAULT_CONFIG).chats,
    );
  });
});
