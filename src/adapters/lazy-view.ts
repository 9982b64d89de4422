// Views from their chunks (chunks.ts): the supervisor's, and the reply fill-in form. Each
// chunk is built against the bundle's own Preact and signals, handed over under RUNTIME_KEY
// before it loads: a second Preact would render with hooks of its own, and a second signals
// copy would not see the store's signals change. Only the names below are handed over (each costs the bundle its
// bytes); the chunk's build fails on an import of any other (vite.config.ts, the view chunks).
import {
  batch,
  computed,
  effect,
  signal,
  untracked,
  useComputed,
  useSignal,
} from '@preact/signals';
import { createContext } from 'preact';
import { useContext, useMemo, useRef } from 'preact/hooks';
import { Fragment, jsx, jsxs } from 'preact/jsx-runtime';
import type { StoreView, ViewLoader } from '../ui/lazy-view.tsx';
import { loadChunk, RUNTIME_KEY } from './chunks.ts';

/** By the module ids the chunk imports. */
export const RUNTIME_MODULES: Record<string, Record<string, unknown>> = {
  preact: { createContext },
  'preact/hooks': { useContext, useMemo, useRef },
  'preact/jsx-runtime': { Fragment, jsx, jsxs },
  '@preact/signals': { batch, computed, effect, signal, untracked, useComputed, useSignal },
};

/** The view `url`'s chunk registers under `key`: the component itself once it is loaded. */
export function lazyView(url: string, key: symbol, doc: Document): ViewLoader {
  return () => {
    const registry = globalThis as unknown as Record<symbol, unknown>;
    if (registry[key] !== undefined) return registry[key] as StoreView;
    registry[RUNTIME_KEY] ??= RUNTIME_MODULES;
    return loadChunk<StoreView>(url, key, doc);
  };
}
