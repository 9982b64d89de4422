// Parts of the widget that ship as files of their own beside the script-tag bundle and load
// on first use: the search engine (MiniSearch inside, also the search Worker's script), the
// socket transport (socket.io-client inside), the supervisor's views (team settings and report)
// and the reply fill-in form. Agents pay for them only when they use them, and the bundle
// itself stays within its size budget. A chunk is a classic script that puts what it offers
// under a registered symbol, so `script-src 'self'` allows it and no global name
// can clash with the host page's.

export const SEARCH_CHUNK = 'chat-playbook.search.js';
export const SOCKET_CHUNK = 'chat-playbook.socket.js';
export const SUPERVISOR_CHUNK = 'chat-playbook.supervisor.js';
export const REPLY_CHUNK = 'chat-playbook.reply.js';
export const SEARCH_KEY = Symbol.for('chat-playbook.search');
export const SOCKET_KEY = Symbol.for('chat-playbook.socket-transport');
export const SUPERVISOR_KEY = Symbol.for('chat-playbook.supervisor');
export const REPLY_KEY = Symbol.for('chat-playbook.reply-form');
export const SOP_DETAIL_KEY = Symbol.for('chat-playbook.sop-detail');
/**
 * Where the bundle puts its Preact and signals for the view chunks, which are built
 * against them (vite.config.ts) instead of carrying copies: one Preact renders the
 * whole widget, and the chunks' components subscribe to the store's signals.
 */
export const RUNTIME_KEY = Symbol.for('chat-playbook.runtime');
const CHUNKS = [SEARCH_CHUNK, SOCKET_CHUNK, SUPERVISOR_CHUNK, REPLY_CHUNK];

type Registry = Record<symbol, unknown>;

const loading = new Map<string, Promise<void>>();

/**
 * Loads the chunk at `url` once and resolves to what it registered under `key` (a chunk may
 * register several things, each asked for by its own key).
 */
export function loadChunk<T>(url: string, key: symbol, doc: Document): Promise<T> {
  const registry = globalThis as unknown as Registry;
  if (registry[key] !== undefined) return Promise.resolve(registry[key] as T);
  let pending = loading.get(url);
  if (!pending) {
    pending = new Promise<void>((resolve, reject) => {
      const script = doc.createElement('script');
      script.src = trustedScriptUrl(url);
      script.async = true;
      // Once run, the element has done its job: the page keeps no trace of the widget.
      script.onload = () => {
        script.remove();
        resolve();
      };
      script.onerror = () => {
        script.remove();
        reject(new Error(`could not load ${url}`));
      };
      doc.head.appendChild(script);
    });
    // A failed load may be retried by the next widget (e.g. after a network blip).
    pending.catch(() => loading.delete(url));
    loading.set(url, pending);
  }
  return pending.then(() => {
    if (registry[key] === undefined) throw new Error(`${url} did not register ${key.description}`);
    return registry[key] as T;
  });
}

/** The widget's Trusted Types policy: the host allows it with `trusted-types chat-playbook`. */
export const TRUSTED_TYPES_POLICY = 'chat-playbook';

interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}

/** Made on first use; null when the page has no Trusted Types or refused the policy name. */
let policy: ScriptUrlPolicy | null | undefined;

/**
 * `url` as the page's Trusted Types require for a script or Worker (a TrustedScriptURL made
 * by the widget's own policy, which passes only the widget's chunk files); the string itself
 * where there are no Trusted Types, or where the page does not allow the policy.
 */
export function trustedScriptUrl(url: string): string {
  if (policy === undefined) {
    const tt = (
      globalThis as {
        trustedTypes?: {
          createPolicy(name: string, rules: { createScriptURL(url: string): string }): unknown;
        };
      }
    ).trustedTypes;
    policy = null;
    try {
      policy = (tt?.createPolicy(TRUSTED_TYPES_POLICY, {
        createScriptURL(value: string) {
          const name = new URL(value).pathname.split('/').pop();
          if (!CHUNKS.includes(name ?? '')) {
            throw new TypeError(`${TRUSTED_TYPES_POLICY}: not a chunk of the widget: ${value}`);
          }
          return value;
        },
      }) ?? null) as ScriptUrlPolicy | null;
    } catch {
      // The page's `trusted-types` directive does not list the policy: the plain string it is.
    }
  }
  return policy ? (policy.createScriptURL(url) as string) : url;
}

/** Registers what a chunk offers (called by the chunk's entry file). */
export function registerChunk(key: symbol, value: unknown): void {
  (globalThis as unknown as Registry)[key] = value;
}

/**
 * The URL of chunk `name`: beside the script that is running now (the bundle's own
 * `<script>`), or, when that is unknown, beside the first script that is the bundle.
 */
export function chunkUrl(name: string, doc: Document, current: HTMLScriptElement | null): string {
  const src =
    current?.src ||
    Array.from(doc.scripts, (s) => s.src).find((s) => /chat-playbook[^/]*\.js(\?|$)/.test(s)) ||
    '';
  return new URL(name, src || doc.baseURI).href;
}
