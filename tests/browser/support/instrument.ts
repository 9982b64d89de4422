// An init script (runs before any page script) that keeps account of timers, animation
// frames, event listeners outside the widget's own elements and observers, so a test can
// check that `destroy` leaves none behind.
import type { Page } from 'playwright-core';

export const INSTRUMENT = `(() => {
  const stack = () => (new Error().stack || '').split('\\n').slice(2, 6).join(' | ');
  const timers = new Map();
  const track = (kind, setName, clearName, oneShot) => {
    const set = window[setName].bind(window);
    const clear = window[clearName].bind(window);
    window[setName] = function (fn, delay, ...rest) {
      let id;
      const wrapped = typeof fn === 'function' && oneShot
        ? function (...args) { timers.delete(kind + id); return fn.apply(this, args); }
        : fn;
      id = set(wrapped, delay, ...rest);
      timers.set(kind + id, { kind, delay: delay || 0, stack: stack() });
      return id;
    };
    window[clearName] = function (id) { timers.delete(kind + id); return clear(id); };
  };
  track('timeout:', 'setTimeout', 'clearTimeout', true);
  track('interval:', 'setInterval', 'clearInterval', false);
  track('frame:', 'requestAnimationFrame', 'cancelAnimationFrame', true);
  if (window.requestIdleCallback) track('idle:', 'requestIdleCallback', 'cancelIdleCallback', true);

  const listeners = new Set();
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const captureOf = (o) => typeof o === 'boolean' ? o : !!(o && o.capture);
  const find = (target, type, fn, capture) => {
    for (const l of listeners) if (l.target === target && l.type === type && l.fn === fn && l.capture === capture) return l;
    return undefined;
  };
  EventTarget.prototype.addEventListener = function (type, fn, options) {
    const capture = captureOf(options);
    if (fn && !find(this, type, fn, capture)) {
      const entry = { target: this, type, fn, capture, stack: stack() };
      listeners.add(entry);
      const signal = options && typeof options === 'object' ? options.signal : undefined;
      if (signal) signal.addEventListener('abort', () => listeners.delete(entry));
      if (options && typeof options === 'object' && options.once) entry.once = true;
    }
    return add.call(this, type, fn, options);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, options) {
    const entry = find(this, type, fn, captureOf(options));
    if (entry) listeners.delete(entry);
    return remove.call(this, type, fn, options);
  };

  const observers = new Map();
  for (const name of ['MutationObserver', 'ResizeObserver', 'IntersectionObserver', 'PerformanceObserver']) {
    const Ctor = window[name];
    if (!Ctor) continue;
    const observe = Ctor.prototype.observe;
    const disconnect = Ctor.prototype.disconnect;
    Ctor.prototype.observe = function (...args) {
      observers.set(this, { kind: name, stack: stack() });
      return observe.apply(this, args);
    };
    Ctor.prototype.disconnect = function () {
      observers.delete(this);
      return disconnect.call(this);
    };
  }

  // Playwright's injected script adds its own listeners the first time a locator acts.
  const ours = (where) => /InjectedScript|__playwright/.test(where);
  const describeTarget = (t) => t === window ? 'window' : t === document ? 'document'
    : t instanceof Element ? t.tagName.toLowerCase() + (t.id ? '#' + t.id : '')
    : t && t.constructor ? t.constructor.name : String(t);

  window.__instrument = {
    mark() {
      this.timers = new Set(timers.keys());
      this.listeners = new Set(listeners);
      this.observers = new Set(observers.keys());
      this.elements = document.querySelectorAll('*').length;
      this.docSheets = document.adoptedStyleSheets.length;
    },
    /** What exists now that did not exist at mark(), outside the widget's own elements. */
    leftovers(host) {
      const outside = (t) => !(t instanceof Element) || t === host || !host.shadowRoot
        || !(t.getRootNode() === host.shadowRoot || t.isConnected === false);
      return {
        timers: [...timers.entries()].filter(([k]) => !this.timers.has(k))
          .map(([k, v]) => k.split(':')[0] + ' ' + v.delay + 'ms ' + v.stack),
        listeners: [...listeners]
          .filter((l) => !this.listeners.has(l) && !l.once && outside(l.target) && !ours(l.stack))
          .map((l) => describeTarget(l.target) + ' ' + l.type + ' ' + l.stack),
        observers: [...observers.entries()].filter(([o, v]) => !this.observers.has(o) && !ours(v.stack))
          .map(([, v]) => v.kind + ' ' + v.stack),
        elements: document.querySelectorAll('*').length - this.elements,
        docSheets: document.adoptedStyleSheets.length - this.docSheets,
        shadowChildren: host.shadowRoot ? host.shadowRoot.childNodes.length : 0,
        shadowSheets: host.shadowRoot ? host.shadowRoot.adoptedStyleSheets.length : 0,
        hostChildren: host.childNodes.length,
      };
    },
  };
})();`;

export interface Leftovers {
  timers: string[];
  listeners: string[];
  observers: string[];
  elements: number;
  docSheets: number;
  shadowChildren: number;
  shadowSheets: number;
  hostChildren: number;
}

export async function mark(page: Page): Promise<void> {
  await page.evaluate(() =>
    (window as unknown as { __instrument: { mark(): void } }).__instrument.mark(),
  );
}

export async function leftovers(page: Page, host = '#playbook'): Promise<Leftovers> {
  return page.evaluate(
    (selector) =>
      (
        window as unknown as { __instrument: { leftovers(host: Element): Leftovers } }
      ).__instrument.leftovers(document.querySelector(selector)!),
    host,
  );
}
