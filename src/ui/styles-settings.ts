// Styles of the supervisor settings page; joined into the widget's one stylesheet by styles.ts
// (same rules: one rule per line, no comments or spare spaces inside the string).
export const SETTINGS_CSS = ``;
