// One Markdown SOP file (docs/library-format.md) to the raw sop-library/1 object that
// validateLibrary checks. This only reads structure; field rules live in library.ts.
import type { LibraryIssue } from './types.ts';

export type MarkdownSopResult =
  | {
      ok: true;
      sop: Record<string, unknown>;
      /** 1-based source line of each field path (`title`, `steps[1].role`, `replies[0].text`). */
      lines: Record<string, number>;
    }
  | {
      ok: false;
      issues: LibraryIssue[];
      /** What could be read despite the issues, so a loader can report field problems too. */
      partial?: { sop: Record<string, unknown>; lines: Record<string, number> };
    };

const SCALAR_KEYS = ['id', 'title', 'version', 'owner', 'effective', 'lastReviewed'] as const;
const LIST_KEYS = ['channels', 'tags', 'triggers'] as const;
const FRONT_MATTER_KEYS: readonly string[] = [...SCALAR_KEYS, 'reviewEveryMonths', ...LIST_KEYS];
const SECTIONS = ['purpose', 'scope', 'steps', 'escalation', 'replies', 'fields', 'notes'] as const;
type SectionName = (typeof SECTIONS)[number];
const STEP_DETAILS = ['id', 'role', 'within', 'replies'];

interface Line {
  text: string;
  /** 1-based line number in the file. */
  number: number;
  /** Inside a ``` or ~~~ code block, where headings are just text. */
  fenced: boolean;
}

interface Section {
  heading: number;
  lines: Line[];
}

const H1 = /^#(?!#)\s/;
const H2 = /^##(?!#)(.*)$/;
const H3 = /^###(?!#)(.*)$/;
const FENCE = /^\s*(```|~~~)/;
const ORDERED_ITEM = /^\s{0,3}\d+[.)](?:\s+(.*))?$/;
const DETAIL = /^\s*[-*+]\s+([A-Za-z]+)\s*:\s*(.*)$/;
const BULLET = /^\s*[-*+]\s/;

export function parseMarkdownSop(source: string, file: string): MarkdownSopResult {
  return new MarkdownSopParser(source, file).parse();
}

class MarkdownSopParser {
  private readonly lines: string[];
  private readonly issues: LibraryIssue[] = [];
  private readonly front: Record<string, unknown> = {};
  private readonly fieldLines: Record<string, number> = {};
  private readonly sections = new Map<SectionName, Section>();
  private h1Title: { text: string; line: number } | undefined;

  constructor(
    source: string,
    private readonly file: string,
  ) {
    this.lines = source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  }

  parse(): MarkdownSopResult {
    const bodyStart = this.readFrontMatter();
    if (bodyStart === undefined) return this.failed();
    this.splitSections(bodyStart);

    const sop: Record<string, unknown> = {};
    const put = (key: string, value: unknown) => {
      if (value !== undefined) sop[key] = value;
    };
    put('id', this.front.id);
    if ((this.front.title === undefined || this.front.title === '') && this.h1Title) {
      // No title in front matter: the `# Title` line stands in.
      this.fieldLines.title = this.h1Title.line;
      put('title', this.h1Title.text);
    } else {
      put('title', this.front.title);
    }
    for (const key of ['version', 'owner', 'effective', 'lastReviewed', 'reviewEveryMonths']) {
      put(key, this.front[key]);
    }
    put('channels', this.front.channels);
    put('purpose', this.prose('purpose'));
    put('scope', this.prose('scope'));
    put('tags', this.front.tags);
    put('triggers', this.front.triggers);
    put('steps', this.steps());
    put('escalation', this.escalation());
    put('replies', this.replies());
    put('fields', this.fields());
    put('notes', this.prose('notes'));

    if (this.issues.length > 0) return this.failed({ sop, lines: this.fieldLines });
    return { ok: true, sop, lines: this.fieldLines };
  }

  private failed(partial?: { sop: Record<string, unknown>; lines: Record<string, number> }) {
    const id = this.front.id;
    const sopId = typeof id === 'string' && id.trim() !== '' && id.length <= 100 ? id : null;
    const issues = this.issues
      .map((issue) => (sopId === null ? issue : { ...issue, sopId }))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const result: MarkdownSopResult = { ok: false, issues };
    if (partial) result.partial = partial;
    return result;
  }

  private issue(line: number, field: string, message: string): void {
    this.issues.push({ file: this.file, line, field, message });
  }

  /** Reads the `---` block; returns the index of the first body line, or undefined if broken. */
  private readFrontMatter(): number | undefined {
    let open = 0;
    while (open < this.lines.length && this.lines[open]!.trim() === '') open++;
    if (this.lines[open]?.trim() !== '---') {
      this.issue(
        open + 1,
        '',
        "missing front matter: start the file with a '---' block holding id and title",
      );
      return open;
    }
    let close = open + 1;
    while (close < this.lines.length && !/^(---|\.\.\.)\s*$/.test(this.lines[close]!)) close++;
    if (close >= this.lines.length) {
      this.issue(open + 1, '', "front matter is not closed: add a '---' line after it");
      return undefined;
    }

    let listKey: string | undefined;
    for (let i = open + 1; i < close; i++) {
      const text = this.lines[i]!;
      const number = i + 1;
      if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
      const item = /^\s*-(?:\s+(.*)|\s*)$/.exec(text);
      if (item) {
        const list = listKey === undefined ? undefined : this.front[listKey];
        if (listKey === undefined || !Array.isArray(list)) {
          this.issue(number, '', "a '- item' line must follow a 'key:' line with no value");
          continue;
        }
        this.fieldLines[`${listKey}[${list.length}]`] = number;
        list.push(unquote((item[1] ?? '').trim()));
        continue;
      }
      const entry = /^([A-Za-z_][\w-]*)\s*:(.*)$/.exec(text);
      if (!entry) {
        const nested = /^\s/.test(text) ? ' (nested values are not supported)' : '';
        this.issue(number, '', `expected 'key: value' in front matter${nested}`);
        continue;
      }
      listKey = undefined;
      const key = canonicalKey(entry[1]!);
      const value = entry[2]!.trim();
      if (key === undefined) continue; // Other keys (e.g. approvedBy) are the team's own notes.
      if (key in this.front) {
        this.issue(number, key, `'${key}' is set twice (first on line ${this.fieldLines[key]})`);
        continue;
      }
      this.fieldLines[key] = number;
      if (value === '') {
        // `key:` then `- item` lines (or nothing).
        this.front[key] = [];
        listKey = key;
      } else if (!isListKey(key)) {
        // Text as written, so a title like `[Draft] Returns` stays a title.
        this.front[key] = unquote(value);
      } else if (value.startsWith('[')) {
        if (!value.endsWith(']')) {
          this.issue(number, key, "a list opened with '[' must close with ']' on the same line");
          continue;
        }
        this.front[key] = splitList(value.slice(1, -1));
      } else {
        this.front[key] = splitList(value);
      }
    }
    this.settleFrontMatterTypes();
    return close + 1;
  }

  private settleFrontMatterTypes(): void {
    for (const key of [...SCALAR_KEYS, 'reviewEveryMonths']) {
      const value = this.front[key];
      if (!Array.isArray(value)) continue;
      if (value.length === 0) {
        this.front[key] = '';
      } else {
        this.issue(this.fieldLines[key]!, key, `'${key}' takes one value, not a list`);
        delete this.front[key];
      }
    }
    const months = this.front.reviewEveryMonths;
    if (months === '') delete this.front.reviewEveryMonths;
    // Digits become a number; anything else stays text for the validator to name.
    else if (typeof months === 'string' && /^\d+$/.test(months)) {
      this.front.reviewEveryMonths = Number(months);
    }
  }

  private splitSections(bodyStart: number): void {
    let current: Section | undefined;
    let outside = false; // Reported text outside any section (once per run of lines).
    let fenced = false;
    for (let i = bodyStart; i < this.lines.length; i++) {
      const text = this.lines[i]!;
      const number = i + 1;
      const line: Line = { text, number, fenced };
      if (FENCE.test(text)) {
        fenced = !fenced;
        line.fenced = true;
      }
      const heading = line.fenced ? null : H2.exec(text);
      if (heading) {
        outside = false;
        const title = headingText(heading[1]!);
        const name = title.toLowerCase() as SectionName;
        if (!SECTIONS.includes(name)) {
          this.issue(
            number,
            '',
            `unknown section '## ${title}' (expected Purpose, Scope, Steps, Escalation, Replies, Fields or Notes)`,
          );
          current = { heading: number, lines: [] }; // Its lines are skipped, not misfiled.
          continue;
        }
        const seen = this.sections.get(name);
        if (seen) {
          this.issue(
            number,
            '',
            `section '## ${title}' appears twice (first on line ${seen.heading})`,
          );
          current = { heading: number, lines: [] };
          continue;
        }
        current = { heading: number, lines: [] };
        this.sections.set(name, current);
        continue;
      }
      if (current) {
        current.lines.push(line);
        continue;
      }
      if (text.trim() === '') continue;
      if (H1.test(text) && !this.h1Title) {
        this.h1Title = { text: headingText(text.slice(1)), line: number };
        continue;
      }
      if (!outside) {
        this.issue(number, '', "text before the first '## …' section belongs to no section");
        outside = true;
      }
    }
  }

  /** Purpose, Scope, Notes: the text as written, blank-line runs kept as one blank line. */
  private prose(name: 'purpose' | 'scope' | 'notes'): string | undefined {
    const section = this.sections.get(name);
    if (!section) return undefined;
    this.fieldLines[name] = section.heading;
    const text = joinParagraphs(section.lines);
    return text === '' ? undefined : text;
  }

  private steps(): Record<string, unknown>[] | undefined {
    const section = this.sections.get('steps');
    if (!section) return undefined;
    this.fieldLines.steps = section.heading;
    const steps: Record<string, unknown>[] = [];
    let step: Record<string, unknown> | undefined;
    let path = '';
    let previous: 'blank' | 'text' | 'detail' = 'blank';
    const problem = (line: Line, message: string) =>
      this.issue(line.number, step ? path : 'steps', message);

    for (const line of section.lines) {
      const { text } = line;
      if (text.trim() === '') {
        previous = 'blank';
        continue;
      }
      const item = ORDERED_ITEM.exec(text);
      if (item) {
        path = `steps[${steps.length}]`;
        step = { text: (item[1] ?? '').trim() };
        steps.push(step);
        this.fieldLines[path] = line.number;
        this.fieldLines[`${path}.text`] = line.number;
        previous = 'text';
        continue;
      }
      if (!step) {
        problem(line, "steps are an ordered list: start each step with '1.', '2.' …");
        continue;
      }
      const indented = /^\s/.test(text);
      const detail = indented ? DETAIL.exec(text) : null;
      if (detail && STEP_DETAILS.includes(detail[1]!.toLowerCase())) {
        const key = detail[1]!.toLowerCase();
        const value = detail[2]!.trim();
        if (key in step) {
          problem(line, `'- ${key}:' is set twice in this step`);
          continue;
        }
        this.fieldLines[`${path}.${key}`] = line.number;
        if (key === 'replies') {
          const ids = value
            .split(',')
            .map((id) => id.trim())
            .filter((id) => id !== '');
          ids.forEach((_, j) => {
            this.fieldLines[`${path}.replies[${j}]`] = line.number;
          });
          step.replies = ids;
        } else {
          step[key] = value;
        }
        previous = 'detail';
        continue;
      }
      if (BULLET.test(text)) {
        problem(
          line,
          indented
            ? "a step's sub-bullets are '- id:', '- role:', '- within:' or '- replies:'"
            : "indent a step's '- key: value' lines under the step; steps themselves are '1.', '2.' …",
        );
        continue;
      }
      // A wrapped step line: indented, or a lazy continuation right under the step text.
      if (previous === 'text' || (indented && previous === 'blank' && !hasDetails(step))) {
        step.text = `${step.text as string} ${text.trim()}`.trim();
        previous = 'text';
        continue;
      }
      problem(line, "expected a numbered step ('1. …') or a '- role:'-style detail under it");
    }
    return steps;
  }

  private escalation(): Record<string, unknown> | undefined {
    const section = this.sections.get('escalation');
    if (!section) return undefined;
    this.fieldLines.escalation = section.heading;
    const triggers: string[] = [];
    let to: string | undefined;
    for (const line of section.lines) {
      if (line.text.trim() === '') continue;
      const detail = DETAIL.exec(line.text);
      const key = detail?.[1]?.toLowerCase();
      const value = detail?.[2]?.trim() ?? '';
      if (key === 'to') {
        if (to !== undefined) {
          this.issue(line.number, 'escalation.to', "'- to:' is set twice");
          continue;
        }
        to = value;
        this.fieldLines['escalation.to'] = line.number;
      } else if (key === 'trigger') {
        this.fieldLines[`escalation.triggers[${triggers.length}]`] = line.number;
        triggers.push(value);
      } else {
        this.issue(line.number, 'escalation', "expected '- to: Role' or '- trigger: phrase'");
      }
    }
    if (to === undefined && triggers.length === 0) return undefined;
    this.fieldLines['escalation.triggers'] = section.heading;
    return to === undefined ? { triggers } : { triggers, to };
  }

  private replies(): Record<string, unknown>[] | undefined {
    const section = this.sections.get('replies');
    if (!section) return undefined;
    this.fieldLines.replies = section.heading;
    const replies: { fields: Record<string, unknown>; text: Line[]; path: string }[] = [];
    let strayReported = false;
    for (const line of section.lines) {
      const heading = line.fenced ? null : H3.exec(line.text);
      if (heading) {
        const path = `replies[${replies.length}]`;
        replies.push({ fields: { title: headingText(heading[1]!) }, text: [], path });
        this.fieldLines[path] = line.number;
        this.fieldLines[`${path}.title`] = line.number;
        continue;
      }
      const reply = replies.at(-1);
      if (!reply) {
        if (line.text.trim() !== '' && !strayReported) {
          this.issue(line.number, 'replies', "each reply starts with a '### Title' line");
          strayReported = true;
        }
        continue;
      }
      const beforeText = reply.text.every((l) => l.text.trim() === '');
      const meta = beforeText && !line.fenced ? DETAIL.exec(line.text) : null;
      const key = meta?.[1]?.toLowerCase();
      if (meta && (key === 'id' || key === 'shortcut')) {
        if (key in reply.fields) {
          this.issue(line.number, `${reply.path}.${key}`, `'- ${key}:' is set twice`);
          continue;
        }
        reply.fields[key] = meta[2]!.trim();
        this.fieldLines[`${reply.path}.${key}`] = line.number;
        continue;
      }
      reply.text.push(line);
    }
    return replies.map(({ fields, text, path }) => {
      const first = text.find((l) => l.text.trim() !== '');
      this.fieldLines[`${path}.text`] = first?.number ?? this.fieldLines[path]!;
      const { title, id, shortcut } = fields;
      const raw: Record<string, unknown> = {};
      if (id !== undefined) raw.id = id;
      raw.title = title;
      if (shortcut !== undefined) raw.shortcut = shortcut;
      raw.text = joinParagraphs(text);
      return raw;
    });
  }

  /**
   * `### name` per field, then `- label:`, `- pattern:` (backticks around it are dropped, so
   * Markdown shows the backslashes) and `- required: yes|no` lines.
   */
  private fields(): Record<string, unknown> | undefined {
    const section = this.sections.get('fields');
    if (!section) return undefined;
    this.fieldLines.fields = section.heading;
    const fields = new Map<string, Record<string, unknown>>();
    let spec: Record<string, unknown> | undefined;
    let path = 'fields';
    for (const line of section.lines) {
      if (line.text.trim() === '') continue;
      const heading = line.fenced ? null : H3.exec(line.text);
      if (heading) {
        const name = headingText(heading[1]!);
        path = `fields.${name}`;
        if (fields.has(name)) {
          this.issue(line.number, path, `field '${name}' is declared twice`);
          spec = {};
          continue;
        }
        spec = {};
        fields.set(name, spec);
        this.fieldLines[path] = line.number;
        continue;
      }
      const detail = DETAIL.exec(line.text);
      const key = detail?.[1]?.toLowerCase();
      if (!spec || !detail || (key !== 'label' && key !== 'pattern' && key !== 'required')) {
        this.issue(
          line.number,
          path,
          spec
            ? "expected '- label:', '- pattern:' or '- required:'"
            : "each field starts with a '### name' line",
        );
        continue;
      }
      if (key in spec) {
        this.issue(line.number, `${path}.${key}`, `'- ${key}:' is set twice`);
        continue;
      }
      const value = detail[2]!.trim();
      this.fieldLines[`${path}.${key}`] = line.number;
      spec[key] =
        key === 'required'
          ? yesNo(value)
          : key === 'pattern'
            ? value.replace(/^(`+)(.*)\1$/, '$2')
            : value;
    }
    // Entries, not assignment: a field may be called `__proto__`.
    return Object.fromEntries(fields);
  }
}

/** `required: yes` and the like: a boolean, or the text as written for the validator to name. */
function yesNo(value: string): boolean | string {
  if (/^(?:yes|true)$/i.test(value)) return true;
  return /^(?:no|false)$/i.test(value) ? false : value;
}

/** Heading text without its closing `#` run (CommonMark: only after a space), trimmed. */
function headingText(rest: string): string {
  const text = rest.trim();
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  if (end === 0) return '';
  return end < text.length && /\s/.test(text[end - 1]!) ? text.slice(0, end).trimEnd() : text;
}

function hasDetails(step: Record<string, unknown>): boolean {
  return STEP_DETAILS.some((key) => key in step);
}

function canonicalKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  return FRONT_MATTER_KEYS.find((known) => known.toLowerCase() === lower);
}

function isListKey(key: string): boolean {
  return (LIST_KEYS as readonly string[]).includes(key);
}

/** `a, "b, c", 'd'` → ['a', 'b, c', 'd']; an empty list body gives []. */
function splitList(body: string): string[] {
  if (body.trim() === '') return [];
  const items: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of body) {
    if (quote) {
      if (ch === quote) quote = undefined;
      current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === ',') {
      items.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  items.push(current);
  return items.map((item) => unquote(item.trim()));
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.at(-1) === first) {
    return value.slice(1, -1);
  }
  return value;
}

/** Lines as written (trailing spaces dropped), outer blank lines trimmed, blank runs as one. */
function joinParagraphs(lines: readonly Line[]): string {
  const out: string[] = [];
  for (const { text } of lines) {
    const trimmed = text.trimEnd();
    if (trimmed === '' && (out.length === 0 || out.at(-1) === '')) continue;
    out.push(trimmed);
  }
  while (out.at(-1) === '') out.pop();
  return out.join('\n');
}
