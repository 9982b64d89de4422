// One test (or more) per rule of shared/spec/protocol.md. Every expected value is computed
// by hand from the spec's words, never read back from the engine.
import {
  type ChatEvent,
  DEFAULT_CONFIG,
  parseAt,
  parseEventLine,
  rulesFor,
  validateConfig,
  validateEvent,
} from '../../src/core/index.ts';
import {
  agent,
  audit,
  auditLines,
  BASE_MS,
  bot,
  check,
  closed,
  closedRaw,
  config,
  customer,
  hold,
  internal,
  iso,
  line,
  messageRaw,
  ms,
  note,
  type Raw,
  runChat,
  started,
  startedRaw,
  system,
  timing,
} from '../support/events.ts';

/** The hold phrases exactly as protocol.md lists them. */
const SPEC_HOLD_PHRASES = [
  'let me check',
  'let me look into',
  'one moment',
  'just a moment',
  'bear with me',
  'give me a minute',
  'give me a moment',
  "i'll be right back",
  'checking on that',
  'looking into this',
];

/** The transcript of protocol.md "Events", byte for byte. */
const SPEC_EXAMPLE_LINES = [
  '{"type":"chat.started","chatId":"c-1042","at":"2026-11-23T10:00:00.000Z",' +
    '"customer":{"id":"u-77","name":"Dana Lee","tier":"standard"},"channel":"web"}',
  '{"type":"message","chatId":"c-1042","id":"m1","at":"2026-11-23T10:00:04.250Z",' +
    '"author":"customer","text":"Hi, my order never arrived"}',
  '{"type":"message","chatId":"c-1042","id":"m2","at":1795428019000,' +
    '"author":"agent","agentId":"a-3","text":"Hi Dana! Sorry to hear that."}',
  '{"type":"message","chatId":"c-1042","id":"m3","at":"2026-11-23T10:00:30Z",' +
    '"author":"agent","text":"customer is VIP","internal":true}',
  '{"type":"chat.closed","chatId":"c-1042","at":"2026-11-23T10:09:12Z"}',
];

/** The output of protocol.md "audit --json" for that transcript. */
const SPEC_EXAMPLE_OUTPUT = {
  chats: [
    {
      chatId: 'c-1042',
      firstResponseS: 19,
      firstResponseBreached: false,
      greetedByName: true,
      longestGapS: 0,
      gapBreaches: 0,
      gapWarnings: 0,
      closed: true,
    },
  ],
  summary: {
    chats: 1,
    firstResponseBreaches: 0,
    gapBreaches: 0,
    greetedByName: 1,
    invalidLines: 0,
    duplicates: 0,
  },
};

/** A chat that opens at 10:00:00 and gets its first (non-hold) agent reply at 10:00:10. */
function answered(extra: ChatEvent[], name = 'Dana Lee'): ChatEvent[] {
  return [
    started('c', 0, { name }),
    customer('c', 'c0', 1, 'Hi'),
    agent('c', 'a0', 10, 'Hi'),
    ...extra,
  ];
}

function invalidError(input: unknown): string {
  const v = validateEvent(input);
  if (v.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(v)}`);
  return v.error;
}

// ---------------------------------------------------------------------------

describe('protocol.md example', () => {
  it('the example transcript gives the example audit output', () => {
    const report = auditLines(SPEC_EXAMPLE_LINES.join('\n'));
    expect({ chats: report.chats.map(timing), summary: report.summary }).toEqual(
      SPEC_EXAMPLE_OUTPUT,
    );
  });

  it('the example epoch 1795428019000 is 10:00:19.000Z on 2026-11-23', () => {
    expect(parseAt(1795428019000)).toBe(Date.UTC(2026, 10, 23, 10, 0, 19));
  });

  it('CRLF line endings and blank lines change nothing', () => {
    const text = `\n${SPEC_EXAMPLE_LINES.join('\r\n')}\r\n\r\n   \n`;
    const report = auditLines(text);
    expect({ chats: report.chats.map(timing), summary: report.summary }).toEqual(
      SPEC_EXAMPLE_OUTPUT,
    );
  });

  it('out-of-order lines give the same result as sorted ones', () => {
    const shuffled = [4, 2, 0, 3, 1].map((i) => SPEC_EXAMPLE_LINES[i]!);
    const report = auditLines(shuffled.join('\n'));
    expect({ chats: report.chats.map(timing), summary: report.summary }).toEqual(
      SPEC_EXAMPLE_OUTPUT,
    );
  });
});

// ---------------------------------------------------------------------------

describe('Events: `at`', () => {
  const T = Date.UTC(2026, 10, 23, 10, 0, 4, 250); // 1795428004250

  it.each<[unknown, number]>([
    ['2026-11-23T10:00:04.250Z', T],
    ['2026-11-23T10:00:04.25Z', T],
    ['2026-11-23T10:00:04.2Z', T - 50],
    ['2026-11-23T10:00:04Z', T - 250],
    ['2026-11-23T15:30:04.250+05:30', T],
    ['2026-11-23T02:00:04.250-08:00', T],
    ['2026-11-24T00:00:04.250+14:00', T],
    ['2026-11-23T10:00:04.250+00:00', T],
    ['2026-11-23T10:00:04.250-00:00', T],
    // digits past milliseconds are dropped, not rounded
    ['2026-11-23T10:00:04.250999Z', T],
    ['2026-11-23T10:00:04.2509999999999Z', T],
    ['2026-11-23T10:00:04.9999Z', T + 749],
    ['2026-11-23T15:30:04.2509+05:30', T],
    // epoch milliseconds; a fractional part is dropped
    [1795428004250, T],
    [1795428004250.9, T],
    [1795428004250.5, T],
    [1795428004250.25, T],
    [1795428004250.75, T],
    [0, 0],
    [-1.5, -1],
  ])('parseAt(%j) = %d', (value, expected) => {
    expect(parseAt(value)).toBe(expected);
  });

  it.each<[unknown]>([
    ['2026-11-23T10:00:04.250'], // no offset
    ['2026-11-23T10:00:04'],
    ['2026-11-23'],
    ['2026-11-23 10:00:04Z'],
    ['2026-11-23T10:00Z'],
    ['2026-11-23T10:00:04.Z'],
    ['2026-11-23T10:00:04+0530'],
    ['2026-02-29T10:00:00Z'], // 2026 is not a leap year
    ['2026-13-01T10:00:00Z'],
    ['2026-11-31T10:00:00Z'],
    ['2026-11-23T24:00:00Z'],
    ['2026-11-23T10:60:00Z'],
    ['yesterday'],
    [''],
    ['1795428004250'], // epoch ms must be a number
    [null],
    [undefined],
    [true],
    [{}],
    [[1795428004250]],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [Number.NEGATIVE_INFINITY],
  ])('parseAt(%j) is not a time', (value) => {
    expect(parseAt(value)).toBeNull();
  });

  it('an event whose `at` has an offset lands on the same instant as its Z form', () => {
    const a = validateEvent({ ...closedRaw('c', 0), at: '2026-11-23T15:30:00.000+05:30' });
    const b = validateEvent({ ...closedRaw('c', 0), at: '2026-11-23T02:00:00-08:00' });
    expect(a).toEqual({ kind: 'event', event: { type: 'chat.closed', chatId: 'c', at: BASE_MS } });
    expect(b).toEqual({ kind: 'event', event: { type: 'chat.closed', chatId: 'c', at: BASE_MS } });
  });

  it('offsets and epoch numbers mix in one chat (first response 12 s)', () => {
    const events = [
      { ...startedRaw('c', 0), at: '2026-11-23T15:30:00.000+05:30' },
      { ...messageRaw('c', 'm1', 0, 'agent', 'Hi'), at: '2026-11-23T02:00:12.000-08:00' },
      { ...closedRaw('c', 0), at: BASE_MS + 60_000.75 },
    ];
    const chat = timing(runChat(events.map((e) => assertEvent(e))));
    expect(chat.firstResponseS).toBe(12);
    expect(chat.closed).toBe(true);
  });

  it('ms precision: fractions past ms in ISO and in epoch numbers are dropped (4.25 s)', () => {
    const viaIso = runChat([
      assertEvent(startedRaw('c', 0)),
      assertEvent({ ...messageRaw('c', 'm1', 0, 'agent', 'Hi'), at: '2026-11-23T10:00:04.2509Z' }),
    ]);
    const viaEpoch = runChat([
      assertEvent(startedRaw('c', 0)),
      assertEvent({ ...messageRaw('c', 'm1', 0, 'agent', 'Hi'), at: BASE_MS + 4250.999 }),
    ]);
    expect(viaIso.firstResponseS).toBe(4.25);
    expect(viaEpoch.firstResponseS).toBe(4.25);
  });
});

function assertEvent(raw: Raw): ChatEvent {
  const v = validateEvent(raw);
  if (v.kind !== 'event') throw new Error(JSON.stringify(v));
  return v.event;
}

// ---------------------------------------------------------------------------

describe('Events: fields and bad input', () => {
  const okMessage = messageRaw('c', 'm1', 4.25, 'customer', 'Hi, my order never arrived');

  it('accepts each of the four authors', () => {
    for (const author of ['customer', 'agent', 'bot', 'system']) {
      const v = validateEvent({ ...okMessage, author });
      expect(v.kind).toBe('event');
    }
  });

  it('internal defaults to false and hold to false', () => {
    const v = validateEvent(okMessage);
    expect(v).toMatchObject({ kind: 'event', event: { internal: false, hold: false } });
  });

  it('chat.started needs no customer, name or tier', () => {
    expect(validateEvent({ type: 'chat.started', chatId: 'c', at: iso(0) }).kind).toBe('event');
    expect(
      validateEvent({ type: 'chat.started', chatId: 'c', at: iso(0), customer: { id: 'u' } }).kind,
    ).toBe('event');
  });

  it('limits: chatId of 200 chars and text of 20,000 chars are valid', () => {
    expect(validateEvent({ ...okMessage, chatId: 'x'.repeat(200) }).kind).toBe('event');
    expect(validateEvent({ ...okMessage, text: 'y'.repeat(20_000) }).kind).toBe('event');
  });

  it('an empty text is still a string (valid)', () => {
    expect(validateEvent({ ...okMessage, text: '' }).kind).toBe('event');
  });

  it.each<[string, Raw, string]>([
    ['missing type', { chatId: 'c', at: iso(0) }, 'type'],
    ['missing chatId', { type: 'chat.started', at: iso(0) }, 'chatId'],
    ['empty chatId', { ...okMessage, chatId: '' }, 'chatId'],
    ['chatId over 200 chars', { ...okMessage, chatId: 'x'.repeat(201) }, 'chatId'],
    ['chatId not a string', { ...okMessage, chatId: 42 }, 'chatId'],
    ['missing at (message)', { ...okMessage, at: undefined }, 'at'],
    ['missing at (chat.started)', { type: 'chat.started', chatId: 'c' }, 'at'],
    ['missing at (chat.closed)', { type: 'chat.closed', chatId: 'c' }, 'at'],
    ['unparseable at', { ...okMessage, at: 'tomorrow' }, 'at'],
    ['at without offset', { ...okMessage, at: '2026-11-23T10:00:04' }, 'at'],
    ['at as a numeric string', { ...okMessage, at: '1795428004250' }, 'at'],
    ['missing message id', { ...okMessage, id: undefined }, 'id'],
    ['empty message id', { ...okMessage, id: '' }, 'id'],
    ['missing author', { ...okMessage, author: undefined }, 'author'],
    ['unknown author', { ...okMessage, author: 'robot' }, 'author'],
    ['author in the wrong case', { ...okMessage, author: 'Agent' }, 'author'],
    ['missing text', { ...okMessage, text: undefined }, 'text'],
    ['text not a string', { ...okMessage, text: 42 }, 'text'],
    ['text over 20,000 chars', { ...okMessage, text: 'y'.repeat(20_001) }, 'text'],
  ])('%s is invalid and names the field', (_label, raw, field) => {
    const clean = JSON.parse(JSON.stringify(raw)); // drop `undefined` fields like JSON would
    expect(invalidError(clean).startsWith(`${field}:`)).toBe(true);
    // The same through a JSONL line.
    const v = parseEventLine(JSON.stringify(clean));
    expect(v.kind).toBe('invalid');
    if (v.kind === 'invalid') expect(v.error.startsWith(`${field}:`)).toBe(true);
  });

  it.each([
    ['not JSON', 'this is not json'],
    ['truncated JSON', '{"type":"message","chatId":"c"'],
    ['JSON array', '[1,2,3]'],
    ['JSON number', '42'],
    ['JSON string', '"chat.started"'],
    ['JSON null', 'null'],
    ['JSON true', 'true'],
  ])('a line that is %s is invalid', (_label, text) => {
    expect(parseEventLine(text).kind).toBe('invalid');
  });

  it.each(['', ' ', '   \t ', '\r', ' \r'])('blank line %j carries no event', (text) => {
    expect(parseEventLine(text)).toEqual({ kind: 'blank' });
  });

  // A line is walked for depth only when it has enough brackets to nest past the limit.
  it('a line nested past the depth limit is refused; brackets inside text nest nothing', () => {
    const deep = { ...okMessage, extra: JSON.parse(`${'['.repeat(20)}${']'.repeat(20)}`) };
    expect(parseEventLine(line(deep))).toEqual({
      kind: 'invalid',
      error: '(event): nested deeper than 16 levels',
    });
    const shallow = { ...okMessage, extra: JSON.parse(`${'['.repeat(15)}${']'.repeat(15)}`) };
    expect(parseEventLine(line(shallow)).kind).toBe('event');
    const bracketsInText = { ...okMessage, text: `see ${'[{'.repeat(30)} here` };
    expect(parseEventLine(line(bracketsInText)).kind).toBe('event');
  });

  it('a trailing \\r is dropped', () => {
    const text = line(okMessage);
    expect(parseEventLine(`${text}\r`)).toEqual(parseEventLine(text));
    expect(parseEventLine(`${text}\r`).kind).toBe('event');
  });

  it.each(['chat.transferred', 'agent.typing', 'chat.rated'])(
    'type %s is ignored, never an error (even without chatId or at)',
    (type) => {
      expect(validateEvent({ type, chatId: 'c', at: iso(0) })).toEqual({ kind: 'ignored', type });
      expect(validateEvent({ type })).toEqual({ kind: 'ignored', type });
      expect(parseEventLine(JSON.stringify({ type, foo: 1 }))).toEqual({ kind: 'ignored', type });
    },
  );

  it('invalid lines are skipped, counted, and never stop other lines or chats', () => {
    const lines = [
      line(startedRaw('a', 0, { name: 'Dana Lee' })),
      'not json',
      line(messageRaw('a', 'm1', 2, 'customer', 'Hi')),
      '[]',
      line(messageRaw('b', 'm1', 3, 'customer', 'Hi')),
      line({ ...messageRaw('a', 'm2', 200, 'agent', 'late'), author: 'manager' }), // invalid
      line(messageRaw('a', 'm3', 12.5, 'agent', 'Hi Dana!')),
      line({ ...messageRaw('b', 'm2', 5, 'agent', 'Hello'), at: 'soon' }), // invalid
      line(messageRaw('b', 'm3', 50, 'agent', 'Hello')),
      line({ ...messageRaw('a', 'm4', 20, 'customer', 'x'.repeat(20_001)) }), // invalid
      line(closedRaw('a', 60)),
    ];
    const report = auditLines(lines.join('\n'));
    expect(report.summary.invalidLines).toBe(5);
    expect(report.chats.map(timing)).toEqual([
      {
        chatId: 'a',
        firstResponseS: 12.5,
        firstResponseBreached: false,
        greetedByName: true,
        longestGapS: 0,
        gapBreaches: 0,
        gapWarnings: 0,
        closed: true,
      },
      {
        chatId: 'b',
        firstResponseS: 47, // Start = first message 10:00:03, reply 10:00:50
        firstResponseBreached: true,
        greetedByName: false,
        longestGapS: 0,
        gapBreaches: 0,
        gapWarnings: 0,
        closed: false,
      },
    ]);
  });
});

// ---------------------------------------------------------------------------

describe('Order: by `at`, equal `at` in file order', () => {
  const head = [started('c', 0, { name: 'Dana Lee' }), agent('c', 'm1', 5, 'Hi Dana')];

  it('customer then agent at the same instant: a 0 s wait', () => {
    const chat = runChat([
      ...head,
      customer('c', 'm2', 50, 'Still there?'),
      agent('c', 'm3', 50, 'Yes'),
      closed('c', 300),
    ]);
    expect(chat.longestGapS).toBe(0);
    expect(chat.gapBreaches).toBe(0);
  });

  it('agent then customer at the same instant: the wait runs to close (250 s)', () => {
    const chat = runChat([
      ...head,
      agent('c', 'm3', 50, 'Yes'),
      customer('c', 'm2', 50, 'Still there?'),
      closed('c', 300),
    ]);
    expect(chat.longestGapS).toBe(250);
    expect(chat.gapBreaches).toBe(1);
  });

  it('other lines moving around does not change the order of equal-`at` lines', () => {
    const chat = runChat([
      closed('c', 300),
      agent('c', 'm3', 50, 'Yes'),
      ...head.slice().reverse(),
      customer('c', 'm2', 50, 'Still there?'),
    ]);
    expect(chat.longestGapS).toBe(250);
    expect(chat.gapBreaches).toBe(1);
  });

  it('a reply listed before the customer message it answers still answers it', () => {
    const chat = runChat([
      closed('c', 400),
      agent('c', 'm4', 150, 'Sorted'),
      customer('c', 'm3', 20, 'Hello?'),
      ...head,
    ]);
    expect(chat.longestGapS).toBe(130);
    expect(chat.gapBreaches).toBe(1);
    expect(chat.firstResponseS).toBe(5);
  });

  it('a reply at the same instant as chat.closed counts only if it comes first in the file', () => {
    const reply = runChat([started('c', 0), agent('c', 'm1', 45, 'Hi'), closed('c', 45)]);
    const late = runChat([started('c', 0), closed('c', 45), agent('c', 'm1', 45, 'Hi')]);
    expect([reply.firstResponseS, reply.firstResponseBreached]).toEqual([45, true]);
    expect([late.firstResponseS, late.firstResponseBreached]).toEqual([null, true]);
  });
});

// ---------------------------------------------------------------------------

describe('Duplicates: a repeated (chatId, id), the later copy ignored', () => {
  it('an exact copy is ignored and counted', () => {
    const report = audit([
      started('c', 0, { name: 'Dana Lee' }),
      customer('c', 'm1', 2, 'Hi'),
      agent('c', 'm2', 10, 'Hi Dana'),
      agent('c', 'm2', 10, 'Hi Dana'),
      customer('c', 'm1', 2, 'Hi'),
      closed('c', 60),
    ]);
    expect(report.chats[0]!.firstResponseS).toBe(10);
    expect(report.chats[0]!.longestGapS).toBe(0);
    expect(report.summary.duplicates).toBe(2);
  });

  it('a copy with other content is still a duplicate: the first copy counts', () => {
    const report = audit([
      started('c', 0, { name: 'Dana Lee' }),
      agent('c', 'm2', 10, 'Hello there'),
      agent('c', 'm2', 10, 'Hi Dana'),
    ]);
    expect(report.chats[0]!.greetedByName).toBe(false);
    expect(report.summary.duplicates).toBe(1);
  });

  it('"later" is in processing order: the copy with the greater `at` is ignored', () => {
    const report = audit([
      started('c', 0, { name: 'Dana Lee' }),
      agent('c', 'm2', 12, 'Hi Dana'), // first in the file, later in processing order
      agent('c', 'm2', 8, 'Hello'),
    ]);
    expect(report.chats[0]!.firstResponseS).toBe(8);
    expect(report.chats[0]!.greetedByName).toBe(false);
    expect(report.summary.duplicates).toBe(1);
  });

  it('a duplicate never moves End (a copy at 10:08:20 of an earlier reply)', () => {
    const report = audit([
      started('c', 0),
      agent('c', 'm1', 10, 'Hi'),
      customer('c', 'm2', 20, 'Are you there?'),
      agent('c', 'm1', 500, 'Hi'),
    ]);
    // End = 10:00:20 (the last non-duplicate message): the open wait is 0 s long.
    expect(timing(report.chats[0]!)).toMatchObject({
      firstResponseS: 10,
      longestGapS: 0,
      gapBreaches: 0,
      closed: false,
    });
    expect(report.summary.duplicates).toBe(1);
  });

  it('a copy does not end a wait', () => {
    const chat = runChat([
      started('c', 0),
      agent('c', 'm1', 10, 'Hi'),
      customer('c', 'm2', 20, 'Are you there?'),
      agent('c', 'm1', 100, 'Hi'),
      closed('c', 200),
    ]);
    expect(chat.longestGapS).toBe(180);
    expect(chat.gapBreaches).toBe(1);
  });

  it('the same id in two chats is not a duplicate', () => {
    const report = audit([
      customer('a', 'm1', 0, 'Hi'),
      customer('b', 'm1', 0, 'Hi'),
      agent('a', 'm2', 5, 'Hello'),
      agent('b', 'm2', 6, 'Hello'),
    ]);
    expect(report.summary.duplicates).toBe(0);
    expect(report.chats.map((c) => c.firstResponseS)).toEqual([5, 6]);
  });

  it('duplicates in several chats are summed', () => {
    const report = audit([
      customer('a', 'm1', 0),
      customer('a', 'm1', 0),
      customer('b', 'm1', 0),
      customer('b', 'm1', 1),
      customer('b', 'm1', 2),
    ]);
    expect(report.summary.duplicates).toBe(3);
  });

  it('engine decision (spec silent): a copy after close is ignored and not counted', () => {
    const report = audit([
      started('c', 0),
      agent('c', 'm1', 10, 'Hi'),
      closed('c', 20),
      agent('c', 'm1', 30, 'Hi'),
    ]);
    expect(report.chats[0]!.firstResponseS).toBe(10);
    expect(report.summary.duplicates).toBe(0);
  });
});

// ---------------------------------------------------------------------------

describe('Start and End', () => {
  it('a chat with no chat.started starts at its first message', () => {
    const chat = runChat([customer('c', 'm1', 5, 'Hi'), agent('c', 'm2', 40, 'Hi')]);
    expect(timing(chat)).toEqual({
      chatId: 'c',
      firstResponseS: 35,
      firstResponseBreached: true,
      greetedByName: false,
      longestGapS: 0,
      gapBreaches: 0,
      gapWarnings: 0,
      closed: false,
    });
  });

  it('a bot message can be the first message (Start) without answering', () => {
    const chat = runChat([
      bot('c', 'm1', 0, 'Hi, I am a bot'),
      customer('c', 'm2', 10),
      agent('c', 'm3', 25),
    ]);
    expect(chat.firstResponseS).toBe(25);
    expect(chat.firstResponseBreached).toBe(false);
  });

  it('Start is the earliest `at` even when chat.started comes after a message', () => {
    const chat = runChat([
      customer('c', 'm1', 0, 'Hi'),
      started('c', 3, { name: 'Dana Lee' }),
      agent('c', 'm2', 20, 'Hi Dana'),
    ]);
    expect(chat.firstResponseS).toBe(20);
    expect(chat.greetedByName).toBe(true);
  });

  it('a chat.closed with no earlier event starts nothing', () => {
    const report = audit([closed('x', 0)]);
    expect(report.chats).toEqual([]);
    expect(report.summary.chats).toBe(0);
  });

  it('a chat.closed before any other event (by `at`) is not a close of the later chat', () => {
    for (const events of [
      [closed('c', 0), customer('c', 'm1', 5), agent('c', 'm2', 10)],
      [customer('c', 'm1', 5), agent('c', 'm2', 10), closed('c', 0)],
    ]) {
      const chat = runChat(events);
      expect(chat.closed).toBe(false);
      expect(chat.firstResponseS).toBe(5);
    }
  });

  it('a second chat.started is ignored (name, tier and Start kept)', () => {
    const cfg = config({ overrides: [{ when: { tier: 'vip' }, firstResponseS: 15 }] });
    const chat = runChat(
      [
        started('c', 0, { name: 'Dana Lee', tier: 'standard' }),
        started('c', 10, { name: 'Zoë Kim', tier: 'vip' }),
        agent('c', 'm1', 20, 'Hi Dana'),
      ],
      cfg,
    );
    expect(chat.firstResponseS).toBe(20);
    expect(chat.firstResponseBreached).toBe(false); // 30 s standard, not 15 s vip
    expect(chat.greetedByName).toBe(true);
  });

  it('a second chat.started does not move End (read as "ignored")', () => {
    // Unclosed, no reply: End = 10:00:05 (the customer message), so 5 s — no breach.
    const chat = runChat([started('c', 0), customer('c', 'm1', 5), started('c', 100)]);
    expect(chat.firstResponseS).toBeNull();
    expect(chat.firstResponseBreached).toBe(false);
  });

  it('events after chat.closed are ignored by the timers', () => {
    const chat = runChat([
      started('c', 0, { name: 'Dana Lee' }),
      customer('c', 'm1', 5, 'Hi'),
      closed('c', 60),
      agent('c', 'm2', 70, 'Hi Dana'),
      customer('c', 'm3', 80, 'Hello?'),
      started('c', 85, { name: 'Zoë' }),
      closed('c', 400),
    ]);
    expect(timing(chat)).toEqual({
      chatId: 'c',
      firstResponseS: null,
      firstResponseBreached: true, // End − Start = 60 s > 30 s
      greetedByName: false,
      longestGapS: 0,
      gapBreaches: 0,
      gapWarnings: 0,
      closed: true,
    });
  });

  it('a wait open at close ends at close', () => {
    const chat = runChat([...answered([customer('c', 'm1', 20, 'Hello?'), closed('c', 200)])]);
    expect(chat.longestGapS).toBe(180);
    expect(chat.gapBreaches).toBe(1);
  });

  it('unclosed: End is the greatest `at` of chat.started and message events (bot counts)', () => {
    const chat = runChat(
      answered([customer('c', 'm1', 20, 'Hello?'), bot('c', 'm2', 250, 'Still here?')]),
    );
    expect(chat.closed).toBe(false);
    expect(chat.longestGapS).toBe(230);
    expect(chat.gapBreaches).toBe(1);
  });

  it('unclosed: an internal note and a system message also move End', () => {
    const a = runChat(answered([customer('c', 'm1', 20), internal('c', 'm2', 200, 'ping')]));
    const b = runChat(answered([customer('c', 'm1', 20), system('c', 'm2', 110)]));
    expect(a.longestGapS).toBe(180);
    expect(b.longestGapS).toBe(90);
    expect(b.gapWarnings).toBe(0); // exactly 90 s is not "longer than" 90
  });

  it('ignored types never move Start or End', () => {
    const lines = [
      line({ type: 'agent.typing', chatId: 'c', at: iso(-60) }),
      line(startedRaw('c', 0)),
      line(messageRaw('c', 'm1', 5, 'customer', 'Hi')),
      line({ type: 'agent.typing', chatId: 'c', at: iso(600) }),
      line({ type: 'chat.transferred', chatId: 'c', at: iso(700), to: 'a-9' }),
      line({ type: 'agent.typing', chatId: 'ghost', at: iso(0) }),
    ];
    const report = auditLines(lines.join('\n'));
    // Start 10:00:00, End 10:00:05: 5 s without reply is no breach.
    expect(report.chats.map(timing)).toEqual([
      {
        chatId: 'c',
        firstResponseS: null,
        firstResponseBreached: false,
        greetedByName: false,
        longestGapS: 0,
        gapBreaches: 0,
        gapWarnings: 0,
        closed: false,
      },
    ]);
    expect(report.summary).toMatchObject({ chats: 1, invalidLines: 0 });
  });

  it('the widget’s own events (playbook.*) never move Start or End', () => {
    const chat = runChat([
      started('c', 0),
      customer('c', 'm1', 5, 'Hi'),
      note('c', 600, 'called back'),
      check('c', 700, 'history'),
    ]);
    expect(chat.firstResponseBreached).toBe(false);
  });

  it('invalid lines never move Start or End', () => {
    const lines = [
      line(startedRaw('c', 0)),
      line(messageRaw('c', 'm1', 5, 'customer', 'Hi')),
      line(messageRaw('c', 'm2', 700, 'supervisor', 'late')),
      line({ ...messageRaw('c', 'm3', 0, 'agent', 'Hi'), at: '2026-11-23T09:00:00' }),
    ];
    const report = auditLines(lines.join('\n'));
    expect(report.summary.invalidLines).toBe(2);
    expect(report.chats[0]!.firstResponseBreached).toBe(false);
  });
});

// ---------------------------------------------------------------------------

describe('Clocks: first response', () => {
  const head = [started('c', 0), customer('c', 'm1', 1, 'Hi')];

  it('measured exactly at the threshold (30.000 s) is no breach', () => {
    const chat = runChat([...head, agent('c', 'm2', 30)]);
    expect(chat.firstResponseS).toBe(30);
    expect(chat.firstResponseBreached).toBe(false);
  });

  it('30.001 s is a breach', () => {
    const chat = runChat([...head, agent('c', 'm2', 30.001)]);
    expect(chat.firstResponseS).toBe(30.001);
    expect(chat.firstResponseBreached).toBe(true);
  });

  it('no agent message, closed at 30.000 s: null, no breach; at 30.001 s: breach', () => {
    const a = runChat([...head, closed('c', 30)]);
    const b = runChat([...head, closed('c', 30.001)]);
    expect([a.firstResponseS, a.firstResponseBreached]).toEqual([null, false]);
    expect([b.firstResponseS, b.firstResponseBreached]).toEqual([null, true]);
  });

  it('no agent message, unclosed: End − Start from the last message', () => {
    expect(runChat([started('c', 0), customer('c', 'm1', 30)]).firstResponseBreached).toBe(false);
    expect(runChat([started('c', 0), customer('c', 'm1', 30.001)]).firstResponseBreached).toBe(
      true,
    );
  });

  it('a chat with only chat.started: 0 s, no breach', () => {
    const chat = runChat([started('c', 0)]);
    expect(chat.firstResponseS).toBeNull();
    expect(chat.firstResponseBreached).toBe(false);
  });

  it('bot, system and internal messages do not stop the clock', () => {
    const chat = runChat([
      started('c', 0, { name: 'Dana Lee' }),
      bot('c', 'b1', 1, 'Hi Dana, an agent will be with you shortly'),
      system('c', 's1', 2, 'Dana joined'),
      internal('c', 'n1', 3, 'Hi Dana — VIP'),
      agent('c', 'm2', 40, 'Hello, how can I help?'),
    ]);
    expect(chat.firstResponseS).toBe(40);
    expect(chat.firstResponseBreached).toBe(true);
    expect(chat.greetedByName).toBe(false);
  });

  it('an internal message with hold words does not answer either', () => {
    const chat = runChat([started('c', 0), internal('c', 'n1', 3, 'one moment'), closed('c', 50)]);
    expect(chat.firstResponseS).toBeNull();
    expect(chat.firstResponseBreached).toBe(true);
  });
});

// ---------------------------------------------------------------------------

describe('Clocks: waiting (no gap over 2 minutes)', () => {
  it('a wait of exactly 120 s is a warning, not a breach', () => {
    const chat = runChat(answered([customer('c', 'm1', 20), agent('c', 'm2', 140)]));
    expect([chat.longestGapS, chat.gapBreaches, chat.gapWarnings]).toEqual([120, 0, 1]);
  });

  it('120.001 s is a breach (and not also a warning)', () => {
    const chat = runChat(answered([customer('c', 'm1', 20), agent('c', 'm2', 140.001)]));
    expect([chat.longestGapS, chat.gapBreaches, chat.gapWarnings]).toEqual([120.001, 1, 0]);
  });

  it('exactly 90 s is neither; 90.001 s is a warning', () => {
    const a = runChat(answered([customer('c', 'm1', 20), agent('c', 'm2', 110)]));
    const b = runChat(answered([customer('c', 'm1', 20), agent('c', 'm2', 110.001)]));
    expect([a.longestGapS, a.gapBreaches, a.gapWarnings]).toEqual([90, 0, 0]);
    expect([b.longestGapS, b.gapBreaches, b.gapWarnings]).toEqual([90.001, 0, 1]);
  });

  it('no waiting period: longestGapS 0', () => {
    const chat = runChat(answered([closed('c', 500)]));
    expect([chat.longestGapS, chat.gapBreaches, chat.gapWarnings]).toEqual([0, 0, 0]);
  });

  it('customer messages before the first agent message open no wait', () => {
    const chat = runChat([
      started('c', 0),
      customer('c', 'm1', 1),
      customer('c', 'm2', 5),
      customer('c', 'm3', 25),
      agent('c', 'm4', 28, 'Hi'),
      closed('c', 300),
    ]);
    expect(chat.firstResponseS).toBe(28);
    expect([chat.longestGapS, chat.gapBreaches, chat.gapWarnings]).toEqual([0, 0, 0]);
  });

  it('the oldest unanswered message starts the wait; later ones do not move it', () => {
    const chat = runChat(
      answered([
        customer('c', 'm1', 20),
        customer('c', 'm2', 100),
        customer('c', 'm3', 125),
        agent('c', 'm4', 150),
      ]),
    );
    expect([chat.longestGapS, chat.gapBreaches]).toEqual([130, 1]);
  });

  it('bot, system and internal messages do not end a wait', () => {
    const chat = runChat(
      answered([
        customer('c', 'm1', 20),
        internal('c', 'm2', 30, 'checking'),
        bot('c', 'm3', 40, 'An agent will reply soon'),
        system('c', 'm4', 50, 'Transferred'),
        agent('c', 'm5', 200),
      ]),
    );
    expect([chat.longestGapS, chat.gapBreaches]).toEqual([180, 1]);
  });

  it('bot, system and internal messages do not start a wait, even with hold words or flag', () => {
    const botHold = assertEvent({ ...messageRaw('c', 'b2', 25, 'bot', 'ok'), hold: true });
    const chat = runChat(
      answered([
        bot('c', 'b1', 20, 'One moment please'),
        botHold,
        system('c', 's1', 30, 'Let me check'),
        internal('c', 'n1', 40, 'one moment'),
        agent('c', 'n2', 45, 'x', { internal: true, hold: true }),
        closed('c', 300),
      ]),
    );
    expect([chat.longestGapS, chat.gapBreaches, chat.gapWarnings]).toEqual([0, 0, 0]);
  });

  it('a hold message (hold: true) starts a wait with no customer message', () => {
    const chat = runChat(
      answered([hold('c', 'm1', 20, 'Working on it'), agent('c', 'm2', 115, 'Done')]),
    );
    expect([chat.longestGapS, chat.gapBreaches, chat.gapWarnings]).toEqual([95, 0, 1]);
  });

  it('a hold phrase makes a hold message even with hold: false', () => {
    const chat = runChat(
      answered([agent('c', 'm1', 20, 'Let me check', { hold: false }), closed('c', 150)]),
    );
    expect([chat.longestGapS, chat.gapBreaches]).toEqual([130, 1]);
  });

  describe.each(SPEC_HOLD_PHRASES)('default hold phrase %j', (phrase) => {
    const variants = [
      phrase,
      phrase.toUpperCase(),
      phrase.replace(/ /g, '  \t\n '),
      phrase.replace(/\b\w/g, (c) => c.toUpperCase()).replace(/ /g, '\u00a0 '),
    ];
    it.each(variants)('%j inside a message starts a wait at the message', (variant) => {
      const chat = runChat(
        answered([agent('c', 'm1', 20, `Sure, ${variant} please.`), closed('c', 120)]),
      );
      expect([chat.longestGapS, chat.gapBreaches, chat.gapWarnings]).toEqual([100, 0, 1]);
    });
  });

  it('the first agent message can itself be a hold message', () => {
    const chat = runChat([
      started('c', 0, { name: 'Dana Lee' }),
      agent('c', 'm1', 10, 'Hi Dana, let me check that for you'),
      agent('c', 'm2', 140, 'Thanks for waiting'),
    ]);
    expect(chat.firstResponseS).toBe(10);
    expect(chat.greetedByName).toBe(true);
    expect([chat.longestGapS, chat.gapBreaches]).toEqual([130, 1]);
  });

  it('a hold message ends the wait and starts a new one at its `at`', () => {
    const chat = runChat(
      answered([
        customer('c', 'm1', 20, 'Where is my parcel?'),
        agent('c', 'm2', 115, 'Bear with me'),
        agent('c', 'm3', 240, 'Found it'),
      ]),
    );
    // [20, 115] = 95 s (warning), [115, 240] = 125 s (breach)
    expect([chat.longestGapS, chat.gapBreaches, chat.gapWarnings]).toEqual([125, 1, 1]);
  });

  it('during a hold, customer messages do not move waitingSince', () => {
    const chat = runChat(
      answered([
        agent('c', 'm1', 20, 'One moment'),
        customer('c', 'm2', 60, 'ok'),
        agent('c', 'm3', 145, 'Here you go'),
      ]),
    );
    expect([chat.longestGapS, chat.gapBreaches]).toEqual([125, 1]);
  });

  it('a hold message as the last event of an unclosed chat is a 0 s wait', () => {
    const chat = runChat(answered([agent('c', 'm1', 50, 'One moment')]));
    expect([chat.longestGapS, chat.gapBreaches, chat.gapWarnings]).toEqual([0, 0, 0]);
  });

  it('an unclosed chat: the open wait ends at the last message', () => {
    const chat = runChat(answered([customer('c', 'm1', 20), customer('c', 'm2', 150)]));
    expect([chat.longestGapS, chat.gapBreaches, chat.closed]).toEqual([130, 1, false]);
  });

  it('counts every period: warnings and breaches per chat, breaches summed in summary', () => {
    const a = answered([
      customer('c', 'm1', 20),
      agent('c', 'm2', 115), // 95  → warning
      customer('c', 'm3', 120),
      agent('c', 'm4', 220), // 100 → warning
      customer('c', 'm5', 230),
      agent('c', 'm6', 360), // 130 → breach
      customer('c', 'm7', 370),
      agent('c', 'm8', 400), // 30
      agent('c', 'm9', 410, 'one moment'),
      closed('c', 560), // 150 → breach
    ]);
    const b = [
      started('d', 0),
      agent('d', 'm1', 40, 'Hello'),
      customer('d', 'm2', 50),
      closed('d', 200.5),
    ]; // first response 40 s → breach; wait 150.5 → breach
    const report = audit([...a, ...b]);
    expect(report.chats.map(timing)).toEqual([
      {
        chatId: 'c',
        firstResponseS: 10,
        firstResponseBreached: false,
        greetedByName: false,
        longestGapS: 150,
        gapBreaches: 2,
        gapWarnings: 2,
        closed: true,
      },
      {
        chatId: 'd',
        firstResponseS: 40,
        firstResponseBreached: true,
        greetedByName: false,
        longestGapS: 150.5,
        gapBreaches: 1,
        gapWarnings: 0,
        closed: true,
      },
    ]);
    expect(report.summary).toEqual({
      chats: 2,
      firstResponseBreaches: 1,
      gapBreaches: 3,
      greetedByName: 0,
      invalidLines: 0,
      duplicates: 0,
    });
  });
});

// ---------------------------------------------------------------------------

describe('Greeted by name', () => {
  function greeted(name: string | undefined, text: string): boolean {
    return runChat([
      started('c', 0, name === undefined ? {} : { name }),
      customer('c', 'm1', 1, 'Hi'),
      agent('c', 'm2', 5, text),
    ]).greetedByName;
  }

  it.each<[string | undefined, string, boolean]>([
    ['Dana Lee', 'Hi Dana! Sorry to hear that.', true],
    ['Dana Lee', 'hi dana', true],
    ['Dana Lee', 'HI DANA,', true],
    ['Dana Lee', "Dana's order is on its way", true],
    ['Dana Lee', '(Dana) hello', true],
    ['Dana Lee', 'Hello Dana-Lee', true],
    ['Dana Lee', 'Hi Danal', false],
    ['Dana Lee', 'Hi _Dana', false],
    ['Dana Lee', 'Hi Dana_', false],
    ['Dana Lee', 'Hi Dana2', false],
    ['Dana Lee', 'Hi 2Dana', false],
    ['Dana Lee', 'Hi ADana', false],
    ['Dana Lee', 'Hi Danaя', false], // a letter of another script
    ['Dana Lee', 'Hi Dana١', false], // an Arabic-Indic digit
    ['Dana Lee', 'Hi Ms Lee', false], // the first name is the first word
    ['Dana Lee', 'Hello there', false],
    ['  Dana   Lee ', 'Hi Dana', true],
    ['Zoë Martin', 'Hi Zoë!', true],
    ['Zoë Martin', 'hi zoë', true],
    ['Zoë Martin', 'HI ZOË', true],
    ['Zoë Martin', 'Hi Zoe', false],
    ['Zoë Martin', 'Hi Zoëlle', false],
    ['José Álvarez', '¡Hola José!', true],
    ['José Álvarez', 'hola JOSÉ', true],
    ['José Álvarez', 'Hola Josélito', false],
    ['José Álvarez', 'Hola Jose', false],
    ['Ōtani', 'こんにちはŌtani', false], // kana are letters of another script
    ['Ōtani', 'こんにちは、Ōtaniさん', false],
    ['Ōtani', 'こんにちは、Ōtani！', true],
    ['Dana', 'Hi Dana', true],
    [undefined, 'Hi Dana', false],
    ['', 'Hi there', false],
  ])('name %j, first reply %j → %s', (name, text, expected) => {
    expect(greeted(name, text)).toBe(expected);
  });

  it('only the first public agent message counts', () => {
    const chat = runChat([
      started('c', 0, { name: 'Dana Lee' }),
      internal('c', 'n1', 2, 'Dana is VIP'),
      agent('c', 'm1', 5, 'Hello!'),
      agent('c', 'm2', 8, 'Dana, can you share your order number?'),
    ]);
    expect(chat.greetedByName).toBe(false);
  });

  it('no agent message: false', () => {
    expect(
      runChat([started('c', 0, { name: 'Dana Lee' }), customer('c', 'm1', 1)]).greetedByName,
    ).toBe(false);
  });

  it('greeted even when the first reply is late (the checklist `greet` item is not)', () => {
    const chat = runChat([started('c', 0, { name: 'Dana Lee' }), agent('c', 'm1', 45, 'Hi Dana')]);
    expect(chat.greetedByName).toBe(true);
    expect(chat.firstResponseBreached).toBe(true);
  });

  it('summary.greetedByName counts chats', () => {
    const report = audit([
      started('a', 0, { name: 'Dana' }),
      agent('a', 'm', 1, 'Hi Dana'),
      started('b', 0, { name: 'Zoë' }),
      agent('b', 'm', 1, 'Hi zoë'),
      started('c', 0, { name: 'José' }),
      agent('c', 'm', 1, 'Hi there'),
    ]);
    expect(report.summary.greetedByName).toBe(2);
  });
});

// ---------------------------------------------------------------------------

describe('audit --json output', () => {
  it('chats are sorted by chatId in JavaScript string order (UTF-16 code units)', () => {
    const ids = ['b', 'a-9', 'a-10', 'B', 'é', 'Z', '\u{1F600}', '\uFF5E', 'a'];
    const report = audit(ids.map((id, i) => customer(id, 'm1', i)));
    // By UTF-16 code units U+1F600 (0xD83D…) sorts before U+FF5E; localeCompare would
    // put 'a' before 'B'.
    expect(report.chats.map((c) => c.chatId)).toEqual([
      'B',
      'Z',
      'a',
      'a-10',
      'a-9',
      'b',
      'é',
      '\u{1F600}',
      '\uFF5E',
    ]);
  });

  it('numbers are seconds with millisecond precision', () => {
    const chat = runChat(
      [
        started('c', '10:00:00.000'),
        agent('c', 'm1', '10:00:04.250', 'Hi'),
        customer('c', 'm2', '10:00:10.001'),
        agent('c', 'm3', '10:01:50.126', 'ok'),
      ],
      DEFAULT_CONFIG,
    );
    expect(chat.firstResponseS).toBe(4.25);
    expect(chat.longestGapS).toBe(100.125);
    expect(JSON.stringify(timing(chat))).toContain('"firstResponseS":4.25');
    expect(JSON.stringify(timing(chat))).toContain('"longestGapS":100.125');
  });

  it('a chat line has exactly the protocol fields (plus the optional checklist)', () => {
    const chat = runChat([started('c', 0), agent('c', 'm1', 1)]);
    expect(Object.keys(chat).sort()).toEqual(
      [
        'chatId',
        'checklist',
        'closed',
        'firstResponseBreached',
        'firstResponseS',
        'gapBreaches',
        'gapWarnings',
        'greetedByName',
        'longestGapS',
      ].sort(),
    );
    for (const v of Object.values(chat.checklist)) expect(typeof v).toBe('boolean');
  });
});

// ---------------------------------------------------------------------------

describe('Threshold configuration', () => {
  it('defaults from the live-chat standard', () => {
    expect(DEFAULT_CONFIG).toMatchObject({
      firstResponseS: 30,
      firstResponseWarnS: 20,
      maxGapS: 120,
      gapWarnS: 90,
    });
    expect([...DEFAULT_CONFIG.holdPhrases]).toEqual(SPEC_HOLD_PHRASES);
  });

  it('every field is optional; a missing one keeps its default', () => {
    const r = validateConfig({});
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.config).toMatchObject({
        firstResponseS: 30,
        firstResponseWarnS: 20,
        maxGapS: 120,
        gapWarnS: 90,
      });
      expect(r.config.holdPhrases).toEqual(SPEC_HOLD_PHRASES);
    }
    const c = config({ maxGapS: 180 });
    expect([c.firstResponseS, c.firstResponseWarnS, c.maxGapS, c.gapWarnS]).toEqual([
      30, 20, 180, 90,
    ]);
  });

  it('the spec example configuration is valid', () => {
    const c = config({
      firstResponseS: 30,
      firstResponseWarnS: 20,
      maxGapS: 120,
      gapWarnS: 90,
      holdPhrases: ['let me check', 'one moment'],
      overrides: [
        { when: { tier: 'vip' }, firstResponseS: 15 },
        { when: { channel: 'mobile' }, maxGapS: 180 },
      ],
    });
    expect(c.holdPhrases).toEqual(['let me check', 'one moment']);
    expect(c.overrides).toHaveLength(2);
  });

  it('a partial update keeps the base configuration for missing fields', () => {
    const base = config({ firstResponseS: 60, firstResponseWarnS: 45 });
    const r = validateConfig({ maxGapS: 200 }, base);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect([r.config.firstResponseS, r.config.firstResponseWarnS, r.config.maxGapS]).toEqual([
        60, 45, 200,
      ]);
    }
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a string', { firstResponseS: '30' }, 'firstResponseS'],
    ['null', { maxGapS: null }, 'maxGapS'],
    ['a boolean', { gapWarnS: true }, 'gapWarnS'],
    ['NaN', { maxGapS: Number.NaN }, 'maxGapS'],
    ['Infinity', { maxGapS: Number.POSITIVE_INFINITY }, 'maxGapS'],
    ['-Infinity', { firstResponseWarnS: Number.NEGATIVE_INFINITY }, 'firstResponseWarnS'],
    ['0', { gapWarnS: 0 }, 'gapWarnS'],
    ['negative', { firstResponseWarnS: -5 }, 'firstResponseWarnS'],
    ['over 86,400', { maxGapS: 86_401 }, 'maxGapS'],
    ['just over 86,400', { firstResponseS: 86_400.001 }, 'firstResponseS'],
  ])('a value that is %s is invalid, naming the field', (_label, input, field) => {
    const r = validateConfig(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toContain(field);
  });

  it('86,400 and tiny positive values are valid', () => {
    expect(validateConfig({ maxGapS: 86_400 }).ok).toBe(true);
    expect(validateConfig({ firstResponseS: 0.002, firstResponseWarnS: 0.001 }).ok).toBe(true);
  });

  it.each<[Record<string, unknown>, string[]]>([
    [{ firstResponseWarnS: 30 }, ['firstResponseWarnS', 'firstResponseS']],
    [{ firstResponseWarnS: 31 }, ['firstResponseWarnS', 'firstResponseS']],
    [{ firstResponseS: 20, firstResponseWarnS: 25 }, ['firstResponseWarnS', 'firstResponseS']],
    [{ gapWarnS: 120 }, ['gapWarnS', 'maxGapS']],
    [{ maxGapS: 60 }, ['gapWarnS', 'maxGapS']], // default warn 90 is not below 60
  ])('a warn threshold not below its threshold is invalid: %j', (input, fields) => {
    const r = validateConfig(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(fields).toContain(r.errors[0]!.field);
  });

  it('an empty hold phrase is invalid, naming the field', () => {
    for (const phrases of [['let me check', ''], ['   ']]) {
      const r = validateConfig({ holdPhrases: phrases });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]!.field).toMatch(/^holdPhrases/);
    }
  });

  it('an invalid value in an override names the override and the field', () => {
    const r = validateConfig({ overrides: [{ when: { tier: 'vip' }, firstResponseS: 0 }] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]!.field).toContain('overrides');
      expect(r.errors[0]!.field).toContain('firstResponseS');
    }
  });

  it('an override warn not below its (inherited) threshold is invalid', () => {
    const r = validateConfig({ overrides: [{ when: { tier: 'vip' }, firstResponseWarnS: 30 }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.field).toContain('firstResponseWarnS');
  });

  it('an invalid configuration yields errors and no configuration (the old one is kept)', () => {
    const base = config({ maxGapS: 200 });
    const r = validateConfig({ maxGapS: -1, firstResponseS: 'x' }, base);
    expect(r.ok).toBe(false);
    expect('config' in r).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(['firstResponseS', 'maxGapS']);
    expect(base.maxGapS).toBe(200);
  });

  it('unknown keys are warnings, not errors', () => {
    const r = validateConfig({ maxGap: 100 });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings.join(' ')).toContain('maxGap');
  });

  it('custom holdPhrases replace the defaults', () => {
    const cfg = config({ holdPhrases: ['Hang   Tight'] });
    const defaultPhrase = runChat(
      answered([agent('c', 'm1', 20, 'Let me check'), closed('c', 150)]),
      cfg,
    );
    const custom = runChat(
      answered([agent('c', 'm1', 20, 'Please HANG\t tight'), closed('c', 150)]),
      cfg,
    );
    expect(defaultPhrase.longestGapS).toBe(0);
    expect([custom.longestGapS, custom.gapBreaches]).toEqual([130, 1]);
  });

  it('an empty list of hold phrases leaves only hold: true', () => {
    const cfg = config({ holdPhrases: [] });
    const phrase = runChat(answered([agent('c', 'm1', 20, 'one moment'), closed('c', 150)]), cfg);
    const flag = runChat(answered([hold('c', 'm1', 20), closed('c', 150)]), cfg);
    expect(phrase.longestGapS).toBe(0);
    expect(flag.longestGapS).toBe(130);
  });

  describe('overrides: in order, every key of `when` must match, last match wins per field', () => {
    const cfg = config({
      overrides: [
        { when: { tier: 'vip' }, firstResponseS: 15, maxGapS: 100 },
        { when: { channel: 'mobile' }, maxGapS: 180 },
        { when: { tier: 'vip', channel: 'email' }, firstResponseS: 60 },
      ],
    });
    const t = (chat: { tier?: string; channel?: string }) => {
      const r = rulesFor(cfg, chat);
      return [r.firstResponseS, r.maxGapS];
    };

    it.each<[{ tier?: string; channel?: string }, number[]]>([
      [{ tier: 'standard', channel: 'web' }, [30, 120]],
      [{}, [30, 120]],
      [{ tier: 'vip', channel: 'web' }, [15, 100]],
      [{ tier: 'vip' }, [15, 100]],
      [{ tier: 'vip', channel: 'mobile' }, [15, 180]],
      [{ tier: 'standard', channel: 'mobile' }, [30, 180]],
      [{ tier: 'vip', channel: 'email' }, [60, 100]],
      [{ tier: 'standard', channel: 'email' }, [30, 120]],
      [{ channel: 'email' }, [30, 120]],
    ])('%j → [firstResponseS, maxGapS] = %j', (chat, expected) => {
      expect(t(chat)).toEqual(expected);
    });

    it('swapping the order swaps the winner', () => {
      const swapped = config({
        overrides: [
          { when: { channel: 'mobile' }, maxGapS: 180 },
          { when: { tier: 'vip' }, maxGapS: 100 },
        ],
      });
      expect(rulesFor(swapped, { tier: 'vip', channel: 'mobile' }).maxGapS).toBe(100);
    });

    it('the vip example override (15 s) warns at 10 s (team ratio 20/30)', () => {
      expect(rulesFor(cfg, { tier: 'vip' }).firstResponseWarnS).toBe(10);
    });

    it('audit applies the chat’s own rules', () => {
      const report = audit(
        [
          started('v', 0, { tier: 'vip', channel: 'web' }),
          agent('v', 'm1', 20, 'Hi'),
          started('s', 0, { tier: 'standard', channel: 'web' }),
          agent('s', 'm1', 20, 'Hi'),
          started('m', 0, { tier: 'vip', channel: 'mobile' }),
          agent('m', 'm1', 10, 'Hi'),
          customer('m', 'm2', 20),
          agent('m', 'm3', 170, 'ok'), // 150 s: within 180 (mobile), a warning (> 90)
        ],
        cfg,
      );
      expect(
        report.chats.map((c) => [c.chatId, c.firstResponseBreached, c.gapBreaches, c.gapWarnings]),
      ).toEqual([
        ['m', false, 0, 1],
        ['s', false, 0, 0],
        ['v', true, 0, 0],
      ]);
    });

    it('a lowered gap threshold scales its warn (60 s → warn 45 s)', () => {
      const low = config({ overrides: [{ when: { channel: 'chat-lite' }, maxGapS: 60 }] });
      const r = rulesFor(low, { channel: 'chat-lite' });
      expect([r.maxGapS, r.gapWarnS]).toEqual([60, 45]);
      const chat = runChat(
        [
          started('c', 0, { channel: 'chat-lite' }),
          agent('c', 'm1', 10, 'Hi'),
          customer('c', 'm2', 20),
          agent('c', 'm3', 70, 'ok'), // 50 s: > 45 warn, ≤ 60
        ],
        low,
      );
      expect([chat.gapBreaches, chat.gapWarnings]).toEqual([0, 1]);
    });
  });

  describe('fractional thresholds compare at millisecond precision', () => {
    // protocol.md: breached when the measured value is greater than the threshold; the
    // measured value has ms precision. A response of exactly 1.001 s against a 1.001 s
    // threshold is equal, so it is no breach.
    const cfg = config({
      firstResponseS: 1.001,
      firstResponseWarnS: 0.5,
      maxGapS: 8.001,
      gapWarnS: 4,
    });

    it('first response of exactly 1.001 s against firstResponseS 1.001 is no breach', () => {
      const chat = runChat([started('c', 0), agent('c', 'm1', 1.001, 'Hi')], cfg);
      expect(chat.firstResponseS).toBe(1.001);
      expect(chat.firstResponseBreached).toBe(false);
    });

    it('1.002 s against firstResponseS 1.001 is a breach', () => {
      const chat = runChat([started('c', 0), agent('c', 'm1', 1.002, 'Hi')], cfg);
      expect(chat.firstResponseBreached).toBe(true);
    });

    it('a wait of exactly 8.001 s against maxGapS 8.001 is a warning, not a breach', () => {
      const chat = runChat(
        [
          started('c', 0),
          agent('c', 'm1', 1, 'Hi'),
          customer('c', 'm2', 2),
          agent('c', 'm3', 10.001),
        ],
        cfg,
      );
      expect(chat.longestGapS).toBe(8.001);
      expect([chat.gapBreaches, chat.gapWarnings]).toEqual([0, 1]);
    });
  });
});

// Keep an eye on ms(): the helper itself must agree with the ISO form.
it('test helper: ms() and iso() agree', () => {
  expect(ms('10:00:04.250')).toBe(BASE_MS + 4250);
  expect(ms(4.25)).toBe(BASE_MS + 4250);
  expect(iso('10:00:04.25')).toBe('2026-11-23T10:00:04.250Z');
});
