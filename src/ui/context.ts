import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Store } from '../models/store.ts';
import type { Views } from './lazy-view.tsx';

export const StoreContext = createContext<Store | null>(null);

/** The widget's store; every component renders inside App's provider. */
export const useStore = (): Store => useContext(StoreContext)!;

/** The loaders of the views that ship apart (lazy-view.tsx). */
export const ViewsContext = createContext<Views>({
  supervisor: null,
  replyForm: null,
  sopDetail: null,
});
