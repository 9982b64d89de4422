import { describe, expect, it } from 'vitest';
import type { ConversationLine } from '../../src/models/chats.ts';
import {
  blankOf,
  completeReply,
  labelOf,
  prepareFields,
  validateHostFields,
} from '../../src/models/fill.ts';
import type { SopReply } from '../../src/search/types.ts';
import { T0 } from './fakes.ts';
import { harness, msg, started } from './harness.ts';

const ORDER = '\\bSO-?\\d{6}\\b';
const reply: SopReply = {
  id: 'r-update',
  title: 'Tracking update',
  text: 'Hi {customer.firstName}, order {orderNumber} is with {carrier}: {trackingUrl}',
  fields: {
    orderNumber: { label: 'Order number', pattern: ORDER, required: true },
    trackingUrl: { label: 'Tracking URL', pattern: 'https?://\\S+' },
  },
};

let seq = 0;
const line = (author: 'customer' | 'agent', text: string, s: number): ConversationLine => ({
  id: `m${++seq}`,
  seq,
  author,
  text,
  at: T0 + s * 1000,
});

describe('prepareFields', () => {
  const chat = { 'customer.firstName': 'Dana' };

  it('offers every placeholder the chat does not fill, filled from the latest customer match', () => {
    const conversation = [
      line('customer', 'my order SO-111111 is late', 1),
      line(
        'customer',
        'oops, the right one is SO-222222, tracking https://t.example/PL9 says nothing',
        5,
      ),
      line('agent', 'Checking SO-999999 for you', 6),
    ];
    const form = prepareFields(reply, chat, undefined, conversation);
    expect(form.fields).toEqual(['orderNumber', 'carrier', 'trackingUrl']);
    expect(form.values).toEqual({
      orderNumber: 'SO-222222',
      carrier: '',
      trackingUrl: 'https://t.example/PL9',
    });
    expect(form.found.orderNumber).toEqual({
      value: 'SO-222222',
      source: {
        kind: 'transcript',
        at: T0 + 5000,
        quote: 'oops, the right one is SO-222222, tracking https://t.example/PL9 says nothing',
      },
    });
    expect(form.found.carrier).toBeUndefined();
  });

  it('quotes a long message around the match', () => {
    const long = `${'blah '.repeat(30)}my order is SO-444444\n and ${'more '.repeat(30)}`;
    const form = prepareFields(reply, chat, undefined, [line('customer', long, 1)]);
    const { quote } = form.found.orderNumber!.source as { quote: string };
    expect(quote).toBe(
      '…ah blah blah blah my order is SO-444444 and more more more more more more more …',
    );
  });

  it("prefers the host's value, and names the host as its source", () => {
    const host = { source: 'Zendesk', values: { orderNumber: 'SO-333333', carrier: 'Parcelink' } };
    const form = prepareFields(reply, chat, host, [line('customer', 'SO-111111', 1)]);
    expect(form.values).toMatchObject({ orderNumber: 'SO-333333', carrier: 'Parcelink' });
    expect(form.found.orderNumber!.source).toEqual({ kind: 'host', name: 'Zendesk' });
  });

  it('asks for a chat placeholder the chat cannot fill (no customer name)', () => {
    expect(prepareFields(reply, {}, undefined, []).fields[0]).toBe('customer.firstName');
  });
});

describe('completeReply and blanks', () => {
  it('marks each empty field with its label, and lists the required ones still empty', () => {
    const done = completeReply(reply, { 'customer.firstName': 'Dana', trackingUrl: ' ' });
    expect(done).toEqual({
      text: 'Hi Dana, order [order number] is with [carrier]: [tracking URL]',
      known: 'Hi Dana, order  is with : ',
      blanks: ['orderNumber', 'carrier', 'trackingUrl'],
      required: ['orderNumber'],
    });
  });

  it('keeps an acronym as written and labels undeclared fields from their names', () => {
    const sku: SopReply = { ...reply, fields: { sku: { label: 'SKU code' } } };
    expect(blankOf(sku, 'sku')).toBe('[SKU code]');
    expect(labelOf(sku, 'newDeliveryDate')).toBe('New delivery date');
    expect(blankOf(sku, 'toString')).toBe('[to string]');
  });
});

describe('validateHostFields', () => {
  it('takes names and string or number values, trimmed, leaving out empty ones', () => {
    expect(
      validateHostFields({ orderNumber: ' SO-1 ', amount: 89, note: '  ' }, 'Zendesk'),
    ).toEqual({
      ok: true,
      fields: { source: 'Zendesk', values: { orderNumber: 'SO-1', amount: '89' } },
    });
    expect(validateHostFields({})).toEqual({
      ok: true,
      fields: { source: 'the helpdesk', values: {} },
    });
  });

  it.each([
    [null, undefined, 'fields', 'must be an object of at most 50 values'],
    [{ 'order number': 'x' }, undefined, 'fields.order number', 'is not a placeholder name'],
    [
      { orderNumber: { id: 1 } },
      undefined,
      'fields.orderNumber',
      'must be a string or a number, at most 500',
    ],
    [{ orderNumber: 'x'.repeat(501) }, undefined, 'fields.orderNumber', 'at most 500 characters'],
    [
      Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'v'])),
      undefined,
      'fields',
      'at most 50 values',
    ],
    [{}, '', 'source', "must be the host's name"],
    [{}, 42, 'source', "must be the host's name"],
  ])('refuses %j (source %j), naming the field', (input, source, field, message) => {
    const result = validateHostFields(input, source);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe(field);
      expect(result.message).toContain(message);
    }
  });
});

describe('commands: a draft filled from what is known', () => {
  function setup() {
    const h = harness({ agent: { id: 'a-3', name: 'Sam' } });
    h.feed(started('c-1', 0, 'Dana Lee'), msg('c-1', 'm1', 2, 'customer', 'where is SO-558120?'));
    return h;
  }

  it('opens the form with found values; a required blank blocks, an optional one goes in marked', () => {
    const h = setup();
    h.store.commands.chooseReply('c-1', 'CS-SH-001', reply);
    const draft = h.store.commands.draft.value!;
    expect(draft.values).toEqual({ orderNumber: 'SO-558120', carrier: '', trackingUrl: '' });
    h.store.commands.setDraftValue('orderNumber', '');
    expect(h.store.commands.insertDraft()).toEqual(['orderNumber']);
    expect(h.store.commands.draft.value!.showErrors).toBe(true);
    expect(h.replies).toEqual([]);
    h.store.commands.setDraftValue('orderNumber', 'SO-558120');
    expect(h.store.commands.insertDraft()).toBeNull();
    expect(h.store.commands.draft.value).toBeNull();
    expect(h.replies).toEqual([
      {
        chatId: 'c-1',
        sopId: 'CS-SH-001',
        replyId: 'r-update',
        text: 'Hi Dana, order SO-558120 is with [carrier]: [tracking URL]',
      },
    ]);
  });

  it("fills from the host's fields for that chat, the latest call replacing the last", () => {
    const h = setup();
    h.store.commands.setHostFields('c-1', { source: 'Zendesk', values: { carrier: 'DPD' } });
    h.store.commands.setHostFields('c-1', { source: 'Zendesk', values: { carrier: 'Parcelink' } });
    h.store.commands.setHostFields('c-2', { source: 'Zendesk', values: { carrier: 'UPS' } });
    h.store.commands.chooseReply('c-1', 'CS-SH-001', reply);
    const draft = h.store.commands.draft.value!;
    expect(draft.values.carrier).toBe('Parcelink');
    expect(draft.found.carrier!.source).toEqual({ kind: 'host', name: 'Zendesk' });
  });

  it('inserts at once when the chat fills every placeholder', () => {
    const h = setup();
    const hello: SopReply = {
      id: 'r-hi',
      title: 'Hi',
      text: 'Hi {customer.firstName}, {agent.name} here.',
    };
    h.store.commands.chooseReply('c-1', 'CS-SH-001', hello);
    expect(h.store.commands.draft.value).toBeNull();
    expect(h.replies.map((r) => r.text)).toEqual(['Hi Dana, Sam here.']);
  });
});
