// SOP text may carry a little Markdown: **bold**, *italics*, `code` and links. We render that
// subset ourselves, as text nodes and elements, never through innerHTML; links survive only
// as http(s) or mailto. Matched search terms are wrapped in <mark>.
import type { ComponentChildren } from 'preact';
import { analyze } from '../search/analyzer.ts';

export type InlineNode =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong' | 'em'; children: InlineNode[] }
  | { kind: 'link'; href: string; children: InlineNode[]; bare?: true };

const TOKEN = new RegExp(
  [
    '`([^`\\n]+)`', // 1 code
    '\\*\\*(?=\\S)(.+?)\\*\\*', // 2 bold
    '__(?=\\S)(.+?)__', // 3 bold
    '(?<![\\p{L}\\p{N}*\\\\])\\*(?=[^\\s*])([^*\\n]*?[^\\s*])\\*(?![\\p{L}\\p{N}*])', // 4 italics
    '(?<![\\p{L}\\p{N}_\\\\])_(?=[^\\s_])([^_\\n]*?[^\\s_])_(?![\\p{L}\\p{N}_])', // 5 italics
    '\\[([^\\]\\n]+)\\]\\(\\s*<?([^()\\s<>]+)>?\\s*\\)', // 6 text, 7 href
    '<((?:https?:\\/\\/|mailto:)[^>\\s]+)>', // 8 autolink
    '(https?:\\/\\/[^\\s<>()"\']*[^\\s<>()"\'.,;:!?])', // 9 bare URL
  ].join('|'),
  'gu',
);

/** The URL when it is an absolute http(s) or mailto link, else null. */
export function safeHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:'
    ? url.href
    : null;
}

export function parseInline(text: string): InlineNode[] {
  const nodes: InlineNode[] = [];
  let last = 0;
  const pushText = (t: string) => {
    if (t === '') return;
    const prev = nodes[nodes.length - 1];
    if (prev?.kind === 'text') prev.text += t;
    else nodes.push({ kind: 'text', text: t });
  };
  const re = new RegExp(TOKEN.source, TOKEN.flags);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    pushText(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) nodes.push({ kind: 'code', text: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) {
      nodes.push({ kind: 'strong', children: parseInline((m[2] ?? m[3])!) });
    } else if (m[4] !== undefined || m[5] !== undefined) {
      nodes.push({ kind: 'em', children: parseInline((m[4] ?? m[5])!) });
    } else if (m[6] !== undefined) {
      const href = safeHref(m[7]!);
      const children = parseInline(m[6]);
      if (href) nodes.push({ kind: 'link', href, children });
      else nodes.push(...children);
    } else {
      const raw = (m[8] ?? m[9])!;
      const href = safeHref(raw);
      if (href)
        nodes.push({ kind: 'link', href, children: [{ kind: 'text', text: raw }], bare: true });
      else pushText(m[0]);
    }
  }
  pushText(text.slice(last));
  return nodes;
}

/** Spans of `text` whose analysed term is one of `terms`, merged, in order. */
export function highlightRanges(text: string, terms: ReadonlySet<string>): [number, number][] {
  if (terms.size === 0 || text === '') return [];
  const spans = analyze(text)
    .filter((t) => terms.has(t.term))
    .map((t): [number, number] => [t.start, t.end])
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const prev = merged[merged.length - 1];
    if (prev && span[0] <= prev[1]) prev[1] = Math.max(prev[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

export function Highlighted({ text, terms }: { text: string; terms: ReadonlySet<string> }) {
  const ranges = highlightRanges(text, terms);
  if (ranges.length === 0) return <>{text}</>;
  const out: ComponentChildren[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) out.push(text.slice(at, start));
    out.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) out.push(text.slice(at));
  return <>{out}</>;
}

const NO_TERMS: ReadonlySet<string> = new Set();

function renderNodes(nodes: InlineNode[], terms: ReadonlySet<string>): ComponentChildren[] {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case 'text':
        return <Highlighted key={i} text={node.text} terms={terms} />;
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'strong':
        return <strong key={i}>{renderNodes(node.children, terms)}</strong>;
      case 'em':
        return <em key={i}>{renderNodes(node.children, terms)}</em>;
      default:
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener noreferrer">
            {renderNodes(node.children, node.bare ? NO_TERMS : terms)}
          </a>
        );
    }
  });
}

/** SOP text with the safe Markdown subset and highlighted terms. */
export function Markdown({
  text,
  terms = NO_TERMS,
}: {
  text: string;
  terms?: ReadonlySet<string>;
}) {
  return <>{renderNodes(parseInline(text), terms)}</>;
}
