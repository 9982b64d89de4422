// The supervisor view's model (realtime issue, "Supervisors"; issue 14, "Supervisor
// settings"): a draft of the team's thresholds, hold phrases and overrides, validated as typed
// by the engine's validateConfig, a preview of the open chats under the draft (rulesFor + read
// at the scheduler's now), and save / history / revert
// through the transport, each answer kept as the outcome of what caused it (shown beside that
// button). Who may see it is the role model's call (role.ts, in the agent's bundle); this
// model ships in the supervisor chunk and is made when its views are. With the local
// transport there is no server: the draft and its preview work, saving does not. The words (field names, plain errors, diffs)
// are the views' business: config-diff.ts.
import {
  computed,
  effect,
  type ReadonlySignal,
  type Signal,
  signal,
  untracked,
} from '@preact/signals';
import {
  type ChatReading,
  type ConfigError,
  type ConfigResult,
  read,
  rulesFor,
  type TeamConfig,
  validateConfig,
} from '../core/index.ts';
import type { ConfigSaveAck, ConfigVersion } from '../server/wire.ts';
import type { ChatsModel } from './chats.ts';
import type { CommandsModel } from './commands.ts';
import { chatName } from './describe.ts';
import type { RoleModel } from './role.ts';

export const THRESHOLDS = ['firstResponseS', 'firstResponseWarnS', 'maxGapS', 'gapWarnS'] as const;

type Json = Record<string, unknown>;
/**
 * The form as typed: the configuration's shape with every value a string ('' = not set), so
 * that whatever is typed can be validated. Fields are named by their error paths, e.g.
 * `overrides[0].when.tier` (the `data-cp-field` of their input).
 */
export type Draft = Json & { holdPhrases: string[]; overrides: Json[] };

export interface PreviewRow {
  id: string;
  name: string;
  now: ChatReading;
  /** Under the draft; null while the draft is invalid. */
  draft: ChatReading | null;
  /** What overrides match on. */
  tier: string | undefined;
  channel: string | undefined;
}

/** The answer to a save or a revert, shown beside the button that asked. */
export interface SettingsOutcome {
  /** What asked: the Save button, or the revert to this version. */
  cause: 'save' | number;
  ok: boolean;
  /** The version the server stored (ok). */
  version?: number;
  /** Why not: the server's field errors, or what went wrong on the way. */
  errors?: ConfigError[];
  message?: string;
}

export interface SettingsModel {
  /** The view is on screen (the sidebar's disclosure is open, or the settings page shown). */
  readonly open: Signal<boolean>;
  /** The history version whose revert waits for a confirming click. */
  readonly confirm: Signal<number | null>;
  /** Saving needs a server transport (in the script-tag bundle: its chunk loaded). */
  readonly canSave: ReadonlySignal<boolean>;
  readonly draft: ReadonlySignal<Draft>;
  readonly result: ReadonlySignal<ConfigResult>;
  /** Validation errors, then the server's errors from the last refused save. */
  readonly errors: ReadonlySignal<ConfigError[]>;
  readonly preview: ReadonlySignal<PreviewRow[]>;
  readonly comment: Signal<string>;
  /** Newest first; null until loaded. */
  readonly history: ReadonlySignal<ConfigVersion[] | null>;
  /** The last save's or revert's answer, until the draft is edited again. */
  readonly outcome: ReadonlySignal<SettingsOutcome | null>;
  /** Shows the view: opens it, and loads the history now or once the server can answer. */
  show(): void;
  /** Changes a copy of the draft. */
  edit(change: (draft: Draft) => void): void;
  /** Sets one field, by its path. */
  set(path: string, value: string): void;
  save(): Promise<void>;
  revert(version: number): Promise<void>;
  loadHistory(): Promise<void>;
  /** Stops following the role model's refreshes. */
  dispose(): void;
}

export interface SettingsDeps {
  config: ReadonlySignal<TeamConfig>;
  chats: ChatsModel;
  now: ReadonlySignal<number>;
  /**
   * Who the server says we are, and its calls; at each of its refreshes (a status, config or
   * events push) an open view whose history is older than the team's configuration reloads it.
   */
  role: RoleModel;
  /** Problems no button caused (the history could not load) go to the widget's notice bar. */
  inform: CommandsModel['inform'];
}

const keys = (path: string) => path.split(/[.[\]]+/).filter(Boolean);

/** The draft's text at `path` ('' when not set). */
export function valueAt(draft: Draft, path: string): string {
  return (keys(path).reduce<unknown>((o, k) => (o as Json | undefined)?.[k], draft) ??
    '') as string;
}

/** The editable part of a configuration, numbers as text. */
export function draftOf(config: TeamConfig): Draft {
  const fields = [...THRESHOLDS, 'holdPhrases', 'overrides', 'when', 'tier', 'channel'];
  return JSON.parse(JSON.stringify(config, fields), (_k, v) =>
    typeof v === 'number' ? String(v) : v,
  );
}

/**
 * The configuration the draft stands for (what is validated and saved): an empty team
 * threshold is a missing number (an error, not 0), an empty override field is not set, and
 * hold phrases stay as typed (validateConfig trims them and refuses empty ones).
 */
export function inputOf(draft: Draft): Json {
  return JSON.parse(JSON.stringify(draft), function (this: Json, k: string, v: unknown) {
    if (typeof v !== 'string' || /^\d/.test(k)) return v;
    const text = v.trim();
    if (!text) return 'holdPhrases' in this ? Number.NaN : undefined;
    return /S$/.test(k) ? Number(text) : text;
  });
}

export function createSettings(deps: SettingsDeps): SettingsModel {
  const { config, chats, now, inform } = deps;
  const sup = () => deps.role.server.peek();
  const edited = signal<Draft | null>(null);
  const serverErrors = signal<ConfigError[]>([]);
  const history = signal<ConfigVersion[] | null>(null);
  const outcome = signal<SettingsOutcome | null>(null);
  const comment = signal('');
  const open = signal(false);
  /** The configuration the history was last asked for at. */
  let historyOf: TeamConfig | null = null;

  const draft = computed(() => edited.value ?? draftOf(config.value));
  const result = computed(() => validateConfig(inputOf(draft.value), config.value));

  /** The comment is taken (so Save stays disabled until the answer) and given back on failure. */
  async function run(
    cause: SettingsOutcome['cause'],
    text: string,
    request: () => Promise<ConfigSaveAck>,
  ): Promise<void> {
    comment.value = '';
    outcome.value = null;
    try {
      const ack = await request();
      serverErrors.value = ack.ok ? [] : ack.errors;
      if (ack.ok) {
        // The saved configuration comes back as the server's `config` push.
        edited.value = null;
        outcome.value = { cause, ok: true, version: ack.version };
        return loadHistory();
      }
      outcome.value = { cause, ok: false, errors: ack.errors };
    } catch (err) {
      outcome.value = { cause, ok: false, message: (err as Error).message };
    }
    comment.value = text;
  }

  async function loadHistory(): Promise<void> {
    const server = sup();
    if (!server) return;
    historyOf = config.peek();
    try {
      history.value = (await server.configHistory()).slice().reverse();
    } catch (err) {
      // Asked again at the next refresh (the connection's status, a push); before the
      // server's first welcome the socket was still connecting: nothing to tell.
      historyOf = null;
      if (server.welcome()) {
        inform('error', `The settings history could not load: ${(err as Error).message}`);
      }
    }
  }

  /** Loads the history of an open view when it is older than the team's configuration. */
  function follow(): void {
    if (open.peek() && historyOf !== config.peek() && sup()) void loadHistory();
  }

  const model: SettingsModel = {
    open,
    confirm: signal<number | null>(null),
    canSave: computed(() => !!deps.role.server.value),
    draft,
    result,
    errors: computed(() => [
      ...((result.value as { errors?: ConfigError[] }).errors ?? []),
      ...serverErrors.value,
    ]),
    preview: computed(() => {
      const r = result.value;
      const at = now.value;
      const rows: PreviewRow[] = [];
      for (const chat of chats.list.value) {
        const state = chat.state.value;
        if (!state || state.closedAt !== null) continue;
        const key = { tier: state.customer.tier, channel: state.channel };
        rows.push({
          id: chat.id,
          name: chatName(state, chat.id),
          now: chat.reading.value!,
          draft: r.ok ? read(state, rulesFor(r.config, key), at) : null,
          ...key,
        });
      }
      return rows;
    }),
    comment,
    history,
    outcome,
    show() {
      open.value = true;
      follow();
    },
    edit(change) {
      const d = JSON.parse(JSON.stringify(draft.peek()));
      change(d);
      edited.value = d;
      serverErrors.value = [];
      outcome.value = null;
    },
    set(path, value) {
      model.edit((d) => {
        const k = keys(path);
        const last = k.pop()!;
        // biome-ignore lint/suspicious/noAssignInExpressions: creates `when` on a new row
        k.reduce<Json>((o, key) => (o[key] ??= {}) as Json, d)[last] = value;
      });
    },
    async save() {
      const text = comment.peek();
      if (result.peek().ok && text.trim()) {
        await run('save', text, () => sup()!.saveConfig(inputOf(draft.peek()), text.trim()));
      }
    },
    revert(version) {
      model.confirm.value = null;
      const text = comment.peek();
      return run(version, text, () =>
        sup()!.revertConfig(version, text.trim() || `revert to version ${version}`),
      );
    },
    loadHistory,
    dispose: effect(() => {
      deps.role.changed.value;
      untracked(follow);
    }),
  };
  return model;
}
