// The fill-in form of a chosen reply: its fields, a preview with the blanks marked, insert.
import { parseTemplate } from '../search/placeholders.ts';
import { useStore } from './context.ts';
import { fieldLabel, focusOnMount } from './format.ts';

export function ReplyForm() {
  const { commands } = useStore();
  const draft = commands.draft.value;
  if (!draft) return null;
  const { reply, fields, values } = draft;
  const parsed = parseTemplate(reply.text);
  const filled = { ...values, ...draft.chatValues };
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
        // Back to the first field still empty.
        const missing = commands.insertDraft();
        if (missing) {
          e.currentTarget
            .querySelector<HTMLElement>(`#cp-fill-${fields.indexOf(missing[0]!)}`)
            ?.focus();
        }
      }}
    >
      <h3 id="cp-fill-h">Fill in “{reply.title}”</h3>
      {fields.map((name, i) => {
        const invalid = draft.showErrors && !values[name]!.trim();
        const label = fieldLabel(name);
        return (
          <div key={name} class="cp-form">
            <label for={`cp-fill-${i}`}>{label} (required)</label>
            <input
              id={`cp-fill-${i}`}
              ref={i === 0 ? focusOnMount : undefined}
              data-cp-field={name}
              required
              aria-invalid={invalid || undefined}
              aria-describedby={invalid ? `cp-fill-err-${i}` : undefined}
              value={values[name]}
              onInput={(e) => commands.setDraftValue(name, e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Escape' && commands.cancelDraft()}
            />
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
                <span class="cp-blank">{fieldLabel(part.name)}</span>
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
