// Styles of the SOP search box and its suggestions; joined into the widget's one stylesheet by styles.ts
// (same rules: one rule per line, no comments or spare spaces inside the string).
export const SEARCH_CSS = `.cp-search-opts{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:center;margin-top:4px;min-height:32px}
.cp-search-opts label{display:inline-flex;gap:6px;align-items:center;cursor:pointer}
.cp-search-opts input{width:16px;height:16px;margin:0;accent-color:var(--cp-accent)}
[data-cp-new-suggestions]{border-color:var(--cp-accent)}`;
