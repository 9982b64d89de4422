// The widget's only styles, adopted into its shadow root as a constructable stylesheet: no
// <style> element and no style attribute anywhere, so it runs under `style-src 'self'`.
// Hosts theme it through custom properties on the target element (they win over :host);
// `all: initial` (and `direction`, which `all` skips) on the mount point stops the page's
// inherited text styles from leaking in; it would also reset `color-scheme`, so that one is
// inherited from :host again (else light-dark() always picks light). The mount point is the
// containing block of the widget's absolutely placed parts (screen-reader text), so they stay
// inside a scrolling dock instead of lengthening the host page.
// Colour pairs are chosen for WCAG AA (≥ 4.5:1) in both the light and the dark scheme;
// light-dark() follows prefers-color-scheme (and a host's own `color-scheme`).
// The string ships as is: one rule per line, no comments or spare spaces.
// Areas with many rules of their own keep them in styles-<area>.ts, in the same style; the
// supervisor chunk adopts its own (styles-settings.ts) while its views are shown.
// Tones: ok (green), warn (amber), breach (red), stop (grey), set by data-kind / data-cp-state.

import { FILL_CSS } from './styles-fill.ts';
import { SEARCH_CSS } from './styles-search.ts';

const BASE_CSS = `:host{color-scheme:light dark;display:block;min-width:0;--cp-font:system-ui,sans-serif;
--cp-bg:light-dark(#fff,#15181c);--cp-fg:light-dark(#1b1f24,#e8eaed);
--cp-muted:light-dark(#545b64,#a9b1ba);--cp-surface:light-dark(#f3f5f7,#1f2329);
--cp-border:light-dark(#c4cad2,#454c55);--cp-accent:light-dark(#0b57d0,#8ab4f8);
--cp-accent-fg:light-dark(#fff,#0b1a33);
--cp-ok-fg:light-dark(#1b6a35,#95deaa);--cp-ok-bg:light-dark(#e4f3e8,#163222);
--cp-warn-fg:light-dark(#774700,#ffd67f);--cp-warn-bg:light-dark(#fff2cc,#3a2c0a);
--cp-breach-fg:light-dark(#a1001c,#ffb4be);--cp-breach-bg:light-dark(#fde6e9,#42141a);
--cp-stop-fg:light-dark(#474d55,#c5cad0);--cp-stop-bg:light-dark(#eaedf0,#2a2f35);
--cp-mark-bg:light-dark(#ffec8a,#5e4f00);--cp-mark-fg:light-dark(#1b1f24,#fff4c2)}
*{box-sizing:border-box}
[data-cp-root]{all:initial;display:block;position:relative;direction:ltr;color-scheme:inherit}
.cp{font:14px/1.45 var(--cp-font);color:var(--cp-fg);background:var(--cp-bg);padding:8px;overflow-wrap:anywhere}
.cp-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
h1,h2,h3{font-size:15px;margin:0 0 6px}
h3{font-size:14px}
p{margin:4px 0}
ul,ol{margin:0;padding:0;list-style:none}
button,input,textarea{font:inherit;color:inherit;border:1px solid var(--cp-border);border-radius:6px}
button{background:var(--cp-surface);padding:4px 10px;min-height:32px;cursor:pointer;text-align:start}
button:hover{border-color:var(--cp-accent)}
input,textarea{width:100%;background:var(--cp-bg);padding:6px 8px}
:focus-visible,[data-cp-active]{outline:2px solid var(--cp-accent);outline-offset:2px}
a{color:var(--cp-accent)}
mark{background:var(--cp-mark-bg);color:var(--cp-mark-fg)}
code,.cp-preview{background:var(--cp-surface);border-radius:3px}
.cp-head,.cp-actions,.cp-notice,.cp-chat button,.cp-clocks,.cp-replies{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.cp-head{margin-bottom:8px}
.cp-head h1{flex:1 1 auto;overflow-wrap:normal;margin:0}
.cp-muted,.cp-tier,.cp-how{color:var(--cp-muted)}
.cp-tier,.cp-how,.cp-badge,.cp-clock{font-size:12px}
.cp-how{display:block}
.cp-badge{border:1px solid;border-radius:9px;padding:0 8px}
.cp-unread{border-radius:9px;padding:0 6px}
section{border-top:1px solid var(--cp-border);padding:8px 0}
.cp-error{color:var(--cp-breach-fg)}
.cp-notice,.cp-prompt{padding:6px 8px;margin:6px 0;border:1px solid;border-radius:6px}
.cp-clock{display:inline-flex;gap:4px;padding:1px 6px;border-radius:6px;border:1px solid}
.cp-notice span{flex:1}
.cp-notice,.cp-prompt,[data-cp-state=ok],[data-cp-state=met]{background:var(--cp-ok-bg);color:var(--cp-ok-fg)}
[data-kind=expect],[data-kind=stale],[data-cp-state=warning],.cp-blank{background:var(--cp-warn-bg);color:var(--cp-warn-fg)}
[data-kind=error],[data-kind=escalate],[data-kind=alert],[data-cp-state=breached]{background:var(--cp-breach-bg);color:var(--cp-breach-fg)}
[data-cp-state=stopped],[data-cp-running=false][data-cp-state=ok]{background:var(--cp-stop-bg);color:var(--cp-stop-fg)}
[data-cp-state=ok],[data-cp-state=met],[data-cp-state=stopped]{border-color:transparent}
[data-kind=fill]{background:var(--cp-surface);color:var(--cp-fg)}
.cp-prompt button,.cp-notice textarea{color:var(--cp-fg)}
.cp-chats li,.cp-suggestions li{margin-bottom:4px}
.cp-chat button,.cp-clocks,.cp-title{width:100%}
.cp-chat[data-cp-focused] button{border-color:var(--cp-accent);box-shadow:inset 3px 0 var(--cp-accent)}
.cp-name,.cp-title{font-weight:600;flex:1}
.cp-big .cp-clock{font-size:14px;padding:4px 8px}
.cp-time,.cp-unread{font-weight:700;font-variant-numeric:tabular-nums}
.cp-big .cp-time{font-size:18px}
.cp-check{display:flex;gap:8px;padding:4px 6px;border-radius:6px;cursor:pointer}
.cp-check:hover{background:var(--cp-surface)}
.cp-box{flex:none;width:18px;height:18px;border:2px solid var(--cp-muted);border-radius:4px;text-align:center;font-size:12px;line-height:14px}
button[type=submit],.cp-unread,[aria-checked=true] .cp-box{background:var(--cp-accent);color:var(--cp-accent-fg);border-color:var(--cp-accent)}
[data-cp-suggested] .cp-how{color:var(--cp-warn-fg)}
.cp-form{display:grid;gap:6px;margin:6px 0}
.cp-notes li{border-left:3px solid var(--cp-border);padding-left:6px}
.cp-suggestions>li{border:1px solid var(--cp-border);border-radius:6px;padding:6px 8px}
.cp-preview{white-space:pre-wrap;padding:6px 8px}
.cp-detail ol{list-style:decimal;padding-left:20px}
.cp-actions>.cp-form{flex:1 1 8em}
button:disabled{opacity:.6}
[hidden]{display:none!important}
.cp-chat button{flex-wrap:nowrap;padding:2px 8px}
.cp-chat .cp-name{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.cp-chat .cp-clocks{width:auto;flex:none;flex-wrap:nowrap}
.cp-chat .cp-tier,.cp-chat .cp-badge{flex:none;white-space:nowrap}
[data-cp-minor]{font-size:11px;padding:0 2px;border-color:transparent;background:none!important}
[data-cp-minor]:not([data-cp-past]){color:var(--cp-muted)!important}
[data-cp-past]{background:none!important;color:var(--cp-breach-fg);border-style:dashed}
.cp-big [data-cp-minor] .cp-time{font-size:12px}
[data-cp-next][data-cp-state=ok],[data-cp-next][data-cp-state=met]{background:var(--cp-surface);color:var(--cp-fg);border-color:var(--cp-border)}
[data-cp-next] p{margin:0 0 4px}
.cp-focus{border-top:0;padding-top:0}
.cp-focus h2{margin:0}
.cp-fold{padding:2px 0}
.cp-fold h3{margin:0}
.cp-fold-head{width:100%;border:0;background:none;font-weight:600;padding:4px 0;min-height:28px}
.cp-chevron{display:inline-block;width:1.2em}
.cp-list h2{flex:1;margin:0}
.cp-scope{display:inline-flex;border:0;margin:0;padding:0}
.cp-scope button{min-height:28px;padding:2px 8px;border-radius:0}
.cp-scope button:first-child{border-radius:6px 0 0 6px}
.cp-scope button:last-child{border-radius:0 6px 6px 0;margin-left:-1px}
.cp-toggle{min-height:26px;padding:0 8px}
.cp-scope [aria-pressed=true],.cp-toggle[aria-pressed=true]{background:var(--cp-accent);color:var(--cp-accent-fg);border-color:var(--cp-accent)}
.cp-history li{margin:2px 0}
.cp-searchbar{position:sticky;top:0;z-index:1;background:var(--cp-bg);padding:4px 0}
:is(button,input,textarea,[tabindex]){scroll-margin-top:96px}
button.cp-badge{min-height:24px;padding:0 8px}`;

/** Each area's rules live beside it; the base comes first so an area's rules win ties. */
export const CSS = [BASE_CSS, SEARCH_CSS, FILL_CSS].join('\n');

/**
 * Adopts the stylesheet (the widget's, or a chunk's `css`) into `root`; returns a function that removes it again, or null where
 * constructable stylesheets are missing (the widget then works unstyled rather than break CSP).
 */
export function adoptStyles(root: ShadowRoot, css = CSS): (() => void) | null {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...(root.adoptedStyleSheets ?? []), sheet];
    return () => {
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  } catch {
    return null;
  }
}
