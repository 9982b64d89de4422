// The supervisor's team settings (issue 14, "Supervisor settings"), two layouts of one model
// (models/settings.ts). In the sidebar: a compact "Team settings" entry that opens the host's
// settings page (the `settingsUrl` option) or else the form in place. As the full-width page
// (`view: 'settings'`): the form on the left, the preview and the history on the right, stacked
// when narrow (styles-settings.ts). The words come from models/config-diff.ts: fields by the
// form's names, errors in plain language (their path kept in `data-cp-error-field` for tools),
// versions as diffs. A save's or a revert's answer shows beside its button and is announced.
import { useMemo } from 'preact/hooks';
import { matchKey, type Thresholds } from '../core/index.ts';
import {
  configChanges,
  describeChanges,
  knownValues,
  matchName,
  plainError,
  THRESHOLD_NAMES,
} from '../models/config-diff.ts';
import { CLOCK_NAMES, CLOCKS } from '../models/describe.ts';
import { type SettingsOutcome, THRESHOLDS, valueAt } from '../models/settings.ts';
import type { ConfigVersion } from '../server/wire.ts';
import { timeOfDay } from './format.ts';
import { useSupervisorStore as useStore } from './supervisor-context.ts';

const HINTS: Record<keyof Thresholds, string> = {
  firstResponseS: 'Longest wait for the first answer.',
  firstResponseWarnS: 'The first-response clock turns amber here.',
  maxGapS: 'Longest wait for an update after that.',
  gapWarnS: 'The waiting clock turns amber here.',
};

const TIERS_LIST = 'cp-known-tiers';
const CHANNELS_LIST = 'cp-known-channels';

/** Moves focus to the field at `path` (an override's `when` is told at its tier). */
function focusField(from: Element, path: string): void {
  const fields = [
    ...(from.getRootNode() as ParentNode).querySelectorAll<HTMLElement>('[data-cp-field]'),
  ];
  const at = (p: string) => fields.find((f) => f.getAttribute('data-cp-field') === p);
  (at(path) ?? at(`${path}.tier`))?.focus();
}

function Field(props: {
  path: string;
  label: string;
  hint?: string | undefined;
  placeholder?: string;
  /** Values to offer (a datalist) and to tell a new one from. */
  known?: { list: string; values: string[]; what: string };
  hideLabel?: boolean;
}) {
  const s = useStore().settings;
  const { path, known } = props;
  const errors = s.errors.value.filter((e) => e.field === path || `${e.field}.tier` === path);
  const value = valueAt(s.draft.value, path);
  const fresh =
    known && value.trim() !== '' && !known.values.some((k) => matchKey(k) === matchKey(value));
  const hint = fresh ? `No chat has had this ${known.what} yet.` : props.hint;
  const id = `cp-field-${path}`;
  const notes = [errors.length > 0 && `${id}-error`, hint && `${id}-hint`].filter(Boolean);
  return (
    <div class="cp-form">
      <label>
        <span class={props.hideLabel ? 'cp-sr' : undefined}>{props.label}</span>
        <input
          type={/S$/.test(path) ? 'number' : 'text'}
          step="any"
          value={value}
          placeholder={props.placeholder}
          list={known?.list}
          data-cp-field={path}
          aria-invalid={errors.length > 0}
          aria-describedby={notes.join(' ') || undefined}
          onInput={(e) => s.set(path, e.currentTarget.value)}
        />
      </label>
      {errors.length > 0 && (
        <span id={`${id}-error`} class="cp-error">
          {errors.map((e) => (
            <span key={e.field + e.message} data-cp-error-field={e.field}>
              {plainError(e)}{' '}
            </span>
          ))}
        </span>
      )}
      {hint && (
        <span id={`${id}-hint`} class="cp-hint">
          {hint}
        </span>
      )}
    </div>
  );
}

function ThresholdFields({ wide }: { wide: boolean }) {
  return (
    <fieldset>
      <legend>Team thresholds</legend>
      <div class="cp-grid">
        {THRESHOLDS.map((k) => (
          <Field
            key={k}
            path={k}
            label={`${THRESHOLD_NAMES[k]} (s)`}
            hint={wide ? HINTS[k] : undefined}
          />
        ))}
      </div>
    </fieldset>
  );
}

function HoldPhrases({ wide }: { wide: boolean }) {
  const { edit, draft } = useStore().settings;
  return (
    <fieldset>
      <legend>Hold phrases</legend>
      {wide && (
        <p class="cp-hint">
          An agent message with one of these puts the customer on hold: the waiting clock runs from
          it.
        </p>
      )}
      <ul class="cp-phrases">
        {draft.value.holdPhrases.map((_, i) => (
          // Keyed by position: a row is a place in the list (removing one renumbers the rest).
          <li key={i} class="cp-actions cp-row">
            <Field path={`holdPhrases[${i}]`} label={`Hold phrase ${i + 1}`} hideLabel />
            <button type="button" onClick={() => edit((d) => d.holdPhrases.splice(i, 1))}>
              Remove<span class="cp-sr"> hold phrase {i + 1}</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => edit((d) => d.holdPhrases.push(''))}>
        Add hold phrase
      </button>
    </fieldset>
  );
}

function Overrides({ wide }: { wide: boolean }) {
  const store = useStore();
  const { edit, draft } = store.settings;
  const team = store.config.config.value;
  const { tiers, channels } = knownValues(
    team,
    store.chats.list.value.map((chat) => chat.state.value),
  );
  return (
    <fieldset>
      <legend>Overrides</legend>
      <p class="cp-hint">
        Other thresholds for a tier or channel{wide ? ' (any case: "VIP" is "vip")' : ''}; empty
        fields keep the team's value.
      </p>
      <datalist id={TIERS_LIST}>
        {tiers.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <datalist id={CHANNELS_LIST}>
        {channels.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      {draft.value.overrides.map((o, i) => {
        const at = `overrides[${i}]`;
        const when = (o.when ?? {}) as { tier?: string; channel?: string };
        const named = when.tier?.trim() || when.channel?.trim();
        return (
          <fieldset key={i} class="cp-override">
            <legend>
              Override {i + 1}
              {named
                ? `: ${matchName({ tier: when.tier?.trim(), channel: when.channel?.trim() })}`
                : ''}
            </legend>
            <div class="cp-grid">
              <Field
                path={`${at}.when.tier`}
                label="Tier"
                known={{ list: TIERS_LIST, values: tiers, what: 'tier' }}
              />
              <Field
                path={`${at}.when.channel`}
                label="Channel"
                known={{ list: CHANNELS_LIST, values: channels, what: 'channel' }}
              />
              {THRESHOLDS.map((k) => (
                <Field
                  key={k}
                  path={`${at}.${k}`}
                  label={`${THRESHOLD_NAMES[k]} (s)`}
                  placeholder={`team: ${team[k]}`}
                />
              ))}
            </div>
            <button type="button" onClick={() => edit((d) => d.overrides.splice(i, 1))}>
              Remove override {i + 1}
            </button>
          </fieldset>
        );
      })}
      <button type="button" onClick={() => edit((d) => d.overrides.push({}))}>
        Add override
      </button>
    </fieldset>
  );
}

/** The draft's problems, each a link to its field, while the preview cannot apply it. */
function Problems() {
  const r = useStore().settings.result.value;
  if (r.ok) return null;
  const n = r.errors.length;
  return (
    <div class="cp-problems" data-cp-problems>
      <p>Fix {n === 1 ? 'this problem' : `${n} problems`} to see the preview:</p>
      <ul>
        {r.errors.map((e) => (
          <li key={e.field + e.message}>
            <button
              type="button"
              class="cp-link"
              data-cp-goto={e.field}
              onClick={(event) => focusField(event.currentTarget, e.field)}
            >
              {plainError(e)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Preview() {
  const s = useStore().settings;
  const rows = s.preview.value;
  return (
    <section aria-labelledby="cp-preview-title">
      <h3 id="cp-preview-title">Open chats: now → draft</h3>
      <Problems />
      {rows.length === 0 && <p class="cp-muted">No open chats to preview.</p>}
      <ul class="cp-preview-rows">
        {rows.map(({ id, name, now, draft, tier, channel }) => (
          <li key={id} data-cp-preview={id} class="cp-clocks">
            {name}
            {CLOCKS.map((c) => (
              <span
                key={c}
                class="cp-clock"
                data-cp-preview-clock={c}
                data-cp-state={(draft ?? now)[c].state}
              >
                {CLOCK_NAMES[c]} {now[c].state}
                {draft ? ` → ${draft[c].state}` : ''}
              </span>
            ))}
            {(tier || channel) && (
              <span class="cp-tier">{[tier, channel].filter(Boolean).join(' · ')}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function outcomeText(o: SettingsOutcome): string {
  if (o.ok) {
    return o.cause === 'save'
      ? `Saved: version ${o.version}.`
      : `Reverted to version ${o.cause}: saved as version ${o.version}.`;
  }
  const why = o.errors ? o.errors.map(plainError).join('; ') : o.message;
  return `${o.cause === 'save' ? 'Not saved' : 'Not reverted'}: ${why}`;
}

/** The answer to what `cause` asked, beside its button (the live region announces it). */
function Outcome({ cause }: { cause: SettingsOutcome['cause'] }) {
  const o = useStore().settings.outcome.value;
  if (o?.cause !== cause) return null;
  const kind = o.ok ? 'info' : 'error';
  return (
    <p class="cp-notice" data-kind={kind} data-cp-notice={kind} data-cp-outcome>
      {outcomeText(o)}
    </p>
  );
}

function SaveForm() {
  const store = useStore();
  const s = store.settings;
  const r = s.result.value;
  const comment = s.comment.value;
  const changes = r.ok ? describeChanges(store.config.config.value, r.config) : '';
  return (
    <form
      class="cp-form"
      onSubmit={(e) => {
        e.preventDefault();
        void s.save();
      }}
    >
      <p class="cp-muted" data-cp-changes>
        {!r.ok
          ? `Fix ${r.errors.length === 1 ? 'the problem' : `${r.errors.length} problems`} to save.`
          : changes
            ? `Changes: ${changes}.`
            : 'No changes yet.'}
      </p>
      <label>
        Comment (required)
        <input
          value={comment}
          data-cp-field="comment"
          onInput={(e) => (s.comment.value = e.currentTarget.value)}
        />
      </label>
      <div class="cp-actions">
        <button type="submit" disabled={!s.canSave.value || !r.ok || !comment.trim()}>
          Save
        </button>
      </div>
      <Outcome cause="save" />
      {!s.canSave.value && <p class="cp-muted">Saving needs the server.</p>}
    </form>
  );
}

function History() {
  const store = useStore();
  const s = store.settings;
  const versions = s.history.value;
  if (!versions) return null;
  const current = store.config.config.value;
  const asked = s.confirm.value;
  return (
    <section aria-labelledby="cp-history-title">
      <h3 id="cp-history-title">History</h3>
      <ol class="cp-history">
        {versions.map((v, i) => {
          const { version: n, by, at, comment, config } = v;
          const diff = versionDiff(v, versions[i + 1]);
          const asking = asked === n;
          return (
            <li key={n} data-cp-version={n}>
              {/* Version 0, the built-in defaults, has no author and no time. */}
              <p>
                v{n} · {by ? `${by.name ?? by.sub} · ` : ''}
                {at > 0 ? `${new Date(at).toString().slice(4, 10)} ${timeOfDay(at)} · ` : ''}
                {comment}
              </p>
              {diff && (
                <p class="cp-diff" data-cp-diff>
                  {diff}
                </p>
              )}
              {/* The newest is in force; an older one reverts after a confirming click. */}
              {i > 0 && (
                <div class="cp-actions">
                  <button
                    type="button"
                    aria-describedby={asking ? `cp-revert-${n}` : undefined}
                    onClick={() => {
                      if (asking) void s.revert(n);
                      else s.confirm.value = n;
                    }}
                  >
                    {asking ? 'Confirm revert to' : 'Revert to'} v{n}
                  </button>
                  {asking && (
                    <button type="button" onClick={() => (s.confirm.value = null)}>
                      Cancel
                    </button>
                  )}
                </div>
              )}
              {asking && (
                <p id={`cp-revert-${n}`} class="cp-notice" data-kind="expect">
                  {revertText(n, configChanges(current, config))}
                </p>
              )}
              <Outcome cause={n} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** What a version changed from the one before it (loaded history only: the oldest has none). */
function versionDiff(version: ConfigVersion, older: ConfigVersion | undefined): string {
  if (!older) return version.version === 0 ? 'The starting settings.' : '';
  if (version.revertOf === undefined) {
    return describeChanges(older.config, version.config) || 'No changes.';
  }
  const changes = configChanges(older.config, version.config);
  return `Reverted to version ${version.revertOf}: ${changes.join('; ') || 'no changes'}`;
}

function revertText(version: number, changes: string[]): string {
  return `Revert to version ${version}: ${
    changes.length ? changes.join('; ') : 'nothing changes, these are the settings in force'
  }.`;
}

/** Announces the revert being confirmed, then each answer. */
function Announcer() {
  const store = useStore();
  const s = store.settings;
  const asked = s.confirm.value;
  const o = s.outcome.value;
  const version = s.history.value?.find((v) => v.version === asked);
  const changes = version && configChanges(store.config.config.value, version.config);
  let text = o ? outcomeText(o) : '';
  if (version) text = `${revertText(version.version, changes!)} Press again to confirm.`;
  return (
    <p class="cp-sr" role="status" data-cp-settings-live>
      {text}
    </p>
  );
}

/** The full-width settings page (`view: 'settings'`): form left, preview and history right. */
export function SettingsPage() {
  const s = useStore().settings;
  // Shown while mounted, by a stable ref callback (an effect would leave a timer behind).
  const shown = useMemo(
    () => (page: HTMLElement | null) => {
      if (page) s.show();
      else s.open.value = false;
    },
    [],
  );
  return (
    <section
      ref={shown}
      id="cp-settings"
      class="cp-page"
      data-cp-settings
      data-cp-settings-page
      aria-labelledby="cp-settings-title"
    >
      <h2 id="cp-settings-title">Team settings</h2>
      <p class="cp-muted">
        The clocks' thresholds for the whole team: a save applies at once to every agent's open
        chats.
      </p>
      <div class="cp-columns">
        <div data-cp-column="form">
          <ThresholdFields wide />
          <Overrides wide />
          <HoldPhrases wide />
        </div>
        {/* Saving sits with the preview: check what the draft does, then save it. */}
        <div data-cp-column="preview">
          <Preview />
          <SaveForm />
          <History />
        </div>
      </div>
      <Announcer />
    </section>
  );
}

/**
 * The supervisor's entry in the sidebar (the whole page with `view: 'settings'`): a link to
 * the host's settings page when it gave one, else a disclosure with the form.
 */
export function Settings() {
  const store = useStore();
  const s = store.settings;
  if (store.options.view === 'settings') return <SettingsPage />;
  if (!store.role.supervisor.value) return null;
  const url = store.options.settingsUrl;
  if (url) {
    return (
      <a class="cp-button" href={url} target="_blank" rel="noopener" data-cp-settings-link>
        Team settings<span class="cp-sr"> (opens in a new tab)</span>
        <span aria-hidden="true">↗</span>
      </a>
    );
  }
  const open = s.open.value;
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="cp-settings"
        onClick={() => {
          if (open) s.open.value = false;
          else s.show();
        }}
      >
        Team settings
      </button>
      {open && (
        <section id="cp-settings" data-cp-settings aria-label="Team settings">
          <ThresholdFields wide={false} />
          <Overrides wide={false} />
          <HoldPhrases wide={false} />
          <Preview />
          <SaveForm />
          <History />
          <Announcer />
        </section>
      )}
    </>
  );
}
