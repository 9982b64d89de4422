// The supervisor's views from their chunk (chunks.ts). The chunk is built against the
// bundle's own Preact and signals, handed over under RUNTIME_KEY before it loads: a second
// Preact would render with hooks of its own, and a second signals copy would not see the
// store's signals change. Only the names below are handed over (each costs the bundle its
// bytes); the chunk's build fails on an import of any other (vite.chunk.config.ts).
import { computed, effect, signal, untracked, useComputed, useSignal } from '@preact/signals';
import { createContext } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import { Fragment, jsx, jsxs } from 'preact/jsx-runtime';
import type { SupervisorViewLoader } from '../ui/supervisor-slot.tsx';
import { loadChunk, RUNTIME_KEY, SUPERVISOR_KEY } from './chunks.ts';

/** By the module ids the chunk imports. */
export const RUNTIME_MODULES: Record<string, Record<string, unknown>> = {
  preact: { createContext },
  'preact/hooks': { useContext, useMemo },
  'preact/jsx-runtime': { Fragment, jsx, jsxs },
  '@preact/signals': { computed, effect, signal, untracked, useComputed, useSignal },
};

export function lazySupervisor(url: string, doc: Document): SupervisorViewLoader {
  return () => {
    const registry = globalThis as unknown as Record<symbol, unknown>;
    registry[RUNTIME_KEY] ??= RUNTIME_MODULES;
    return loadChunk(url, SUPERVISOR_KEY, doc);
  };
}
