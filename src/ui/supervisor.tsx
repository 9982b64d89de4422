// The supervisor's views as the supervisor chunk ships them (src/supervisor-entry.ts): they
// render inside the widget's tree with the bundle's Preact, under their own store provider
// (the chunk has its own copy of the context module) and with their own stylesheet, adopted
// into the widget's shadow root while they are shown.
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Store } from '../models/store.ts';
import { StoreContext } from './context.ts';
import { Settings } from './Settings.tsx';
import { adoptStyles } from './styles.ts';
import { SETTINGS_CSS } from './styles-settings.ts';

export function SupervisorView({ store }: { store: Store }) {
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const root = box.current?.getRootNode();
    return root instanceof ShadowRoot ? (adoptStyles(root, SETTINGS_CSS) ?? undefined) : undefined;
  }, []);
  return (
    <div ref={box} data-cp-supervisor>
      <StoreContext.Provider value={store}>
        <Settings />
      </StoreContext.Provider>
    </div>
  );
}
