import { useState } from 'preact/hooks';
import type { ChecklistEntry } from '../core/index.ts';
import type { ChatModel } from '../models/chats.ts';
import { useStore } from './context.ts';
import { focusOnMount, timeOfDay } from './format.ts';

function how(entry: ChecklistEntry): string {
  if (entry.checked && entry.source === 'auto')
    return `auto-ticked${entry.at ? ` at ${timeOfDay(entry.at)}` : ''}`;
  if (entry.checked && entry.source === 'manual') {
    return `ticked${entry.at ? ` at ${timeOfDay(entry.at)}` : ''}${entry.reason ? `: ${entry.reason}` : ''}`;
  }
  if (entry.suggested) return 'looks done: tick to confirm';
  if (!entry.manual) return 'ticked automatically when it happens';
  return '';
}

export function Checklist({ chat }: { chat: ChatModel }) {
  const store = useStore();
  const reading = chat.reading.value;
  const [askReason, setAskReason] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!reading) return null;

  const toggle = (entry: ChecklistEntry) => {
    if (!entry.manual) return;
    if (entry.id === 'qa' && !entry.checked) {
      setAskReason(true);
      setError(null);
      return;
    }
    const problem = store.commands.tick(chat.id, entry.id, !entry.checked);
    setError(problem);
  };

  const submitReason = (e: Event) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setError('A reason is required to tag this chat for QA review.');
      return;
    }
    const problem = store.commands.tick(chat.id, 'qa', true, reason.trim());
    setError(problem);
    if (!problem) {
      setAskReason(false);
      setReason('');
    }
  };

  return (
    <div>
      <h3 id="cp-checks-h">Checklist</h3>
      <ul aria-labelledby="cp-checks-h">
        {reading.checklist.map((entry) => {
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
                data-cp-suggested={entry.suggested ? 'true' : undefined}
                aria-checked={entry.checked ? 'true' : 'false'}
                aria-disabled={entry.manual ? undefined : 'true'}
                aria-describedby={detail ? `cp-check-how-${entry.id}` : undefined}
                onClick={() => toggle(entry)}
                onKeyDown={(e) => {
                  if (e.key === ' ' || e.key === 'Enter') {
                    e.preventDefault();
                    toggle(entry);
                  }
                }}
              >
                <span class="cp-box" aria-hidden="true">
                  {entry.checked ? '✓' : ''}
                </span>
                <span>
                  {entry.label}
                  {detail ? (
                    <>
                      <br />
                      <span class="cp-how" id={`cp-check-how-${entry.id}`}>
                        {detail}
                      </span>
                    </>
                  ) : null}
                </span>
              </div>
            </li>
          );
        })}
      </ul>
      {askReason ? (
        <form class="cp-form" noValidate onSubmit={submitReason} aria-label="Tag for QA review">
          <label for="cp-qa-reason">Why does this chat need QA review? (required)</label>
          <input
            ref={focusOnMount}
            id="cp-qa-reason"
            required
            aria-required="true"
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'cp-checks-error' : undefined}
            value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setAskReason(false);
            }}
          />
          <div class="cp-actions">
            <button type="submit" class="cp-primary">
              Tag for QA
            </button>
            <button
              type="button"
              onClick={() => {
                setAskReason(false);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      {error ? (
        <p class="cp-error" id="cp-checks-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Notes({ chat }: { chat: ChatModel }) {
  const store = useStore();
  const notes = chat.state.value?.notes ?? [];
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    if (text.trim() === '') {
      setError('Write a note first.');
      return;
    }
    const problem = store.commands.note(chat.id, text.trim());
    setError(problem);
    if (!problem) setText('');
  };
  return (
    <section aria-labelledby="cp-notes-h">
      <h3 id="cp-notes-h">Notes</h3>
      {notes.length > 0 ? (
        <ul class="cp-notes" aria-labelledby="cp-notes-h">
          {notes.map((note, i) => (
            <li key={i}>
              <span class="cp-muted">{timeOfDay(note.at)} </span>
              {note.text}
            </li>
          ))}
        </ul>
      ) : null}
      <form class="cp-form" noValidate onSubmit={submit}>
        <label for="cp-note-text">Add a note (resolution, follow-ups)</label>
        <textarea
          id="cp-note-text"
          value={text}
          aria-invalid={error ? 'true' : undefined}
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <div class="cp-actions">
          <button type="submit">Add note</button>
        </div>
        {error ? (
          <p class="cp-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </section>
  );
}
