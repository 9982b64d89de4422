// The `init` options of shared/spec/embed.md, checked at the widget's boundary. A bad option
// is reported by field name and replaced by its default, so one typo never stops the widget.
import type { Transport } from '../adapters/transport.ts';
import { isObject } from '../core/guards.ts';

import {
  type ConfigError,
  DEFAULT_CONFIG,
  type TeamConfig,
  validateConfig,
} from '../core/index.ts';

export interface FieldError {
  field: string;
  message: string;
}

export type LibrarySpec =
  | { kind: 'none' }
  | { kind: 'url'; url: string }
  | { kind: 'object'; data: unknown };

export type TransportSpec =
  | { kind: 'local' }
  | { kind: 'socket'; url: string; token: string }
  /** A Transport object of the host's (a helpdesk app's adapter: src/adapters/hosts). */
  | { kind: 'custom'; transport: Transport };

/** A Transport object: what a host adapter passes as `transport`. */
function isTransport(value: Record<string, unknown>): value is Record<string, unknown> & Transport {
  return ['start', 'send', 'now', 'dispose'].every((key) => typeof value[key] === 'function');
}

export interface WidgetOptions {
  agent: { id?: string; name?: string };
  role: 'agent' | 'supervisor';
  library: LibrarySpec;
  config: TeamConfig;
  transport: TransportSpec;
  /** Our extension (docs/embedding.md): the sidebar, or the full-width team settings page. */
  view: 'sidebar' | 'settings';
  /** Our extension: the host's settings page, which the sidebar's "Team settings" opens. */
  settingsUrl?: string;
  /** Our extension (docs/embedding.md), opt-in: `/` on the host page focuses the search. */
  searchShortcut: boolean;
}

const KNOWN = [
  'target',
  'agent',
  'role',
  'library',
  'thresholds',
  'transport',
  'view',
  'settingsUrl',
  'searchShortcut',
];

/** An http(s) URL, absolute or relative to the page. */
function pageUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, 'https://host.invalid/').protocol);
  } catch {
    return false;
  }
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** Configuration errors named as `thresholds` options. */
export function thresholdErrors(errors: readonly ConfigError[]): FieldError[] {
  return errors.map((e) => ({
    field: e.field === '(config)' ? 'thresholds' : `thresholds.${e.field}`,
    message: e.message,
  }));
}

export function validateOptions(input: unknown): {
  options: WidgetOptions;
  errors: FieldError[];
  warnings: string[];
} {
  const options: WidgetOptions = {
    agent: {},
    role: 'agent',
    library: { kind: 'none' },
    config: DEFAULT_CONFIG,
    transport: { kind: 'local' },
    view: 'sidebar',
    searchShortcut: false,
  };
  const result = { options, errors: [] as FieldError[], warnings: [] as string[] };
  const fail = (field: string, message: string) => {
    result.errors.push({ field, message });
  };
  if (input == null) return result;
  if (!isObject(input)) {
    fail('(options)', 'must be an object');
    return result;
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN.includes(key)) result.warnings.push(`${key}: unknown option, ignored`);
  }

  const { target, agent, role, library, thresholds, transport, view, settingsUrl } = input;
  const { searchShortcut } = input;
  if (
    target !== undefined &&
    !isText(target) &&
    !(isObject(target) && typeof target.nodeType === 'number')
  ) {
    fail('target', 'must be an element or a CSS selector');
  }

  if (!isObject(agent)) {
    if (agent !== undefined) fail('agent', 'must be an object like { id, name }');
  } else {
    const { id, name } = agent;
    if (isText(id)) options.agent.id = id;
    else if (id !== undefined) fail('agent.id', 'must be a non-empty string');
    if (isText(name) && name.trim()) options.agent.name = name.trim();
    else if (name !== undefined) fail('agent.name', 'must be a non-empty string');
  }

  if (role === 'agent' || role === 'supervisor') options.role = role;
  else if (role !== undefined) fail('role', "must be 'agent' or 'supervisor'");

  if (typeof library === 'string') {
    if (library.trim()) options.library = { kind: 'url', url: library.trim() };
    else fail('library', 'must not be empty');
  } else if (isObject(library)) {
    options.library = { kind: 'object', data: library };
  } else if (library != null) {
    fail('library', 'must be a URL or a library object');
  }

  if (thresholds !== undefined) {
    const checked = validateConfig(thresholds, DEFAULT_CONFIG);
    if (checked.ok) {
      options.config = checked.config;
      result.warnings.push(...checked.warnings.map((w) => `thresholds.${w}`));
    } else {
      result.errors.push(...thresholdErrors(checked.errors));
    }
  }

  if (transport !== undefined && transport !== 'local') {
    if (!isObject(transport)) fail('transport', "must be 'local', { url, token } or a Transport");
    else if (isTransport(transport)) options.transport = { kind: 'custom', transport };
    else if (!isText(transport.url)) fail('transport.url', 'must be a non-empty URL');
    else if (!isText(transport.token)) fail('transport.token', 'must be a non-empty string');
    else options.transport = { kind: 'socket', url: transport.url, token: transport.token };
  }

  if (view === 'sidebar' || view === 'settings') options.view = view;
  else if (view !== undefined) fail('view', "must be 'sidebar' or 'settings'");
  if (settingsUrl !== undefined) {
    // Only a page, parsed as the browser will (`java\nscript:` is javascript:): it becomes a link.
    if (isText(settingsUrl) && pageUrl(settingsUrl)) options.settingsUrl = settingsUrl;
    else fail('settingsUrl', 'must be the URL or path of an http(s) page');
  }
  if (typeof searchShortcut === 'boolean') options.searchShortcut = searchShortcut;
  else if (searchShortcut !== undefined) fail('searchShortcut', 'must be true or false');
  return result;
}
