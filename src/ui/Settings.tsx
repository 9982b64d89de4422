// The supervisor view, a disclosure shown to supervisors only: the team's thresholds, hold
// phrases and overrides, checked as typed (each error next to its field), the open chats
// under the draft, save with a comment, and the history with revert (models/settings.ts).
import { CLOCK_NAMES, CLOCKS } from '../models/describe.ts';
import { errorText, THRESHOLDS, valueAt } from '../models/settings.ts';
import { useStore } from './context.ts';
import { fieldLabel, timeOfDay } from './format.ts';

function Field({ path }: { path: string }) {
  const s = useStore().settings;
  // `overrides[i].when` (neither tier nor channel given) is told at the tier field.
  const errors = s.errors.value
    .filter((e) => e.field === path || `${e.field}.tier` === path)
    .map(errorText);
  const id = `cp-err-${path}`;
  // Labelled by the path's last part, as the protocol names it: `maxGapS` → "Max gap (s)".
  const name = path.replace(/.*[.\]]/, '');
  return (
    <div class="cp-form">
      <label>
        {name ? fieldLabel(name.replace(/S$/, ' (s)')) : 'Phrase'}
        <input
          type={/S$/.test(path) ? 'number' : 'text'}
          step="any"
          value={valueAt(s.draft.value, path)}
          data-cp-field={path}
          aria-invalid={errors.length > 0}
          aria-describedby={errors.length > 0 ? id : undefined}
          onInput={(e) => s.set(path, e.currentTarget.value)}
        />
      </label>
      {errors.length > 0 && (
        <span id={id} class="cp-error">
          {errors.join('; ')}
        </span>
      )}
    </div>
  );
}

function Rows(props: {
  list: 'holdPhrases' | 'overrides';
  title: string;
  name: string;
  fields: string[];
  blank: unknown;
}) {
  const { edit, draft } = useStore().settings;
  const { list, name } = props;
  return (
    <fieldset>
      <legend>{props.title}</legend>
      {draft.value[list].map((_, i) => (
        // Keyed by position: a row is a place in the list (removing one renumbers the rest).
        <fieldset key={i} aria-label={`${name} ${i + 1}`} class="cp-actions">
          {props.fields.map((f) => (
            <Field key={f} path={`${list}[${i}]${f}`} />
          ))}
          <button type="button" onClick={() => edit((d) => d[list].splice(i, 1))}>
            Remove {name} {i + 1}
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => edit((d) => (d[list] as unknown[]).push(props.blank))}>
        Add {name}
      </button>
    </fieldset>
  );
}

export function Settings() {
  const s = useStore().settings;
  if (!s.visible.value) return null;
  const { confirm } = s;
  const open = s.open.value;
  const comment = s.comment.value;
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="cp-settings"
        onClick={() => {
          s.open.value = !open;
          if (!open) void s.loadHistory();
        }}
      >
        Team settings
      </button>
      {open && (
        <section id="cp-settings" data-cp-settings aria-label="Team settings">
          {THRESHOLDS.map((k) => (
            <Field key={k} path={k} />
          ))}
          <Rows list="holdPhrases" title="Hold phrases" name="hold phrase" fields={['']} blank="" />
          <Rows
            list="overrides"
            title="Overrides (empty: the team's value)"
            name="override"
            fields={['.when.tier', '.when.channel', ...THRESHOLDS.map((k) => `.${k}`)]}
            blank={{}}
          />
          <h3>Open chats: now → draft</h3>
          <ul>
            {s.preview.value.map(({ id, name, now, draft }) => (
              <li key={id} data-cp-preview={id} class="cp-clocks">
                {name}
                {CLOCKS.map((c) => (
                  <span
                    key={c}
                    class="cp-clock"
                    data-cp-preview-clock={c}
                    data-cp-state={(draft ?? now)[c].state}
                  >
                    {CLOCK_NAMES[c]} {now[c].state} → {draft?.[c].state ?? '?'}
                  </span>
                ))}
              </li>
            ))}
          </ul>
          <form
            class="cp-form"
            onSubmit={(e) => {
              e.preventDefault();
              void s.save();
            }}
          >
            <label>
              Comment (required)
              <input
                value={comment}
                data-cp-field="comment"
                onInput={(e) => (s.comment.value = e.currentTarget.value)}
              />
            </label>
            <button
              type="submit"
              disabled={!s.canSave.value || !s.result.value.ok || !comment.trim()}
            >
              Save
            </button>
            {!s.canSave.value && <p class="cp-muted">Saving needs the server.</p>}
          </form>
          {s.history.value && <h3>History</h3>}
          <ol>
            {s.history.value?.map(({ version: n, by, at, comment }, i) => (
              <li key={n} data-cp-version={n} class="cp-actions">
                v{n} · {by?.name ?? by?.sub} · {new Date(at).toString().slice(4, 10)}{' '}
                {timeOfDay(at)} · {comment}
                {/* The first click asks, the second reverts (another row's click cancels). */}
                {i > 0 && (
                  <button
                    type="button"
                    onClick={() => {
                      if (confirm.value === n) void s.revert(n);
                      else confirm.value = n;
                    }}
                  >
                    {confirm.value === n ? 'Confirm revert to' : 'Revert to'} v{n}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}
