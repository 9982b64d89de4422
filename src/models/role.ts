// Who the server says the user is. The supervisor's views (and their chunk) are offered on
// its word: the server's `welcome` role is authoritative, the `role` option only stands in
// until the server has said. Kept apart from the settings model, which ships in the
// supervisor chunk, so an agent's bundle carries only this.
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import { type SupervisorCapability, supervisorOf, type Transport } from '../adapters/transport.ts';

export interface RoleModel {
  /** The supervisor's views are offered. */
  readonly supervisor: ReadonlySignal<boolean>;
  /** The server's team-configuration calls, once there is a server to ask. */
  readonly server: ReadonlySignal<SupervisorCapability | undefined>;
  /** Bumps on every refresh: the answer (or the server's state) may have changed. */
  readonly changed: ReadonlySignal<number>;
  /** Reads the server's welcome again (after a status, config or events push). */
  refresh(): void;
}

export function createRole(transport: Transport, role: 'agent' | 'supervisor'): RoleModel {
  const changed = signal(0);
  // Read at each refresh: the script-tag bundle's transport gains it when its chunk has loaded.
  const server = computed(() => {
    changed.value;
    return supervisorOf(transport);
  });
  return {
    supervisor: computed(() => {
      // The welcome is not a signal: read again at every refresh.
      changed.value;
      return (server.value?.welcome()?.role ?? role) === 'supervisor';
    }),
    server,
    changed,
    refresh() {
      changed.value++;
    },
  };
}
