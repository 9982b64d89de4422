import { describe, expect, it } from 'vitest';
import { harness, msg, started } from './harness.ts';

const stateOf = (h: ReturnType<typeof harness>, chatId: string) => {
  const r = h.store.chats.get(chatId)!.reading.value!;
  const clock = r.firstResponse;
  // What the clock shows: a running clock is `now − since` (the reading keeps its value from
  // the last state change, so it does not change every second).
  const firstMs =
    clock.running && clock.since !== null
      ? h.store.scheduler.now.value - clock.since
      : clock.elapsedMs;
  return { first: clock.state, gap: r.gap.state, firstMs };
};

describe('scheduler', () => {
  it('moves the first-response clock ok → warning → breached at the exact instants', () => {
    const h = harness();
    h.feed(started('c-1', 0));
    expect(stateOf(h, 'c-1').first).toBe('ok');
    h.clock.advance(19_999);
    expect(stateOf(h, 'c-1').first).toBe('ok');
    h.clock.advance(1);
    expect(stateOf(h, 'c-1').first).toBe('warning');
    h.clock.advance(10_000); // 30.000 s: still warning (breach is strictly beyond)
    expect(stateOf(h, 'c-1').first).toBe('warning');
    h.clock.advance(1);
    expect(stateOf(h, 'c-1').first).toBe('breached');
    expect(h.clocks.filter((c) => c.clock === 'firstResponse').map((c) => c.state)).toEqual([
      'ok',
      'warning',
      'breached',
    ]);
  });

  it('keeps one timer for many chats, at most one redraw a second', () => {
    const h = harness();
    h.feed(started('c-1', 0), started('c-2', 0.3), started('c-3', 0.7, 'Ann Bo', 'vip'));
    expect(h.clock.timers.size).toBe(1);
    const before = h.clock.fired;
    h.clock.advance(10_000);
    expect(h.clock.timers.size).toBe(1);
    // 10 one-second beats plus the vip chat's warning at 10.7 s is not reached yet.
    expect(h.clock.fired - before).toBeLessThanOrEqual(11);
    expect(h.store.scheduler.now.value).toBe(h.clock.time);
  });

  it('sets no timer when no clock runs and nothing is due', () => {
    const h = harness({ thresholds: { escalation: { maxOpenS: 60 } } });
    h.feed(started('c-1', 0), msg('c-1', 'm1', 5, 'agent', 'Hi Dana'), {
      type: 'chat.closed',
      chatId: 'c-1',
      at: 6,
    });
    expect(h.clock.timers.size).toBe(0);
  });

  it('does nothing while hidden and shows the right clock at once when visible again', () => {
    const h = harness();
    h.feed(
      started('c-1', 0),
      msg('c-1', 'm1', 5, 'agent', 'Hi Dana'),
      msg('c-1', 'm2', 6, 'customer', 'where is it'),
    );
    h.clock.advance(1_000);
    h.clock.setHidden(true);
    expect(h.clock.timers.size).toBe(0);
    const fired = h.clock.fired;
    h.clock.advance(10 * 60_000);
    expect(h.clock.fired).toBe(fired);
    h.clock.setHidden(false);
    const r = h.store.chats.get('c-1')!.reading.value!;
    expect(r.gap.state).toBe('breached');
    // 10 min 1 s after start − 6 s wait start = 9:55.
    expect(r.gap.elapsedMs).toBe(10 * 60_000 + 1_000 - 6_000);
    expect(h.clock.timers.size).toBe(1);
  });

  it('measures against server-corrected transport time, never by counting ticks', () => {
    // The local clock runs 4 s behind the server.
    const h = harness({}, 4_000);
    h.feed(started('c-1', 0));
    expect(stateOf(h, 'c-1').firstMs).toBe(4_000);
    h.clock.advance(2_000);
    expect(stateOf(h, 'c-1').firstMs).toBe(6_000);
    // A late event with an earlier start re-derives; the reading follows immediately.
    h.feed(started('c-0', -100));
    h.clock.advance(500);
    expect(h.store.chats.get('c-0')!.reading.value!.firstResponse.state).toBe('breached');
  });

  it('re-reads every chat at once on configure, keeping the old config when invalid', () => {
    const h = harness();
    h.feed(started('c-1', 0), started('c-2', 0));
    h.clock.advance(12_000);
    expect(stateOf(h, 'c-1').first).toBe('ok');
    expect(h.store.config.configure({ firstResponseWarnS: 10 }).ok).toBe(true);
    expect(stateOf(h, 'c-1').first).toBe('warning');
    expect(stateOf(h, 'c-2').first).toBe('warning');
    const bad = h.store.config.configure({ maxGapS: -1 });
    expect(bad.ok).toBe(false);
    expect(h.store.config.config.value.firstResponseWarnS).toBe(10);
  });

  it('applies new hold phrases to open chats', () => {
    const h = harness();
    h.feed(
      started('c-1', 0),
      msg('c-1', 'm1', 5, 'agent', 'Hi Dana'),
      msg('c-1', 'm2', 6, 'agent', 'hang tight please'),
    );
    expect(h.store.chats.get('c-1')!.reading.value!.gap.running).toBe(false);
    h.store.config.configure({ holdPhrases: ['hang tight'] });
    expect(h.store.chats.get('c-1')!.reading.value!.gap.running).toBe(true);
  });

  it('stops its timer and listeners on dispose', () => {
    const h = harness();
    h.feed(started('c-1', 0));
    expect(h.clock.timers.size).toBe(1);
    h.store.dispose();
    expect(h.clock.timers.size).toBe(0);
    h.clock.setHidden(true);
    h.clock.setHidden(false);
    expect(h.clock.timers.size).toBe(0);
  });
});
