// Styles of the reply fill-in form and its field sources; joined into the widget's one stylesheet by styles.ts
// (same rules: one rule per line, no comments or spare spaces inside the string).
export const FILL_CSS = ``;
