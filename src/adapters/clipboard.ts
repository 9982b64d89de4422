// The fallback for a chosen reply when the host registered no 'reply' handler.

export interface Clipboard {
  writeText(text: string): Promise<void>;
}

export function browserClipboard(nav: Navigator | undefined = globalThis.navigator): Clipboard {
  return {
    writeText(text) {
      const clipboard = nav?.clipboard;
      if (!clipboard?.writeText) return Promise.reject(new Error('clipboard not available'));
      return clipboard.writeText(text);
    },
  };
}
