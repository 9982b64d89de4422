// The SOP library as every part of the product sees it once loaded and validated
// (shared/spec/sop-format.md). The JSON form and the Markdown-folder form load to these.

export interface SopStep {
  id: string;
  text: string;
  role?: string;
  /** A time target as written, e.g. "5 minutes", "24 hours". */
  within?: string;
  /** Ids of replies (in the same SOP) this step uses. */
  replies: string[];
}

export interface SopReply {
  id: string;
  title: string;
  text: string;
  shortcut?: string;
  /**
   * Declarations of the placeholders in `text` that have one, by name. A library may declare
   * fields for the whole library, an SOP or a reply; loading resolves them onto each reply
   * (the nearest wins), keeping only the names its text uses.
   */
  fields?: Record<string, FieldSpec>;
}

/** A fill-in field's declaration (docs/library-format.md "Fill-in fields"). */
export interface FieldSpec {
  /** What the form and a blank left in the reply call it (default: from its name). */
  label?: string;
  /** Finds the value in the customer's messages: a guarded regular expression (fields.ts). */
  pattern?: string;
  /** Insert waits until it has a value; otherwise it may go out blank, as `[label]`. */
  required?: true;
}

export interface SopEscalation {
  triggers: string[];
  to?: string;
}

export interface Sop {
  id: string;
  title: string;
  version?: string;
  owner?: string;
  /** ISO dates (YYYY-MM-DD). */
  effective?: string;
  lastReviewed?: string;
  reviewEveryMonths: number;
  /** Empty = every channel. */
  channels: string[];
  purpose?: string;
  scope?: string;
  tags: string[];
  triggers: string[];
  steps: SopStep[];
  escalation?: SopEscalation;
  replies: SopReply[];
  /** Free text kept from a Markdown `## Notes` section. */
  notes?: string;
}

export interface SopLibrary {
  format: 'sop-library/1';
  sops: Sop[];
}

/** A validation problem, naming where it is. */
export interface LibraryIssue {
  file?: string;
  /** 1-based line in `file`, when known (Markdown sources, JSON syntax errors). */
  line?: number;
  sopId?: string;
  /** Position in `sops` (0-based) when the SOP has no usable id and `file` holds many SOPs. */
  sopIndex?: number;
  /** Path inside the SOP (e.g. `steps[2].replies[0]`), or inside the library when no SOP. */
  field: string;
  message: string;
}
