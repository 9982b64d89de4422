// The HTML report's charts: Vega-Lite specs over the TeamReport, compiled to Vega and
// rendered headless to static SVG (no canvas, no script in the output). CLI only: vega and
// vega-lite never enter the widget bundle.
import type { View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { TeamConfig } from '../../core/index.ts';
import type { TeamReport } from '../../report/types.ts';

export interface Chart {
  /** The section's anchor. */
  id: string;
  title: string;
  /** What the chart shows, for its accessible name and caption. */
  description: string;
  /** An `<svg>` element, or null when there is nothing to draw. */
  svg: string | null;
}

/** Dark enough on white for graphics (WCAG 1.4.11, ≥ 3:1) and told apart without red/green. */
const PALETTE = ['#1f5fa8', '#b3541e', '#5e3c99', '#2d6a2e', '#8a2d52'];
const TEXT = '#1f2328';
const MUTED = '#57606a';

const THEME = {
  background: 'white',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: null },
  axis: {
    labelColor: MUTED,
    titleColor: TEXT,
    domainColor: '#8c959f',
    tickColor: '#8c959f',
    gridColor: '#e6e8eb',
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    labelLimit: 220,
  },
  legend: {
    labelColor: TEXT,
    titleColor: TEXT,
    labelFontSize: 11,
    titleFontSize: 12,
    labelLimit: 200,
  },
  range: { category: PALETTE },
} as const;

const WIDTH = 440;
const SOPS_CHARTED = 15;

/** Draws each chart of the report; charts with no data come back with `svg: null`. */
export async function renderCharts(report: TeamReport, config: TeamConfig): Promise<Chart[]> {
  const charts = chartSpecs(report, config);
  return Promise.all(
    charts.map(async ({ spec, ...chart }) => ({
      ...chart,
      svg: spec && (await renderSvg({ ...spec, description: chart.description } as TopLevelSpec)),
    })),
  );
}

/** One Vega-Lite spec drawn headless as static SVG in the report's theme (also the benches'). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile({ ...spec, config: THEME } as TopLevelSpec).spec;
  const view: View = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

type ChartSpec = Omit<Chart, 'svg'> & { spec: TopLevelSpec | null };

/** The five charts of issue 15, as Vega-Lite specs (pure: exported for tests). */
export function chartSpecs(report: TeamReport, config: TeamConfig): ChartSpec[] {
  return [
    complianceByAgent(report),
    trend(report),
    firstResponseDistribution(report, config),
    breachesByHour(report),
    sopUsage(report),
  ];
}

function complianceByAgent(report: TeamReport): ChartSpec {
  const values = report.agents
    .filter((f) => f.agentId !== null && f.firstResponseInTimePct !== null)
    .map((f) => ({ agent: f.agentId, period: f.period, pct: f.firstResponseInTimePct }));
  const rows = values.length;
  return {
    id: 'compliance',
    title: 'Compliance by agent',
    description: 'First responses in time, per cent, for each agent and period.',
    spec:
      rows === 0
        ? null
        : {
            width: WIDTH,
            height: Math.max(60, rows * 16),
            data: { values },
            mark: { type: 'bar', tooltip: false },
            encoding: {
              y: { field: 'agent', type: 'nominal', title: 'agent', sort: null },
              yOffset: { field: 'period', type: 'ordinal', sort: null },
              x: {
                field: 'pct',
                type: 'quantitative',
                title: 'first response in time (%)',
                scale: { domain: [0, 100] },
              },
              color: {
                field: 'period',
                type: 'nominal',
                title: 'period',
                sort: null,
                scale: { range: PALETTE },
              },
            },
          },
  };
}

function trend(report: TeamReport): ChartSpec {
  const measures = [
    ['firstResponseInTimePct', 'first response in time'],
    ['greetedByNamePct', 'greeted by name'],
  ] as const;
  const values = report.team.flatMap((f) =>
    measures
      .filter(([key]) => f[key] !== null)
      .map(([key, label]) => ({ period: f.period, measure: label, pct: f[key] })),
  );
  return {
    id: 'trend',
    title: `Trend by ${report.period}`,
    description: `The team's first responses in time and greetings by name, per cent, ${report.period} by ${report.period}.`,
    spec:
      values.length === 0
        ? null
        : {
            width: WIDTH,
            height: 220,
            data: { values },
            mark: { type: 'line', point: { size: 50 }, strokeWidth: 2 },
            encoding: {
              x: {
                field: 'period',
                type: 'ordinal',
                title: report.period,
                sort: null,
                axis: { labelAngle: 0 },
              },
              y: { field: 'pct', type: 'quantitative', title: '%', scale: { domain: [0, 100] } },
              color: { field: 'measure', type: 'nominal', title: null, sort: null },
              strokeDash: { field: 'measure', type: 'nominal', title: null, sort: null },
            },
          },
  };
}

function firstResponseDistribution(report: TeamReport, config: TeamConfig): ChartSpec {
  const limit = config.firstResponseS;
  const values = report.firstResponseDistribution.map((b) => ({
    bucket: b.toS === null ? `${b.fromS}+` : `${b.fromS}–${b.toS}`,
    chats: b.chats,
    within: b.toS !== null && b.toS <= limit ? `within ${limit} s` : `over ${limit} s`,
  }));
  const any = values.some((v) => v.chats > 0);
  return {
    id: 'first-response',
    title: 'First-response distribution',
    description: `How many chats were answered within each 10-second band (the team threshold is ${limit} s).`,
    spec: !any
      ? null
      : {
          width: WIDTH,
          height: 200,
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            x: {
              field: 'bucket',
              type: 'ordinal',
              title: 'first response (s)',
              sort: null,
              axis: { labelAngle: -40 },
            },
            y: { field: 'chats', type: 'quantitative', title: 'chats', axis: { tickMinStep: 1 } },
            color: { field: 'within', type: 'nominal', title: null, sort: null },
          },
        },
  };
}

function breachesByHour(report: TeamReport): ChartSpec {
  const values = report.breachesByHour.flatMap((h) => [
    { hour: h.hour, kind: 'first response', breaches: h.firstResponse },
    { hour: h.hour, kind: 'wait over limit', breaches: h.gap },
  ]);
  const any = values.some((v) => v.breaches > 0);
  return {
    id: 'breaches-by-hour',
    title: 'Breaches by hour of day',
    description: `Breached first responses and waits by the hour they happened (${report.timeZone}).`,
    spec: !any
      ? null
      : {
          width: WIDTH,
          height: 200,
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            x: {
              field: 'hour',
              type: 'ordinal',
              title: `hour of day (${report.timeZone})`,
              scale: { domain: Array.from({ length: 24 }, (_, h) => h) },
              axis: { labelAngle: 0 },
            },
            y: {
              field: 'breaches',
              type: 'quantitative',
              title: 'breaches',
              stack: 'zero',
              axis: { tickMinStep: 1 },
            },
            color: { field: 'kind', type: 'nominal', title: null, sort: null },
          },
        },
  };
}

function sopUsage(report: TeamReport): ChartSpec {
  const used = [...report.sops]
    .sort((a, b) => b.suggested + b.opened + b.inserted - (a.suggested + a.opened + a.inserted))
    .slice(0, SOPS_CHARTED);
  const values = used.flatMap((s) => {
    const sop = `${s.title ?? s.sopId}${s.stale ? ' (review overdue)' : ''}`;
    return [
      { sop, use: 'suggested', count: s.suggested },
      { sop, use: 'opened', count: s.opened },
      { sop, use: 'reply inserted', count: s.inserted },
    ];
  });
  return {
    id: 'sops',
    title: 'SOP usage and staleness',
    description: `How often the ${used.length} most used SOPs were suggested, opened and had a reply inserted; SOPs past their review date say "review overdue".`,
    spec:
      values.length === 0
        ? null
        : {
            width: WIDTH,
            height: Math.max(60, values.length * 10),
            data: { values },
            mark: { type: 'bar' },
            encoding: {
              y: { field: 'sop', type: 'nominal', title: null, sort: null },
              yOffset: { field: 'use', type: 'nominal', sort: null },
              x: { field: 'count', type: 'quantitative', title: 'times', axis: { tickMinStep: 1 } },
              color: { field: 'use', type: 'nominal', title: null, sort: null },
            },
          },
  };
}
