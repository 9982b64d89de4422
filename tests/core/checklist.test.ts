// The live-chat checklist (protocol.md "The live-chat checklist") and the escalation
// prompts, read live and through `audit`.
import {
  auditChat,
  type ChatEvent,
  type ChatReading,
  type ChecklistEntry,
  validateConfig,
  validateEvent,
} from '../../src/core/index.ts';
import {
  agent,
  BASE_MS,
  check,
  closed,
  config,
  customer,
  iso,
  liveRead,
  note,
  reply,
  rulesOf,
  runChat,
  started,
  timelineOf,
} from '../support/events.ts';

const S = BASE_MS;
const SPEC_IDS = [
  'greet',
  'restate',
  'history',
  'snippet',
  'expectations',
  'resolve',
  'anything-else',
  'close',
  'log',
  'qa',
];

const opened = [started('c', 0, { name: 'Dana Lee' }), customer('c', 'm1', 2, 'Hi')];

function entry(r: ChatReading, id: string): ChecklistEntry {
  const e = r.checklist.find((x) => x.id === id);
  if (!e) throw new Error(`no checklist item ${id}`);
  return e;
}

function item(events: ChatEvent[], id: string, now = S + 3_600_000): ChecklistEntry {
  return entry(liveRead(events, now), id);
}

describe('items', () => {
  it('the default checklist has the spec’s ids in the spec’s order', () => {
    expect(liveRead(opened, S).checklist.map((e) => e.id)).toEqual(SPEC_IDS);
    expect(Object.keys(runChat(opened).checklist)).toEqual(SPEC_IDS);
    expect(Object.values(runChat(opened).checklist).every((v) => v === false)).toBe(true);
  });

  it('a team may drop items and add its own', () => {
    const cfg = config({
      checklist: ['greet', 'close', { id: 'refund', label: 'Offer a refund' }],
    });
    const events = [...opened, check('c', 30, 'refund', true, { by: 'a-3' })];
    const r = liveRead(events, S + 60_000, cfg);
    expect(r.checklist.map((e) => [e.id, e.checked])).toEqual([
      ['greet', false],
      ['close', false],
      ['refund', true],
    ]);
    expect(runChat(events, cfg).checklist).toEqual({ greet: false, close: false, refund: true });
  });

  it('an unknown built-in item id is a configuration error naming the field', () => {
    const r = validateConfig({ checklist: ['greet', 'nope'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.field).toBe('checklist[1]');
  });
});

describe('greet: automatically, first public agent message in time and by name', () => {
  it('ticked at the reply, source auto, not manual', () => {
    const e = item([...opened, agent('c', 'm2', 12, 'Hi Dana, thanks for waiting')], 'greet');
    expect(e).toMatchObject({ checked: true, source: 'auto', at: S + 12_000, manual: false });
  });

  it('a reply at exactly the threshold is in time', () => {
    expect(item([...opened, agent('c', 'm2', 30, 'Hi Dana')], 'greet').checked).toBe(true);
  });

  it('a late reply does not tick it, even by name', () => {
    expect(item([...opened, agent('c', 'm2', 30.001, 'Hi Dana')], 'greet').checked).toBe(false);
  });

  it('a reply in time without the name does not tick it; a later one by name does not either', () => {
    const events = [
      ...opened,
      agent('c', 'm2', 5, 'Hello!'),
      agent('c', 'm3', 8, 'Dana, can I have your order number?'),
    ];
    expect(item(events, 'greet').checked).toBe(false);
  });

  it('uses the chat’s own threshold (vip 15 s)', () => {
    const cfg = config({ overrides: [{ when: { tier: 'vip' }, firstResponseS: 15 }] });
    const events = [
      started('c', 0, { name: 'Dana Lee', tier: 'vip' }),
      agent('c', 'm2', 20, 'Hi Dana'),
    ];
    expect(runChat(events, cfg).checklist.greet).toBe(false);
    expect(runChat(events).checklist.greet).toBe(true);
  });

  it('cannot be ticked by hand', () => {
    const e = item([...opened, check('c', 20, 'greet', true, { by: 'a-3' })], 'greet');
    expect(e).toMatchObject({ checked: false, manual: false });
  });
});

describe('expectations: automatically on a time promise, or manual', () => {
  it.each([
    "I'll have an answer within 10 minutes",
    'I will have an answer for you within 24 hours.',
    'You will hear back within 2 business days.',
  ])('%j ticks it', (text) => {
    const e = item(
      [...opened, agent('c', 'm2', 10, 'Hi Dana'), agent('c', 'm3', 40, text)],
      'expectations',
    );
    expect(e).toMatchObject({ checked: true, source: 'auto', at: S + 40_000 });
  });

  it('a message without a time promise does not', () => {
    expect(
      item([...opened, agent('c', 'm2', 10, 'Hi Dana, happy to help.')], 'expectations').checked,
    ).toBe(false);
  });

  it('the customer’s words are not the agent setting expectations', () => {
    const events = [...opened, customer('c', 'm2', 10, 'I need an answer within 10 minutes')];
    expect(item(events, 'expectations').checked).toBe(false);
  });

  it('can be ticked by hand', () => {
    const e = item(
      [...opened, check('c', 50, 'expectations', true, { by: 'a-3' })],
      'expectations',
    );
    expect(e).toMatchObject({ checked: true, source: 'manual', by: 'a-3', at: S + 50_000 });
  });
});

describe('anything-else: automatically on that question, or manual', () => {
  it('the question ticks it', () => {
    const events = [
      ...opened,
      agent('c', 'm2', 300, 'Is there anything else I can help you with?'),
    ];
    expect(item(events, 'anything-else')).toMatchObject({
      checked: true,
      source: 'auto',
      at: S + 300_000,
    });
  });

  it('other replies do not', () => {
    expect(
      item([...opened, agent('c', 'm2', 10, 'Your parcel ships today.')], 'anything-else').checked,
    ).toBe(false);
  });
});

describe('close: automatically when the closing message thanks and carries the case reference', () => {
  const withRef = [
    started('c', 0, { name: 'Dana Lee', caseRef: 'CP-4821' }),
    customer('c', 'm1', 2),
  ];

  it('thanks + the case reference ticks it', () => {
    const events = [
      ...withRef,
      agent('c', 'm2', 400, 'Thanks for contacting us! Your case reference is CP-4821.'),
    ];
    expect(item(events, 'close')).toMatchObject({ checked: true, source: 'auto', at: S + 400_000 });
  });

  it('thanks without the reference does not', () => {
    expect(
      item([...withRef, agent('c', 'm2', 400, 'Thanks for contacting us!')], 'close').checked,
    ).toBe(false);
  });

  it('the reference without thanks does not', () => {
    expect(
      item([...withRef, agent('c', 'm2', 400, 'Your case reference is CP-4821.')], 'close').checked,
    ).toBe(false);
  });

  it('without a caseRef the chat id is the reference', () => {
    const events = [
      started('c-1042', 0),
      agent('c-1042', 'm2', 400, 'Thank you! Your reference is c-1042.'),
    ];
    expect(runChat(events).checklist.close).toBe(true);
  });
});

describe('restate: manual, or suggested when the agent shares key words with the customer', () => {
  const issue = [
    started('c', 0, { name: 'Dana Lee' }),
    customer('c', 'm1', 2, 'My package never arrived and the tracking shows nothing'),
  ];

  it('a restating reply suggests it without ticking it', () => {
    const events = [
      ...issue,
      agent('c', 'm2', 10, 'So your package never arrived and the tracking is stuck?'),
    ];
    expect(item(events, 'restate')).toMatchObject({
      checked: false,
      suggested: true,
      manual: true,
    });
  });

  it('an unrelated reply suggests nothing', () => {
    expect(item([...issue, agent('c', 'm2', 10, 'Hello Dana!')], 'restate').suggested).toBe(false);
  });

  it('ticking it by hand replaces the suggestion', () => {
    const events = [
      ...issue,
      agent('c', 'm2', 10, 'So your package never arrived and the tracking is stuck?'),
      check('c', 12, 'restate', true, { by: 'a-3' }),
    ];
    expect(item(events, 'restate')).toMatchObject({
      checked: true,
      source: 'manual',
      suggested: false,
    });
  });
});

describe('snippet: when a sent message carries a reply inserted from the widget', () => {
  const REFUND =
    'Thanks Dana, I have refunded the shipping fee to your card: it shows within 5 working days.';

  it('inserting alone ticks nothing; the message that carries it ticks it at its time', () => {
    const inserted = [...opened, reply('c', 20, 'sop-refund', 'r1', true, REFUND)];
    expect(item(inserted, 'snippet').checked).toBe(false);
    const e = item([...inserted, agent('c', 'a1', 31, REFUND)], 'snippet');
    expect(e).toMatchObject({ checked: true, source: 'auto', at: S + 31_000 });
  });

  it('allows the agent’s edits, but not a message that does not carry the reply', () => {
    const inserted = [...opened, reply('c', 20, 'sop-refund', 'r1', true, REFUND)];
    const edited =
      'Hi Dana! I have refunded the shipping fee to your Visa card; it shows within 5 working days at most.';
    expect(item([...inserted, agent('c', 'a1', 31, edited)], 'snippet').checked).toBe(true);
    const other = 'Let me check that with our billing team.';
    expect(item([...inserted, agent('c', 'a1', 31, other)], 'snippet').checked).toBe(false);
    // An internal note carrying the reply is not sent to the customer.
    const internal = agent('c', 'a1', 31, REFUND, { internal: true });
    expect(item([...inserted, internal], 'snippet').checked).toBe(false);
  });

  it('an unfilled insert does not count; a message sent before the insert does not either', () => {
    const unfilled = [...opened, reply('c', 20, 'sop-refund', 'r1', false, REFUND)];
    expect(item([...unfilled, agent('c', 'a1', 31, REFUND)], 'snippet').checked).toBe(false);
    const before = [
      ...opened,
      agent('c', 'a1', 15, REFUND),
      reply('c', 20, 'sop-refund', 'r1', true, REFUND),
    ];
    expect(item(before, 'snippet').checked).toBe(false);
  });

  it('an insert recorded without its text (older widgets) counts with the next public message', () => {
    const e = item(
      [...opened, reply('c', 20, 'sop-refund', 'r1', true), agent('c', 'a1', 25, 'Hi Dana')],
      'snippet',
    );
    expect(e).toMatchObject({ checked: true, at: S + 25_000 });
  });
});

describe('log: automatically when a note is added in the widget', () => {
  it('the first note ticks it at its time; the agent may still untick it', () => {
    expect(item(opened, 'log').checked).toBe(false);
    const noted = [...opened, note('c', 40, 'refunded shipping; follow up Friday')];
    expect(item(noted, 'log')).toMatchObject({ checked: true, source: 'auto', at: S + 40_000 });
    const unticked = [...noted, check('c', 50, 'log', false)];
    expect(item(unticked, 'log')).toMatchObject({ checked: false, source: 'manual' });
  });
});

describe('manual items: who and when, untick, notes, qa reason', () => {
  it('a tick records who and when', () => {
    const e = item([...opened, check('c', 60, 'history', true, { by: 'a-3' })], 'history');
    expect(e).toMatchObject({
      checked: true,
      source: 'manual',
      at: S + 60_000,
      by: 'a-3',
      manual: true,
    });
  });

  it('an untick clears it and records when', () => {
    const events = [
      ...opened,
      check('c', 60, 'history', true, { by: 'a-3' }),
      check('c', 90, 'history', false, { by: 'a-4' }),
    ];
    expect(item(events, 'history')).toMatchObject({
      checked: false,
      source: 'manual',
      at: S + 90_000,
      by: 'a-4',
    });
    expect(runChat(events).checklist.history).toBe(false);
  });

  it('ticks apply in `at` order even when they arrive out of order', () => {
    const events = [...opened, check('c', 90, 'history', false), check('c', 60, 'history', true)];
    expect(item(events, 'history').checked).toBe(false);
  });

  it('the agent has the last word over an automatic tick', () => {
    const events = [
      ...opened,
      agent('c', 'm2', 10, "I'll have an answer within 10 minutes"),
      check('c', 20, 'expectations', false, { by: 'a-3' }),
    ];
    expect(item(events, 'expectations')).toMatchObject({ checked: false, source: 'manual' });
  });

  it('resolve and log are manual', () => {
    const events = [...opened, check('c', 100, 'resolve'), check('c', 110, 'log')];
    expect(item(events, 'resolve').checked).toBe(true);
    expect(item(events, 'log').checked).toBe(true);
    expect(runChat(events).checklist).toMatchObject({ resolve: true, log: true, history: false });
  });

  it('notes are kept with the chat, in order', () => {
    const t = timelineOf([
      ...opened,
      note('c', 50, 'Refund issued', 'a-3'),
      note('c', 70, 'Follow up Friday'),
    ]);
    expect(t.state!.notes).toEqual([
      { at: S + 50_000, text: 'Refund issued', by: 'a-3' },
      { at: S + 70_000, text: 'Follow up Friday', by: undefined },
    ]);
  });

  it('widget actions after close still count (the agent logs once the chat has ended)', () => {
    const events = [
      ...opened,
      closed('c', 100),
      check('c', 120, 'log', true),
      note('c', 121, 'done'),
    ];
    expect(runChat(events).checklist.log).toBe(true);
    expect(timelineOf(events).state!.notes).toHaveLength(1);
  });

  it('qa requires a reason', () => {
    const base = { type: 'playbook.check', chatId: 'c', at: iso(30), item: 'qa', checked: true };
    for (const bad of [base, { ...base, reason: '' }, { ...base, reason: '   ' }]) {
      const v = validateEvent(bad);
      expect(v.kind).toBe('invalid');
      if (v.kind === 'invalid') expect(v.error.startsWith('reason:')).toBe(true);
    }
    expect(validateEvent({ ...base, checked: false }).kind).toBe('event'); // untick needs none
    const e = item(
      [...opened, check('c', 30, 'qa', true, { by: 'a-3', reason: 'Legal threat' })],
      'qa',
    );
    expect(e).toMatchObject({ checked: true, source: 'manual', by: 'a-3', reason: 'Legal threat' });
  });
});

describe('escalation prompts', () => {
  it.each([
    ['manager', 'I want to speak to your manager right now'],
    ['legal', "I'm going to contact my lawyer about this"],
    ['safety', 'The charger caught fire last night'],
  ])('%s words in the customer’s message raise a prompt', (kind, text) => {
    const r = liveRead([...opened, customer('c', 'm2', 40, text)], S + 41_000);
    const hit = r.escalations.find((e) => e.kind === kind);
    expect(hit).toMatchObject({ kind, at: S + 40_000, messageId: 'm2' });
    expect(hit!.excerpt).toBeTruthy();
  });

  it('the same words from the agent raise nothing', () => {
    const r = liveRead(
      [...opened, agent('c', 'm2', 40, 'I can ask my manager about the fire hazard')],
      S + 41_000,
    );
    expect(r.escalations).toEqual([]);
  });

  it.each([
    ['enterprise', true],
    ['vip', true],
    ['standard', false],
    [undefined, false],
  ])('tier %s raises a prompt from the start: %s', (tier, raised) => {
    const r = liveRead([started('c', 0, tier === undefined ? {} : { tier })], S + 1_000);
    expect(r.escalations.some((e) => e.kind === 'tier' && e.at === S)).toBe(raised);
  });

  it('a chat open longer than escalation.maxOpenS (1800 s) raises a prompt, not before', () => {
    expect(liveRead(opened, S + 1_800_000).escalations).toEqual([]);
    expect(liveRead(opened, S + 1_800_000).nextChangeAt).toBe(S + 1_800_001);
    expect(liveRead(opened, S + 1_800_001).escalations).toEqual([
      { kind: 'duration', at: S + 1_800_001 },
    ]);
  });

  it('a chat closed in time never raises the duration prompt', () => {
    expect(liveRead([...opened, closed('c', 1_000)], S + 5_000_000).escalations).toEqual([]);
    const long = liveRead([...opened, closed('c', 1_801)], S + 5_000_000).escalations;
    expect(long.map((e) => e.kind)).toEqual(['duration']);
  });

  it('escalation tiers and maxOpenS come from the configuration', () => {
    const cfg = config({ escalation: { tiers: ['gold'], maxOpenS: 600 } });
    const gold = liveRead([started('c', 0, { tier: 'gold' })], S + 600_001, cfg);
    expect(gold.escalations.map((e) => e.kind)).toEqual(['tier', 'duration']);
    const vip = liveRead([started('c', 0, { tier: 'vip' })], S + 1_000, cfg);
    expect(vip.escalations).toEqual([]);
  });
});

describe('live and audit agree', () => {
  it('the audit checklist is the live checklist read at End', () => {
    const events = [
      started('c', 0, { name: 'Dana Lee', caseRef: 'CP-1' }),
      customer('c', 'm1', 2, 'My package never arrived'),
      agent('c', 'm2', 10, "Hi Dana, I'll have an answer within 10 minutes"),
      reply('c', 20, 'sop', 'r', true),
      check('c', 30, 'history', true, { by: 'a-3' }),
      agent('c', 'm3', 200, 'Anything else? Thanks, your case reference is CP-1.'),
      closed('c', 210),
    ];
    const t = timelineOf(events);
    const live = Object.fromEntries(
      liveRead(events, S + 210_000).checklist.map((e) => [e.id, e.checked]),
    );
    expect(auditChat(t.state!, rulesOf(t.state!)).checklist).toEqual(live);
    expect(live).toEqual({
      greet: true,
      restate: false,
      history: true,
      snippet: true,
      expectations: true,
      resolve: false,
      'anything-else': true,
      close: true,
      log: false,
      qa: false,
    });
  });
});
