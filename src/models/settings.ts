// The supervisor view's model (realtime issue, "Supervisors"): a draft of the team's
// thresholds, hold phrases and overrides, validated as typed by the engine's validateConfig,
// a preview of the open chats under the draft (rulesFor + read at the scheduler's now), and
// save / history / revert through the transport. The server's `welcome` role is
// authoritative; the `role` option only stands in until the server has said who we are.
// With the local transport there is no server: the draft and its preview work, saving does not.
import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals';
import { supervisorOf, type Transport } from '../adapters/transport.ts';
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

/** An error as shown: "maxGapS: must be greater than 0". */
export const errorText = (e: ConfigError) => `${e.field}: ${e.message}`;

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
}

export interface SettingsModel {
  /** The disclosure is open. */
  readonly open: Signal<boolean>;
  /** The history version whose revert waits for a confirming click. */
  readonly confirm: Signal<number | null>;
  /** The view is offered: the server (or, until it has said, the `role` option) says supervisor. */
  readonly visible: ReadonlySignal<boolean>;
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
  /** Changes a copy of the draft. */
  edit(change: (draft: Draft) => void): void;
  /** Sets one field, by its path. */
  set(path: string, value: string): void;
  save(): Promise<void>;
  revert(version: number): Promise<void>;
  loadHistory(): Promise<void>;
  /** Reads the server's welcome again (after a status, config or events push). */
  refresh(): void;
}

export interface SettingsDeps {
  config: ReadonlySignal<TeamConfig>;
  chats: ChatsModel;
  now: ReadonlySignal<number>;
  transport: Transport;
  role: 'agent' | 'supervisor';
  /** Success and failure messages go to the widget's notice bar. */
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
  // Read at each use: the script-tag bundle's transport gains it when its chunk has loaded.
  const sup = () => supervisorOf(deps.transport);
  const poke = signal(0);
  const edited = signal<Draft | null>(null);
  const serverErrors = signal<ConfigError[]>([]);
  const history = signal<ConfigVersion[] | null>(null);
  const comment = signal('');

  const draft = computed(() => edited.value ?? draftOf(config.value));
  const result = computed(() => validateConfig(inputOf(draft.value), config.value));

  /** The comment is taken (so Save stays disabled until the answer) and given back on failure. */
  async function run(text: string, request: () => Promise<ConfigSaveAck>): Promise<void> {
    comment.value = '';
    let problem: string;
    try {
      const ack = await request();
      serverErrors.value = ack.ok ? [] : ack.errors;
      if (ack.ok) {
        // The saved configuration comes back as the server's `config` push.
        edited.value = null;
        inform('info', `Saved: version ${ack.version}.`);
        return loadHistory();
      }
      problem = ack.errors.map(errorText).join('; ');
    } catch (err) {
      problem = (err as Error).message;
    }
    comment.value = text;
    inform('error', `Not saved: ${problem}`);
  }

  async function loadHistory(): Promise<void> {
    try {
      const versions = await sup()?.configHistory();
      if (versions) history.value = versions.slice().reverse();
    } catch (err) {
      inform('error', (err as Error).message);
    }
  }

  const model: SettingsModel = {
    open: signal(false),
    confirm: signal<number | null>(null),
    visible: computed(() => {
      poke.value;
      return (sup()?.welcome()?.role ?? deps.role) === 'supervisor';
    }),
    canSave: computed(() => {
      poke.value;
      return !!sup();
    }),
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
        });
      }
      return rows;
    }),
    comment,
    history,
    edit(change) {
      const d = JSON.parse(JSON.stringify(draft.peek()));
      change(d);
      edited.value = d;
      serverErrors.value = [];
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
        await run(text, () => sup()!.saveConfig(inputOf(draft.peek()), text.trim()));
      }
    },
    revert(version) {
      model.confirm.value = null;
      const text = comment.peek();
      return run(text, () =>
        sup()!.revertConfig(version, text.trim() || `revert to version ${version}`),
      );
    },
    loadHistory,
    refresh() {
      poke.value++;
    },
  };
  return model;
}
