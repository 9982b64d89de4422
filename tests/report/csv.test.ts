// One CSV per table: RFC 4180 quoting, numbers plain, null empty, no formulas.
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.ts';
import { reportCsv } from '../../src/report/csv.ts';
import { agent, closed, customer, ms, started } from '../support/events.ts';
import { collect } from './fixtures.ts';

const report = buildReport(
  collect([
    started('c1', 0, { name: 'Dana' }),
    customer('c1', 'm1', 0),
    agent('c1', 'm2', 12.5, 'Hi Dana', { agentId: 'ann, "the first"' }),
    closed('c1', 100),
  ]),
  { period: 'week', timeZone: 'UTC', now: 0 },
  {
    unanswered: [{ chatId: 'c1', at: ms(0), text: '=HYPERLINK("x") refund\nplease' }],
  },
);
const files = reportCsv(report);

describe('CSV tables', () => {
  it('one file per table', () => {
    expect(Object.keys(files).sort()).toEqual([
      'agents.csv',
      'breaches-by-hour.csv',
      'first-response-distribution.csv',
      'sample.csv',
      'sops.csv',
      'team.csv',
      'trends.csv',
      'unanswered.csv',
    ]);
  });

  it('quotes commas and quotes, writes numbers plain and null empty, CRLF lines', () => {
    const [header, row] = files['agents.csv']!.split('\r\n');
    expect(header).toMatch(/^agentId,period,start,end,chats,firstResponses,/);
    expect(row).toMatch(/^"ann, ""the first""",2026-W48,2026-11-23T00:00:00.000Z,/);
    const cells = row!.split(',');
    const column = (name: string) => cells[header!.split(',').indexOf(name) + 1]; // +1: the quoted comma
    expect(column('firstResponseMedianS')).toBe('12.5');
    expect(column('handlingMedianS')).toBe('100');
    expect(files['trends.csv']).toContain(',chats,1,,\r\n');
  });

  it('a customer text never starts a formula', () => {
    expect(files['unanswered.csv']).toContain('"\'=HYPERLINK(""x"") refund\nplease"');
  });
});
