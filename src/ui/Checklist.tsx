import { useSignal } from '@preact/signals';
import type { ChecklistEntry } from '../core/index.ts';
import type { ChatModel } from '../models/chats.ts';
import { useStore } from './context.ts';
import { focusOnMount, timeOfDay } from './format.ts';

function how({ checked, source, at, reason, suggested, manual }: ChecklistEntry): string {
  const when = at ? ` at ${timeOfDay(at)}` : '';
  if (checked && source === 'auto') return `auto-ticked${when}`;
  if (checked && source === 'manual') return `ticked${when}${reason ? `: ${reason}` : ''}`;
  if (suggested) return 'looks done: tick to confirm';
  return manual ? '' : 'ticked automatically when it happens';
}

/**
 * A one-field form: the trimmed text must not be empty, `send` returns why it was not taken
 * (shown as an alert under the field) or null. With `cancel` the field takes the focus and
 * Escape or a Cancel button closes the form.
 */
function TextForm(props: {
  id: string;
  label: string;
  submit: string;
  empty: string;
  multiline?: boolean;
  send: (text: string) => string | null;
  cancel?: () => void;
}) {
  const { id, cancel } = props;
  const text = useSignal('');
  const error = useSignal<string | null>(null);
  const Field = props.multiline ? 'textarea' : 'input';
  return (
    <form
      class="cp-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const problem = text.value.trim() ? props.send(text.value.trim()) : props.empty;
        error.value = problem;
        if (!problem) text.value = '';
      }}
    >
      <label for={id}>{props.label}</label>
      <Field
        id={id}
        ref={cancel && focusOnMount}
        required
        aria-invalid={!!error.value || undefined}
        aria-describedby={error.value ? `${id}-error` : undefined}
        value={text.value}
        onInput={(e) => {
          text.value = e.currentTarget.value;
        }}
        onKeyDown={(e) => e.key === 'Escape' && cancel?.()}
      />
      <div class="cp-actions">
        <button type="submit">{props.submit}</button>
        {cancel && (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        )}
      </div>
      {error.value && (
        <p class="cp-error" id={`${id}-error`} role="alert">
          {error.value}
        </p>
      )}
    </form>
  );
}

export function Checklist({ chat }: { chat: ChatModel }) {
  const store = useStore();
  const askReason = useSignal(false);
  const error = useSignal<string | null>(null);
  const toggle = (entry: ChecklistEntry) => {
    if (!entry.manual) return;
    // Tagging for QA needs a reason: the form asks for it first.
    if (entry.id === 'qa' && !entry.checked) askReason.value = true;
    else error.value = store.commands.tick(chat.id, entry.id, !entry.checked);
  };
  return (
    <div>
      <h3 id="cp-checks-h">Checklist</h3>
      <ul aria-labelledby="cp-checks-h">
        {chat.reading.value!.checklist.map((entry) => {
          const detail = how(entry);
          return (
            <li key={entry.id}>
              {/* biome-ignore lint/a11y/useSemanticElements: the DOM contract is role="checkbox" with aria-checked (an auto tick is not a form value) */}
              <div
                class="cp-check"
                role="checkbox"
                tabIndex={0}
                data-cp-check={entry.id}
                data-cp-source={entry.source ?? undefined}
                data-cp-suggested={entry.suggested || undefined}
                aria-checked={entry.checked}
                aria-disabled={!entry.manual || undefined}
                aria-describedby={detail ? `cp-how-${entry.id}` : undefined}
                onClick={() => toggle(entry)}
                onKeyDown={(e) => {
                  if (e.key === ' ' || e.key === 'Enter') {
                    e.preventDefault();
                    toggle(entry);
                  }
                }}
              >
                <span class="cp-box" aria-hidden="true">
                  {entry.checked && '✓'}
                </span>
                <span>
                  {entry.label}
                  {detail && (
                    <span class="cp-how" id={`cp-how-${entry.id}`}>
                      {detail}
                    </span>
                  )}
                </span>
              </div>
            </li>
          );
        })}
      </ul>
      {askReason.value && (
        <TextForm
          id="cp-qa-reason"
          label="Why does this chat need QA review? (required)"
          submit="Tag for QA"
          empty="A reason is required to tag this chat for QA review."
          send={(reason) => {
            const problem = store.commands.tick(chat.id, 'qa', true, reason);
            askReason.value = !!problem;
            return problem;
          }}
          cancel={() => {
            askReason.value = false;
          }}
        />
      )}
      {error.value && (
        <p class="cp-error" role="alert">
          {error.value}
        </p>
      )}
    </div>
  );
}

export function Notes({ chat }: { chat: ChatModel }) {
  const store = useStore();
  const notes = chat.state.value!.notes;
  return (
    <section aria-labelledby="cp-notes-h">
      <h3 id="cp-notes-h">Notes</h3>
      {notes.length > 0 && (
        <ul class="cp-notes" aria-labelledby="cp-notes-h">
          {notes.map((note, i) => (
            <li key={i}>
              <span class="cp-muted">{timeOfDay(note.at)} </span>
              {note.text}
            </li>
          ))}
        </ul>
      )}
      <TextForm
        id="cp-note-text"
        label="Add a note (resolution, follow-ups)"
        submit="Add note"
        empty="Write a note first."
        multiline
        send={(text) => store.commands.note(chat.id, text)}
      />
    </section>
  );
}
