// Styles of the SOP search box and its suggestions; joined into the widget's one stylesheet by styles.ts
// (same rules: one rule per line, no comments or spare spaces inside the string).
export const SEARCH_CSS = ``;
