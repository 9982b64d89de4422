import { describe, expect, it } from 'vitest';
import { formatIssue, isNormalLibrary, validateLibrary } from '../../src/search/library.ts';
import type { LibraryIssue } from '../../src/search/types.ts';

/** The example SOP of shared/spec/sop-format.md. */
function returnsSop(): Record<string, unknown> {
  return {
    id: 'CS-PR-001',
    title: 'Product returns',
    version: '1.3',
    owner: 'Support Operations',
    effective: '2026-03-01',
    lastReviewed: '2026-03-01',
    reviewEveryMonths: 12,
    channels: ['chat', 'email'],
    purpose: 'Take back an item within the returns window.',
    scope: 'Frontline agents.',
    tags: ['returns', 'refund'],
    triggers: ['I want to send this back', 'return label'],
    steps: [
      {
        id: 's1',
        text: 'Verify the order number and purchase date',
        role: 'Frontline Agent',
        within: '5 minutes',
        replies: ['r-ask-order'],
      },
    ],
    escalation: { triggers: ['customer asks for a manager'], to: 'Team Lead' },
    replies: [
      {
        id: 'r-ask-order',
        title: 'Ask for order number',
        shortcut: ';order',
        text: "Thanks {customer.firstName}! Could you share your order number? I'll have an answer within {timeframe}.",
      },
    ],
  };
}

function library(...sops: unknown[]) {
  return { format: 'sop-library/1', sops };
}

/** The issues of an input that must fail; fails the test if it loads. */
function issuesOf(input: unknown, file?: string): LibraryIssue[] {
  const result = validateLibrary(input, file);
  if (result.ok) throw new Error('expected the library to be rejected');
  expect(result).not.toHaveProperty('library');
  return result.issues;
}

/** The formatted issues of a one-SOP library whose SOP is `sop`. */
function problems(sop: Record<string, unknown>): string[] {
  return issuesOf(library(sop), 'lib.json').map(formatIssue);
}

describe('validateLibrary: valid libraries', () => {
  it('loads the contract example as-is', () => {
    const result = validateLibrary(library(returnsSop()), 'lib.json');
    expect(result).toEqual({ ok: true, library: library(returnsSop()) });
  });

  it('fills defaults: 12-month review, empty lists, step ids s1…sN, no step replies', () => {
    const result = validateLibrary(
      library({ id: 'X-1', title: 'Minimal', steps: [{ text: 'First' }, { text: 'Second' }] }),
    );
    expect(result).toEqual({
      ok: true,
      library: {
        format: 'sop-library/1',
        sops: [
          {
            id: 'X-1',
            title: 'Minimal',
            reviewEveryMonths: 12,
            channels: [],
            tags: [],
            triggers: [],
            steps: [
              { id: 's1', text: 'First', replies: [] },
              { id: 's2', text: 'Second', replies: [] },
            ],
            replies: [],
          },
        ],
      },
    });
  });

  it('defaults escalation triggers to [] and a reply id to r- plus its title', () => {
    const result = validateLibrary(
      library({
        id: 'X-1',
        title: 'T',
        escalation: { to: 'Team Lead' },
        steps: [{ text: 'Ask', replies: ['r-ask-for-the-order-number'] }],
        replies: [{ title: 'Ask for the order #number', text: 'Order number?' }],
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const sop = result.library.sops[0]!;
    expect(sop.escalation).toEqual({ triggers: [], to: 'Team Lead' });
    expect(sop.replies[0]!.id).toBe('r-ask-for-the-order-number');
  });

  it('ignores unknown fields and leaves absent optional fields out', () => {
    const result = validateLibrary({
      ...library({ id: 'X-1', title: 'T', colour: 'blue', steps: [{ text: 'a', extra: 1 }] }),
      generatedBy: 'tool',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const sop = result.library.sops[0]!;
    expect(sop).not.toHaveProperty('colour');
    expect(sop).not.toHaveProperty('version');
    expect(sop).not.toHaveProperty('escalation');
    expect(Object.keys(sop.steps[0]!)).toEqual(['id', 'text', 'replies']);
  });

  it('accepts an empty library and an id of exactly 100 characters', () => {
    expect(validateLibrary(library()).ok).toBe(true);
    expect(validateLibrary(library({ id: 'x'.repeat(100), title: 'T' })).ok).toBe(true);
  });

  it('does not change its input', () => {
    const input = library({ id: 'X-1', title: 'T', steps: [{ text: 'a' }] });
    const before = structuredClone(input);
    validateLibrary(input);
    expect(input).toEqual(before);
  });
});

describe('validateLibrary: the library object', () => {
  it.each([
    [null, 'lib.json: a library must be an object'],
    [[], 'lib.json: a library must be an object'],
    [{ sops: [] }, 'lib.json: format: is required and must be "sop-library/1"'],
    [{ format: 'sop-library/2', sops: [] }, 'lib.json: format: must be "sop-library/1"'],
    [{ format: 'sop-library/1' }, 'lib.json: sops: is required'],
    [{ format: 'sop-library/1', sops: {} }, 'lib.json: sops: must be a list of SOPs'],
  ])('rejects %j', (input, message) => {
    expect(issuesOf(input, 'lib.json').map(formatIssue)[0]).toContain(message);
  });

  it('names an SOP that is not an object by its position', () => {
    expect(issuesOf(library('CS-1'), 'lib.json').map(formatIssue)).toEqual([
      'lib.json: sops[0]: must be an object with id and title (found "CS-1")',
    ]);
  });
});

describe('validateLibrary: SOP fields', () => {
  const sop = (fields: Record<string, unknown>) => ({ ...returnsSop(), ...fields });

  it.each([
    [{ id: undefined }, 'lib.json: sops[0]: id: is required'],
    [{ id: '' }, 'lib.json: sops[0]: id: must not be empty'],
    [{ id: '   ' }, 'lib.json: sops[0]: id: must not be empty'],
    [{ id: 7 }, 'lib.json: sops[0]: id: must be a string (found number 7)'],
    [{ id: 'x'.repeat(101) }, 'lib.json: sops[0]: id: must be at most 100 characters (has 101)'],
    [{ title: undefined }, 'lib.json: SOP CS-PR-001: title: is required'],
    [{ title: ' ' }, 'lib.json: SOP CS-PR-001: title: must not be empty'],
    [{ version: 1.3 }, 'SOP CS-PR-001: version: must be a string (found number 1.3)'],
    [{ owner: ['a'] }, 'SOP CS-PR-001: owner: must be a string (found a list)'],
    [{ purpose: {} }, 'SOP CS-PR-001: purpose: must be a string (found an object)'],
    [{ scope: false }, 'SOP CS-PR-001: scope: must be a string (found boolean false)'],
    [{ notes: 1 }, 'SOP CS-PR-001: notes: must be a string'],
    [{ effective: '1/3/2026' }, 'effective: must be a date written YYYY-MM-DD (found "1/3/2026")'],
    [{ effective: '2026-3-1' }, 'effective: must be a date written YYYY-MM-DD'],
    [{ lastReviewed: '2026-02-30' }, 'SOP CS-PR-001: lastReviewed: 2026-02-30 is not a real date'],
    [{ lastReviewed: '2025-02-29' }, 'lastReviewed: 2025-02-29 is not a real date'],
    [{ lastReviewed: '2026-13-01' }, 'lastReviewed: 2026-13-01 is not a real date'],
    [{ reviewEveryMonths: 0 }, 'reviewEveryMonths: must be a whole number greater than 0'],
    [{ reviewEveryMonths: -6 }, 'reviewEveryMonths: must be a whole number greater than 0'],
    [{ reviewEveryMonths: 1.5 }, 'reviewEveryMonths: must be a whole number greater than 0'],
    [
      { reviewEveryMonths: '12' },
      'reviewEveryMonths: must be a whole number greater than 0 (found "12")',
    ],
    [{ channels: 'chat' }, 'SOP CS-PR-001: channels: must be a list of strings (found "chat")'],
    [{ tags: ['ok', 3] }, 'SOP CS-PR-001: tags[1]: must be a string (found number 3)'],
    [{ triggers: ['fine', ''] }, 'SOP CS-PR-001: triggers[1]: must not be empty'],
  ])('rejects %j naming the field', (fields, message) => {
    const found = problems(sop(fields));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });

  it('accepts a real leap day', () => {
    expect(validateLibrary(library(sop({ lastReviewed: '2024-02-29' }))).ok).toBe(true);
  });

  it('treats blank or null optional text as absent', () => {
    const result = validateLibrary(library(sop({ owner: '  ', version: null })));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.library.sops[0]).not.toHaveProperty('owner');
      expect(result.library.sops[0]).not.toHaveProperty('version');
    }
  });

  it('rejects a duplicate SOP id, pointing at the first one', () => {
    const found = issuesOf(library(sop({}), { id: 'other', title: 'O' }, sop({})), 'lib.json');
    expect(found.map(formatIssue)).toEqual([
      "lib.json: SOP CS-PR-001: id: duplicate SOP id 'CS-PR-001' (also used by sops[0])",
    ]);
  });

  it('names the file of each SOP when given one per SOP', () => {
    const result = validateLibrary(library(sop({}), sop({ title: '' })), undefined, {
      sopFiles: ['lib/a.md', 'lib/b.md'],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(formatIssue)).toEqual([
      "lib/b.md: SOP CS-PR-001: id: duplicate SOP id 'CS-PR-001' (also used by lib/a.md)",
      'lib/b.md: SOP CS-PR-001: title: must not be empty',
    ]);
  });
});

describe('validateLibrary: steps', () => {
  const withSteps = (steps: unknown, replies: unknown = returnsSop().replies) => ({
    ...returnsSop(),
    steps,
    replies,
  });

  it('names the step reply that is not defined', () => {
    const steps = [{ text: 'a' }, { text: 'b' }, { text: 'c', replies: ['r-x'] }];
    expect(problems(withSteps(steps))).toEqual([
      "lib.json: SOP CS-PR-001: steps[2].replies[0]: reply 'r-x' is not defined",
    ]);
  });

  it('finds a reply defined by default id even if the reply has other problems', () => {
    const found = problems(
      withSteps([{ text: 'a', replies: ['r-greet'] }], [{ title: 'Greet', text: 'Hi {' }]),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('replies[0].text: unclosed');
  });

  it.each([
    [{}, 'steps: must be a list (found an object)'],
    [['Verify the order'], 'steps[0]: must be an object with text (found "Verify the order")'],
    [[{ id: 's1' }], 'steps[0].text: is required'],
    [[{ text: '' }], 'steps[0].text: must not be empty'],
    [[{ text: 'a', id: '' }], 'steps[0].id: must not be empty'],
    [[{ text: 'a', role: 5 }], 'steps[0].role: must be a string (found number 5)'],
    [[{ text: 'a', within: 5 }], 'steps[0].within: must be a string (found number 5)'],
    [
      [{ text: 'a', replies: 'r-ask-order' }],
      'steps[0].replies: must be a list of strings (found "r-ask-order")',
    ],
    [[{ text: 'a', replies: [1] }], 'steps[0].replies[0]: must be a string (found number 1)'],
    [
      [
        { text: 'a', id: 'x' },
        { text: 'b', id: 'x' },
      ],
      "steps[1].id: duplicate step id 'x' (also steps[0])",
    ],
    [
      [{ text: 'a', id: 's2' }, { text: 'b' }],
      "steps[1].id: duplicate step id 's2' (also steps[0])",
    ],
  ])('rejects steps %j naming the field', (steps, message) => {
    const found = problems(withSteps(steps));
    expect(found).toHaveLength(1);
    expect(found[0]).toBe(`lib.json: SOP CS-PR-001: ${message}`);
  });
});

describe('validateLibrary: replies and escalation', () => {
  const withReplies = (replies: unknown) => ({ ...returnsSop(), steps: [], replies });

  it.each([
    [{}, 'replies: must be a list (found an object)'],
    [['hi'], 'replies[0]: must be an object with title and text (found "hi")'],
    [[{ id: 'r', text: 'Hi' }], 'replies[0].title: is required'],
    [[{ id: 'r', title: 'T' }], 'replies[0].text: is required'],
    [[{ id: '', title: 'T', text: 'x' }], 'replies[0].id: must not be empty'],
    [[{ id: 'r', title: 'T', text: 'x', shortcut: 1 }], 'replies[0].shortcut: must be a string'],
    [
      [
        { id: 'r', title: 'A', text: 'x' },
        { id: 'r', title: 'B', text: 'y' },
      ],
      "replies[1].id: duplicate reply id 'r' (also replies[0])",
    ],
    [
      [
        { title: 'Same', text: 'x' },
        { title: 'same!', text: 'y' },
      ],
      "replies[1].id: duplicate reply id 'r-same' (also replies[0])",
    ],
    [[{ id: 'r', title: 'T', text: 'Hi {{name}}' }], "replies[0].text: '{{' is not allowed"],
    [[{ id: 'r', title: 'T', text: 'Hi {name' }], "replies[0].text: unclosed '{' at character 4"],
    [[{ id: 'r', title: 'T', text: 'Hi {}' }], "replies[0].text: empty placeholder '{}'"],
    [
      [{ id: 'r', title: 'T', text: 'Hi {first name}' }],
      'replies[0].text: character " " is not allowed',
    ],
  ])('rejects replies %j naming the field', (replies, message) => {
    const found = problems(withReplies(replies));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`SOP CS-PR-001: ${message}`);
  });

  it.each([
    ['Team Lead', 'escalation: must be an object'],
    [{ triggers: 'manager' }, 'escalation.triggers: must be a list of strings'],
    [{ triggers: ['ok', 2] }, 'escalation.triggers[1]: must be a string'],
    [{ triggers: [], to: 3 }, 'escalation.to: must be a string'],
  ])('rejects escalation %j naming the field', (escalation, message) => {
    const found = problems({ ...returnsSop(), escalation });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`SOP CS-PR-001: ${message}`);
  });
});

describe('validateLibrary: fill-in field declarations', () => {
  const ORDER = { label: 'Order number', pattern: '\\bSO-?\\d{6}\\b', required: true };
  /** An SOP with two replies: one asks for {orderNumber} and {timeframe}, one for {trackingUrl}. */
  const sop = (extra: Record<string, unknown> = {}, replyExtra: Record<string, unknown> = {}) => ({
    id: 'CS-SH-001',
    title: 'Shipping delays',
    replies: [
      {
        id: 'r-update',
        title: 'Update',
        text: 'Order {orderNumber} arrives within {timeframe}, {customer.firstName}.',
        ...replyExtra,
      },
      { id: 'r-track', title: 'Track', text: 'Follow it at {trackingUrl}.' },
    ],
    ...extra,
  });
  const replies = (input: unknown) => {
    const result = validateLibrary(input, 'lib.json');
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    return result.library.sops[0]!.replies;
  };

  it('resolves library, SOP and reply declarations onto each reply: the nearest wins', () => {
    const input = {
      ...library(
        sop(
          { fields: { orderNumber: ORDER, trackingUrl: { pattern: 'https?://\\S+' } } },
          { fields: { timeframe: { label: 'Time frame', required: false } } },
        ),
      ),
      fields: {
        orderNumber: { label: 'Library order number' },
        timeframe: { label: 'Library time frame', required: true },
        unused: { label: 'Nobody asks for this' },
      },
    };
    expect(replies(input)).toEqual([
      {
        id: 'r-update',
        title: 'Update',
        text: 'Order {orderNumber} arrives within {timeframe}, {customer.firstName}.',
        fields: { orderNumber: ORDER, timeframe: { label: 'Time frame' } },
      },
      {
        id: 'r-track',
        title: 'Track',
        text: 'Follow it at {trackingUrl}.',
        fields: { trackingUrl: { pattern: 'https?://\\S+' } },
      },
    ]);
  });

  it('loads its own output unchanged, as a library in normal form', () => {
    const first = validateLibrary(library(sop({ fields: { orderNumber: ORDER } })));
    if (!first.ok) throw new Error('expected the library to load');
    expect(isNormalLibrary(first.library)).toBe(true);
    expect(validateLibrary(first.library)).toEqual(first);
    const changed = structuredClone(first.library);
    changed.sops[0]!.replies[0]!.fields!.orderNumber!.pattern = '(a+)+';
    expect(isNormalLibrary(changed)).toBe(false);
  });

  it('leaves out declarations that say nothing, and replies without any', () => {
    expect(replies(library(sop({ fields: { trackingUrl: {} } })))).toEqual([
      expect.not.objectContaining({ fields: expect.anything() }),
      expect.not.objectContaining({ fields: expect.anything() }),
    ]);
  });

  it('keeps a field named like an Object property as a field', () => {
    const input = library({
      id: 'X',
      title: 'X',
      replies: [
        {
          id: 'r',
          title: 'R',
          text: 'Hi {__proto__}',
          fields: JSON.parse('{"__proto__": {"label": "P"}}'),
        },
      ],
    });
    const [reply] = replies(input);
    expect(Object.hasOwn(reply!.fields!, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(reply!.fields)).toBe(Object.prototype);
    const result = validateLibrary(input);
    expect(result.ok && isNormalLibrary(result.library)).toBe(true);
  });

  it.each([
    [
      { orderNumber: { pattern: '(\\d+)+' } },
      'fields.orderNumber.pattern: repeats a group that itself repeats',
    ],
    [
      { orderNumber: { pattern: '[' } },
      'fields.orderNumber.pattern: is not a valid regular expression',
    ],
    [
      { orderNumber: { pattern: '\\s*\\d+' } },
      'fields.orderNumber.pattern: has more than one open-ended repeat',
    ],
    [{ orderNumber: { pattern: '' } }, 'fields.orderNumber.pattern: must not be empty'],
    [
      { orderNumber: { required: 'yes' } },
      'fields.orderNumber.required: must be true or false (found "yes")',
    ],
    [
      { orderNumber: { requried: true } },
      'fields.orderNumber.requried: is not a field setting (use label, pattern or required)',
    ],
    [
      { orderNumber: { label: 'x'.repeat(101) } },
      'fields.orderNumber.label: is 101 characters, more than 100',
    ],
    [
      { orderNumber: 'Order number' },
      'fields.orderNumber: must be an object with label, pattern or required',
    ],
    [{ 'order number': {} }, 'fields.order number: is not a placeholder name'],
    [['orderNumber'], 'fields: must be an object of field declarations by name (found a list)'],
    [
      { orderNumbr: { label: 'Order' } },
      'fields.orderNumbr: no reply of this SOP uses {orderNumbr}',
    ],
  ])('rejects SOP fields %j naming the SOP and field', (fields, message) => {
    const found = problems(sop({ fields }));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`lib.json: SOP CS-SH-001: ${message}`);
  });

  it("names a reply's own declarations by the reply, and a library's by no SOP", () => {
    expect(problems(sop({}, { fields: { trackingUrl: { label: 'Link' } } }))).toEqual([
      "lib.json: SOP CS-SH-001: replies[0].fields.trackingUrl: the reply's text has no {trackingUrl}",
    ]);
    const input = { ...library(sop()), fields: { orderNumber: { pattern: '(a|b)*' } } };
    expect(issuesOf(input, 'lib.json').map(formatIssue)).toEqual([
      'lib.json: fields.orderNumber.pattern: repeats a group that itself repeats or has alternatives ((a+)+, (a|ab)*), which can hang the browser',
    ]);
  });
});

describe('validateLibrary: reporting', () => {
  it('collects every problem in every SOP, in field order', () => {
    const found = issuesOf(
      library(
        { id: 'A', steps: [{ text: 'x', replies: ['nope'] }], reviewEveryMonths: 0 },
        { title: 'No id', replies: [{ id: 'r', title: 'T', text: '}' }] },
        { id: 'A', title: 'Dup' },
      ),
      'lib.json',
    );
    expect(found.map(formatIssue)).toEqual([
      'lib.json: SOP A: title: is required',
      'lib.json: SOP A: reviewEveryMonths: must be a whole number greater than 0 (found number 0)',
      "lib.json: SOP A: steps[0].replies[0]: reply 'nope' is not defined",
      'lib.json: sops[1]: id: is required',
      `lib.json: sops[1]: replies[0].text: stray '}' without an opening '{' at character 1: "}"`,
      "lib.json: SOP A: id: duplicate SOP id 'A' (also used by sops[0])",
    ]);
  });

  it('gives structured issues with file, SOP and field', () => {
    const [issue] = issuesOf(
      library({ ...returnsSop(), steps: [{ text: 'a', replies: ['r-x'] }] }),
      'lib/returns.md',
    );
    expect(issue).toEqual({
      file: 'lib/returns.md',
      sopId: 'CS-PR-001',
      field: 'steps[0].replies[0]',
      message: "reply 'r-x' is not defined",
    });
  });
});

describe('formatIssue', () => {
  it('joins file, line, SOP, field and message', () => {
    expect(
      formatIssue({
        file: 'lib/returns.md',
        sopId: 'CS-PR-001',
        field: 'steps[2].replies[0]',
        message: "reply 'r-x' is not defined",
      }),
    ).toBe("lib/returns.md: SOP CS-PR-001: steps[2].replies[0]: reply 'r-x' is not defined");
    expect(formatIssue({ file: 'a.md', line: 14, sopId: 'X', field: 'title', message: 'm' })).toBe(
      'a.md:14: SOP X: title: m',
    );
  });

  it('leaves out the parts it does not have', () => {
    expect(formatIssue({ field: 'format', message: 'm' })).toBe('format: m');
    expect(formatIssue({ file: 'x.json', field: '', message: 'cannot read' })).toBe(
      'x.json: cannot read',
    );
    expect(formatIssue({ sopIndex: 3, field: 'id', message: 'is required' })).toBe(
      'sops[3]: id: is required',
    );
    expect(formatIssue({ line: 2, field: '', message: 'm' })).toBe('line 2: m');
  });
});
