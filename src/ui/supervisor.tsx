// The supervisor's views as the supervisor chunk ships them (src/supervisor-entry.ts): they
// render inside the widget's tree with the bundle's Preact, under their own store provider
// (the chunk has its own copy of the context module) and with their own stylesheet, adopted
// into the widget's shadow root while they are shown.
import { useState } from 'preact/hooks';
import type { Store } from '../models/store.ts';
import { StoreContext } from './context.ts';
import { Settings } from './Settings.tsx';
import { adoptStyles } from './styles.ts';
import { SETTINGS_CSS } from './styles-settings.ts';

export function SupervisorView({ store }: { store: Store }) {
  // Adopted while mounted, by a stable ref callback (an effect would leave a timer behind).
  const [adopt] = useState(() => {
    let remove: (() => void) | null = null;
    return (box: HTMLDivElement | null) => {
      remove?.();
      const root = box?.getRootNode();
      remove = root instanceof ShadowRoot ? adoptStyles(root, SETTINGS_CSS) : null;
    };
  });
  return (
    <div ref={adopt} data-cp-supervisor>
      <StoreContext.Provider value={store}>
        <Settings />
      </StoreContext.Provider>
    </div>
  );
}
