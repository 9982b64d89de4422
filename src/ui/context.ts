import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Store } from '../models/store.ts';

export const StoreContext = createContext<Store | null>(null);

/** The widget's store; every component renders inside App's provider. */
export const useStore = (): Store => useContext(StoreContext)!;
