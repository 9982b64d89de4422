// One Markdown SOP file (docs/library-format.md) to the raw sop-library/1 object that
// validateLibrary checks. The front matter is YAML (`yaml`), the body CommonMark
// (mdast-util-from-markdown); this maps their structure to fields, and field rules live in
// library.ts. CLI and build code only: the widget loads built JSON.
import type { Heading, ListItem, Nodes, RootContent, Yaml } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { frontmatter } from 'micromark-extension-frontmatter';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
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

// Markdown parsing costs grow faster than the text with list and quote nesting (every line is
// matched against every open container), so a file is refused before parsing past these.
export const MAX_SOP_CHARACTERS = 200_000;
export const MAX_SOP_LINES = 2_000;
/** List items and quote marks at line starts, in the whole file. */
export const MAX_SOP_MARKERS = 2_000;
/** Columns of indentation, list markers and quote marks at the start of one line. */
export const MAX_LINE_NESTING = 64;

const SCALAR_KEYS = ['id', 'title', 'version', 'owner', 'effective', 'lastReviewed'] as const;
const LIST_KEYS = ['channels', 'tags', 'triggers'] as const;
const FRONT_MATTER_KEYS: readonly string[] = [...SCALAR_KEYS, 'reviewEveryMonths', ...LIST_KEYS];
const SECTIONS = ['purpose', 'scope', 'steps', 'escalation', 'replies', 'fields', 'notes'] as const;
type SectionName = (typeof SECTIONS)[number];
const STEP_DETAILS = ['id', 'role', 'within', 'replies'];

const MARKDOWN_OPTIONS = {
  extensions: [
    frontmatter(['yaml']),
    // Only the block structure matters here: text is kept as written (the widget renders its
    // Markdown), and emphasis runs would make parsing quadratic in their length.
    {
      disable: {
        null: [
          'attention',
          'autolink',
          'characterEscape',
          'characterReference',
          'codeText',
          'hardBreakEscape',
          'htmlText',
          'labelEnd',
          'labelStartImage',
          'labelStartLink',
          // Headings are the `#` kind the format documents: text above a `---` rule stays text.
          'setextUnderline',
          // HTML and link definitions are text to the widget (it renders a little Markdown,
          // never HTML), so an HTML-looking line must not swallow the lines after it.
          'htmlFlow',
          'definition',
        ],
      },
    },
  ],
  mdastExtensions: [frontmatterFromMarkdown(['yaml'])],
};

/** A line's leading indentation, quote marks and list markers (`- `, `1. `). */
const LINE_NESTING = /^(?:[ \t]|>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))*/;
/** `key: value` as a list item's first line (`- role: Team Lead`). */
const DETAIL = /^([A-Za-z]+)\s*:(.*)$/;

const STEP_EXPECTED = "expected a numbered step ('1. …') or a '- role:'-style detail under it";
const ESCALATION_EXPECTED = "expected '- to: Role' or '- trigger: phrase'";
const FIELD_EXPECTED = "expected '- label:', '- pattern:' or '- required:'";
/** YAML errors that quoting the value fixes: `title: [Draft] Returns`, `title: Re: order`. */
const QUOTE_FIXES: readonly string[] = [
  'BAD_SCALAR_START',
  'BLOCK_AS_IMPLICIT_KEY',
  'UNEXPECTED_TOKEN',
];
const QUOTE_IT = 'to keep a value as written, put it in quotes';

interface Section {
  heading: number;
  nodes: RootContent[];
  /** Last line of the section's text. */
  end: number;
}

interface StepReading {
  step: Record<string, unknown>;
  path: string;
  /** Its `- key: value` bullets began: text after them is out of place. */
  hasDetails: boolean;
}

interface Detail {
  key: string;
  value: string;
  line: number;
  /** First line after the `key: value` line inside the same list item, if any. */
  extra: number | undefined;
}

export function parseMarkdownSop(source: string, file: string): MarkdownSopResult {
  return new MarkdownSopReader(source, file).read();
}

class MarkdownSopReader {
  private readonly text: string;
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
    // One kind of line break, so YAML, Markdown and our line numbers agree.
    this.text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    this.lines = this.text.split('\n');
  }

  read(): MarkdownSopResult {
    if (this.tooBig()) return this.failed();
    const [first, ...body] = fromMarkdown(this.text, MARKDOWN_OPTIONS).children;
    if (first?.type === 'yaml') {
      this.readFrontMatter(first);
      this.splitSections(body);
    } else if (this.lines[0]!.trimEnd() === '---') {
      this.issue(1, '', "front matter is not closed: add a '---' line after it");
      return this.failed();
    } else {
      this.issue(
        1,
        '',
        "missing front matter: start the file with a '---' block holding id and title",
      );
      this.splitSections(first === undefined ? [] : [first, ...body]);
    }

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

  /** Reports a file past the size limits (see MAX_SOP_CHARACTERS); true if it is. */
  private tooBig(): boolean {
    const split = 'split it into several SOPs';
    if (this.text.length > MAX_SOP_CHARACTERS) {
      const line = this.text.slice(0, MAX_SOP_CHARACTERS).split('\n').length;
      const size = `${this.text.length} characters, more than ${MAX_SOP_CHARACTERS}`;
      this.issue(line, '', `the file has ${size}: ${split}`);
      return true;
    }
    if (this.lines.length > MAX_SOP_LINES) {
      const size = `${this.lines.length} lines, more than ${MAX_SOP_LINES}`;
      this.issue(MAX_SOP_LINES + 1, '', `the file has ${size}: ${split}`);
      return true;
    }
    let markers = 0;
    for (const [i, text] of this.lines.entries()) {
      const nesting = LINE_NESTING.exec(text)![0];
      const columns = nesting.replaceAll('\t', '    ').length;
      if (columns > MAX_LINE_NESTING) {
        this.issue(
          i + 1,
          '',
          `the line starts with ${columns} columns of indentation, list markers and quote marks, more than ${MAX_LINE_NESTING}`,
        );
        return true;
      }
      markers += nesting.replace(/[^-+*>.)]/g, '').length;
      if (markers > MAX_SOP_MARKERS) {
        this.issue(
          i + 1,
          '',
          `the file has more than ${MAX_SOP_MARKERS} list items and quote marks: ${split}`,
        );
        return true;
      }
    }
    return false;
  }

  private readFrontMatter(node: Yaml): void {
    const fence = lineOf(node); // The opening `---`; the YAML starts on the next line.
    const source = node.value;
    const counter = new LineCounter();
    const doc = parseDocument(source, {
      schema: 'failsafe', // Every value is text, so `version: 2.10` stays "2.10".
      uniqueKeys: false, // Reported below, by our own (case-insensitive) key names.
      prettyErrors: false,
      lineCounter: counter,
    });
    const lineAt = (offset: number) => fence + counter.linePos(offset).line;
    // The parser reads on past an error, but what it makes of the rest is a guess: keep
    // only what comes before the first one (the loader then names what is missing).
    const error = doc.errors[0];
    const readable = error ? lineAt(error.pos[0]) : Number.POSITIVE_INFINITY;
    if (error) {
      const { col } = counter.linePos(error.pos[0]);
      const hint = QUOTE_FIXES.includes(error.code) ? ` (${QUOTE_IT})` : '';
      // The parser stops at a nesting deep enough to exhaust the stack, and says so.
      const reason = error.code === 'RESOURCE_EXHAUSTION' ? 'nested too deeply' : error.message;
      this.issue(readable, '', `invalid YAML at column ${col}: ${reason}${hint}`);
    }
    const map = doc.contents;
    if (map === null) return;
    if (!isMap(map)) {
      const line = lineAt(map.range?.[0] ?? 0);
      const found = isSeq(map) ? 'a list' : 'a single value';
      if (line < readable) {
        this.issue(line, '', `front matter must be 'key: value' lines, not ${found}`);
      }
      return;
    }

    /** One value as text; undefined (and reported as `notText`) when it is a list or keys. */
    const textOf = (value: unknown, path: string, line: number, notText: string) => {
      const target = isAlias(value) ? value.resolve(doc) : value;
      if (isAlias(value) && target === undefined) {
        this.issue(
          line,
          path,
          `'*${value.source}' names no '&${value.source}' anchor (${QUOTE_IT})`,
        );
        return undefined;
      }
      if (target === null || target === undefined) return ''; // `key:` or `- ` alone.
      if (!isScalar(target)) {
        this.issue(line, path, notText);
        return undefined;
      }
      // `&name` and `!tag` before a value are YAML's, not text: `title: &lt;b&gt;` is "".
      const mark = isAlias(value) ? undefined : target.anchor ? `&${target.anchor}` : target.tag;
      if (mark !== undefined) {
        this.issue(
          line,
          path,
          `YAML reads '${mark}' as ${mark.startsWith('&') ? 'an anchor' : 'a tag'}, not text (${QUOTE_IT})`,
        );
      }
      const [, end = 0, nodeEnd = 0] = target.range ?? [];
      if (target.type === Scalar.PLAIN && /^[ \t]+#/.test(source.slice(end, nodeEnd))) {
        const comment = "the text after ' #' is a YAML comment, so it would be dropped";
        this.issue(line, path, `${comment} (${QUOTE_IT}, or the comment on a line of its own)`);
      }
      return target.value === null ? '' : String(target.value);
    };

    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue; // A `? [complex]` key names no field.
      const line = lineAt(pair.key.range?.[0] ?? 0);
      if (line >= readable) break;
      const key = canonicalKey(String(pair.key.value));
      if (key === undefined) continue; // Other keys (e.g. approvedBy) are the team's own notes.
      if (key in this.front) {
        this.issue(line, key, `'${key}' is set twice (first on line ${this.fieldLines[key]})`);
        continue;
      }
      this.fieldLines[key] = line;
      const value = isAlias(pair.value) ? (pair.value.resolve(doc) ?? pair.value) : pair.value;
      if (!isListKey(key)) {
        const notText = `'${key}' takes one value, not ${isSeq(value) ? 'a list' : 'keys'}`;
        const text = textOf(value, key, line, notText);
        if (text !== undefined) this.front[key] = text;
      } else if (isSeq(value)) {
        this.front[key] = value.items.map((item, i) => {
          const path = `${key}[${i}]`;
          this.fieldLines[path] = isNode(item) && item.range ? lineAt(item.range[0]) : line;
          const notText = `'${key}' takes single values, not nested lists`;
          return textOf(item, path, this.fieldLines[path], notText) ?? '';
        });
      } else {
        const text = textOf(value, key, line, `'${key}' takes a list of values, not keys`);
        if (text === undefined) continue;
        // One plain value is a comma-separated list (`channels: chat, email`); quoted, one item.
        if (isScalar(value) && value.type !== Scalar.PLAIN) this.front[key] = [text];
        else this.front[key] = text.trim() === '' ? [] : text.split(',').map((item) => item.trim());
      }
    }
    const months = this.front.reviewEveryMonths;
    if (months === '') delete this.front.reviewEveryMonths;
    // Digits become a number; anything else stays text for the validator to name.
    else if (typeof months === 'string' && /^\d+$/.test(months)) {
      this.front.reviewEveryMonths = Number(months);
    }
  }

  private splitSections(nodes: readonly RootContent[]): void {
    let current: Section | undefined;
    let outside = false; // Reported text outside any section (once).
    for (const node of nodes) {
      if (node.type === 'heading' && node.depth === 2) {
        const line = lineOf(node);
        if (current) current.end = line - 1;
        // Lines of an unknown or repeated section are skipped, not misfiled.
        current = { heading: line, nodes: [], end: this.lines.length };
        const title = this.headingText(node);
        const name = title.toLowerCase() as SectionName;
        const seen = this.sections.get(name);
        if (!SECTIONS.includes(name)) {
          this.issue(
            line,
            '',
            `unknown section '## ${title}' (expected Purpose, Scope, Steps, Escalation, Replies, Fields or Notes)`,
          );
        } else if (seen) {
          this.issue(
            line,
            '',
            `section '## ${title}' appears twice (first on line ${seen.heading})`,
          );
        } else {
          this.sections.set(name, current);
        }
      } else if (current) {
        current.nodes.push(node);
      } else if (node.type === 'heading' && node.depth === 1 && !this.h1Title) {
        this.h1Title = { text: this.headingText(node), line: lineOf(node) };
      } else if (!outside) {
        this.issue(lineOf(node), '', "text before the first '## …' section belongs to no section");
        outside = true;
      }
    }
  }

  /** Purpose, Scope, Notes: the text as written, blank-line runs kept as one blank line. */
  private prose(name: 'purpose' | 'scope' | 'notes'): string | undefined {
    const section = this.sections.get(name);
    if (!section) return undefined;
    this.fieldLines[name] = section.heading;
    const text = this.linesText(section.heading + 1, section.end);
    return text === '' ? undefined : text;
  }

  private steps(): Record<string, unknown>[] | undefined {
    const section = this.sections.get('steps');
    if (!section) return undefined;
    this.fieldLines.steps = section.heading;
    const steps: Record<string, unknown>[] = [];
    let current: StepReading | undefined;
    for (const node of section.nodes) {
      if (node.type === 'list' && node.ordered) {
        for (const item of node.children) {
          const path = `steps[${steps.length}]`;
          current = { step: { text: '' }, path, hasDetails: false };
          steps.push(current.step);
          this.fieldLines[path] = lineOf(item);
          this.fieldLines[`${path}.text`] = lineOf(item);
          for (const child of item.children) this.stepPart(current, child);
        }
      } else if (current && node.position!.start.column > 1) {
        // Indented under the step, by less than Markdown nesting needs (4 spaces after `10.`).
        this.stepPart(current, node);
      } else if (current) {
        this.issue(
          lineOf(node),
          current.path,
          node.type === 'list'
            ? "indent a step's '- key: value' lines under the step; steps themselves are '1.', '2.' …"
            : STEP_EXPECTED,
        );
      } else {
        const message = "steps are an ordered list: start each step with '1.', '2.' …";
        this.issue(lineOf(node), 'steps', message);
      }
    }
    return steps;
  }

  /** Paragraphs are the step's text (lines joined with spaces), then `- key: value` bullets. */
  private stepPart(reading: StepReading, node: RootContent): void {
    const { step, path } = reading;
    if (node.type === 'paragraph' && !reading.hasDetails) {
      const words = this.source(node)
        .split('\n')
        .map((line) => line.trim())
        .join(' ');
      step.text = `${step.text} ${words}`.trim();
    } else if (node.type === 'list' && !node.ordered) {
      reading.hasDetails = true;
      for (const item of node.children) this.stepDetail(step, path, item);
    } else {
      this.issue(lineOf(node), path, STEP_EXPECTED);
    }
  }

  private stepDetail(step: Record<string, unknown>, path: string, item: ListItem): void {
    const detail = this.detail(item);
    if (!detail || !STEP_DETAILS.includes(detail.key)) {
      const message = "a step's sub-bullets are '- id:', '- role:', '- within:' or '- replies:'";
      this.issue(lineOf(item), path, message);
      return;
    }
    const { key, value, line, extra } = detail;
    if (key in step) {
      this.issue(line, path, `'- ${key}:' is set twice in this step`);
      return;
    }
    if (extra !== undefined) this.issue(extra, path, STEP_EXPECTED);
    this.fieldLines[`${path}.${key}`] = line;
    if (key !== 'replies') {
      step[key] = value;
      return;
    }
    const ids = value
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    ids.forEach((_, j) => {
      this.fieldLines[`${path}.replies[${j}]`] = line;
    });
    step.replies = ids;
  }

  private escalation(): Record<string, unknown> | undefined {
    const section = this.sections.get('escalation');
    if (!section) return undefined;
    this.fieldLines.escalation = section.heading;
    const triggers: string[] = [];
    let to: string | undefined;
    for (const item of this.bullets(section.nodes, 'escalation', ESCALATION_EXPECTED)) {
      const detail = this.detail(item);
      if (detail?.key === 'to') {
        if (to !== undefined) {
          this.issue(detail.line, 'escalation.to', "'- to:' is set twice");
          continue;
        }
        to = detail.value;
        this.fieldLines['escalation.to'] = detail.line;
      } else if (detail?.key === 'trigger') {
        this.fieldLines[`escalation.triggers[${triggers.length}]`] = detail.line;
        triggers.push(detail.value);
      } else {
        this.issue(lineOf(item), 'escalation', ESCALATION_EXPECTED);
        continue;
      }
      if (detail.extra !== undefined) this.issue(detail.extra, 'escalation', ESCALATION_EXPECTED);
    }
    if (to === undefined && triggers.length === 0) return undefined;
    this.fieldLines['escalation.triggers'] = section.heading;
    return to === undefined ? { triggers } : { triggers, to };
  }

  /**
   * `### Title` per reply, optional `- id:` and `- shortcut:` bullets, then the reply text
   * as written, to the next reply or section.
   */
  private replies(): Record<string, unknown>[] | undefined {
    const section = this.sections.get('replies');
    if (!section) return undefined;
    this.fieldLines.replies = section.heading;
    const replies: {
      fields: Record<string, string>;
      path: string;
      heading: number;
      textFrom?: number;
    }[] = [];
    let strayReported = false;
    for (const node of section.nodes) {
      if (node.type === 'heading' && node.depth === 3) {
        const path = `replies[${replies.length}]`;
        replies.push({ fields: { title: this.headingText(node) }, path, heading: lineOf(node) });
        this.fieldLines[path] = lineOf(node);
        this.fieldLines[`${path}.title`] = lineOf(node);
        continue;
      }
      const reply = replies.at(-1);
      if (!reply) {
        if (!strayReported) {
          this.issue(lineOf(node), 'replies', "each reply starts with a '### Title' line");
          strayReported = true;
        }
        continue;
      }
      if (reply.textFrom !== undefined) continue;
      if (node.type !== 'list' || node.ordered) {
        reply.textFrom = lineOf(node);
        continue;
      }
      for (const item of node.children) {
        const detail = this.detail(item);
        const key = detail?.key;
        if (!detail || (key !== 'id' && key !== 'shortcut')) {
          reply.textFrom = lineOf(item);
          break;
        }
        if (key in reply.fields) {
          this.issue(detail.line, `${reply.path}.${key}`, `'- ${key}:' is set twice`);
        } else {
          reply.fields[key] = detail.value;
          this.fieldLines[`${reply.path}.${key}`] = detail.line;
        }
        // Text right under the bullet (no blank line) is the reply's first line.
        if (detail.extra !== undefined) {
          reply.textFrom = detail.extra;
          break;
        }
      }
    }
    return replies.map(({ fields, path, heading, textFrom }, i) => {
      this.fieldLines[`${path}.text`] = textFrom ?? heading;
      const next = replies[i + 1];
      const end = next ? next.heading - 1 : section.end;
      const { title, id, shortcut } = fields;
      const raw: Record<string, unknown> = {};
      if (id !== undefined) raw.id = id;
      raw.title = title;
      if (shortcut !== undefined) raw.shortcut = shortcut;
      raw.text = textFrom === undefined ? '' : this.linesText(textFrom, end);
      return raw;
    });
  }

  /**
   * `### name` per field, then `- label:`, `- pattern:` (backticks around it are dropped, so
   * Markdown shows the backslashes) and `- required: yes|no` bullets.
   */
  private fields(): Record<string, unknown> | undefined {
    const section = this.sections.get('fields');
    if (!section) return undefined;
    this.fieldLines.fields = section.heading;
    const fields = new Map<string, Record<string, unknown>>();
    let spec: Record<string, unknown> | undefined;
    let path = 'fields';
    const expected = () => (spec ? FIELD_EXPECTED : "each field starts with a '### name' line");
    for (const node of section.nodes) {
      if (node.type === 'heading' && node.depth === 3) {
        const name = this.headingText(node);
        path = `fields.${name}`;
        spec = {};
        if (fields.has(name)) {
          this.issue(lineOf(node), path, `field '${name}' is declared twice`);
        } else {
          fields.set(name, spec);
          this.fieldLines[path] = lineOf(node);
        }
        continue;
      }
      if (node.type !== 'list' || node.ordered) {
        this.issue(lineOf(node), path, expected());
        continue;
      }
      for (const item of node.children) {
        const detail = this.detail(item);
        const key = detail?.key;
        if (!spec || !detail || (key !== 'label' && key !== 'pattern' && key !== 'required')) {
          this.issue(lineOf(item), path, expected());
          continue;
        }
        if (key in spec) {
          this.issue(detail.line, `${path}.${key}`, `'- ${key}:' is set twice`);
          continue;
        }
        if (detail.extra !== undefined) this.issue(detail.extra, path, FIELD_EXPECTED);
        const { value } = detail;
        this.fieldLines[`${path}.${key}`] = detail.line;
        spec[key] =
          key === 'required'
            ? yesNo(value)
            : key === 'pattern'
              ? value.replace(/^(`+)(.*)\1$/, '$2')
              : value;
      }
    }
    // Entries, not assignment: a field may be called `__proto__`.
    return Object.fromEntries(fields);
  }

  /** The items of the bullet lists in `nodes`; anything else is reported as not expected. */
  private bullets(nodes: readonly RootContent[], field: string, expected: string): ListItem[] {
    const items: ListItem[] = [];
    for (const node of nodes) {
      if (node.type === 'list' && !node.ordered) items.push(...node.children);
      else this.issue(lineOf(node), field, expected);
    }
    return items;
  }

  /** A bullet whose first line is `key: value` (key lower-cased), as written. */
  private detail(item: ListItem): Detail | undefined {
    const [first, ...rest] = item.children;
    if (first?.type !== 'paragraph') return undefined;
    const [head = '', ...more] = this.source(first).split('\n');
    const match = DETAIL.exec(head);
    if (!match) return undefined;
    const next = rest[0];
    return {
      key: match[1]!.toLowerCase(),
      value: match[2]!.trim(),
      line: lineOf(first),
      extra: more.length > 0 ? lineOf(first) + 1 : next && lineOf(next),
    };
  }

  /** Heading text as written, without its `#` marks. */
  private headingText(heading: Heading): string {
    const first = heading.children[0];
    const last = heading.children.at(-1);
    if (!first || !last) return '';
    return this.text.slice(first.position!.start.offset, last.position!.end.offset).trim();
  }

  private source(node: Nodes): string {
    return this.text.slice(node.position!.start.offset, node.position!.end.offset);
  }

  /**
   * Lines `from`…`to` (1-based) as written: trailing spaces and outer blank lines dropped,
   * blank-line runs as one.
   */
  private linesText(from: number, to: number): string {
    const out: string[] = [];
    for (const line of this.lines.slice(from - 1, to)) {
      const trimmed = line.trimEnd();
      if (trimmed === '' && (out.length === 0 || out.at(-1) === '')) continue;
      out.push(trimmed);
    }
    while (out.at(-1) === '') out.pop();
    return out.join('\n');
  }
}

function lineOf(node: Nodes): number {
  return node.position!.start.line;
}

/** `required: yes` and the like: a boolean, or the text as written for the validator to name. */
function yesNo(value: string): boolean | string {
  if (/^(?:yes|true)$/i.test(value)) return true;
  return /^(?:no|false)$/i.test(value) ? false : value;
}

function canonicalKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  return FRONT_MATTER_KEYS.find((known) => known.toLowerCase() === lower);
}

function isListKey(key: string): boolean {
  return (LIST_KEYS as readonly string[]).includes(key);
}
