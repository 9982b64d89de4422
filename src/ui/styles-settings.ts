// Styles of the supervisor's team settings (Settings.tsx) and Team view (TeamReport.tsx), in the sidebar and as the
// full-width page: two columns from about 900 px of widget width (two tracks of at least
// 430 px and the gap), one below that, with no media or container query to go stale.
// Adopted by the supervisor chunk while its views are shown; same rules as styles.ts (one
// rule per line, no comments or spare spaces inside the string, the base's colour pairs).
export const SETTINGS_CSS = `.cp-page{max-width:1400px;margin:0 auto;padding-bottom:8px}
.cp-page>h2{font-size:20px;margin:8px 0 2px}
.cp-columns{display:grid;gap:0 32px;grid-template-columns:repeat(auto-fit,minmax(min(100%,430px),1fr));align-items:start}
.cp-columns section:first-child{border-top:0}
.cp-grid,.cp-phrases{display:grid;gap:0 12px;grid-template-columns:repeat(auto-fill,minmax(min(100%,15em),1fr))}
[data-cp-settings] fieldset{border:1px solid var(--cp-border);border-radius:6px;margin:8px 0;padding:4px 10px 10px;min-width:0}
[data-cp-settings] legend{font-weight:600;padding:0 4px}
.cp-override{background:var(--cp-surface)}
.cp-row{flex-wrap:nowrap;align-items:start}
.cp-row>.cp-form{flex:1;margin:2px 0}
.cp-row>button{margin-top:2px}
.cp-hint{display:block;font-size:12px;color:var(--cp-muted);margin:0}
[data-cp-settings] ::placeholder{color:var(--cp-muted);opacity:1}
.cp-problems{padding:6px 10px;margin:6px 0;border:1px solid;border-radius:6px;background:var(--cp-warn-bg);color:var(--cp-warn-fg)}
.cp-problems li{list-style:disc;margin-left:20px}
.cp-link{border:0;background:none;padding:2px 0;min-height:24px;color:inherit;text-decoration:underline;text-align:start}
.cp-preview-rows li{margin-bottom:4px}
.cp-history>li{border-top:1px solid var(--cp-border);padding:6px 0}
.cp-history p{margin:2px 0}
.cp-diff{color:var(--cp-muted);font-size:13px}
.cp-button{display:inline-flex;gap:4px;align-items:center;min-height:32px;padding:4px 10px;border:1px solid var(--cp-border);border-radius:6px;background:var(--cp-surface);color:var(--cp-fg);text-decoration:none}
.cp-button:hover{border-color:var(--cp-accent)}
.cp-table{overflow-x:auto;margin:6px 0;border:0;padding:0}
[data-cp-report-table]{border-collapse:collapse;font-variant-numeric:tabular-nums}
[data-cp-report-table] caption{text-align:start;color:var(--cp-muted);padding:2px 0}
[data-cp-report-table] th,[data-cp-report-table] td{border-bottom:1px solid var(--cp-border);padding:4px 8px;text-align:end}
[data-cp-report-table] th[scope=row],[data-cp-report-table] td:last-child{text-align:start}
[data-cp-report-table] tfoot{font-weight:600;background:var(--cp-surface)}
[data-cp-team] select{font:inherit;color:inherit;background:var(--cp-bg);border:1px solid var(--cp-border);border-radius:6px;padding:4px 6px;margin-inline-start:6px}`;
