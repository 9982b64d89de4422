// The team's configuration as one signal: `configure` swaps it and every chat's rules and
// reading follow at once (they are computed from it).
import { type ReadonlySignal, signal } from '@preact/signals';
import { type ConfigError, type TeamConfig, validateConfig } from '../core/index.ts';

export interface ConfigModel {
  readonly config: ReadonlySignal<TeamConfig>;
  /** Validates against the current configuration; on errors the old one is kept. */
  configure(
    input: unknown,
  ): { ok: true; warnings: string[] } | { ok: false; errors: ConfigError[] };
}

export function createConfigModel(initial: TeamConfig): ConfigModel {
  const config = signal(initial);
  return {
    config,
    configure(input) {
      const result = validateConfig(input, config.peek());
      if (!result.ok) return { ok: false, errors: result.errors };
      config.value = result.config;
      return { ok: true, warnings: result.warnings };
    },
  };
}
