// The live demo's simulator (src/server/simulator.ts) on a fake clock: the plan is pure and
// seeded, endless unless bounded, with a bounded number of open chats; the runner sends each
// due batch through `ingest` in order, keeps going for as long as it runs (or stops by itself
// at its bounds), and stops at once on close().
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/core/index.ts';
import {
  LEAVING_TEXT,
  type PlannedEvent,
  parseScenario,
  planChats,
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
      maxOpen: 100,
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
    expect(plan.chats.map((c) => c.chatId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `c-${3001 + i}`),
    );
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

  it('leaves "yours" chats to the agent: customer messages only, never as the agent; the customer leaves in time', () => {
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
        expect(events.some((e) => e.author === 'customer')).toBe(true);
        // After six minutes the customer says goodbye and the chat closes, only if still open.
        const leaving = plan.events.filter((e) => e.event.chatId === chat.chatId && e.ifOpen);
        expect(leaving.map((e) => e.event.type)).toEqual(['message', 'chat.closed']);
        expect(leaving[0]!.event.text).toBe(LEAVING_TEXT);
        expect(leaving[1]!.at).toBe(chat.closeAt);
        expect(chat.closeAt - chat.startAt).toBeGreaterThanOrEqual(6 * 60_000);
      } else {
        expect(events.at(-1)!.type).toBe('chat.closed');
        expect(Date.parse(events.at(-1)!.at)).toBe(chat.closeAt);
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

  it('goes on without end: chats keep arriving at a steady pace and no more than maxOpen are open', () => {
    const chats = [];
    for (const plan of planChats(scenarios, { startAt: T0, random: seeded(21), maxOpen: 6 })) {
      chats.push(plan.chat);
      if (chats.length === 300) break;
    }
    expect(chats).toHaveLength(300);
    // Open at each arrival (the new chat included): never more than six.
    for (const chat of chats) {
      const open = chats.filter((c) => c.startAt <= chat.startAt && c.closeAt > chat.startAt);
      expect(open.length).toBeLessThanOrEqual(6);
    }
    // Steady: every ten minutes of the first three hours bring new chats.
    for (let from = T0; from < T0 + 3 * 3600_000; from += 600_000) {
      const arrived = chats.filter((c) => c.startAt >= from && c.startAt < from + 600_000);
      expect(arrived.length, new Date(from).toISOString()).toBeGreaterThanOrEqual(3);
    }
    // Every chat closes, and the ids go on counting.
    for (const chat of chats) expect(chat.closeAt).toBeGreaterThan(chat.startAt);
    expect(chats.at(-1)!.chatId).toBe('c-3300');
  });

  it('plays faster at a higher speed: the same chats, every offset divided by it', () => {
    const normal = planSimulation(scenarios, { startAt: T0, maxChats: 4, random: seeded(8) });
    const fast = planSimulation(scenarios, {
      startAt: T0,
      maxChats: 4,
      speed: 2,
      random: seeded(8),
      until: T0 + 3600_000,
    });
    expect(fast.chats.map((c) => c.chatId)).toEqual(normal.chats.map((c) => c.chatId));
    for (const [i, chat] of normal.chats.entries()) {
      const quick = fast.chats[i]!;
      expect(quick.scenario).toBe(chat.scenario);
      expect(quick.startAt - T0).toBeCloseTo((chat.startAt - T0) / 2, -1);
      const events = (plan: typeof normal, id: string) =>
        plan.events.filter((e) => e.event.chatId === id).map((e) => e.at);
      const a = events(normal, chat.chatId);
      const b = events(fast, quick.chatId);
      expect(b).toHaveLength(a.length);
      for (const [j, at] of a.entries()) {
        expect(b[j]! - quick.startAt).toBeCloseTo((at - chat.startAt) / 2, -1);
      }
    }
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
    // The same plan as the pure function's for that seed.
    const plan = planSimulation(scenarios, {
      startAt: T0,
      maxChats: 4,
      random: seeded(42),
      until: T0 + 24 * 3600_000,
    });
    expect(sim.startAt).toBe(T0);
    expect(sim.chats()).toEqual(plan.chats);
    await clock.advance(0);
    // The backlog: both starting chats' events already due, in one batch.
    expect(rec.batches).toHaveLength(1);
    const first = rec.batches[0]!.events;
    expect(first.filter((e) => e.type === 'chat.started').map((e) => e.chatId)).toEqual([
      plan.chats[1]!.chatId,
      plan.chats[0]!.chatId,
    ]);
    expect(opened).toHaveLength(2);
    for (const e of first) expect(Date.parse(e.at)).toBeLessThanOrEqual(T0);

    // Nothing before it is due; each later event exactly at its time.
    const next = plan.events.find((e) => e.at > T0)!;
    await clock.advance(next.at - T0 - 1);
    expect(rec.batches).toHaveLength(1);
    await clock.advance(1);
    expect(rec.batches).toHaveLength(2);
    expect(rec.batches[1]!.at).toBe(next.at);
    expect(rec.batches[1]!.events[0]).toEqual(next.event);

    // Run to the end: every planned event sent once, in order, and it stops by itself.
    await clock.advance(plan.events.at(-1)!.at - clock.now());
    expect(rec.all()).toEqual(plan.events.map((e) => e.event));
    const stats = await sim.done;
    expect(stats).toEqual({ chats: 4, events: plan.events.length, reason: 'finished' });
    expect(opened).toHaveLength(4);
    expect(clock.pending()).toBe(0);
  });

  it('keeps going for as long as it runs, with a bounded number of open chats', async () => {
    const clock = fakeClock(T0);
    const rec = recorder();
    const sim = startSimulator({
      scenarios,
      seed: 3,
      maxOpen: 5,
      timers: clock,
      ingest: async (events) => {
        rec.batches.push({ at: clock.now(), events });
      },
    });
    const open = new Set<string>();
    let most = 0;
    for (let hour = 0; hour < 3; hour += 1) {
      const before = rec.all().filter((e) => e.type === 'chat.started').length;
      await clock.advance(3600_000);
      const started = rec.all().filter((e) => e.type === 'chat.started').length;
      expect(started - before, `hour ${hour + 1}`).toBeGreaterThan(20);
    }
    for (const { events } of rec.batches) {
      for (const e of events) {
        if (e.type === 'chat.started') open.add(e.chatId);
        if (e.type === 'chat.closed') open.delete(e.chatId);
      }
      most = Math.max(most, open.size);
    }
    expect(most).toBeLessThanOrEqual(5);
    expect(clock.pending()).toBe(1);
    expect((await sim.close()).reason).toBe('closed');
    expect(clock.pending()).toBe(0);
  });

  it('a customer leaves only a chat that is still open', async () => {
    const clock = fakeClock(T0);
    const rec = recorder();
    const sim = startSimulator({
      scenarios,
      seed: 42,
      maxChats: 1,
      timers: clock,
      // The agent closed the chat already.
      isOpen: async () => false,
      ingest: async (events) => {
        rec.batches.push({ at: clock.now(), events });
      },
    });
    const [yours] = sim.chats();
    expect(yours!.kind).toBe('yours');
    await clock.advance(yours!.closeAt - T0);
    await sim.done;
    expect(rec.all().some((e) => e.text === LEAVING_TEXT || e.type === 'chat.closed')).toBe(false);
    expect(rec.all().some((e) => e.author === 'customer')).toBe(true);
  });

  it('skipMs starts the simulation that long ago: what was due goes out at once', async () => {
    const clock = fakeClock(T0);
    const rec = recorder();
    const sim = startSimulator({
      scenarios,
      seed: 5,
      skipMs: 5 * 60_000,
      timers: clock,
      ingest: async (events) => {
        rec.batches.push({ at: clock.now(), events });
      },
    });
    await clock.advance(0);
    expect(sim.startAt).toBe(T0 - 5 * 60_000);
    const plan = planSimulation(scenarios, {
      startAt: sim.startAt,
      random: seeded(5),
      until: T0 + 1,
    });
    expect(rec.batches).toHaveLength(1);
    expect(rec.batches[0]!.events).toEqual(plan.events.map((e) => e.event));
    expect(plan.chats.length).toBeGreaterThan(3);
    await sim.close();
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
