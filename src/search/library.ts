// Validates a library in sop-library/1 form (shared/spec/sop-format.md) and normalises it into
// the loaded types. Pure: the CLI and the widget both feed it already-parsed data.
// It runs where the search runs (the search chunk or worker, the ESM build, the CLI), never
// in the script-tag bundle; what the page needs of review dates is in review.ts.

import { isObject } from '../core/guards.ts';
import { patternProblem } from './fields.ts';
import { isValidTemplate, parseTemplate, placeholderNames } from './placeholders.ts';
import { parseIsoDate } from './review.ts';
import type {
  FieldSpec,
  LibraryIssue,
  Sop,
  SopEscalation,
  SopLibrary,
  SopReply,
  SopStep,
} from './types.ts';

export const LIBRARY_FORMAT = 'sop-library/1';
export const MAX_SOP_ID_LENGTH = 100;
export const DEFAULT_REVIEW_EVERY_MONTHS = 12;
/** Field declarations at one level (library, SOP or reply). */
export const MAX_FIELDS = 50;
const MAX_FIELD_LABEL_LENGTH = 100;

export type LibraryValidation =
  | { ok: true; library: SopLibrary }
  | { ok: false; issues: LibraryIssue[] };

export interface ValidateOptions {
  /**
   * The file each SOP came from, by position in `sops` (a folder of Markdown files). Issues
   * then name that file instead of `file`, and no `sops[i]` position is needed.
   */
  sopFiles?: readonly string[];
}

type Report = (field: string, message: string) => void;
type Fields = Record<string, unknown>;

/** Checks every rule and reports every problem; only a fully valid library comes back. */
export function validateLibrary(
  input: unknown,
  file?: string,
  options: ValidateOptions = {},
): LibraryValidation {
  const issues: LibraryIssue[] = [];
  const libraryIssue: Report = (field, message) => issues.push(withFile({ field, message }, file));

  if (!isObject(input)) {
    libraryIssue('', `a library must be an object {"format": "${LIBRARY_FORMAT}", "sops": […]}`);
    return { ok: false, issues };
  }
  if (input.format === undefined) {
    libraryIssue('format', `is required and must be "${LIBRARY_FORMAT}"`);
  } else if (input.format !== LIBRARY_FORMAT) {
    libraryIssue('format', `must be "${LIBRARY_FORMAT}" (found ${describe(input.format)})`);
  }
  if (!Array.isArray(input.sops)) {
    libraryIssue('sops', input.sops === undefined ? 'is required' : 'must be a list of SOPs');
    return { ok: false, issues };
  }

  const libraryFields = validateFields(input.fields, 'fields', libraryIssue);
  const sops: Sop[] = [];
  const firstIndexById = new Map<string, number>();
  input.sops.forEach((raw: unknown, index) => {
    const sopFile = options.sopFiles?.[index] ?? file;
    const sopId = usableId(isObject(raw) ? raw.id : undefined);
    const base: Omit<LibraryIssue, 'field' | 'message'> = withFile({}, sopFile);
    if (sopId !== undefined) base.sopId = sopId;
    else if (!options.sopFiles) base.sopIndex = index;
    const report: Report = (field, message) => issues.push({ ...base, field, message });

    if (!isObject(raw)) {
      report('', `must be an object with id and title (found ${describe(raw)})`);
      return;
    }
    if (sopId !== undefined) {
      const first = firstIndexById.get(sopId);
      if (first === undefined) {
        firstIndexById.set(sopId, index);
      } else {
        const where = options.sopFiles?.[first] ?? `sops[${first}]`;
        report('id', `duplicate SOP id '${sopId}' (also used by ${where})`);
      }
    }
    const sop = validateSop(raw, report, libraryFields);
    if (sop) sops.push(sop);
  });

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, library: { format: LIBRARY_FORMAT, sops } };
}

const SOP_KEYS = new Set([
  'id',
  'title',
  'version',
  'owner',
  'effective',
  'lastReviewed',
  'reviewEveryMonths',
  'channels',
  'purpose',
  'scope',
  'tags',
  'triggers',
  'steps',
  'escalation',
  'replies',
  'notes',
]);
const STEP_KEYS = new Set(['id', 'text', 'role', 'within', 'replies']);
const REPLY_KEYS = new Set(['id', 'title', 'shortcut', 'text', 'fields']);
const FIELD_KEYS = new Set(['label', 'pattern', 'required']);
const ESCALATION_KEYS = new Set(['triggers', 'to']);
const LIBRARY_KEYS = new Set(['format', 'sops']);

/**
 * Whether `input` is a library exactly as validateLibrary returns it: valid, and already in
 * normal form (no blank optional fields, defaults filled in, only known fields), so it can be
 * used as is. A fast check for libraries that were validated before being written (a
 * prebuilt index): no copies, no messages. When it says false, run validateLibrary for the
 * issues or the normal form.
 */
export function isNormalLibrary(input: unknown): input is SopLibrary {
  if (!isObject(input) || input.format !== LIBRARY_FORMAT || !Array.isArray(input.sops)) {
    return false;
  }
  if (!onlyKeys(input, LIBRARY_KEYS)) return false;
  const ids = new Set<string>();
  const dates = new Map<string, boolean>();
  const isDate = (value: unknown) => {
    if (value === undefined) return true;
    if (typeof value !== 'string') return false;
    let ok = dates.get(value);
    if (ok === undefined) {
      ok = parseIsoDate(value) !== null;
      dates.set(value, ok);
    }
    return ok;
  };
  for (const sop of input.sops as unknown[]) {
    if (!isObject(sop) || !onlyKeys(sop, SOP_KEYS)) return false;
    const { id } = sop;
    if (!filled(id) || id.length > MAX_SOP_ID_LENGTH || ids.has(id)) return false;
    ids.add(id);
    if (
      !filled(sop.title) ||
      !optionalFilled(sop.version) ||
      !optionalFilled(sop.owner) ||
      !optionalFilled(sop.purpose) ||
      !optionalFilled(sop.scope) ||
      !optionalFilled(sop.notes) ||
      !isDate(sop.effective) ||
      !isDate(sop.lastReviewed) ||
      !Number.isSafeInteger(sop.reviewEveryMonths) ||
      (sop.reviewEveryMonths as number) <= 0 ||
      !filledList(sop.channels) ||
      !filledList(sop.tags) ||
      !filledList(sop.triggers) ||
      !Array.isArray(sop.steps) ||
      !Array.isArray(sop.replies)
    ) {
      return false;
    }
    const esc = sop.escalation;
    if (
      esc !== undefined &&
      !(
        isObject(esc) &&
        onlyKeys(esc, ESCALATION_KEYS) &&
        filledList(esc.triggers) &&
        optionalFilled(esc.to)
      )
    ) {
      return false;
    }
    // An SOP has a handful of steps and replies: lists are cheaper than Sets here.
    const replyIds: string[] = [];
    for (const reply of sop.replies as unknown[]) {
      if (
        !isObject(reply) ||
        !onlyKeys(reply, REPLY_KEYS) ||
        !filled(reply.id) ||
        replyIds.includes(reply.id) ||
        !filled(reply.title) ||
        !filled(reply.text) ||
        !optionalFilled(reply.shortcut) ||
        !isValidTemplate(reply.text) ||
        !normalFields(reply.fields, reply.text)
      ) {
        return false;
      }
      replyIds.push(reply.id);
    }
    const stepIds: string[] = [];
    for (const step of sop.steps as unknown[]) {
      if (
        !isObject(step) ||
        !onlyKeys(step, STEP_KEYS) ||
        !filled(step.id) ||
        stepIds.includes(step.id) ||
        !filled(step.text) ||
        !optionalFilled(step.role) ||
        !optionalFilled(step.within) ||
        !filledList(step.replies)
      ) {
        return false;
      }
      for (const id of step.replies as string[]) if (!replyIds.includes(id)) return false;
      stepIds.push(step.id);
    }
  }
  return true;
}

function filled(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  // Most strings start with a visible ASCII character: no need to trim them.
  const first = value.charCodeAt(0);
  return (first > 32 && first < 127) || value.trim() !== '';
}

function optionalFilled(value: unknown): boolean {
  return value === undefined || filled(value);
}

function filledList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (!filled(item)) return false;
  return true;
}

/** Fields as loading resolves them onto a reply: each used in its text, none empty. */
function normalFields(fields: unknown, text: string): boolean {
  if (fields === undefined) return true;
  if (!isObject(fields)) return false;
  let count = 0;
  for (const name in fields) {
    const spec = fields[name];
    if (
      ++count > MAX_FIELDS ||
      !text.includes(`{${name}}`) ||
      !isObject(spec) ||
      !onlyKeys(spec, FIELD_KEYS) ||
      !optionalFilled(spec.label) ||
      (typeof spec.label === 'string' && spec.label.length > MAX_FIELD_LABEL_LENGTH) ||
      (spec.pattern !== undefined &&
        (typeof spec.pattern !== 'string' || patternProblem(spec.pattern) !== null)) ||
      (spec.required !== undefined && spec.required !== true) ||
      Object.keys(spec).length === 0
    ) {
      return false;
    }
  }
  return count > 0;
}

function onlyKeys(value: object, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

/** `lib/returns.md:14: SOP CS-PR-001: steps[2].replies[0]: reply 'r-x' is not defined` */
export function formatIssue(issue: LibraryIssue): string {
  const parts: string[] = [];
  if (issue.file !== undefined) {
    parts.push(issue.line !== undefined ? `${issue.file}:${issue.line}` : issue.file);
  } else if (issue.line !== undefined) {
    parts.push(`line ${issue.line}`);
  }
  if (issue.sopId !== undefined) parts.push(`SOP ${issue.sopId}`);
  else if (issue.sopIndex !== undefined) parts.push(`sops[${issue.sopIndex}]`);
  if (issue.field !== '') parts.push(issue.field);
  parts.push(issue.message);
  return parts.join(': ');
}

/** `invalid SOP library: …` with the first few issues (+ how many more): what the widget shows. */
export function invalidLibraryMessage(issues: readonly LibraryIssue[], shown = 3): string {
  const more = issues.length - shown;
  const list = issues.slice(0, shown).map(formatIssue).join('; ');
  return `invalid SOP library: ${list}${more > 0 ? ` (+${more} more)` : ''}`;
}

export { parseIsoDate, type ReviewStatus, reviewStatus } from './review.ts';

/** The reply id a Markdown reply gets when it has no `- id:` line: `r-` + title slug. */
export function defaultReplyId(title: string, index: number): string {
  const slug = title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? `r-${index + 1}` : `r-${slug}`;
}

function validateSop(
  raw: Fields,
  report: Report,
  libraryFields: ReadonlyMap<string, FieldSpec>,
): Sop | undefined {
  const check = new FieldChecker(raw, '', report);
  const id = check.requiredString('id');
  if (typeof id === 'string' && id.length > MAX_SOP_ID_LENGTH) {
    check.fail('id', `must be at most ${MAX_SOP_ID_LENGTH} characters (has ${id.length})`);
  }
  const title = check.requiredString('title');
  const version = check.optionalString('version');
  const owner = check.optionalString('owner');
  const effective = check.optionalDate('effective');
  const lastReviewed = check.optionalDate('lastReviewed');
  const reviewEveryMonths = check.positiveInteger('reviewEveryMonths', DEFAULT_REVIEW_EVERY_MONTHS);
  const channels = check.stringList('channels');
  const purpose = check.optionalString('purpose');
  const scope = check.optionalString('scope');
  const tags = check.stringList('tags');
  const triggers = check.stringList('triggers');
  const replyIds = declaredReplyIds(raw.replies);
  const sopFields = validateFields(raw.fields, 'fields', report);
  const inherited = new Map([...libraryFields, ...sopFields]);
  const steps = check.list('steps', (item, path, index) =>
    validateStep(item, path, index, replyIds, report),
  );
  findDuplicates(steps, 'steps', 'step', report);
  const escalation = validateEscalation(raw.escalation, report);
  const replies = check.list('replies', (item, path, index) =>
    validateReply(item, path, index, report, inherited),
  );
  findDuplicates(replies, 'replies', 'reply', report);
  if (!check.failed) {
    // A declaration no reply uses is most likely a misspelt name.
    const used = new Set(replies.flatMap((reply) => placeholderNames(reply.value!.text)));
    for (const name of sopFields.keys()) {
      if (!used.has(name)) check.fail(`fields.${name}`, `no reply of this SOP uses {${name}}`);
    }
  }
  const notes = check.optionalString('notes');

  if (id === undefined || title === undefined || check.failed) return undefined;
  // Built in the contract's field order, so written-out libraries read the same way.
  return withoutUndefined<Sop>({
    id,
    title,
    version,
    owner,
    effective,
    lastReviewed,
    reviewEveryMonths,
    channels,
    purpose,
    scope,
    tags,
    triggers,
    steps: steps.map((step) => step.value).filter((step) => step !== undefined),
    escalation,
    replies: replies.map((reply) => reply.value).filter((reply) => reply !== undefined),
    notes,
  });
}

interface Checked<T> {
  /** The id, even when other fields were invalid, so references and duplicates still check. */
  id: string | undefined;
  value: T | undefined;
}

/** Reply ids as declared (or defaulted from titles), even for replies with other problems. */
function declaredReplyIds(raw: unknown): Set<string> {
  const ids = new Set<string>();
  if (!Array.isArray(raw)) return ids;
  raw.forEach((reply: unknown, index) => {
    if (!isObject(reply)) return;
    if (typeof reply.id === 'string' && reply.id.trim() !== '') ids.add(reply.id);
    else if (reply.id == null && typeof reply.title === 'string' && reply.title.trim() !== '') {
      ids.add(defaultReplyId(reply.title, index));
    }
  });
  return ids;
}

function validateReply(
  raw: unknown,
  path: string,
  index: number,
  report: Report,
  inherited: ReadonlyMap<string, FieldSpec>,
): Checked<SopReply> {
  if (!isObject(raw)) {
    report(path, `must be an object with title and text (found ${describe(raw)})`);
    return { id: undefined, value: undefined };
  }
  const check = new FieldChecker(raw, path, report);
  const title = check.requiredString('title');
  const givenId = check.optionalString('id', { allowBlank: false });
  const id = givenId ?? (title !== undefined ? defaultReplyId(title, index) : undefined);
  const text = check.requiredString('text');
  if (text !== undefined) {
    const template = parseTemplate(text);
    if (!template.ok) check.fail('text', template.error);
  }
  const shortcut = check.optionalString('shortcut');
  const own = validateFields(raw.fields, `${path}.fields`, report);
  if (id === undefined || title === undefined || text === undefined || check.failed) {
    return { id, value: undefined };
  }
  const names = placeholderNames(text);
  for (const name of own.keys()) {
    if (!names.includes(name)) check.fail(`fields.${name}`, `the reply's text has no {${name}}`);
  }
  // Entries, not assignment: a field may be called `__proto__`.
  const resolved = names.flatMap((name) => {
    const spec = own.get(name) ?? inherited.get(name);
    return spec ? [[name, spec] as const] : [];
  });
  const fields = resolved.length > 0 ? Object.fromEntries(resolved) : undefined;
  if (check.failed) return { id, value: undefined };
  return { id, value: withoutUndefined<SopReply>({ id, title, shortcut, text, fields }) };
}

/**
 * Field declarations of one level (`{"orderNumber": {"label": …, "pattern": …,
 * "required": true}}`), by name; a bad declaration is reported and left out.
 */
function validateFields(raw: unknown, path: string, report: Report): Map<string, FieldSpec> {
  const specs = new Map<string, FieldSpec>();
  if (raw === undefined || raw === null) return specs;
  if (!isObject(raw)) {
    report(path, `must be an object of field declarations by name (found ${describe(raw)})`);
    return specs;
  }
  const names = Object.keys(raw);
  if (names.length > MAX_FIELDS) {
    report(path, `declares ${names.length} fields, more than ${MAX_FIELDS}`);
    return specs;
  }
  for (const name of names) {
    const where = `${path}.${name}`;
    const spec = raw[name];
    if (!/^[A-Za-z0-9._-]+$/.test(name)) {
      report(where, "is not a placeholder name (use letters, digits, '.', '_', '-')");
      continue;
    }
    if (!isObject(spec)) {
      report(where, `must be an object with label, pattern or required (found ${describe(spec)})`);
      continue;
    }
    const check = new FieldChecker(spec, where, report);
    for (const key of Object.keys(spec)) {
      if (!FIELD_KEYS.has(key))
        check.fail(key, 'is not a field setting (use label, pattern or required)');
    }
    const label = check.optionalString('label');
    if (label !== undefined && label.length > MAX_FIELD_LABEL_LENGTH) {
      check.fail('label', `is ${label.length} characters, more than ${MAX_FIELD_LABEL_LENGTH}`);
    }
    const pattern = check.optionalString('pattern', { allowBlank: false });
    const problem = pattern === undefined ? null : patternProblem(pattern);
    if (problem) check.fail('pattern', problem);
    const { required } = spec;
    if (required != null && typeof required !== 'boolean') {
      check.fail('required', `must be true or false (found ${describe(required)})`);
    }
    if (check.failed) continue;
    const normal = withoutUndefined<FieldSpec>({
      label,
      pattern,
      required: required === true || undefined,
    });
    // A declaration that says nothing changes nothing.
    if (Object.keys(normal).length > 0) specs.set(name, normal);
  }
  return specs;
}

function validateStep(
  raw: unknown,
  path: string,
  index: number,
  replyIds: ReadonlySet<string>,
  report: Report,
): Checked<SopStep> {
  if (!isObject(raw)) {
    report(path, `must be an object with text (found ${describe(raw)})`);
    return { id: undefined, value: undefined };
  }
  const check = new FieldChecker(raw, path, report);
  const id = check.optionalString('id', { allowBlank: false }) ?? `s${index + 1}`;
  const text = check.requiredString('text');
  const role = check.optionalString('role');
  const within = check.optionalString('within');
  const replies = check.stringList('replies');
  replies.forEach((replyId, i) => {
    if (!replyIds.has(replyId)) check.fail(`replies[${i}]`, `reply '${replyId}' is not defined`);
  });
  if (text === undefined || check.failed) return { id, value: undefined };
  return { id, value: withoutUndefined<SopStep>({ id, text, role, within, replies }) };
}

function validateEscalation(raw: unknown, report: Report): SopEscalation | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) {
    report('escalation', `must be an object {"triggers": […], "to": "…"} (found ${describe(raw)})`);
    return undefined;
  }
  const check = new FieldChecker(raw, 'escalation', report);
  const triggers = check.stringList('triggers');
  const to = check.optionalString('to');
  if (check.failed) return undefined;
  return withoutUndefined<SopEscalation>({ triggers, to });
}

function findDuplicates(
  items: readonly Checked<unknown>[],
  listName: string,
  noun: string,
  report: Report,
): void {
  const firstIndex = new Map<string, number>();
  items.forEach(({ id }, index) => {
    if (id === undefined) return;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, index);
    else
      report(
        `${listName}[${index}].id`,
        `duplicate ${noun} id '${id}' (also ${listName}[${first}])`,
      );
  });
}

/** Reads typed fields of one object, reporting problems under `path`. */
class FieldChecker {
  failed = false;

  constructor(
    private readonly raw: Fields,
    private readonly path: string,
    private readonly report: Report,
  ) {}

  fail(key: string, message: string): void {
    this.failed = true;
    this.report(this.path === '' ? key : `${this.path}.${key}`, message);
  }

  requiredString(key: string): string | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) {
      this.fail(key, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.fail(key, `must be a string (found ${describe(value)})`);
      return undefined;
    }
    if (value.trim() === '') {
      this.fail(key, 'must not be empty');
      return undefined;
    }
    return value;
  }

  /** A blank optional string counts as absent, unless `allowBlank` is false. */
  optionalString(key: string, { allowBlank = true } = {}): string | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.fail(key, `must be a string (found ${describe(value)})`);
      return undefined;
    }
    if (value.trim() === '') {
      if (!allowBlank) this.fail(key, 'must not be empty');
      return undefined;
    }
    return value;
  }

  optionalDate(key: string): string | undefined {
    const value = this.optionalString(key);
    if (value === undefined) return undefined;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      this.fail(key, `must be a date written YYYY-MM-DD (found ${describe(value)})`);
      return undefined;
    }
    if (!parseIsoDate(value)) {
      this.fail(key, `${value} is not a real date`);
      return undefined;
    }
    return value;
  }

  positiveInteger(key: string, fallback: number): number {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      this.fail(key, `must be a whole number greater than 0 (found ${describe(value)})`);
      return fallback;
    }
    return value;
  }

  stringList(key: string): string[] {
    const value = this.raw[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.fail(key, `must be a list of strings (found ${describe(value)})`);
      return [];
    }
    const strings: string[] = [];
    value.forEach((item: unknown, i) => {
      if (typeof item !== 'string')
        this.fail(`${key}[${i}]`, `must be a string (found ${describe(item)})`);
      else if (item.trim() === '') this.fail(`${key}[${i}]`, 'must not be empty');
      else strings.push(item);
    });
    return strings;
  }

  list<T>(key: string, each: (item: unknown, path: string, index: number) => Checked<T>) {
    const value = this.raw[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.fail(key, `must be a list (found ${describe(value)})`);
      return [];
    }
    const prefix = this.path === '' ? key : `${this.path}.${key}`;
    return value.map((item: unknown, i) => {
      const checked = each(item, `${prefix}[${i}]`, i);
      if (checked.value === undefined) this.failed = true;
      return checked;
    });
  }
}

function usableId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_SOP_ID_LENGTH) {
    return undefined;
  }
  return value;
}

function withFile<T extends object>(target: T, file: string | undefined): T & { file?: string } {
  return file === undefined ? target : { ...target, file };
}

/** Optional fields are left out rather than set to undefined, so both forms deep-equal. */
function withoutUndefined<T extends object>(value: T): T {
  // Copied rather than `delete`d, which would leave slow dictionary-mode objects.
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) copy[key] = field;
  }
  return copy as T;
}

/** A short description of a wrong value, for messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
