// SOP text may carry a little Markdown: **bold**, *italics*, `code` and links. We render that
// subset ourselves, as text nodes and elements, never through innerHTML; links survive only
// as http(s) or mailto. The words the search matched are wrapped in <mark>.
import type { ComponentChildren } from 'preact';

type Children = ComponentChildren[];

// Groups: 1 `code`, 2 **bold**, 3 __bold__, 4 *italics*, 5 _italics_ (neither inside words
// nor escaped), 6 [text](7 href), 8 <autolink>, 9 bare http(s) URL.
const TOKEN =
  /`([^`\n]+)`|\*\*(?=\S)(.+?)\*\*|__(?=\S)(.+?)__|(?<![\p{L}\p{N}*\\])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\p{L}\p{N}*])|(?<![\p{L}\p{N}_\\])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\p{L}\p{N}_])|\[([^\]\n]+)\]\(\s*<?([^()\s<>]+)>?\s*\)|<((?:https?:\/\/|mailto:)[^>\s]+)>|(https?:\/\/[^\s<>()"']*[^\s<>()"'.,;:!?])/gu;

/** The URL when it is an absolute http(s) or mailto link, else null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    return /^(https?|mailto):$/.test(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/**
 * `text` with every word in `marks` (the matched words the search attached to its hit,
 * lower-cased) wrapped in <mark>. A plain word comparison: the analysis stays in the search.
 */
function highlight(text: string, marks: ReadonlySet<string>): Children {
  if (marks.size === 0) return [text];
  const out: Children = [];
  let at = 0;
  for (const match of text.matchAll(WORD)) {
    if (!marks.has(match[0].toLowerCase())) continue;
    out.push(text.slice(at, match.index), <mark>{match[0]}</mark>);
    at = match.index + match[0].length;
  }
  out.push(text.slice(at));
  return out;
}

function render(text: string, marks: ReadonlySet<string>): Children {
  const out: Children = [];
  // Plain text waits here, so it is highlighted in one piece.
  let plain = '';
  const add = (...nodes: Children) => {
    out.push(...highlight(plain, marks), ...nodes);
    plain = '';
  };
  const link = (href: string, children: ComponentChildren) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const [whole, code, bold1, bold2, italics1, italics2, label, target, auto, bare] = m;
    const bold = bold1 ?? bold2;
    const italics = italics1 ?? italics2;
    plain += text.slice(last, m.index);
    last = m.index + whole.length;
    if (code !== undefined) add(<code>{code}</code>);
    else if (bold !== undefined) add(<strong>{render(bold, marks)}</strong>);
    else if (italics !== undefined) add(<em>{render(italics, marks)}</em>);
    else if (label !== undefined) {
      const href = safeHref(target!);
      const children = render(label, marks);
      add(...(href ? [link(href, children)] : children));
    } else {
      // A bare or <auto> link shows the URL itself: never highlighted.
      const url = (auto ?? bare)!;
      const href = safeHref(url);
      if (href) add(link(href, url));
      else plain += whole;
    }
  }
  plain += text.slice(last);
  add();
  return out;
}

/** SOP text with the safe Markdown subset and highlighted marks. */
export function Markdown({
  text,
  marks = new Set(),
}: {
  text: string;
  marks?: ReadonlySet<string>;
}) {
  return render(text, marks);
}
