// The live demo's simulator (src/server/simulator.ts) on a fake clock: the plan is pure and
// seeded, and the runner sends each due batch through `ingest` in order, stops by itself after
// its bounds, and stops at once on close().
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/core/index.ts';
import {
  type PlannedEvent,
  parseScenario,
  planSimulation,
  type SimScenario,
  type SimulatorTimers,
  seededRandom as seeded,
  startSimulator,
  takeDue,
} from '../../src/server/simulator.ts';

const DIR = join(import.meta.dirname, '../../demo/scenarios');
const scenarios: SimScenario[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .map((f) => parseScenario(f, readFileSync(join(DIR, f), 'utf8')))
  .filter((s): s is SimScenario => s !== null);
const SCRIPTED_NAMES = ['Maya', 'Tom', 'Lukas', 'Aisha', 'Daniel', 'Sofia'];
const T0 = Date.parse('2026-11-23T10:00:00Z');

/** A clock that only moves when told to, with the timers it owes. */
function fakeClock(start: number) {
  let now = start;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const api: SimulatorTimers & { advance(ms: number): Promise<void>; pending(): number } = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = next++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id as number);
    },
    pending: () => timers.size,
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
        await Promise.resolve();
      }
      now = end;
      await new Promise((r) => setImmediate(r));
    },
  };
  return api;
}

function recorder() {
  const batches: Array<{ at: number; events: PlannedEvent['event'][] }> = [];
  return { batches, all: () => batches.flatMap((b) => b.events) };
}

describe('planSimulation', () => {
  it('parses all the demo scenarios', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(6);
    for (const s of scenarios) expect(s.events[0]!.after).toBe(0);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = planSimulation(scenarios, { startAt: T0, random: seeded(1) });
    const b = planSimulation(scenarios, { startAt: T0, random: seeded(1) });
    const c = planSimulation(scenarios, { startAt: T0, random: seeded(2) });
    expect(a).toEqual(b);
    expect(JSON.stringify(a.chats)).not.toBe(JSON.stringify(c.chats));
  });

  it('opens chats re-timed to now, at bounded intervals, with valid protocol events', () => {
    const plan = planSimulation(scenarios, {
      startAt: T0,
      maxChats: 10,
      durationMs: 30 * 60_000,
      random: seeded(7),
    });
    expect(plan.chats).toHaveLength(10);
    // Two at once (one just started, one under way), then gaps between 15 s and 100 s.
    expect(plan.chats[0]!.startAt).toBe(T0 - 4_000);
    expect(plan.chats[1]!.startAt).toBe(T0 - 40_000);
    const later = plan.chats.slice(2).map((c) => c.startAt);
    let previous = T0;
    for (const at of later) {
      expect(at - previous).toBeGreaterThanOrEqual(15_000);
      expect(at - previous).toBeLessThanOrEqual(100_000);
      previous = at;
    }
    expect(new Set(plan.chats.map((c) => c.chatId)).size).toBe(10);
    // Ordered, each event's `at` is its due time, and the engine accepts every one.
    for (let i = 1; i < plan.events.length; i += 1) {
      expect(plan.events[i]!.at).toBeGreaterThanOrEqual(plan.events[i - 1]!.at);
    }
    for (const { at, event } of plan.events) {
      expect(Date.parse(event.at)).toBe(at);
      const checked = validateEvent(event);
      expect(checked.kind, JSON.stringify({ event, checked })).not.toBe('invalid');
    }
  });

  it('varies the customers’ names, in the started event and in the messages', () => {
    const plan = planSimulation(scenarios, { startAt: T0, maxChats: 12, random: seeded(3) });
    const names = plan.chats.map((c) => c.customer);
    expect(new Set(names).size).toBe(names.length);
    for (const { event } of plan.events) {
      if (event.type === 'chat.started') {
        const chat = plan.chats.find((c) => c.chatId === event.chatId)!;
        expect((event.customer as { name: string }).name).toBe(chat.customer);
      }
      if (typeof event.text === 'string') {
        for (const scripted of SCRIPTED_NAMES)
          expect(event.text).not.toMatch(new RegExp(`\\b${scripted}\\b`));
      }
    }
  });

  it('leaves "yours" chats to the agent: customer messages only, and never writes as the agent', () => {
    const plan = planSimulation(scenarios, {
      startAt: T0,
      maxChats: 12,
      durationMs: 60 * 60_000,
      random: seeded(11),
      agentId: 'a-3',
    });
    expect(plan.chats[0]!.kind).toBe('yours');
    expect(plan.chats.some((c) => c.kind === 'colleague')).toBe(true);
    for (const chat of plan.chats) {
      const events = plan.events.filter((e) => e.event.chatId === chat.chatId).map((e) => e.event);
      expect(events[0]!.type).toBe('chat.started');
      const agents = events.filter((e) => e.type === 'message' && e.author === 'agent');
      if (chat.kind === 'yours') {
        expect(agents).toEqual([]);
        expect(events.some((e) => e.type === 'chat.closed')).toBe(false);
        expect(events.some((e) => e.author === 'customer')).toBe(true);
      } else {
        expect(agents.length).toBeGreaterThan(0);
      }
      for (const a of agents) expect(a.agentId).not.toBe('a-3');
    }
  });

  it('stops at its bounds: no chat or event at or after the end', () => {
    const plan = planSimulation(scenarios, {
      startAt: T0,
      maxChats: 100,
      durationMs: 5 * 60_000,
      random: seeded(5),
    });
    expect(plan.chats.length).toBeLessThan(100);
    for (const c of plan.chats) expect(c.startAt).toBeLessThan(plan.endsAt);
    for (const e of plan.events) expect(e.at).toBeLessThan(plan.endsAt);
    expect(planSimulation(scenarios, { startAt: T0, maxChats: 1 }).chats).toHaveLength(1);
    expect(planSimulation([], { startAt: T0 }).events).toEqual([]);
  });

  it('takeDue hands out what is due, in order, once', () => {
    const events = [1, 2, 2, 5].map((at, i) => ({
      at,
      event: { type: 'message', chatId: `c${i}`, at: '' },
    }));
    expect(takeDue(events, 0, 0)).toEqual({ batch: [], cursor: 0 });
    const first = takeDue(events, 0, 2);
    expect(first.batch.map((e) => e.event.chatId)).toEqual(['c0', 'c1', 'c2']);
    expect(takeDue(events, first.cursor, 4).batch).toEqual([]);
    expect(takeDue(events, first.cursor, 9)).toEqual({ batch: [events[3]], cursor: 4 });
  });
});

describe('startSimulator on a fake clock', () => {
  it('sends the backlog at once, then customer messages at the scripts’ pace', async () => {
    const clock = fakeClock(T0);
    const rec = recorder();
    const opened: string[] = [];
    const sim = startSimulator({
      scenarios,
      seed: 42,
      maxChats: 4,
      timers: clock,
      ingest: async (events) => {
        rec.batches.push({ at: clock.now(), events });
        return { accepted: events.length, rejected: [] };
      },
      onChat: (chat) => opened.push(chat.chatId),
    });
    await clock.advance(0);
    // The backlog: both starting chats' events already due, in one batch.
    expect(rec.batches).toHaveLength(1);
    const first = rec.batches[0]!.events;
    expect(first.filter((e) => e.type === 'chat.started').map((e) => e.chatId)).toEqual([
      sim.plan.chats[1]!.chatId,
      sim.plan.chats[0]!.chatId,
    ]);
    expect(opened).toHaveLength(2);
    for (const e of first) expect(Date.parse(e.at)).toBeLessThanOrEqual(T0);

    // Nothing before it is due; each later event exactly at its time.
    const next = sim.plan.events.find((e) => e.at > T0)!;
    await clock.advance(next.at - T0 - 1);
    expect(rec.batches).toHaveLength(1);
    await clock.advance(1);
    expect(rec.batches).toHaveLength(2);
    expect(rec.batches[1]!.at).toBe(next.at);
    expect(rec.batches[1]!.events[0]).toEqual(next.event);

    // Run to the end: every planned event sent once, in order, and it stops by itself.
    await clock.advance(sim.plan.endsAt - clock.now());
    expect(rec.all()).toEqual(sim.plan.events.map((e) => e.event));
    const stats = await sim.done;
    expect(stats).toEqual({ chats: 4, events: sim.plan.events.length, reason: 'finished' });
    expect(opened).toHaveLength(4);
    expect(clock.pending()).toBe(0);
  });

  it('warns and carries on when an ingest fails', async () => {
    const clock = fakeClock(T0);
    const warnings: string[] = [];
    let calls = 0;
    const sim = startSimulator({
      scenarios,
      seed: 1,
      maxChats: 2,
      timers: clock,
      warn: (m) => warnings.push(m),
      ingest: async () => {
        calls += 1;
        if (calls === 1) throw new Error('store down');
        return { accepted: 1, rejected: [] };
      },
    });
    await clock.advance(60_000);
    expect(warnings.join('\n')).toContain('store down');
    expect(calls).toBeGreaterThan(1);
    await sim.close();
  });

  it('close() stops at once: no timer left, nothing sent afterwards', async () => {
    const clock = fakeClock(T0);
    const rec = recorder();
    const sim = startSimulator({
      scenarios,
      seed: 9,
      timers: clock,
      ingest: async (events) => {
        rec.batches.push({ at: clock.now(), events });
      },
    });
    await clock.advance(30_000);
    const sent = rec.all().length;
    expect(sent).toBeGreaterThan(0);
    const stats = await sim.close();
    expect(stats.reason).toBe('closed');
    expect(stats.events).toBe(sent);
    expect(clock.pending()).toBe(0);
    await clock.advance(60 * 60_000);
    expect(rec.all()).toHaveLength(sent);
    expect(await sim.close()).toEqual(stats);
  });
});
