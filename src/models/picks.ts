// The agent's SOP picks (the customer's words and the SOP chosen for them), kept per team
// between page loads and fed to every new search source, so the ranking the team taught it
// survives a reload (issue: learning from the team).
import type { KeyValueStore } from '../adapters/storage.ts';

export interface Pick {
  text: string;
  sopId: string;
}

export interface PicksModel {
  all(): readonly Pick[];
  add(pick: Pick): void;
}

/** The newest picks kept; older ones go first. */
export const MAX_PICKS = 2000;

const isPick = (value: unknown): value is Pick =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Pick).text === 'string' &&
  typeof (value as Pick).sopId === 'string';

export function createPicks(store: KeyValueStore, key: string): PicksModel {
  let picks: Pick[] = [];
  try {
    const data: unknown = JSON.parse(store.get(key) ?? '[]');
    // Stored data is untrusted too: keep only well-formed picks.
    if (Array.isArray(data)) picks = data.filter(isPick).slice(-MAX_PICKS);
  } catch {
    // unreadable: start afresh
  }
  return {
    all: () => picks,
    add(pick) {
      picks = [...picks, { text: pick.text, sopId: pick.sopId }].slice(-MAX_PICKS);
      store.set(key, JSON.stringify(picks));
    },
  };
}

/** Picks are the team's: the token's `team` claim on the socket transport, else `local`. */
export function picksKey(transport: { kind: 'local' } | { kind: 'socket'; token: string }): string {
  let team = 'local';
  if (transport.kind === 'socket') {
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
