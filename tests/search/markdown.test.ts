import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue, validateLibrary } from '../../src/search/library.ts';
import {
  MAX_LINE_NESTING,
  MAX_SOP_CHARACTERS,
  MAX_SOP_LINES,
  MAX_SOP_MARKERS,
  parseMarkdownSop,
} from '../../src/search/markdown.ts';
import type { LibraryIssue } from '../../src/search/types.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const returnsMd = fixture('returns.md');

/** A Markdown SOP from lines, with minimal front matter unless the body brings its own. */
function md(...body: string[]): string {
  return ['---', 'id: X-1', 'title: Test SOP', '---', '', ...body, ''].join('\n');
}

function parsed(source: string): Record<string, unknown> {
  const result = parseMarkdownSop(source, 'lib/x.md');
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.sop;
}

function issues(source: string): LibraryIssue[] {
  const result = parseMarkdownSop(source, 'lib/x.md');
  if (result.ok) throw new Error('expected the Markdown to be rejected');
  return result.issues;
}

function loaded(source: string) {
  const result = validateLibrary({ format: 'sop-library/1', sops: [parsed(source)] }, 'lib/x.md');
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.library.sops[0]!;
}

describe('parseMarkdownSop: the documented example', () => {
  it('reads every part into the raw JSON form', () => {
    expect(parsed(returnsMd)).toEqual({
      id: 'CS-PR-001',
      title: 'Product returns',
      version: '1.3',
      owner: 'Support Operations',
      effective: '2026-03-01',
      lastReviewed: '2026-03-01',
      reviewEveryMonths: 12,
      channels: ['chat', 'email'],
      purpose: 'Take back an item within the returns window and refund it promptly.',
      scope: 'Frontline chat and email agents; orders placed in the last 30 days.',
      tags: ['returns', 'refund', 'send back'],
      triggers: ['I want to send this back', 'how do I get a return label'],
      steps: [
        {
          text: 'Verify the order number and purchase date',
          role: 'Frontline Agent',
          within: '5 minutes',
          replies: ['r-ask-order'],
        },
        { text: 'Check the item against the returns policy', role: 'Frontline Agent' },
      ],
      escalation: {
        triggers: ['customer asks for a manager', 'the item caused an injury'],
        to: 'Team Lead',
      },
      replies: [
        {
          id: 'r-ask-order',
          title: 'Ask for order number',
          shortcut: ';order',
          text: "Thanks {customer.firstName}! Could you share your order number? I'll have an answer within {timeframe}.",
        },
      ],
      notes: 'Anything else the team wants to keep with the SOP (searchable, shown in full).',
    });
  });

  it('loads to the same SOP as the JSON form', () => {
    const fromJson = validateLibrary(JSON.parse(fixture('returns.json')), 'returns.json');
    const fromMarkdown = validateLibrary(
      { format: 'sop-library/1', sops: [parsed(returnsMd)] },
      'returns.md',
    );
    expect(fromJson.ok).toBe(true);
    expect(fromMarkdown).toEqual(fromJson);
  });

  it('reads Windows line endings, old Mac line endings and a byte-order mark the same', () => {
    const expected = parsed(returnsMd);
    expect(parsed(`\uFEFF${returnsMd.replace(/\n/g, '\r\n')}`)).toEqual(expected);
    expect(parsed(returnsMd.replace(/\n/g, '\r'))).toEqual(expected);
  });

  it('maps fields to their source lines', () => {
    const result = parseMarkdownSop(returnsMd, 'returns.md');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.lines).toMatchObject({
      id: 2,
      triggers: 11,
      'triggers[1]': 13,
      purpose: 16,
      steps: 22,
      'steps[0]': 23,
      'steps[0].replies': 26,
      'steps[0].replies[0]': 26,
      'steps[1]': 27,
      'escalation.to': 31,
      'escalation.triggers[1]': 33,
      'replies[0]': 37,
      'replies[0].id': 38,
      'replies[0].text': 41,
    });
  });
});

describe('parseMarkdownSop: front matter', () => {
  it('removes quotes, reads inline and dash lists, and skips comments', () => {
    const sop = parsed(
      [
        '---',
        '# document control',
        'id: "X-1"',
        "title: 'Refunds: the fast way'",
        'tags: [refund, "money back, please", \'x\']',
        'channels: chat, email',
        'triggers:',
        '- "where is my refund"',
        '- refund status',
        'version: 2.10',
        '---',
      ].join('\n'),
    );
    expect(sop).toEqual({
      id: 'X-1',
      title: 'Refunds: the fast way',
      version: '2.10',
      channels: ['chat', 'email'],
      tags: ['refund', 'money back, please', 'x'],
      triggers: ['where is my refund', 'refund status'],
    });
  });

  it('keeps brackets in a quoted value as text, and asks for quotes where YAML needs them', () => {
    expect(parsed(['---', 'id: X-1', 'title: "[Draft] Returns"', '---'].join('\n'))).toEqual({
      id: 'X-1',
      title: '[Draft] Returns',
    });
    expect(
      issues(['---', 'id: X-1', 'title: [Draft] Returns', '---'].join('\n')).map(formatIssue),
    ).toEqual([
      'lib/x.md:3: SOP X-1: invalid YAML at column 16: Unexpected scalar at node end (to keep a value as written, put it in quotes)',
    ]);
  });

  it('matches keys case-insensitively and ignores keys it does not know', () => {
    const sop = parsed(
      ['---', 'ID: X-1', 'Title: T', 'lastreviewed: 2026-01-01', 'approvedBy: Jo', '---'].join(
        '\n',
      ),
    );
    expect(sop).toEqual({ id: 'X-1', title: 'T', lastReviewed: '2026-01-01' });
  });

  it('makes reviewEveryMonths a number, and leaves other text for the validator to name', () => {
    expect(parsed(md().replace('---\n\n', 'reviewEveryMonths: 6\n---\n\n'))).toMatchObject({
      reviewEveryMonths: 6,
    });
    const sop = parsed(md().replace('---\n\n', 'reviewEveryMonths: six\n---\n\n'));
    const result = validateLibrary({ format: 'sop-library/1', sops: [sop] }, 'lib/x.md');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(formatIssue(result.issues[0]!)).toBe(
        'lib/x.md: SOP X-1: reviewEveryMonths: must be a whole number greater than 0 (found "six")',
      );
    }
  });

  it('gives an empty list for `key: []` and `key:` with no items', () => {
    expect(parsed(['---', 'id: X', 'title: T', 'tags: []', 'triggers:', '---'].join('\n'))).toEqual(
      {
        id: 'X',
        title: 'T',
        tags: [],
        triggers: [],
      },
    );
  });

  it('uses a `# Title` line only when the front matter has no title', () => {
    expect(parsed(md('# Another title', '## Purpose', 'p'))).toMatchObject({ title: 'Test SOP' });
    for (const frontTitle of [[], ['title:']]) {
      const source = ['---', 'id: X', ...frontTitle, '---', '# Heading title #', ''].join('\n');
      expect(parsed(source)).toMatchObject({ title: 'Heading title' });
    }
  });

  it.each([
    [['## Purpose', 'p'], 1, "missing front matter: start the file with a '---' block"],
    [['---', 'id: X', 'title: T'], 1, "front matter is not closed: add a '---' line"],
    [['---', 'id: X', 'title T', '---'], 3, 'invalid YAML at column 1: Implicit map keys need'],
    // YAML reads `X` and the indented line as one two-line key: the error is where it starts.
    [['---', 'id: X', '  nested: 1', '---'], 2, 'invalid YAML at column 5: Nested mappings'],
    [['---', '- a', 'id: X', '---'], 2, "front matter must be 'key: value' lines, not a list"],
    [['---', 'id: X', 'id: Y', '---'], 3, "'id' is set twice (first on line 2)"],
    [['---', 'id: X', 'title:', '  - a', '---'], 3, "'title' takes one value, not a list"],
    [['---', 'id: X', 'tags: [a, b', '---'], 3, 'invalid YAML at column 12: Flow sequence'],
  ])('rejects front matter %j at line %i', (lines, line, message) => {
    const found = issues(lines.join('\n'));
    expect(found[0]).toMatchObject({ file: 'lib/x.md', line });
    expect(found[0]!.message).toContain(message);
  });
});

describe('parseMarkdownSop: YAML in the front matter', () => {
  const front = (...lines: string[]) => ['---', 'id: X-1', ...lines, '---'].join('\n');

  it('keeps every value as text: versions, dates, leading zeros, yes/no', () => {
    expect(
      parsed(front('title: 007', 'version: 2.10', 'effective: 2026-03-01', 'owner: yes')),
    ).toEqual({
      id: 'X-1',
      title: '007',
      version: '2.10',
      owner: 'yes',
      effective: '2026-03-01',
    });
  });

  it('refuses a value that YAML would cut at a comment, and keeps a quoted #', () => {
    expect(issues(front('title: Refund #2')).map(formatIssue)).toEqual([
      "lib/x.md:3: SOP X-1: title: the text after ' #' is a YAML comment, so it would be dropped (to keep a value as written, put it in quotes, or the comment on a line of its own)",
    ]);
    expect(issues(front('triggers:', '  - refund #2')).map((issue) => issue.field)).toEqual([
      'triggers[0]',
    ]);
    expect(parsed(front('# the control block', 'title: "Refund #2" # renamed in May'))).toEqual({
      id: 'X-1',
      title: 'Refund #2',
    });
  });

  it('asks for quotes around a value YAML reads as more than text', () => {
    for (const title of ['Returns: the fast way', '@home delivery', '`code`']) {
      const [issue, ...more] = issues(front(`title: ${title}`));
      expect(more).toEqual([]);
      expect(issue).toMatchObject({ line: 3, sopId: 'X-1' });
      expect(issue!.message).toMatch(
        /^invalid YAML at column \d+: .+ \(to keep a value as written, put it in quotes\)$/,
      );
      expect(parsed(front(`title: "${title}"`))).toMatchObject({ title });
    }
  });

  it('refuses an anchor or a tag that YAML would take out of a value', () => {
    expect(
      issues(front('title: &lt;b&gt; Bold', 'owner: !important Ops')).map(formatIssue),
    ).toEqual([
      "lib/x.md:3: SOP X-1: title: YAML reads '&lt;b&gt;' as an anchor, not text (to keep a value as written, put it in quotes)",
      "lib/x.md:4: SOP X-1: owner: YAML reads '!important' as a tag, not text (to keep a value as written, put it in quotes)",
    ]);
  });

  it('names the line of a list nested too deeply to read', () => {
    const [issue, ...more] = issues(front(`tags: ${'['.repeat(20_000)}`));
    expect(more).toEqual([]);
    expect(issue).toMatchObject({ line: 3, field: '', sopId: 'X-1' });
    expect(issue!.message).toMatch(/^invalid YAML at column \d+: nested too deeply$/);
  });

  it('follows an alias, and names one with no anchor', () => {
    expect(
      parsed(front('title: T', 'tags: &words [refund, money]', 'triggers: *words')),
    ).toMatchObject({ tags: ['refund', 'money'], triggers: ['refund', 'money'] });
    expect(issues(front('title: *draft')).map(formatIssue)).toEqual([
      "lib/x.md:3: SOP X-1: title: '*draft' names no '&draft' anchor (to keep a value as written, put it in quotes)",
    ]);
  });

  it('names a value of the wrong shape by its field', () => {
    const found = issues(
      front('title:', '  en: Returns', 'tags: [a, [b, c]]', 'channels:', '  chat: yes'),
    );
    expect(found.map(formatIssue)).toEqual([
      "lib/x.md:3: SOP X-1: title: 'title' takes one value, not keys",
      "lib/x.md:5: SOP X-1: tags[1]: 'tags' takes single values, not nested lists",
      "lib/x.md:6: SOP X-1: channels: 'channels' takes a list of values, not keys",
    ]);
  });

  it('reads the front matter only from the first line of the file', () => {
    const found = issues(['', '---', 'id: X', 'title: T', '---', '## Purpose', 'p'].join('\n'));
    expect(found[0]).toMatchObject({ line: 1 });
    expect(found[0]!.message).toContain("missing front matter: start the file with a '---' block");
  });
});

describe('parseMarkdownSop: sections', () => {
  it('rejects an unknown section, naming the file and heading line', () => {
    const found = issues(md('## Purpose', 'p', '', '## Procedure', '1. a'));
    expect(found.map(formatIssue)).toEqual([
      "lib/x.md:9: SOP X-1: unknown section '## Procedure' (expected Purpose, Scope, Steps, Escalation, Replies, Fields or Notes)",
    ]);
  });

  it('reads section names case-insensitively', () => {
    expect(parsed(md('## PURPOSE', 'p', '## steps', '1. a'))).toMatchObject({
      purpose: 'p',
      steps: [{ text: 'a' }],
    });
  });

  it('rejects a section given twice, and text outside any section', () => {
    expect(issues(md('## Scope', 'a', '## scope', 'b')).map(formatIssue)).toEqual([
      "lib/x.md:8: SOP X-1: section '## scope' appears twice (first on line 6)",
    ]);
    expect(issues(md('Loose text', 'more', '## Scope', 's')).map(formatIssue)).toEqual([
      "lib/x.md:6: SOP X-1: text before the first '## …' section belongs to no section",
    ]);
  });

  it('keeps prose as written, blank-line runs as one blank line', () => {
    const sop = parsed(
      md('## Notes', '', 'First line', 'second line  ', '', '', '', 'Next para', ''),
    );
    expect(sop.notes).toBe('First line\nsecond line\n\nNext para');
  });

  it('does not treat a heading inside a code block as a section', () => {
    const sop = parsed(md('## Notes', '```', '## Not a section', '```'));
    expect(sop.notes).toBe('```\n## Not a section\n```');
  });

  it('keeps a line of text above a --- rule as text, not a heading', () => {
    expect(
      parsed(md('## Notes', 'Call the customer back', '---', 'Then close the case')).notes,
    ).toBe('Call the customer back\n---\nThen close the case');
  });

  it('reads HTML as text, so an HTML-looking line does not swallow the lines after it', () => {
    const source = md(
      '## Steps',
      '1. <details open>',
      '   - role: Agent',
      '## Notes',
      '<div>',
      '## Scope',
      's',
    );
    expect(parsed(source)).toMatchObject({
      steps: [{ text: '<details open>', role: 'Agent' }],
      notes: '<div>',
      scope: 's',
    });
  });

  it('keeps inline Markdown as written', () => {
    const sop = parsed(
      md(
        '## Steps',
        '1. Check **both** charges in `Payments` \\*before\\* refunding, see [the policy](https://example.com/p)',
        '## Replies',
        '### Sorry',
        'Sorry about that, *truly* &amp; <b>really</b>.',
      ),
    );
    expect(sop.steps).toEqual([
      {
        text: 'Check **both** charges in `Payments` \\*before\\* refunding, see [the policy](https://example.com/p)',
      },
    ]);
    expect(sop.replies).toEqual([
      { title: 'Sorry', text: 'Sorry about that, *truly* &amp; <b>really</b>.' },
    ]);
  });

  it('leaves out empty sections', () => {
    expect(parsed(md('## Purpose', '', '## Escalation', ''))).toEqual({
      id: 'X-1',
      title: 'Test SOP',
    });
  });
});

describe('parseMarkdownSop: steps', () => {
  it('reads numbered steps, their details and wrapped text', () => {
    const sop = parsed(
      md(
        '## Steps',
        '1. Verify the order number',
        '   and the purchase date',
        '   - ID: verify',
        '   - replies: r-a, r-b ,',
        '2) Check the policy',
        '',
        '10. Refund',
        '    - within: 24 hours',
      ),
    );
    expect(sop.steps).toEqual([
      {
        text: 'Verify the order number and the purchase date',
        id: 'verify',
        replies: ['r-a', 'r-b'],
      },
      { text: 'Check the policy' },
      { text: 'Refund', within: '24 hours' },
    ]);
  });

  it("reads details indented less than Markdown nesting needs as the step's own", () => {
    const sop = parsed(
      md(
        '## Steps',
        '1. Verify',
        '  - role: Agent',
        '',
        '  - within: 5 minutes',
        '10. Refund',
        '   - role: Lead',
      ),
    );
    expect(sop.steps).toEqual([
      { text: 'Verify', role: 'Agent', within: '5 minutes' },
      { text: 'Refund', role: 'Lead' },
    ]);
  });

  it('leaves step ids to default to s1, s2 … by position', () => {
    expect(loaded(md('## Steps', '1. a', '2. b')).steps.map((step) => step.id)).toEqual([
      's1',
      's2',
    ]);
  });

  it.each([
    [['## Steps', '- Verify'], 7, 'steps: steps are an ordered list'],
    [['## Steps', '1. a', '   - colour: blue'], 8, "steps[0]: a step's sub-bullets are '- id:'"],
    [['## Steps', '1. a', '- role: Agent'], 8, "steps[0]: indent a step's '- key: value' lines"],
    [['## Steps', '1. a', '   - role: A', '   - role: B'], 9, "steps[0]: '- role:' is set twice"],
    [['## Steps', '1. a', '   - role: A', '   trailing'], 9, 'steps[0]: expected a numbered step'],
  ])('rejects %j at its line', (body, line, message) => {
    const found = issues(md(...body));
    expect(found).toHaveLength(1);
    expect(formatIssue(found[0]!)).toContain(`lib/x.md:${line}: SOP X-1: ${message}`);
  });
});

describe('parseMarkdownSop: escalation and replies', () => {
  it('reads escalation lines', () => {
    expect(parsed(md('## Escalation', '- trigger: a', '* To: Lead', '- trigger: b'))).toMatchObject(
      { escalation: { triggers: ['a', 'b'], to: 'Lead' } },
    );
    expect(issues(md('## Escalation', '- triggers: a, b')).map(formatIssue)).toEqual([
      "lib/x.md:7: SOP X-1: escalation: expected '- to: Role' or '- trigger: phrase'",
    ]);
  });

  it('reads replies with paragraphs, lists and a default id', () => {
    const sop = loaded(
      md(
        '## Replies',
        '### Greeting!',
        '',
        'Hi {customer.firstName},',
        '',
        '',
        '- first do this',
        '- id: kept as text',
        '### Order #2 in C# ##',
        '- shortcut: ;order',
        'Order number?',
      ),
    );
    expect(sop.replies).toEqual([
      {
        id: 'r-greeting',
        title: 'Greeting!',
        text: 'Hi {customer.firstName},\n\n- first do this\n- id: kept as text',
      },
      { id: 'r-order-2-in-c', title: 'Order #2 in C#', shortcut: ';order', text: 'Order number?' },
    ]);
  });

  it('rejects text before the first reply title', () => {
    expect(issues(md('## Replies', 'Hello', '### T', 'x')).map(formatIssue)).toEqual([
      "lib/x.md:7: SOP X-1: replies: each reply starts with a '### Title' line",
    ]);
  });

  it('reports every structural problem, in line order, with the SOP id', () => {
    const found = issues(
      md('## Steps', '- a', '## Typo', '## Escalation', '- who: x', '## Replies', 'stray'),
    );
    expect(found.map((issue) => [issue.line, issue.sopId])).toEqual([
      [7, 'X-1'],
      [8, 'X-1'],
      [10, 'X-1'],
      [12, 'X-1'],
    ]);
  });

  it('still returns what it could read, so field rules can be checked too', () => {
    const result = parseMarkdownSop(md('## Typo', '## Steps', '1. a'), 'lib/x.md');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.partial?.sop).toMatchObject({ steps: [{ text: 'a' }] });
  });
});

describe('parseMarkdownSop: fields', () => {
  const replies = ['## Replies', '### Update', 'Order {orderNumber}, link {trackingUrl}.'];

  it('reads `### name` declarations with label, pattern (backticks dropped) and required', () => {
    const source = md(
      ...replies,
      '',
      '## Fields',
      '### orderNumber',
      '- label: Order number',
      '- pattern: `\\bSO-?\\d{6}\\b`',
      '- required: yes',
      '',
      '### trackingUrl',
      '- pattern: https?://\\S+',
      '- Required: No',
    );
    expect(parsed(source).fields).toEqual({
      orderNumber: { label: 'Order number', pattern: '\\bSO-?\\d{6}\\b', required: true },
      trackingUrl: { pattern: 'https?://\\S+', required: false },
    });
  });

  it('loads to the same reply as the JSON form', () => {
    const fields = { orderNumber: { label: 'Order number', pattern: 'SO-\\d{6}', required: true } };
    const fromMarkdown = loaded(
      md(
        ...replies,
        '## Fields',
        '### orderNumber',
        '- label: Order number',
        '- pattern: `SO-\\d{6}`',
        '- required: true',
      ),
    );
    const json = validateLibrary({
      format: 'sop-library/1',
      sops: [
        {
          id: 'X-1',
          title: 'Test SOP',
          fields,
          replies: [{ title: 'Update', text: 'Order {orderNumber}, link {trackingUrl}.' }],
        },
      ],
    });
    expect(json.ok && json.library.sops[0]).toEqual(fromMarkdown);
    expect(fromMarkdown.replies[0]!.fields).toEqual(fields);
  });

  it('reports structural problems with their lines, and leaves value rules to the validator', () => {
    const source = md(
      ...replies,
      '## Fields',
      '- label: stray',
      '### orderNumber',
      '- label: A',
      '- label: B',
      '- colour: red',
      '### orderNumber',
    );
    expect(issues(source).map(formatIssue)).toEqual([
      "lib/x.md:10: SOP X-1: fields: each field starts with a '### name' line",
      "lib/x.md:13: SOP X-1: fields.orderNumber.label: '- label:' is set twice",
      "lib/x.md:14: SOP X-1: fields.orderNumber: expected '- label:', '- pattern:' or '- required:'",
      "lib/x.md:15: SOP X-1: fields.orderNumber: field 'orderNumber' is declared twice",
    ]);
    const maybe = parsed(md(...replies, '## Fields', '### orderNumber', '- required: maybe'));
    const result = validateLibrary({ format: 'sop-library/1', sops: [maybe] }, 'lib/x.md');
    expect(!result.ok && result.issues.map(formatIssue)).toEqual([
      'lib/x.md: SOP X-1: fields.orderNumber.required: must be true or false (found "maybe")',
    ]);
  });
});

describe('parseMarkdownSop: size limits', () => {
  // Markdown parsing slows down faster than the text grows with nested lists and quotes, so
  // a file past these limits is refused at once, naming the line where it passes them.
  const notes = (...lines: string[]) => md('## Notes', ...lines); // Notes start on line 7.
  const manyLines = notes(...Array.from({ length: MAX_SOP_LINES }, () => 'a note'));
  const longLine = notes('x'.repeat(MAX_SOP_CHARACTERS));
  const nestedItems = notes(...Array.from({ length: MAX_SOP_MARKERS / 2 + 1 }, () => '- - a'));
  const deepLine = notes('fine', `${'- '.repeat(MAX_LINE_NESTING / 2 + 1)}too deep`);

  it.each([
    [
      'lines',
      manyLines,
      MAX_SOP_LINES + 1,
      `the file has ${manyLines.split('\n').length} lines, more than ${MAX_SOP_LINES}: split it into several SOPs`,
    ],
    [
      'characters',
      longLine,
      7,
      `the file has ${longLine.length} characters, more than ${MAX_SOP_CHARACTERS}: split it into several SOPs`,
    ],
    [
      'list items',
      nestedItems,
      7 + MAX_SOP_MARKERS / 2,
      `the file has more than ${MAX_SOP_MARKERS} list items and quote marks: split it into several SOPs`,
    ],
    [
      'nesting',
      deepLine,
      8,
      `the line starts with ${MAX_LINE_NESTING + 2} columns of indentation, list markers and quote marks, more than ${MAX_LINE_NESTING}`,
    ],
    [
      'nesting, a tab being 4 columns',
      notes('\t'.repeat(MAX_LINE_NESTING / 4 + 1)),
      7,
      `the line starts with ${MAX_LINE_NESTING + 4} columns of indentation, list markers and quote marks, more than ${MAX_LINE_NESTING}`,
    ],
  ])('refuses a file past the limit on %s', (_, source, line, message) => {
    expect(issues(source)).toEqual([{ file: 'lib/x.md', line, field: '', message }]);
  });

  it('reads a long file within the limits', () => {
    const steps = Array.from({ length: 600 }, (_, i) => `${i + 1}. step\n   - role: Agent`);
    const deepest = `${'- '.repeat(MAX_LINE_NESTING / 2 - 2)}\tdeep but allowed`; // 64 columns.
    const sop = parsed(md('## Steps', ...steps, '## Notes', deepest));
    expect(sop.steps).toHaveLength(600);
    expect(sop.notes).toBe(deepest);
  });
});
