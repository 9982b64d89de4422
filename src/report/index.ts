// The team report (issue 15): collect facts from events, build the report, write CSV.
export * from './build.ts';
export * from './collect.ts';
export * from './csv.ts';
export { periodOf } from './periods.ts';
export type * from './types.ts';
