/** Rewrites one `## heading` section of docs/performance.md. */
export function writeSection(heading: string, body: string): void;
