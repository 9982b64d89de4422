// The team's SOP picks (the customer's words and the SOP chosen for them): this agent's, and
// with the socket transport everyone's in the team (the server pushes them). Kept per team
// between page loads, fed to every new search source, and each new pick taught to the current
// one exactly once, so the ranking the team taught it survives a reload (issue: learning from
// the team).

import type { KeyValueStore } from '../adapters/storage.ts';
import type { TransportSpec } from './options.ts';

export interface Pick {
  /** Made when picked (random): a pick that comes back from the server is known by it. */
  id: string;
  text: string;
  sopId: string;
}

export interface PicksModel {
  all(): readonly Pick[];
  /**
   * Keeps the well-formed picks whose id is new (the newest MAX_PICKS, persisted) and teaches
   * each of them once; returns them.
   */
  add(picks: readonly unknown[]): Pick[];
}

/** The newest picks kept; older ones go first. */
export const MAX_PICKS = 2000;
/** The longest text a pick keeps (the server's limit). */
export const MAX_PICK_TEXT = 2000;

const isPick = (value: unknown): value is Pick =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Pick).id === 'string' &&
  typeof (value as Pick).text === 'string' &&
  typeof (value as Pick).sopId === 'string';

export function newPickId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createPicks(
  store: KeyValueStore,
  key: string,
  teach: (pick: Pick) => void = () => {},
): PicksModel {
  let picks: Pick[] = [];
  try {
    const data: unknown = JSON.parse(store.get(key) ?? '[]');
    // Stored data is untrusted too: keep only well-formed picks (those kept before picks had
    // ids get one).
    if (Array.isArray(data)) {
      picks = data
        .map((p, i) => (typeof p?.id === 'string' ? p : { ...p, id: `old-${i}` }))
        .filter(isPick)
        .slice(-MAX_PICKS);
    }
  } catch {
    // unreadable: start afresh
  }
  // Every id met in this page: never taught twice, even once it is no longer kept.
  const seen = new Set(picks.map((p) => p.id));
  return {
    all: () => picks,
    add(input) {
      const fresh: Pick[] = [];
      for (const p of input) {
        if (!isPick(p) || seen.has(p.id)) continue;
        seen.add(p.id);
        fresh.push({ id: p.id, text: p.text, sopId: p.sopId });
      }
      if (fresh.length === 0) return fresh;
      picks = [...picks, ...fresh].slice(-MAX_PICKS);
      store.set(key, JSON.stringify(picks));
      for (const p of fresh) {
        try {
          teach(p);
        } catch {
          // Learning is a bonus: a failure never blocks anything else.
        }
      }
      return fresh;
    },
  };
}

/** Picks are the team's: the token's `team` claim on the socket transport, else `local`. */
export function picksKey(transport: TransportSpec): string {
  let team = 'local';
  if (transport.kind === 'custom') team = `host:${transport.transport.scope ?? 'default'}`;
  else if (transport.kind === 'socket') {
    try {
      const claims = JSON.parse(
        atob(transport.token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')),
      ) as { team?: unknown };
      team = typeof claims.team === 'string' ? `team:${claims.team}` : 'socket';
    } catch {
      team = 'socket';
    }
  }
  return `chat-playbook:picks:${team}`;
}
