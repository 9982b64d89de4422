// Where the supervisor's views go in the widget. They ship apart from the agent's bundle
// (the script-tag build loads them as a chunk, lazy-supervisor.ts), so they are injected as a
// loader: the ESM build and the tests hand the component over at once, the bundle a promise.
// Nothing loads for an agent: the slot asks only once the server says "supervisor".

import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { useMemo } from 'preact/hooks';
import type { Store } from '../models/store.ts';
import { useStore } from './context.ts';

export type SupervisorView = ComponentType<{ store: Store }>;
export type SupervisorViewLoader = () => SupervisorView | Promise<SupervisorView>;

type Loading = { view?: SupervisorView; pending?: Promise<SupervisorView>; error?: string };

function start(load: SupervisorViewLoader | null): Loading {
  if (!load) return { error: 'this build has no team settings' };
  try {
    const result = load();
    return result instanceof Promise ? { pending: result } : { view: result };
  } catch (err) {
    return { error: (err as Error)?.message ?? String(err) };
  }
}

function Loaded({ load, store }: { load: SupervisorViewLoader | null; store: Store }) {
  // Settled by the promise itself (no effect: Preact runs those on a timer, and the widget
  // leaves none behind); a late answer after unmount sets a signal nobody reads.
  const loading = useMemo(() => {
    const started = signal(start(load));
    started.peek().pending?.then(
      (view) => {
        started.value = { view };
      },
      (err: Error) => {
        started.value = { error: err?.message ?? String(err) };
      },
    );
    return started;
  }, []);
  const state = loading.value;
  const View = state.view;
  if (View) return <View store={store} />;
  return state.error ? (
    <p class="cp-error" role="alert">
      Team settings could not load: {state.error}
    </p>
  ) : (
    <p class="cp-muted" role="status">
      Loading team settings…
    </p>
  );
}

export function SupervisorSlot({ load }: { load: SupervisorViewLoader | null }) {
  const store = useStore();
  return store.role.supervisor.value ? <Loaded load={load} store={store} /> : null;
}
