// @vitest-environment jsdom
// The supervisor's Team view (issue 15) in the real widget, on a fake server transport whose
// supervisor capability answers `report`: who sees it, the figures per agent and the team's
// row for the period containing now, the loading and error states, and the week/month switch.
import { fireEvent } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalTransport, type ReportQuery } from '../../src/adapters/transport.ts';
import type { PeriodFigures, TeamReport } from '../../src/report/types.ts';
import type { Welcome } from '../../src/server/wire.ts';
import { T0 } from '../models/fakes.ts';
import { flush, mount, startTime } from './helpers.ts';

const DAY = 86_400_000;
// T0 is Monday 2026-11-23 10:00 UTC: its ISO week is 2026-W48.
const THIS_WEEK = { period: '2026-W48', start: Date.parse('2026-11-23T00:00:00Z') };
const LAST_WEEK = { period: '2026-W47', start: THIS_WEEK.start - 7 * DAY };

function figures(
  agentId: string | null,
  span: { period: string; start: number },
  over: Partial<PeriodFigures> = {},
): PeriodFigures {
  return {
    agentId,
    period: span.period,
    start: span.start,
    end: span.start + 7 * DAY,
    chats: 0,
    firstResponses: 0,
    firstResponseInTimePct: null,
    firstResponseMedianS: null,
    firstResponseP90S: null,
    longestWaitS: null,
    gapBreachesPerChat: null,
    greetedByNamePct: null,
    checklistPct: {},
    handlingMedianS: null,
    handlingP90S: null,
    escalations: 0,
    escalationsWithSopOpened: 0,
    qaTags: {},
    ...over,
  };
}

function report(period: TeamReport['period'], agents: PeriodFigures[], team: PeriodFigures[]) {
  return {
    generatedAt: T0,
    period,
    timeZone: 'UTC',
    since: null,
    until: null,
    agents,
    team,
    trends: [],
    breachesByHour: [],
    firstResponseDistribution: [],
    sops: [],
    unanswered: [],
    sample: [],
  } satisfies TeamReport;
}

const WEEKLY = report(
  'week',
  [
    figures('ana', LAST_WEEK, { chats: 9 }),
    figures('ana', THIS_WEEK, {
      chats: 12,
      firstResponseInTimePct: 91.7,
      firstResponseMedianS: 14,
      firstResponseP90S: 41,
      longestWaitS: 185,
      greetedByNamePct: 75,
      escalations: 2,
      escalationsWithSopOpened: 1,
      qaTags: { Tone: 2, Other: 1 },
    }),
    figures('ben', THIS_WEEK, { chats: 4, firstResponseInTimePct: 50 }),
  ],
  [
    figures(null, LAST_WEEK, { chats: 9 }),
    figures(null, THIS_WEEK, { chats: 16, firstResponseInTimePct: 81.3 }),
  ],
);

const MONTH = { period: '2026-11', start: Date.parse('2026-11-01T00:00:00Z') };
const MONTHLY = report(
  'month',
  [figures('ana', MONTH, { chats: 40 }), figures('ben', MONTH, { chats: 21 })],
  [figures(null, MONTH, { chats: 61 })],
);

type Answer = { resolve: (r: TeamReport) => void; reject: (e: Error) => void };

/** A server transport whose supervisor capability answers `report` when the test says. */
function fakeServer(role: Welcome['role']) {
  const asked: Array<{ query: ReportQuery } & Answer> = [];
  const sup = {
    saveConfig: vi.fn(async () => ({ ok: true as const, version: 1 })),
    configHistory: vi.fn(async () => []),
    revertConfig: vi.fn(async () => ({ ok: true as const, version: 1 })),
    welcome: () => ({ team: 'acme', role, sub: 'u-sue' }) as Welcome,
    report: vi.fn(
      (query: ReportQuery) =>
        new Promise<TeamReport>((resolve, reject) => asked.push({ query, resolve, reject })),
    ),
  };
  return { sup, asked };
}

beforeEach(() => startTime());
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

async function widget(role: Welcome['role'], extra: Record<string, unknown> = {}) {
  const server = fakeServer(role);
  const w = await mount(
    { role: 'supervisor', transport: { url: 'wss://example.test', token: 't' }, ...extra },
    {
      socket: (_options, clock) =>
        Object.assign(createLocalTransport(clock), { supervisor: server.sup }),
    },
  );
  const teamButton = () => w.$('[data-cp-team-toggle]') ?? undefined;
  const answer = async (r: TeamReport) => {
    server.asked.at(-1)!.resolve(r);
    await flush();
  };
  /** The table's rows as text cells, header cell first. */
  const rows = () =>
    w
      .$$('[data-cp-report-table] tbody tr, [data-cp-report-table] tfoot tr')
      .map((tr) => [...tr.children].map((c) => c.textContent!.trim()));
  const click = async (text: string) => {
    fireEvent.click(w.$$('[data-cp-team] button').find((b) => b.textContent === text)!);
    await flush();
  };
  return { ...w, ...server, teamButton, answer, rows, click };
}

describe('Team view', () => {
  it('is not offered to agents', async () => {
    const w = await widget('agent');
    expect(w.teamButton()).toBeUndefined();
    expect(w.sup.report).not.toHaveBeenCalled();
  });

  it("shows each agent's figures for this week and the team's row, after loading", async () => {
    const w = await widget('supervisor');
    const button = w.teamButton()!;
    expect(button.textContent).toBe('Team report');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(w.sup.report).not.toHaveBeenCalled();
    fireEvent.click(button);
    await flush();
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(w.$('[data-cp-team]')!.id).toBe(button.getAttribute('aria-controls'));
    expect(w.$('[data-cp-team] [role=status]')!.textContent).toBe('Loading the team report…');
    expect(w.sup.report).toHaveBeenCalledWith(expect.objectContaining({ period: 'week' }));
    await w.answer(WEEKLY);
    expect(w.$('[data-cp-team] [role=status]')).toBeNull();
    expect(w.rows()).toEqual([
      ['ana', '12', '92%', '0:14 / 0:41', '3:05', '75%', '2 (SOP opened in 1)', 'Tone 2, Other 1'],
      ['ben', '4', '50%', '— / —', '—', '—', '0', '—'],
      ['Team', '16', '81%', '— / —', '—', '—', '0', '—'],
    ]);
    expect(w.$('[data-cp-report-table] caption')!.textContent).toContain('2026-W48');
    const headers = w.$$('[data-cp-report-table] thead th').map((th) => th.textContent);
    expect(headers).toContain('First response in time');
  });

  it('lets the supervisor look at an earlier week', async () => {
    const w = await widget('supervisor');
    fireEvent.click(w.teamButton()!);
    await flush();
    await w.answer(WEEKLY);
    const select = w.$<HTMLSelectElement>('[data-cp-report-period]')!;
    expect([...select.options].map((o) => o.value)).toEqual(['2026-W48', '2026-W47']);
    fireEvent.change(select, { target: { value: '2026-W47' } });
    await flush();
    expect(w.rows()).toEqual([
      ['ana', '9', '—', '— / —', '—', '—', '0', '—'],
      ['Team', '9', '—', '— / —', '—', '—', '0', '—'],
    ]);
  });

  it('switches to months, and a late answer for weeks does not overwrite it', async () => {
    const w = await widget('supervisor');
    fireEvent.click(w.teamButton()!);
    await flush();
    const weekly = w.asked[0]!;
    await w.click('By month');
    expect(w.asked[1]!.query.period).toBe('month');
    const month = w.$$('[data-cp-team] button').find((b) => b.textContent === 'By month')!;
    expect(month.getAttribute('aria-pressed')).toBe('true');
    await w.answer(MONTHLY);
    weekly.resolve(WEEKLY);
    await flush();
    expect(w.rows().map((r) => r.slice(0, 2))).toEqual([
      ['ana', '40'],
      ['ben', '21'],
      ['Team', '61'],
    ]);
  });

  it('says why when the server refuses, and tries again on request', async () => {
    const w = await widget('supervisor');
    fireEvent.click(w.teamButton()!);
    await flush();
    w.asked[0]!.reject(new Error('the server refused the report: status 500'));
    await flush();
    expect(w.$('[data-cp-team] [role=alert]')!.textContent).toBe(
      'The team report could not load: the server refused the report: status 500',
    );
    await w.click('Refresh');
    expect(w.$('[data-cp-team] [role=alert]')).toBeNull();
    await w.answer(report('week', [], []));
    expect(w.$('[data-cp-team]')!.textContent).toContain('No chats in the stored log yet.');
  });

  it('is a section of the full-width settings page', async () => {
    const w = await widget('supervisor', { view: 'settings' });
    const section = w.$('[data-cp-team]')!;
    expect(section.querySelector('h2')!.textContent).toBe('Team report');
    expect(w.teamButton()).toBeUndefined();
    await w.answer(WEEKLY);
    expect(w.rows()).toHaveLength(3);
  });
});
