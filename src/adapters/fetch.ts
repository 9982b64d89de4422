// Loading the SOP library by URL goes through this, so tests and hosts can swap it.

export interface FetchResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  /** The body as bytes, to hand to the search worker unparsed (fetch's Response has it). */
  arrayBuffer?(): Promise<ArrayBuffer>;
}

export type Fetcher = (url: string, init?: { signal?: AbortSignal }) => Promise<FetchResponse>;

/** The browser's fetch (same-origin credentials, its default). */
export function browserFetch(): Fetcher {
  return (url, init) => fetch(url, init);
}
