import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Store } from '../models/store.ts';

export const StoreContext = createContext<Store | null>(null);

export function useStore(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error('Chat Playbook components need a StoreContext provider');
  return store;
}
