// Builds weighted queries from what the agent types and from the conversation so far:
// recent customer messages weigh more than old ones, agent messages less than customer ones,
// synonym-group terms less than the words themselves. The typed words and the conversation
// are two queries (splitQuery): when the agent has typed, the typed words rank and the
// conversation only breaks near-ties (QUERY_WEIGHTS.context, engine.ts). The numbers are
// documented in docs/search.md; they were set once from first principles, not fitted to an
// evaluation.
import { analyze, type Token } from './analyzer.ts';

export interface ConversationMessage {
  author: 'customer' | 'agent';
  text: string;
}

export interface SearchQuery {
  /** What the agent typed in the search box (or the message being looked up). */
  text?: string;
  /** The chat so far, oldest first. */
  conversation?: ConversationMessage[];
  /** The chat's channel ("chat", "email", …): SOPs for it rank first. */
  channel?: string;
  /** The agent is still typing `text`: its last word is matched as a prefix. */
  typing?: boolean;
}

export interface QueryTerm {
  term: string;
  weight: number;
  /** Match as a prefix (the word being typed). */
  prefix: boolean;
  kind: Token['kind'];
}

export const QUERY_WEIGHTS = {
  /** The agent's own search text. */
  text: 1,
  /** The latest customer message; each older customer message counts `decay` times less. */
  customer: 1,
  /** The latest agent message; agents mostly ask and acknowledge, so they weigh less. */
  agent: 0.35,
  decay: 0.6,
  /** Only the most recent messages take part. */
  maxMessages: 8,
  /** A synonym-group term relative to the word itself. */
  synonym: 0.5,
  /** A compound ("topup" from "top up"): its words already count, so it adds less. */
  compound: 0.5,
  /** How much a term seen in several sources adds beyond its strongest source. */
  repeat: 0.25,
  /**
   * With typed text, the conversation multiplies an SOP's typed score by at most 1 + context
   * (the SOP the conversation fits best gets all of it): it reorders SOPs whose typed scores
   * are within that factor of each other, never one the typed words match better.
   */
  context: 0.2,
} as const;

interface Source {
  text: string;
  weight: number;
  typing: boolean;
}

function sources(query: SearchQuery): Source[] {
  const list: Source[] = [];
  if (query.text?.trim())
    list.push({ text: query.text, weight: QUERY_WEIGHTS.text, typing: query.typing === true });
  const recent = (query.conversation ?? []).slice(-QUERY_WEIGHTS.maxMessages);
  let customerAge = 0;
  let agentAge = 0;
  for (let i = recent.length - 1; i >= 0; i--) {
    const message = recent[i]!;
    if (!message.text?.trim()) continue;
    const weight =
      message.author === 'agent'
        ? QUERY_WEIGHTS.agent * QUERY_WEIGHTS.decay ** agentAge++
        : QUERY_WEIGHTS.customer * QUERY_WEIGHTS.decay ** customerAge++;
    list.push({ text: message.text, weight, typing: false });
  }
  return list;
}

/** The typed part of a query and its conversation part (each may be empty). */
export function splitQuery(query: SearchQuery): { typed: SearchQuery; conversation: SearchQuery } {
  return {
    typed: { text: query.text, typing: query.typing },
    conversation: { conversation: query.conversation },
  };
}

/** The weighted, de-duplicated terms of a query. */
export function buildQueryTerms(query: SearchQuery): QueryTerm[] {
  const byTerm = new Map<string, { weights: number[]; prefix: boolean; kind: Token['kind'] }>();
  for (const source of sources(query)) {
    const tokens = analyze(source.text);
    const typedTo = source.typing && /[\p{L}\p{N}]$/u.test(source.text) ? source.text.length : -1;
    const seen = new Map<string, number>();
    for (const token of tokens) {
      const kindWeight =
        token.kind === 'synonym'
          ? QUERY_WEIGHTS.synonym
          : token.kind === 'compound'
            ? QUERY_WEIGHTS.compound
            : 1;
      const weight = source.weight * kindWeight;
      seen.set(token.term, Math.max(seen.get(token.term) ?? 0, weight));
      const entry = byTerm.get(token.term) ?? { weights: [], prefix: false, kind: token.kind };
      if (token.kind === 'word' && token.end === typedTo && token.term.length >= 3)
        entry.prefix = true;
      byTerm.set(token.term, entry);
    }
    for (const [term, weight] of seen) byTerm.get(term)!.weights.push(weight);
  }
  const terms: QueryTerm[] = [];
  for (const [term, { weights, prefix, kind }] of byTerm) {
    const max = Math.max(...weights);
    const sum = weights.reduce((a, b) => a + b, 0);
    terms.push({ term, weight: max + QUERY_WEIGHTS.repeat * (sum - max), prefix, kind });
  }
  return terms;
}
