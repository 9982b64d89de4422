// What the supervisor's views read: the widget's store plus the settings model, which ships
// in the supervisor chunk and is made by SupervisorView (supervisor.tsx) while they are shown.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SettingsModel } from '../models/settings.ts';
import type { Store } from '../models/store.ts';

export type SupervisorStore = Store & { readonly settings: SettingsModel };

export const SupervisorContext = createContext<SupervisorStore | null>(null);

export const useSupervisorStore = (): SupervisorStore => useContext(SupervisorContext)!;
