// In-page instruments of the XSS and CSP tests. MONITOR runs before any page script: it defines
// `cpXss(n)` (what every corpus payload calls if it runs), watches every shadow root the page
// attaches (a MutationObserver from its first node on, so even an element that is rendered
// and removed again is seen) and records each element or attribute outside what the widget
// renders: a tag not in its vocabulary, an `on*` attribute, a URL attribute, an `href` that is
// not an http(s)/mailto link. `cpScan(host)` checks a shadow root as it is now.
import type { BrowserContext, Page } from 'playwright-core';

export const MONITOR = `(() => {
  window.cpHits = [];
  window.cpXss = function (n) { window.cpHits.push(String(n)); };
  window.cpUnsafe = [];
  window.cpChecked = 0;
  const XHTML = 'http://www.w3.org/1999/xhtml';
  // Every tag the widget's components render (src/ui/*.tsx), and nothing else.
  const TAGS = new Set(['a', 'button', 'code', 'datalist', 'div', 'em', 'fieldset', 'form', 'h1',
    'h2', 'h3', 'header', 'input', 'label', 'legend', 'li', 'mark', 'ol', 'option', 'p', 'section',
    'span', 'strong', 'textarea', 'ul']);
  const URL_ATTRS = new Set(['src', 'srcset', 'srcdoc', 'action', 'formaction', 'data', 'poster',
    'background', 'ping', 'xlink:href', 'codebase', 'manifest', 'style']);
  const problems = (el) => {
    const out = [];
    const tag = el.localName;
    if (el.namespaceURI !== XHTML || !TAGS.has(tag)) out.push('<' + tag + '>');
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on')) out.push(tag + ' ' + name);
      else if (URL_ATTRS.has(name)) out.push(tag + ' ' + name + '=' + a.value.slice(0, 60));
      else if (name === 'href') {
        let protocol = 'unparsable';
        try { protocol = new URL(a.value, document.baseURI).protocol; } catch {}
        if (tag !== 'a' || !/^(https?|mailto):$/.test(protocol)) {
          out.push(tag + ' href=' + a.value.slice(0, 60));
        }
      }
    }
    return out;
  };
  const check = (el, where) => {
    window.cpChecked++;
    for (const p of problems(el)) window.cpUnsafe.push(where + ': ' + p);
  };
  const walk = (node, where) => {
    if (node.nodeType !== 1) return;
    check(node, where);
    for (const el of node.querySelectorAll('*')) check(el, where);
  };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    const where = this.getAttribute('data-monitor') || this.localName;
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') check(r.target, where);
        else for (const n of r.addedNodes) walk(n, where);
      }
    }).observe(root, { subtree: true, childList: true, attributes: true });
    return root;
  };
  // The widget's shadow root, and its element whose attribute is exactly a value (no selector
  // escaping needed for payload ids).
  window.cpRoot = () => document.querySelector('[data-monitor="widget"]').shadowRoot;
  window.cpBy = (attr, value, within) =>
    Array.from((within || window.cpRoot()).querySelectorAll('[' + attr + ']'))
      .find((e) => e.getAttribute(attr) === value) || null;
  window.cpScan = (host) => {
    const out = [];
    for (const el of host.shadowRoot.querySelectorAll('*')) out.push(...problems(el));
    return out;
  };
})();`;

/** The page-side helpers MONITOR defines, for `page.evaluate` callbacks. */
export interface MonitorHelpers {
  cpRoot(): ShadowRoot;
  cpBy(attr: string, value: string, within?: ParentNode): HTMLElement | null;
}

/** What the monitor saw, for the widget's host (`data-monitor="widget"`) and the canaries. */
export async function monitored(page: Page): Promise<{
  hits: string[];
  unsafe: string[];
  checked: number;
  scan: string[];
}> {
  return page.evaluate(() => {
    const w = window as unknown as {
      cpHits: string[];
      cpUnsafe: string[];
      cpChecked: number;
      cpScan(host: Element): string[];
    };
    const host = document.querySelector('[data-monitor="widget"]');
    return {
      hits: [...w.cpHits],
      unsafe: [...w.cpUnsafe],
      checked: w.cpChecked,
      scan: host?.shadowRoot ? w.cpScan(host) : ['no widget shadow root'],
    };
  });
}

/** Records `securitypolicyviolation` events (from the first script on) and console reports. */
const VIOLATIONS = `
  window.cpViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.cpViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
  }, true);
`;

export interface PolicyWatch {
  page: Page;
  /** Uncaught exceptions in the page. */
  errors: string[];
  /** Every console message of the page. */
  console: string[];
  /** Violation events plus console messages about the CSP or Trusted Types. */
  violations(): Promise<string[]>;
}

export async function watchPolicy(context: BrowserContext): Promise<PolicyWatch> {
  const page = await context.newPage();
  const errors: string[] = [];
  const lines: string[] = [];
  const reports: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    const text = msg.text();
    lines.push(`${msg.type()}: ${text}`);
    if (/content security policy|trusted ?type|requires 'Trusted/i.test(text)) reports.push(text);
  });
  await page.addInitScript(VIOLATIONS);
  await page.addInitScript(MONITOR);
  return {
    page,
    errors,
    console: lines,
    async violations() {
      const events = await page.evaluate(
        () => (window as unknown as { cpViolations: string[] }).cpViolations,
      );
      return [...events, ...reports];
    },
  };
}

/** Runs `ChatPlaybook(...args)` in the page. */
export async function cp(page: Page, ...args: unknown[]): Promise<void> {
  await page.evaluate((list) => {
    (window as unknown as { ChatPlaybook: (...a: unknown[]) => unknown }).ChatPlaybook(...list);
  }, args);
}

/** `text` with a few characters HTML would read as markup escaped, for attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
