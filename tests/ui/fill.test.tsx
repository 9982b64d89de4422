// @vitest-environment jsdom
// Replies with fill-ins from data: values found in the transcript by the library's patterns
// and given by the host, each shown with its source; blanks the agent may leave, marked.
import { fireEvent } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SopLibrary } from '../../src/search/types.ts';
import { T0 } from '../models/fakes.ts';
import { msg, started } from '../models/harness.ts';
import { advance, flush, mount, startTime } from './helpers.ts';

beforeEach(() => startTime());
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const TEXT =
  'Thanks {customer.firstName}! Order {orderNumber} is with {carrier}. Follow it here: {trackingUrl}';

/** A library as a team writes it: the SOP declares its fields and their patterns. */
const LIBRARY = {
  format: 'sop-library/1',
  sops: [
    {
      id: 'CS-SH-001',
      title: 'Shipping delays',
      tags: ['parcel'],
      steps: [{ text: 'Check the parcel tracking', replies: ['r-update'] }],
      fields: {
        orderNumber: { label: 'Order number', pattern: '\\bSO-?\\d{6}\\b', required: true },
        trackingUrl: { label: 'Tracking URL', pattern: 'https?://\\S+' },
      },
      replies: [{ id: 'r-update', title: 'Tracking update', text: TEXT }],
    },
  ],
} satisfies Record<string, unknown> as unknown as SopLibrary;

const time = (s: number) => new Date(T0 + s * 1000).toTimeString().slice(0, 5);

async function chooseUpdate(options: { fields?: [Record<string, unknown>, string?] } = {}) {
  const w = await mount({ library: LIBRARY });
  const replies: { text: string }[] = [];
  w.widget.on('reply', (p) => replies.push(p));
  if (options.fields) w.widget.fields('c-1', ...options.fields);
  await w.push(
    started('c-1', 0, 'Dana Lee'),
    msg('c-1', 'm1', 2, 'customer', 'my parcel SO-111111 is late'),
    msg('c-1', 'm2', 9, 'agent', 'Hi Dana, let me check SO-999999'),
    msg('c-1', 'm3', 20, 'customer', 'sorry, wrong number: the parcel is SO-558120'),
  );
  await advance(200);
  fireEvent.click(w.$('[data-cp-suggestion="CS-SH-001"] [data-cp-reply="r-update"]')!);
  await flush();
  const field = (name: string) => w.$<HTMLInputElement>(`[data-cp-field="${name}"]`)!;
  const sourceOf = (name: string) => {
    const id = field(name).getAttribute('aria-describedby')?.split(' ')[0];
    return id ? w.root.getElementById(id)?.textContent : undefined;
  };
  return { w, replies, field, sourceOf };
}

describe('fill-ins from data', () => {
  it('fills a field from the latest customer message that matches its pattern, saying which', async () => {
    const { w, field, sourceOf } = await chooseUpdate();
    expect(field('orderNumber').value).toBe('SO-558120');
    expect(sourceOf('orderNumber')).toBe(
      `from the transcript, ${time(20)}: “sorry, wrong number: the parcel is SO-558120”`,
    );
    expect(field('orderNumber').labels![0]!.textContent).toBe('Order number (required)');
    // Nothing matched: an empty field, no source, and the focus waits there.
    expect(field('trackingUrl').value).toBe('');
    expect(sourceOf('trackingUrl')).toBeUndefined();
    expect(w.root.activeElement).toBe(field('carrier'));
    // The chat's own values say where they came from too.
    expect(w.$('[data-cp-from-chat]')!.textContent).toBe('From the chat: customer first name Dana');
    w.widget.destroy();
  });

  it('drops the source once the agent changes the value', async () => {
    const { w, field, sourceOf } = await chooseUpdate();
    fireEvent.input(field('orderNumber'), { target: { value: 'SO-558121' } });
    await flush();
    expect(sourceOf('orderNumber')).toBeUndefined();
    w.widget.destroy();
  });

  it("takes the host's fields first, shown as from the host", async () => {
    const { w, field, sourceOf } = await chooseUpdate({
      fields: [{ orderNumber: 'SO-700001', carrier: 'Parcelink' }, 'Zendesk'],
    });
    expect(field('orderNumber').value).toBe('SO-700001');
    expect(sourceOf('orderNumber')).toBe('from Zendesk');
    expect(field('carrier').value).toBe('Parcelink');
    expect(w.root.activeElement).toBe(field('trackingUrl'));
    w.widget.destroy();
  });

  it('refuses bad host fields with an error naming the field, keeping the good ones', async () => {
    const w = await mount({ library: LIBRARY });
    w.widget.fields('c-1', { carrier: 'Parcelink' });
    w.widget.fields('c-1', { 'order number': 'SO-1' });
    w.widget.fields('', { carrier: 'DPD' });
    await flush();
    expect(w.events.error).toEqual([
      {
        field: 'fields.order number',
        message: "fields.order number: is not a placeholder name (letters, digits, '.', '_', '-')",
      },
      { field: 'chatId', message: 'chatId: fields needs a chat id' },
    ]);
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'parcel?'));
    await advance(200);
    fireEvent.click(w.$('[data-cp-reply="r-update"]')!);
    await flush();
    expect(w.$<HTMLInputElement>('[data-cp-field="carrier"]')!.value).toBe('Parcelink');
    expect(w.$('#cp-fill-1 ~ .cp-source')!.textContent).toBe('from the helpdesk');
    w.widget.destroy();
  });

  it('inserts with blanks visibly marked; the checklist ticks only when the reply is sent', async () => {
    const { w, replies, field } = await chooseUpdate();
    const preview = w.$('[data-cp-preview]')!;
    expect([...preview.querySelectorAll('.cp-blank')].map((b) => b.textContent)).toEqual([
      '[carrier]',
      '[tracking URL]',
    ]);
    fireEvent.submit(field('carrier').form!);
    await flush();
    const inserted =
      'Thanks Dana! Order SO-558120 is with [carrier]. Follow it here: [tracking URL]';
    expect(replies.map((r) => r.text)).toEqual([inserted]);
    expect(w.$('[data-cp-fill]')).toBeNull();
    const snippet = () => w.$('[data-cp-check="snippet"]')!;
    expect(snippet().getAttribute('aria-checked')).toBe('false');
    // The agent completes the blanks in the composer and sends it.
    await w.push({
      type: 'message',
      chatId: 'c-1',
      id: 'a-2',
      at: 40,
      author: 'agent',
      text: 'Thanks Dana! Order SO-558120 is with Parcelink. Follow it here: https://t.example/PL9',
    });
    expect(snippet().getAttribute('aria-checked')).toBe('true');
    expect(snippet().dataset.cpSource).toBe('auto');
    w.widget.destroy();
  });

  it('keeps the form open on a required field left empty, and says so there', async () => {
    const { w, replies, field } = await chooseUpdate();
    fireEvent.input(field('orderNumber'), { target: { value: ' ' } });
    fireEvent.submit(field('orderNumber').form!);
    await flush();
    expect(replies).toEqual([]);
    expect(field('orderNumber').getAttribute('aria-invalid')).toBe('true');
    expect(w.root.activeElement).toBe(field('orderNumber'));
    const error = field('orderNumber').getAttribute('aria-describedby')!;
    expect(w.root.getElementById(error)!.textContent).toBe('Fill in order number first.');
    // Optional fields never block.
    expect(field('carrier').getAttribute('aria-invalid')).toBeNull();
    w.widget.destroy();
  });
});

describe('fill-in form: focus', () => {
  it('keeps the focus in the field the agent is typing in', async () => {
    // Only the order number is found: focus starts in the first blank (carrier).
    const { w, field } = await chooseUpdate();
    expect(w.root.activeElement).toBe(field('carrier'));
    for (const typed of ['D', 'DH', 'DHL']) {
      fireEvent.input(field('carrier'), { target: { value: typed } });
      await flush();
      expect(w.root.activeElement).toBe(field('carrier'));
    }
    w.widget.destroy();
  });
});

describe('fill-in form: field names', () => {
  it('opens for fields named like object properties (constructor, toString, __proto__)', async () => {
    const library = {
      format: 'sop-library/1',
      sops: [
        {
          id: 'CS-X',
          title: 'Odd names',
          tags: ['odd'],
          steps: [{ text: 'Say the odd things', replies: ['r-odd'] }],
          replies: [
            { id: 'r-odd', title: 'Odd', text: 'A {constructor} B {toString} C {__proto__}' },
          ],
        },
      ],
    } satisfies Record<string, unknown> as unknown as SopLibrary;
    const w = await mount({ library });
    await w.push(started('c-1', 0), msg('c-1', 'm1', 1, 'customer', 'odd things please'));
    await advance(200);
    fireEvent.click(w.$('[data-cp-reply="r-odd"]')!);
    await flush();
    expect(w.$$('[data-cp-fill] [data-cp-field]').map((f) => f.dataset.cpField)).toEqual([
      'constructor',
      'toString',
      '__proto__',
    ]);
    expect(w.root.activeElement).toBe(w.$('[data-cp-field="constructor"]'));
    w.widget.destroy();
  });
});
