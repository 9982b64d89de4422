// Views that ship apart from the agent's bundle: the supervisor's (team settings and report)
// and the reply chunk's: an SOP opened in full and the reply fill-in form. The script-tag build loads each as a chunk (lazy-view.ts in
// adapters), so they are injected as loaders: the ESM build and the tests hand the component
// over at once, the bundle a promise (or the component, once its chunk is there).

import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import type { Store } from '../models/store.ts';
import { useStore, ViewsContext } from './context.ts';

export type StoreView = ComponentType<{ store: Store }>;
export type ViewLoader = () => StoreView | Promise<StoreView>;

/** The loaders of the views that ship apart; null where a build has none. */
export interface Views {
  supervisor: ViewLoader | null;
  replyForm: ViewLoader | null;
  sopDetail: ViewLoader | null;
}

type Loading = { view?: StoreView; pending?: Promise<StoreView>; error?: string };

function start(load: ViewLoader | null, what: string): Loading {
  if (!load) return { error: `this build has no ${what}` };
  try {
    const result = load();
    return result instanceof Promise ? { pending: result } : { view: result };
  } catch (err) {
    return { error: (err as Error)?.message ?? String(err) };
  }
}

/** Renders the view `load` gives, with a loading line until it is there. */
export function LazyView({ load, what }: { load: ViewLoader | null; what: string }) {
  const store = useStore();
  // Settled by the promise itself (no effect: Preact runs those on a timer, and the widget
  // leaves none behind); a late answer after unmount sets a signal nobody reads.
  const loading = useMemo(() => {
    const started = signal(start(load, what));
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
      The {what} could not load: {state.error}
    </p>
  ) : (
    <p class="cp-muted" role="status">
      Loading the {what}…
    </p>
  );
}

/** The supervisor's views: asked for only once the server says "supervisor". */
export function SupervisorSlot() {
  const store = useStore();
  const { supervisor } = useContext(ViewsContext);
  return store.role.supervisor.value ? <LazyView load={supervisor} what="team settings" /> : null;
}
