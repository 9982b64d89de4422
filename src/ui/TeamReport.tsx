// The supervisor's Team view (issue 15): the team report that `serve` computes from its
// stored log (GET /v1/report, through the server transport's `report`), per agent for one
// week or month, with the team's row last. Tables only: no chart library in the widget. It
// ships in the supervisor chunk, and the server answers only a supervisor's token.
import { signal } from '@preact/signals';
import { useMemo } from 'preact/hooks';
import type { SupervisorCapability } from '../adapters/transport.ts';
import type { PeriodFigures, TeamReport } from '../report/types.ts';
import { mss } from './format.ts';
import { useSupervisorStore as useStore } from './supervisor-context.ts';

type Grain = 'week' | 'month';

type Loaded =
  | { state: 'loading' }
  | { state: 'ready'; report: TeamReport }
  | { state: 'error'; error: string };

/** The view's state, made once per mount: the grain, the period shown, the last answer. */
function createTeamView(server: SupervisorCapability | undefined) {
  const grain = signal<Grain>('week');
  const chosen = signal<string | null>(null);
  const loaded = signal<Loaded>({ state: 'loading' });
  // The time zone the weeks and months are counted in: the supervisor's own.
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let asked = 0;
  const load = () => {
    const ask = ++asked;
    loaded.value = { state: 'loading' };
    const settle = (next: Loaded) => {
      // Only the latest request speaks: a slow week must not overwrite the month asked since.
      if (ask === asked) loaded.value = next;
    };
    if (!server?.report) {
      settle({ state: 'error', error: 'the team report needs the realtime server' });
      return;
    }
    server.report({ period: grain.value, tz }).then(
      (report) => settle({ state: 'ready', report }),
      (err: Error) => settle({ state: 'error', error: err?.message ?? String(err) }),
    );
  };
  const pick = (next: Grain) => {
    if (next === grain.value) return;
    grain.value = next;
    chosen.value = null;
    load();
  };
  load();
  return { grain, chosen, loaded, tz, load, pick };
}

const percent = (v: number | null) => (v === null ? '—' : `${Math.round(v)}%`);
const seconds = (v: number | null) => (v === null ? '—' : mss(v * 1000));

function qaTags(tags: Record<string, number>): string {
  const parts = Object.entries(tags).map(([tag, n]) => `${tag} ${n}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

function Row({ figures }: { figures: PeriodFigures }) {
  const f = figures;
  return (
    <tr data-cp-agent={f.agentId ?? undefined}>
      <th scope="row">{f.agentId ?? 'Team'}</th>
      <td>{f.chats}</td>
      <td>{percent(f.firstResponseInTimePct)}</td>
      <td>
        {seconds(f.firstResponseMedianS)} / {seconds(f.firstResponseP90S)}
      </td>
      <td>{seconds(f.longestWaitS)}</td>
      <td>{percent(f.greetedByNamePct)}</td>
      <td>
        {f.escalations}
        {f.escalations > 0 && ` (SOP opened in ${f.escalationsWithSopOpened})`}
      </td>
      <td>{qaTags(f.qaTags)}</td>
    </tr>
  );
}

/** The period containing `now`, else the latest with chats. */
function defaultPeriod(team: readonly PeriodFigures[], now: number): string | undefined {
  return (team.find((p) => p.start <= now && now < p.end) ?? team.at(-1))?.period;
}

function Figures({
  report,
  view,
}: {
  report: TeamReport;
  view: ReturnType<typeof createTeamView>;
}) {
  const now = useStore().scheduler.now.peek();
  const period = view.chosen.value ?? defaultPeriod(report.team, now);
  const team = report.team.find((p) => p.period === period);
  if (!team) {
    return <p class="cp-muted">No chats in the stored log yet.</p>;
  }
  const agents = report.agents.filter((p) => p.period === period);
  return (
    <>
      <label class="cp-form">
        {view.grain.value === 'week' ? 'Week' : 'Month'}
        <select
          value={period}
          data-cp-report-period
          onChange={(e) => {
            view.chosen.value = e.currentTarget.value;
          }}
        >
          {[...report.team].reverse().map((p) => (
            <option key={p.period} value={p.period}>
              {p.period}
            </option>
          ))}
        </select>
      </label>
      {/* Scrolls sideways in a narrow sidebar; focusable so the keyboard can scroll it. */}
      <section class="cp-table" aria-labelledby="cp-report-caption" tabindex={0}>
        <table data-cp-report-table>
          <caption id="cp-report-caption">
            {period}, by agent ({report.timeZone})
          </caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Chats</th>
              <th scope="col">First response in time</th>
              <th scope="col">First response median / p90</th>
              <th scope="col">Longest wait</th>
              <th scope="col">Greeted by name</th>
              <th scope="col">Escalations</th>
              <th scope="col">QA tags</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((f) => (
              <Row key={f.agentId} figures={f} />
            ))}
          </tbody>
          <tfoot>
            <Row figures={team} />
          </tfoot>
        </table>
      </section>
    </>
  );
}

/** The Team view's body: the grain picker, then the figures or the request's state. */
function TeamBody() {
  const store = useStore();
  const view = useMemo(() => createTeamView(store.role.server.peek()), []);
  const loaded = view.loaded.value;
  return (
    <>
      <div class="cp-actions">
        {(['week', 'month'] as const).map((g) => (
          <button
            key={g}
            type="button"
            aria-pressed={view.grain.value === g}
            onClick={() => view.pick(g)}
          >
            {g === 'week' ? 'By week' : 'By month'}
          </button>
        ))}
        <button type="button" onClick={view.load} disabled={loaded.state === 'loading'}>
          Refresh
        </button>
      </div>
      {loaded.state === 'loading' && (
        <p class="cp-muted" role="status">
          Loading the team report…
        </p>
      )}
      {loaded.state === 'error' && (
        <p class="cp-error" role="alert">
          The team report could not load: {loaded.error}
        </p>
      )}
      {loaded.state === 'ready' && <Figures report={loaded.report} view={view} />}
    </>
  );
}

/**
 * The supervisor's Team view: a section of the full-width settings page, or in the sidebar
 * a disclosure beside "Team settings" (the report is asked for when it opens). Named "Team
 * report": the chat list's scope toggle is "Team" already.
 */
export function TeamReportView() {
  const store = useStore();
  const open = useMemo(() => signal(false), []);
  if (store.options.view === 'settings') {
    return (
      <section class="cp-page" data-cp-team aria-labelledby="cp-team-title">
        <h2 id="cp-team-title">Team report</h2>
        <TeamBody />
      </section>
    );
  }
  return (
    <>
      <button
        type="button"
        aria-expanded={open.value}
        aria-controls="cp-team"
        data-cp-team-toggle
        onClick={() => {
          open.value = !open.value;
        }}
      >
        Team report
      </button>
      {open.value && (
        <section id="cp-team" data-cp-team aria-label="Team report">
          <TeamBody />
        </section>
      )}
    </>
  );
}
