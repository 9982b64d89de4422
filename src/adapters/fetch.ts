// Loading the SOP library by URL goes through this, so tests and hosts can swap it.

export interface FetchResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

export type Fetcher = (url: string, init?: { signal?: AbortSignal }) => Promise<FetchResponse>;

export function browserFetch(): Fetcher {
  return (url, init) => {
    if (typeof globalThis.fetch !== 'function') {
      return Promise.reject(new Error('fetch is not available'));
    }
    return globalThis.fetch(url, { credentials: 'same-origin', signal: init?.signal ?? null });
  };
}
