// Keys that reach the SOP search: `/` anywhere in the widget and, when the host opts in
// (`searchShortcut: true`), on the host page outside its own fields; Esc in the search box,
// once there is nothing left to clear, sends focus back where `/` took it from.

/** Where `/` took focus from, per search box. */
const origins = new WeakMap<HTMLElement, Element>();

function isField(element: EventTarget | undefined): boolean {
  const el = element as HTMLElement | undefined;
  return !!el && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable);
}

/** A plain `/` nobody handled yet. */
function isSlash(e: KeyboardEvent): boolean {
  return (
    e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !e.isComposing && !e.defaultPrevented
  );
}

/** Focuses the search box in `root`, remembering `from` for Esc; false when there is none. */
function focusSearch(root: ParentNode, from: Element | null): boolean {
  const input = root.querySelector<HTMLElement>('[data-cp-search]');
  if (!input) return false;
  input.focus();
  if (from && from !== input) origins.set(input, from);
  return true;
}

/** The search box lost focus some other way: Esc no longer returns anywhere. */
export function forgetOrigin(input: HTMLElement): void {
  origins.delete(input);
}

/**
 * Sends focus back where `/` came from (off the box when that was the page itself or is
 * gone); false when the box was not reached with `/`.
 */
export function returnFocus(input: HTMLElement): boolean {
  const from = origins.get(input) as HTMLElement | undefined;
  if (!from) return false;
  origins.delete(input);
  if (from.isConnected && from !== from.ownerDocument.body) from.focus();
  else input.blur();
  return true;
}

/** `/` anywhere in the widget (except while typing) jumps to the search box. */
export function onWidgetKeyDown(event: Event): void {
  const e = event as KeyboardEvent;
  if (!isSlash(e) || isField(e.target ?? undefined)) return;
  if (focusSearch(e.currentTarget as ParentNode, e.target as Element)) e.preventDefault();
}

/**
 * `/` on the host page focuses the widget's search, except in the page's fields (inputs,
 * text areas, selects, editable content, in the page's own shadow roots too) and when the
 * page handled the key itself. Returns the cleanup.
 */
export function listenForHostSlash(host: HTMLElement, root: ParentNode): () => void {
  const doc = host.ownerDocument;
  const onKeyDown = (e: KeyboardEvent) => {
    const path = e.composedPath();
    // Keys pressed inside the widget are onWidgetKeyDown's.
    if (!isSlash(e) || path.includes(host) || isField(path[0])) return;
    if (focusSearch(root, doc.activeElement)) e.preventDefault();
  };
  doc.addEventListener('keydown', onKeyDown);
  return () => doc.removeEventListener('keydown', onKeyDown);
}
