import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHAT_PLACEHOLDERS,
  fieldLabel,
  fillInFields,
  fillTemplate,
  isValidTemplate,
  parseTemplate,
  placeholderNames,
} from '../../src/search/placeholders.ts';

const reply =
  "Thanks {customer.firstName}! Could you share your order number? I'll have an answer within {timeframe}.";

describe('parseTemplate', () => {
  it('splits text and fields in order', () => {
    expect(parseTemplate(reply)).toEqual({
      ok: true,
      parts: [
        { kind: 'text', text: 'Thanks ' },
        { kind: 'field', name: 'customer.firstName' },
        { kind: 'text', text: "! Could you share your order number? I'll have an answer within " },
        { kind: 'field', name: 'timeframe' },
        { kind: 'text', text: '.' },
      ],
    });
  });

  it('accepts letters, digits, dot, underscore and dash in names', () => {
    expect(parseTemplate('{a.B_c-9}')).toEqual({
      ok: true,
      parts: [{ kind: 'field', name: 'a.B_c-9' }],
    });
  });

  it('treats text without braces as one text part, and empty text as no parts', () => {
    expect(parseTemplate('Hello there')).toEqual({
      ok: true,
      parts: [{ kind: 'text', text: 'Hello there' }],
    });
    expect(parseTemplate('')).toEqual({ ok: true, parts: [] });
  });

  it.each([
    ['Hi {{customer.name}}', "'{{' is not allowed", 4],
    ['Hi {customer.name', "unclosed '{'", 4],
    ['Hi {customer.name and {agent.name}', "unclosed '{'", 4],
    ['Hi {}', "empty placeholder '{}'", 4],
    ['Hi } there', "stray '}'", 4],
    ['Order {order number}', 'character " " is not allowed in a placeholder name', 13],
    ['Order {order#}', 'character "#" is not allowed', 13],
  ])('rejects %j with a message naming what and where', (text, what, character) => {
    const result = parseTemplate(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(what);
    expect(result.error).toContain(`at character ${character}`);
    expect(result.position).toBe(character - 1);
  });

  it('quotes the text around the problem', () => {
    const result = parseTemplate('Your refund of {amount will arrive soon');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('{amount will');
  });

  it('round-trips: joining the parts gives back the text', () => {
    const piece = fc.oneof(
      fc.string().map((s) => s.replace(/[{}]/g, '')),
      fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).map((name) => `{${name}}`),
    );
    fc.assert(
      fc.property(fc.array(piece), (pieces) => {
        const text = pieces.join('');
        const parsed = parseTemplate(text);
        if (!parsed.ok) return false;
        const joined = parsed.parts
          .map((p) => (p.kind === 'text' ? p.text : `{${p.name}}`))
          .join('');
        return joined === text;
      }),
    );
  });
});

describe('isValidTemplate', () => {
  it('accepts exactly what parseTemplate accepts', () => {
    const text = fc
      .array(fc.constantFrom('{', '}', 'a', '.', '-', ' ', '\n', 'é', '{a}', '{{', '}}', '{}'), {
        maxLength: 12,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (t) => isValidTemplate(t) === parseTemplate(t).ok),
      { numRuns: 2000 },
    );
    expect(isValidTemplate(reply)).toBe(true);
  });
});

describe('fillInFields', () => {
  it('lists the fields the agent must type, not the ones the chat fills', () => {
    expect(fillInFields(reply)).toEqual(['timeframe']);
  });

  it('lists each field once, in order of first use', () => {
    expect(fillInFields('{b} {case.ref} {a} {b} {agent.name} {a}')).toEqual(['b', 'a']);
  });

  it('knows exactly the four chat placeholders', () => {
    expect([...CHAT_PLACEHOLDERS]).toEqual([
      'customer.firstName',
      'customer.name',
      'agent.name',
      'case.ref',
    ]);
    expect(fillInFields(CHAT_PLACEHOLDERS.map((name) => `{${name}}`).join(' '))).toEqual([]);
  });

  it('is empty for an invalid template', () => {
    expect(fillInFields('{oops')).toEqual([]);
  });

  it('is placeholderNames without the chat placeholders', () => {
    expect(placeholderNames('{b} {case.ref} {a} {b}')).toEqual(['b', 'case.ref', 'a']);
    expect(placeholderNames('{oops')).toEqual([]);
  });
});

describe('fieldLabel', () => {
  it.each([
    ['orderNumber', 'Order number'],
    ['order_number', 'Order number'],
    ['customer.firstName', 'Customer first name'],
  ])('names %s as %s', (name, label) => {
    expect(fieldLabel(name)).toBe(label);
  });
});

describe('fillTemplate', () => {
  it('fills every placeholder that has a value', () => {
    expect(fillTemplate(reply, { 'customer.firstName': 'Ana', timeframe: '24 hours' })).toEqual({
      text: "Thanks Ana! Could you share your order number? I'll have an answer within 24 hours.",
      missing: [],
    });
  });

  it('leaves missing or blank values in place and lists them once, in order', () => {
    expect(fillTemplate('{a} {customer.firstName} {b} {a}', { b: '  ', c: 'unused' })).toEqual({
      text: '{a} {customer.firstName} {b} {a}',
      missing: ['a', 'customer.firstName', 'b'],
    });
  });

  it('inserts values literally, never reading them as templates', () => {
    expect(fillTemplate('Hi {customer.name}', { 'customer.name': '{agent.name} $& }' })).toEqual({
      text: 'Hi {agent.name} $& }',
      missing: [],
    });
  });

  it('does not take values from the object prototype', () => {
    expect(fillTemplate('{toString}', {}).missing).toEqual(['toString']);
  });

  it('writes each missing value as the blank it is given', () => {
    expect(fillTemplate('{a} and {b}, {a}', { b: 'B' }, (name) => `[${name}?]`)).toEqual({
      text: '[a?] and B, [a?]',
      missing: ['a'],
    });
  });

  it('returns an invalid template unchanged', () => {
    expect(fillTemplate('Hi {customer.name', { 'customer.name': 'Ana' })).toEqual({
      text: 'Hi {customer.name',
      missing: [],
    });
  });
});
