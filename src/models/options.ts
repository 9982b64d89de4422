// The `init` options of shared/spec/embed.md, checked at the widget's boundary. A bad option
// is reported by field name and replaced by its default, so one typo never stops the widget.
import { DEFAULT_CONFIG, type TeamConfig, validateConfig } from '../core/index.ts';

export interface FieldError {
  field: string;
  message: string;
}

export type LibrarySpec =
  | { kind: 'none' }
  | { kind: 'url'; url: string }
  | { kind: 'object'; data: unknown };

export type TransportSpec = { kind: 'local' } | { kind: 'socket'; url: string; token: string };

export interface WidgetOptions {
  agent: { id?: string; name?: string };
  role: 'agent' | 'supervisor';
  library: LibrarySpec;
  config: TeamConfig;
  transport: TransportSpec;
}

const KNOWN = new Set(['target', 'agent', 'role', 'library', 'thresholds', 'transport']);

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isElementLike(value: unknown): boolean {
  return isObject(value) && typeof (value as { nodeType?: unknown }).nodeType === 'number';
}

export function validateOptions(input: unknown): {
  options: WidgetOptions;
  errors: FieldError[];
  warnings: string[];
} {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  const options: WidgetOptions = {
    agent: {},
    role: 'agent',
    library: { kind: 'none' },
    config: DEFAULT_CONFIG,
    transport: { kind: 'local' },
  };
  if (input === undefined || input === null) return { options, errors, warnings };
  if (!isObject(input)) {
    errors.push({ field: '(options)', message: 'must be an object' });
    return { options, errors, warnings };
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) warnings.push(`${key}: unknown option, ignored`);
  }

  const { target, agent, role, library, thresholds, transport } = input;
  if (
    target !== undefined &&
    !(typeof target === 'string' && target !== '') &&
    !isElementLike(target)
  ) {
    errors.push({ field: 'target', message: 'must be an element or a CSS selector' });
  }

  if (agent !== undefined) {
    if (!isObject(agent)) {
      errors.push({ field: 'agent', message: 'must be an object like { id, name }' });
    } else {
      if (agent.id !== undefined) {
        if (typeof agent.id === 'string' && agent.id !== '') options.agent.id = agent.id;
        else errors.push({ field: 'agent.id', message: 'must be a non-empty string' });
      }
      if (agent.name !== undefined) {
        if (typeof agent.name === 'string' && agent.name.trim() !== '') {
          options.agent.name = agent.name.trim();
        } else errors.push({ field: 'agent.name', message: 'must be a non-empty string' });
      }
    }
  }

  if (role !== undefined) {
    if (role === 'agent' || role === 'supervisor') options.role = role;
    else errors.push({ field: 'role', message: "must be 'agent' or 'supervisor'" });
  }

  if (typeof library === 'string') {
    if (library.trim() === '') errors.push({ field: 'library', message: 'must not be empty' });
    else options.library = { kind: 'url', url: library.trim() };
  } else if (isObject(library)) {
    options.library = { kind: 'object', data: library };
  } else if (library !== undefined && library !== null) {
    errors.push({ field: 'library', message: 'must be a URL or a library object' });
  }

  if (thresholds !== undefined) {
    const result = validateConfig(thresholds, DEFAULT_CONFIG);
    if (result.ok) {
      options.config = result.config;
      warnings.push(...result.warnings.map((w) => `thresholds.${w}`));
    } else {
      for (const e of result.errors) {
        const field = e.field === '(config)' ? 'thresholds' : `thresholds.${e.field}`;
        errors.push({ field, message: e.message });
      }
    }
  }

  if (transport !== undefined && transport !== 'local') {
    if (
      isObject(transport) &&
      typeof transport.url === 'string' &&
      transport.url !== '' &&
      typeof transport.token === 'string' &&
      transport.token !== ''
    ) {
      options.transport = { kind: 'socket', url: transport.url, token: transport.token };
    } else if (isObject(transport) && (typeof transport.url !== 'string' || transport.url === '')) {
      errors.push({ field: 'transport.url', message: 'must be a non-empty URL' });
    } else if (isObject(transport)) {
      errors.push({ field: 'transport.token', message: 'must be a non-empty string' });
    } else {
      errors.push({ field: 'transport', message: "must be 'local' or { url, token }" });
    }
  }
  return { options, errors, warnings };
}
