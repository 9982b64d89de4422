// The fill-in form of a chosen reply: its fields, each value found for it with its source
// (the host, or the customer's message), a preview with the blanks marked, insert. It ships
// in a chunk of its own (src/reply-entry.ts), loaded the first time an agent fills a reply.
import { blankOf, type FoundValue, fieldSpec, labelOf } from '../models/fill.ts';
import type { Store } from '../models/store.ts';
import { parseTemplate, placeholderNames } from '../search/placeholders.ts';
import { StoreContext, useStore } from './context.ts';
import { fieldLabel, focusOnMount, timeOfDay } from './format.ts';

function sourceText({ source }: FoundValue): string {
  return source.kind === 'host'
    ? `from ${source.name}`
    : `from the transcript, ${timeOfDay(source.at)}: “${source.quote}”`;
}

export function ReplyForm() {
  const { commands } = useStore();
  const draft = commands.draft.value;
  if (!draft) return null;
  const { reply, fields, values, found, chatValues } = draft;
  // Own entries only: a field may be called `constructor` or `__proto__`.
  const foundFor = (name: string) => (Object.hasOwn(found, name) ? found[name] : undefined);
  const parsed = parseTemplate(reply.text);
  const filled = { ...values, ...chatValues };
  const fromChat = placeholderNames(reply.text).filter((name) => Object.hasOwn(chatValues, name));
  // Focus starts in the first field nothing filled, and stays with the agent as they type:
  // from the found values, which typing does not change (the typed values would move it).
  const firstFocus = Math.max(
    0,
    fields.findIndex((name) => !foundFor(name)?.value.trim()),
  );
  return (
    <form
      key={`${draft.chatId}|${draft.sopId}|${reply.id}`}
      class="cp-form cp-prompt"
      data-kind="fill"
      data-cp-fill={reply.id}
      noValidate
      aria-labelledby="cp-fill-h"
      onSubmit={(e) => {
        e.preventDefault();
        // Back to the first required field still empty.
        const missing = commands.insertDraft();
        if (missing) {
          e.currentTarget
            .querySelector<HTMLElement>(`#cp-fill-${fields.indexOf(missing[0]!)}`)
            ?.focus();
        }
      }}
    >
      <h3 id="cp-fill-h">Fill in “{reply.title}”</h3>
      {fromChat.length > 0 && (
        <p class="cp-source" data-cp-from-chat>
          From the chat:{' '}
          {fromChat.map((name, i) => (
            <span key={name}>
              {i > 0 && ', '}
              {fieldLabel(name).toLowerCase()} <strong>{chatValues[name]}</strong>
            </span>
          ))}
        </p>
      )}
      {fields.map((name, i) => {
        const { required } = fieldSpec(reply, name);
        const label = labelOf(reply, name);
        const invalid = draft.showErrors && required && !values[name]!.trim();
        const source = foundFor(name)?.value === values[name] ? foundFor(name) : undefined;
        const described = [source && `cp-fill-src-${i}`, invalid && `cp-fill-err-${i}`];
        return (
          <div key={name} class="cp-form">
            <label for={`cp-fill-${i}`}>
              {label}
              {required && ' (required)'}
            </label>
            <input
              id={`cp-fill-${i}`}
              ref={i === firstFocus ? focusOnMount : undefined}
              data-cp-field={name}
              required={required}
              aria-invalid={invalid || undefined}
              aria-describedby={described.filter(Boolean).join(' ') || undefined}
              value={values[name]}
              onInput={(e) => commands.setDraftValue(name, e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Escape' && commands.cancelDraft()}
            />
            {source && (
              <span class="cp-source" id={`cp-fill-src-${i}`} data-cp-source={source.source.kind}>
                {sourceText(source)}
              </span>
            )}
            {invalid && (
              <span class="cp-error" id={`cp-fill-err-${i}`}>
                Fill in {label.toLowerCase()} first.
              </span>
            )}
          </div>
        );
      })}
      <p class="cp-muted">Preview</p>
      <p class="cp-preview" data-cp-preview>
        {parsed.ok
          ? parsed.parts.map((part) =>
              part.kind === 'text' ? (
                part.text
              ) : filled[part.name]?.trim() ? (
                filled[part.name]
              ) : (
                <span class="cp-blank">{blankOf(reply, part.name)}</span>
              ),
            )
          : reply.text}
      </p>
      <div class="cp-actions">
        <button type="submit">Insert reply</button>
        <button type="button" onClick={commands.cancelDraft}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The form as its chunk ships it: under its own store provider (the chunk's context copy). */
export function ReplyFormView({ store }: { store: Store }) {
  return (
    <StoreContext.Provider value={store}>
      <ReplyForm />
    </StoreContext.Provider>
  );
}
