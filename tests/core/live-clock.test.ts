// Live clock states (protocol.md "Live clock states"): ok below warn, warning from warn to
// the threshold, breached beyond it; met once the first response was made in time; stopped
// after close. Readings are a pure function of the events and `now`: no ticking.
import { auditChat, type ChatReading, read } from '../../src/core/index.ts';
import {
  agent,
  BASE_MS,
  bot,
  closed,
  config,
  customer,
  hold,
  liveRead,
  rulesOf,
  started,
  timelineOf,
} from '../support/events.ts';

const S = BASE_MS; // every chat here starts at 10:00:00.000
const SEC = 1000;
/** The open-too-long escalation prompt (escalation.maxOpenS, 1800 s by default) is a change too. */
const OPEN_LIMIT = S + 1800 * SEC + 1;

const waiting = [started('c', 0, { name: 'Dana Lee' }), customer('c', 'm1', 2, 'Hi')];

describe('first-response clock before any reply', () => {
  it.each<[number, string, number]>([
    [0, 'ok', S + 20 * SEC],
    [1, 'ok', S + 20 * SEC],
    [19_999, 'ok', S + 20 * SEC],
    [20_000, 'warning', S + 30 * SEC + 1],
    [25_000, 'warning', S + 30 * SEC + 1],
    [30_000, 'warning', S + 30 * SEC + 1], // equal to the threshold is not beyond it
    [30_001, 'breached', OPEN_LIMIT],
    [600_000, 'breached', OPEN_LIMIT],
  ])('at Start + %d ms: %s, next change at %d', (elapsed, state, next) => {
    const r = liveRead(waiting, S + elapsed);
    expect(r.firstResponse).toMatchObject({
      state,
      running: true,
      elapsedMs: elapsed,
      since: S,
      breached: state === 'breached',
      warnAtMs: 20_000,
      limitMs: 30_000,
    });
    expect(r.nextChangeAt).toBe(next);
  });

  it('the gap clock is idle before the first reply', () => {
    const r = liveRead(waiting, S + 25_000);
    expect(r.gap).toMatchObject({ state: 'ok', running: false, elapsedMs: 0, since: null });
  });

  it('after a 10-minute "sleep" the first reading is already right (no ticking)', () => {
    const state = timelineOf(waiting).state!;
    const rules = rulesOf(state);
    const r = read(state, rules, S + 10 * 60 * SEC);
    expect(r.firstResponse.state).toBe('breached');
    expect(r.firstResponse.elapsedMs).toBe(600_000);
    // Reading is pure: an earlier `now` afterwards reads the earlier state.
    expect(read(state, rules, S + 5 * SEC).firstResponse.state).toBe('ok');
    expect(read(state, rules, S + 10 * 60 * SEC)).toEqual(r);
  });

  it('a vip override of 15 s warns at 10 s and breaches after 15 s', () => {
    const cfg = config({ overrides: [{ when: { tier: 'vip' }, firstResponseS: 15 }] });
    const vip = [started('c', 0, { tier: 'vip' })];
    expect(liveRead(vip, S + 9_999, cfg).firstResponse.state).toBe('ok');
    expect(liveRead(vip, S + 9_999, cfg).nextChangeAt).toBe(S + 10_000);
    expect(liveRead(vip, S + 10_000, cfg).firstResponse.state).toBe('warning');
    expect(liveRead(vip, S + 15_000, cfg).firstResponse.state).toBe('warning');
    expect(liveRead(vip, S + 15_000, cfg).nextChangeAt).toBe(S + 15_001);
    expect(liveRead(vip, S + 15_001, cfg).firstResponse.state).toBe('breached');
  });
});

describe('first-response clock after the reply', () => {
  it('a reply in time reads met, frozen at the measured value', () => {
    const events = [...waiting, agent('c', 'm2', 12.5, 'Hi Dana!')];
    for (const now of [S + 12_500, S + 40_000, S + 3_600_000]) {
      const r = liveRead(events, now);
      expect(r.firstResponse).toMatchObject({
        state: 'met',
        running: false,
        elapsedMs: 12_500,
        breached: false,
      });
      expect(r.greetedByName).toBe(true);
    }
  });

  it('a reply at exactly the threshold is met', () => {
    const r = liveRead([...waiting, agent('c', 'm2', 30)], S + 100_000);
    expect(r.firstResponse).toMatchObject({ state: 'met', elapsedMs: 30_000, breached: false });
  });

  it('a reply 1 ms late is not met: breached, frozen', () => {
    const r = liveRead([...waiting, agent('c', 'm2', 30.001)], S + 100_000);
    expect(r.firstResponse).toMatchObject({
      state: 'breached',
      running: false,
      elapsedMs: 30_001,
      breached: true,
    });
  });

  it('bot, system and internal messages leave the clock running', () => {
    const r = liveRead(
      [
        ...waiting,
        agent('c', 'n1', 3, 'VIP', { internal: true }),
        bot('c', 'b1', 4, 'An agent will be with you shortly'),
      ],
      S + 21_000,
    );
    expect(r.firstResponse).toMatchObject({ state: 'warning', running: true, elapsedMs: 21_000 });
  });

  it('with the reply made and no wait, only the open-too-long prompt is ahead', () => {
    const r = liveRead([...waiting, agent('c', 'm2', 10)], S + 60_000);
    expect(r.nextChangeAt).toBe(OPEN_LIMIT);
  });
});

describe('gap clock', () => {
  const base = [...waiting, agent('c', 'm2', 10, 'Hi Dana')];
  const asking = [...base, customer('c', 'm3', 40, 'Any news?')];

  it.each<[number, string, number]>([
    [0, 'ok', S + 130 * SEC],
    [89_999, 'ok', S + 130 * SEC],
    [90_000, 'warning', S + 160 * SEC + 1],
    [120_000, 'warning', S + 160 * SEC + 1], // exactly 120 s is not beyond it
    [120_001, 'breached', OPEN_LIMIT],
  ])('waiting since 10:00:40, after %d ms: %s, next change at %d', (elapsed, state, next) => {
    const r = liveRead(asking, S + 40_000 + elapsed);
    expect(r.gap).toMatchObject({
      state,
      running: true,
      since: S + 40_000,
      elapsedMs: elapsed,
      breached: state === 'breached',
      warnAtMs: 90_000,
      limitMs: 120_000,
    });
    expect(r.nextChangeAt).toBe(next);
    expect(r.firstResponse.state).toBe('met');
  });

  it('a later customer message does not move the wait’s start', () => {
    const r = liveRead([...asking, customer('c', 'm4', 100, 'Hello??')], S + 130_000);
    expect(r.gap).toMatchObject({ state: 'warning', since: S + 40_000, elapsedMs: 90_000 });
  });

  it('a reply ends the wait: the clock goes idle', () => {
    const r = liveRead([...asking, agent('c', 'm4', 100, 'Found it')], S + 500_000);
    expect(r.gap).toMatchObject({ state: 'ok', running: false, since: null, elapsedMs: 0 });
  });

  it('a hold message starts a wait at once, with no customer message', () => {
    const r = liveRead([...base, hold('c', 'm4', 50, 'Looking')], S + 50_000 + 95_000);
    expect(r.gap).toMatchObject({ state: 'warning', running: true, since: S + 50_000 });
    const byPhrase = liveRead([...base, agent('c', 'm4', 50, 'Give me a minute')], S + 51_000);
    expect(byPhrase.gap).toMatchObject({ state: 'ok', running: true, since: S + 50_000 });
  });

  it('a hold reply during a wait restarts the clock at the hold', () => {
    const r = liveRead([...asking, agent('c', 'm4', 100, 'Bear with me')], S + 150_000);
    expect(r.gap).toMatchObject({ state: 'ok', since: S + 100_000, elapsedMs: 50_000 });
    expect(r.nextChangeAt).toBe(S + 190_000);
  });

  it('a late-arriving customer message is placed by its `at`', () => {
    // The reply at 10:00:50 arrives before the customer message at 10:00:40 it answers.
    const events = [...base, agent('c', 'm4', 50, 'Sorted'), customer('c', 'm3', 40)];
    const r = liveRead(events, S + 200_000);
    expect(r.gap).toMatchObject({ state: 'ok', running: false });
    const t = timelineOf(events);
    expect(auditChat(t.state!, rulesOf(t.state!)).longestGapS).toBe(10);
  });
});

describe('after close', () => {
  it('met stays met; the gap clock is stopped; nothing changes any more', () => {
    const events = [
      ...waiting,
      agent('c', 'm2', 10, 'Hi Dana'),
      customer('c', 'm3', 40),
      agent('c', 'm4', 170, 'Sorry for the wait'), // 130 s: a breach
      closed('c', 300),
    ];
    const first = liveRead(events, S + 300_000);
    for (const now of [S + 300_000, S + 301_000, S + 86_400_000]) {
      const r = liveRead(events, now);
      expect(r.firstResponse).toMatchObject({ state: 'met', running: false, elapsedMs: 10_000 });
      expect(r.gap).toMatchObject({ state: 'stopped', running: false, breached: true });
      expect(r.nextChangeAt).toBeNull();
      expect(r.firstResponse).toEqual(first.firstResponse);
      expect(r.gap).toEqual(first.gap);
    }
  });

  it('a wait open at close stops at close', () => {
    const events = [...waiting, agent('c', 'm2', 10), customer('c', 'm3', 40), closed('c', 100)];
    const r = liveRead(events, S + 900_000);
    expect(r.gap).toMatchObject({ state: 'stopped', running: false, breached: false });
    const t = timelineOf(events);
    expect(auditChat(t.state!, rulesOf(t.state!)).longestGapS).toBe(60);
  });

  it('no reply before close: stopped, frozen at close − Start, breach kept', () => {
    const late = liveRead([...waiting, closed('c', 45)], S + 900_000);
    expect(late.firstResponse).toMatchObject({
      state: 'stopped',
      running: false,
      elapsedMs: 45_000,
      breached: true,
    });
    expect(late.nextChangeAt).toBeNull();
    const early = liveRead([...waiting, closed('c', 25)], S + 900_000);
    expect(early.firstResponse).toMatchObject({
      state: 'stopped',
      elapsedMs: 25_000,
      breached: false,
    });
  });

  it('a late reply then close: stopped, breach kept', () => {
    const r = liveRead([...waiting, agent('c', 'm2', 45), closed('c', 60)], S + 900_000);
    expect(r.firstResponse).toMatchObject({ state: 'stopped', elapsedMs: 45_000, breached: true });
  });

  it('messages after close change nothing', () => {
    const events = [...waiting, closed('c', 25), agent('c', 'm2', 26, 'Hi Dana')];
    const r = liveRead(events, S + 900_000);
    expect(r.firstResponse).toMatchObject({ state: 'stopped', elapsedMs: 25_000 });
    expect(r.greetedByName).toBe(false);
  });
});

describe('nextChangeAt is exact', () => {
  type Sig = string;
  const sig = (r: ChatReading): Sig =>
    JSON.stringify([
      r.firstResponse.state,
      r.gap.state,
      r.escalations.map((e) => e.kind),
      r.checklist.map((c) => c.checked),
    ]);

  const scenarios: Record<string, Parameters<typeof liveRead>[0]> = {
    'waiting for a first reply': waiting,
    'customer waiting': [...waiting, agent('c', 'm2', 10), customer('c', 'm3', 40)],
    'on hold': [...waiting, agent('c', 'm2', 10), hold('c', 'm3', 12)],
    'answered, nothing open': [...waiting, agent('c', 'm2', 10)],
  };

  it.each(Object.keys(scenarios))(
    '%s: the state holds until nextChangeAt and changes at it',
    (name) => {
      const events = scenarios[name]!;
      let now = Math.max(...events.map((e) => e.at));
      const seen: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = liveRead(events, now);
        if (r.nextChangeAt === null) break;
        expect(r.nextChangeAt).toBeGreaterThan(now);
        expect(Number.isInteger(r.nextChangeAt)).toBe(true);
        expect(sig(liveRead(events, r.nextChangeAt - 1))).toBe(sig(r));
        expect(sig(liveRead(events, r.nextChangeAt))).not.toBe(sig(r));
        seen.push(r.nextChangeAt - S);
        now = r.nextChangeAt;
      }
      expect(seen.length).toBeGreaterThan(0);
    },
  );
});

describe('fractional thresholds (ms precision)', () => {
  // A reading 1.001 s after Start against firstResponseS 1.001 is "from warn to the
  // threshold": warning, not breached (equal is not beyond).
  const cfg = config({ firstResponseS: 1.001, firstResponseWarnS: 0.5 });

  it('at exactly the 1.001 s threshold the clock reads warning', () => {
    const r = liveRead([started('c', 0)], S + 1001, cfg);
    expect(r.firstResponse.state).toBe('warning');
  });

  it('nextChangeAt during the warning is the first breached millisecond (Start + 1002)', () => {
    const r = liveRead([started('c', 0)], S + 600, cfg);
    expect(r.nextChangeAt).toBe(S + 1002);
  });

  it('a sub-millisecond threshold (1.0005 s): next change is the first breached ms, Start + 1001', () => {
    const sub = config({ firstResponseS: 1.0005, firstResponseWarnS: 0.5 });
    const r = liveRead([started('c', 0)], S + 600, sub);
    expect(r.firstResponse.state).toBe('warning');
    expect(liveRead([started('c', 0)], S + 1001, sub).firstResponse.state).toBe('breached');
    expect(r.nextChangeAt).toBe(S + 1001);
  });
});
