// Property: on generated multi-agent transcripts, delivered in any order, the report's
// per-chat figures are `audit --json`'s, and a one-chat report shows that chat's numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditEvents, type ChatEvent, DEFAULT_CONFIG } from '../../src/core/index.ts';
import { buildReport, chatFigures, escalationSopTest } from '../../src/report/build.ts';
import { agent, closed, customer, hold, started } from '../support/events.ts';
import { assigned, collect } from './fixtures.ts';

const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const AGENTS = ['ann', 'bob', 'cy'];

const stepArb = fc.record({
  kind: fc.constantFrom('customer', 'customer', 'agent', 'agent', 'hold', 'assign', 'anon'),
  who: fc.nat(AGENTS.length - 1),
  gapMs: fc.oneof(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom(30_001, 120_001)),
});
const chatArb = fc.record({
  name: fc.constantFrom('Dana Lee', undefined),
  startMs: fc.integer({ min: 0, max: 3 * 86_400_000 }),
  steps: fc.array(stepArb, { maxLength: 10 }),
  close: fc.boolean(),
});

type ChatPlan = typeof chatArb extends fc.Arbitrary<infer T> ? T : never;

function buildChat(chatId: string, plan: ChatPlan): ChatEvent[] {
  let t = plan.startMs / 1000;
  const events: ChatEvent[] = [started(chatId, t, { name: plan.name })];
  plan.steps.forEach((step, i) => {
    t += step.gapMs / 1000;
    const id = `m${i}`;
    const agentId = AGENTS[step.who]!;
    if (step.kind === 'customer') events.push(customer(chatId, id, t, 'Where is my order?'));
    else if (step.kind === 'agent') events.push(agent(chatId, id, t, 'Hi Dana', { agentId }));
    else if (step.kind === 'hold') events.push(hold(chatId, id, t));
    else if (step.kind === 'assign') events.push(assigned(chatId, t, agentId));
    else events.push(agent(chatId, id, t, 'Hello'));
  });
  if (plan.close) events.push(closed(chatId, t + 1));
  return events;
}

const transcriptArb = fc
  .array(chatArb, { minLength: 1, maxLength: 5 })
  .map((plans) => plans.flatMap((plan, i) => buildChat(`c${i}`, plan)))
  .chain((events) =>
    fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
  );

describe('the report agrees with audit', () => {
  it("each chat's figures are audit --json's line, whatever the order", () => {
    fc.assert(
      fc.property(transcriptArb, (events) => {
        const audit = auditEvents(events, DEFAULT_CONFIG);
        const facts = collect(events);
        const figures = facts
          .map((f) => chatFigures(f, escalationSopTest(null)).audit)
          .sort((a, b) => (a.chatId < b.chatId ? -1 : 1));
        expect(figures).toEqual(audit.chats);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("a one-chat report's team row shows that chat's audit numbers", () => {
    fc.assert(
      fc.property(transcriptArb, (events) => {
        const audit = auditEvents(events, DEFAULT_CONFIG);
        const facts = collect(events);
        for (const line of audit.chats) {
          const one = facts.filter((f) => f.chatId === line.chatId);
          const report = buildReport(one, { period: 'month', timeZone: 'UTC', now: 0 });
          const [team] = report.team;
          expect(team?.chats).toBe(1);
          expect(team?.longestWaitS).toBe(line.longestGapS);
          expect(team?.gapBreachesPerChat).toBe(line.gapBreaches);
          expect(team?.firstResponseMedianS).toBe(line.firstResponseS);
          if (line.firstResponseS !== null) {
            expect(team?.firstResponseInTimePct).toBe(line.firstResponseBreached ? 0 : 100);
            expect(team?.greetedByNamePct).toBe(line.greetedByName ? 100 : 0);
          }
          for (const [id, done] of Object.entries(line.checklist)) {
            expect(team?.checklistPct[id]).toBe(done ? 100 : 0);
          }
          const breaches = report.breachesByHour.reduce(
            (n, h) => ({ fr: n.fr + h.firstResponse, gap: n.gap + h.gap }),
            { fr: 0, gap: 0 },
          );
          expect(breaches).toEqual({
            fr: line.firstResponseBreached ? 1 : 0,
            gap: line.gapBreaches,
          });
          // Every agent who wrote in it has the chat; its first responder has the response.
          const state = one[0]!.state;
          for (const row of report.agents) {
            expect(state.agents).toContain(row.agentId);
            expect(row.firstResponses).toBe(row.agentId === state.firstResponderId ? 1 : 0);
          }
          expect(report.agents.length).toBe(state.agents.length);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
