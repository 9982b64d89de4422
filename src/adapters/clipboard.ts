// The fallback for a chosen reply when the host registered no 'reply' handler.

export interface Clipboard {
  writeText(text: string): Promise<void>;
}

/**
 * The Clipboard API, and where it is refused (an app in a helpdesk's cross-origin iframe
 * without `allow="clipboard-write"`, e.g. Chatwoot's dashboard apps) the older copy command
 * on a hidden text field, which the click that inserted the reply still allows.
 */
export function browserClipboard(
  nav: Navigator | undefined = globalThis.navigator,
  doc: Document | undefined = globalThis.document,
): Clipboard {
  const copyCommand = (text: string): boolean => {
    if (!doc?.body || typeof doc.execCommand !== 'function') return false;
    const field = doc.createElement('textarea');
    field.value = text;
    field.setAttribute('readonly', '');
    field.setAttribute('aria-hidden', 'true');
    field.className = 'cp-copy-field';
    doc.body.append(field);
    const focused = doc.activeElement as HTMLElement | null;
    field.select();
    try {
      return doc.execCommand('copy');
    } catch {
      return false;
    } finally {
      field.remove();
      focused?.focus?.();
    }
  };
  return {
    async writeText(text) {
      const clipboard = nav?.clipboard;
      if (clipboard?.writeText) {
        try {
          return await clipboard.writeText(text);
        } catch (err) {
          if (copyCommand(text)) return;
          throw err;
        }
      }
      if (copyCommand(text)) return;
      throw new Error('clipboard not available');
    },
  };
}
