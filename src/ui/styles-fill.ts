// Styles of the reply fill-in form and its field sources; joined into the widget's one stylesheet by styles.ts
// (same rules: one rule per line, no comments or spare spaces inside the string).
export const FILL_CSS = `.cp-source{display:block;font-size:12px;color:var(--cp-muted)}
.cp-why{margin:0 0 4px 32px;font-size:13px;display:grid;gap:4px;justify-items:start}
fieldset{min-width:0}
legend{padding:0 4px}`;
