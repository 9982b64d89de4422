import { useSignal } from '@preact/signals';
import type { ChatState, ChecklistEntry } from '../core/index.ts';
import type { ChatModel, ConversationLine } from '../models/chats.ts';
import { useStore } from './context.ts';
import { focusOnMount, timeOfDay } from './format.ts';

function how({ checked, source, at, reason, suggested, manual }: ChecklistEntry): string {
  const when = at ? ` at ${timeOfDay(at)}` : '';
  if (checked && source === 'auto') return `auto-ticked${when}`;
  if (checked && source === 'manual') return `ticked${when}${reason ? `: ${reason}` : ''}`;
  if (suggested) return 'looks done: tick to confirm';
  return manual ? '' : 'ticked automatically when it happens';
}

/** What ticks each item the engine detects (core/read.ts autoTick). */
const AUTO: Record<string, string> = {
  greet: 'your first message greets the customer by name in time',
  expectations: 'your message says when to expect an answer',
  'anything-else': 'your message asks whether there is anything else',
  close: 'your message thanks the customer and gives the case reference',
  snippet: 'your message carries a reply inserted from the library',
  log: 'you add a note',
};
const DETECTED: Record<string, keyof ChatState['detected']> = {
  expectations: 'expectations',
  'anything-else': 'anythingElse',
  close: 'close',
};

const quote = (text = '') => `“${text.length > 60 ? `${text.slice(0, 60).trimEnd()}…` : text}”`;

/** Why an automatic item is ticked, with what the engine saw; or what would tick it. */
function why(
  { id, at, checked }: ChecklistEntry,
  state: ChatState,
  conversation: readonly ConversationLine[],
  replyTitle: (sopId: string, replyId: string) => string,
): string {
  if (!checked) return `Ticks when ${AUTO[id]}.`;
  const { snippet, notes, detected } = state;
  const messageId = detected[DETECTED[id]!]?.messageId;
  const seen =
    id === 'snippet' && snippet
      ? `“${replyTitle(snippet.sopId, snippet.replyId)}”`
      : quote(
          id === 'log'
            ? notes[0]?.text
            : id === 'greet'
              ? (state.firstAgentText ?? '')
              : conversation.find((l) => l.id === messageId)?.text,
        );
  return `Ticked at ${timeOfDay(at!)} because ${AUTO[id]}: ${seen}`;
}

/**
 * A one-field form: the trimmed text must not be empty, `send` returns why it was not taken
 * (shown as an alert under the field) or null. With `cancel`, Escape or a Cancel button
 * closes the form; with `focus`, the field takes the focus.
 */
function TextForm(props: {
  id: string;
  label: string;
  submit: string;
  empty: string;
  multiline?: boolean;
  focus?: boolean;
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
        ref={props.focus ? focusOnMount : undefined}
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

/** The QA tag picker: the team's tags (config `qaTags`), or "Other" with a typed reason. */
function QaTags({ chat, close }: { chat: ChatModel; close: () => void }) {
  const store = useStore();
  const error = useSignal<string | null>(null);
  const tag = (reason: string) => {
    const problem = store.commands.tick(chat.id, 'qa', true, reason);
    if (!problem) close();
    return problem;
  };
  return (
    // Escape anywhere in the picker closes it.
    <fieldset
      class="cp-prompt"
      data-kind="fill"
      data-cp-qa-tags
      onKeyDown={(e) => e.key === 'Escape' && close()}
    >
      <legend>Why does this chat need QA review?</legend>
      <div class="cp-actions">
        {chat.rules.value.qaTags.map((name, i) => (
          <button
            key={name}
            type="button"
            ref={i === 0 ? focusOnMount : undefined}
            data-cp-qa-tag={name}
            onClick={() => {
              error.value = tag(name);
            }}
          >
            {name}
          </button>
        ))}
      </div>
      {error.value && (
        <p class="cp-error" role="alert">
          {error.value}
        </p>
      )}
      <TextForm
        id="cp-qa-reason"
        label="Other: the reason"
        submit="Tag for QA"
        empty="Pick a tag, or type a reason for Other."
        send={(reason) => tag(`Other: ${reason}`)}
        cancel={close}
      />
    </fieldset>
  );
}

export function Checklist({ chat }: { chat: ChatModel }) {
  const store = useStore();
  const askReason = useSignal(false);
  const explained = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const state = chat.state.value!;
  const replyTitle = (sopId: string, replyId: string) =>
    store.library.find(sopId)?.replies.find((r) => r.id === replyId)?.title ?? replyId;
  // An item the engine ticked (or only it may tick) explains itself instead of toggling.
  const explains = (entry: ChecklistEntry) =>
    entry.id in AUTO && (!entry.manual || entry.source === 'auto');
  const tick = (id: string, checked: boolean) => {
    error.value = store.commands.tick(chat.id, id, checked);
    explained.value = null;
  };
  const activate = (entry: ChecklistEntry) => {
    if (explains(entry)) explained.value = explained.value === entry.id ? null : entry.id;
    // Tagging for QA needs a reason: the tag picker asks for it first.
    else if (entry.id === 'qa' && !entry.checked) askReason.value = true;
    else if (entry.manual) tick(entry.id, !entry.checked);
  };
  return (
    <div>
      {/* Titled by its fold's heading (Fold.tsx). */}
      <ul aria-label="Checklist">
        {chat.reading.value!.checklist.map((entry) => {
          const detail = how(entry);
          const open = explains(entry) && explained.value === entry.id;
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
                aria-readonly={!entry.manual || undefined}
                aria-expanded={explains(entry) ? open : undefined}
                aria-controls={explains(entry) ? `cp-why-${entry.id}` : undefined}
                aria-describedby={detail ? `cp-how-${entry.id}` : undefined}
                onClick={() => activate(entry)}
                onKeyDown={(e) => {
                  if (e.key === ' ' || e.key === 'Enter') {
                    e.preventDefault();
                    activate(entry);
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
              {explains(entry) && (
                <div id={`cp-why-${entry.id}`} class="cp-why" data-cp-why={entry.id} hidden={!open}>
                  {open && why(entry, state, chat.conversation.value, replyTitle)}
                  {open && entry.manual && (
                    <button type="button" onClick={() => tick(entry.id, false)}>
                      Not done: untick
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {askReason.value && (
        <QaTags
          chat={chat}
          close={() => {
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
    <div>
      {notes.length > 0 && (
        <ul class="cp-notes" aria-label="Notes">
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
    </div>
  );
}
