// The supervisor's views (team settings, the Team report) as the supervisor chunk ships them (src/supervisor-entry.ts): they
// render inside the widget's tree with the bundle's Preact, with the settings model made here
// (it ships in this chunk too) under their own provider, and with their own stylesheet
// adopted into the widget's shadow root while they are shown.
import { useMemo } from 'preact/hooks';
import { createSettings } from '../models/settings.ts';
import type { Store } from '../models/store.ts';
import { Settings } from './Settings.tsx';
import { adoptStyles } from './styles.ts';
import { SETTINGS_CSS } from './styles-settings.ts';
import { SupervisorContext, type SupervisorStore } from './supervisor-context.ts';
import { TeamReportView } from './TeamReport.tsx';

export function SupervisorView({ store }: { store: Store }) {
  // Made once, and undone by a stable ref callback when the views go (an effect would leave
  // a timer behind): the stylesheet adopted, the settings model following the role's refreshes.
  const [value, mounted] = useMemo(() => {
    const settings = createSettings({
      config: store.config.config,
      chats: store.chats,
      now: store.scheduler.now,
      role: store.role,
      inform: store.commands.inform,
    });
    const supervisor: SupervisorStore = { ...store, settings };
    let remove: (() => void) | null = null;
    const mounted = (box: HTMLDivElement | null) => {
      remove?.();
      remove = null;
      const root = box?.getRootNode();
      if (root instanceof ShadowRoot) remove = adoptStyles(root, SETTINGS_CSS);
      if (!box) settings.dispose();
    };
    return [supervisor, mounted] as const;
  }, []);
  return (
    <div ref={mounted} data-cp-supervisor>
      <SupervisorContext.Provider value={value}>
        <Settings />
        <TeamReportView />
      </SupervisorContext.Provider>
    </div>
  );
}
