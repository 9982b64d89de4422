import type { Suggestion } from '../adapters/search.ts';
import { reviewOf } from '../models/review.ts';
import type { SuggestionOption } from '../models/suggestions.ts';
import { optionKey, shownReplies } from '../models/suggestions.ts';
import { parseTemplate } from '../search/placeholders.ts';
import type { Sop, SopReply } from '../search/types.ts';
import { useStore } from './context.ts';
import { fieldLabel, focusOnMount, reviewedText } from './format.ts';
import { Markdown } from './markdown.tsx';

/** Matched steps shown under a suggestion before it is opened. */
const STEPS_SHOWN = 2;

function optionId(options: SuggestionOption[], key: string): string | undefined {
  const index = options.findIndex((o) => o.key === key);
  return index === -1 ? undefined : `cp-opt-${index}`;
}

function Review({ sop }: { sop: Sop }) {
  const store = useStore();
  const status = reviewOf(sop, store.hour.value);
  const reviewed = reviewedText(status.monthsSinceReview);
  return (
    <p class="cp-muted">
      {status.stale ? (
        <span class="cp-badge" data-kind="stale" data-cp-stale="true">
          Review overdue
          <span class="cp-sr"> since {status.dueOn}</span>
        </span>
      ) : null}
      {status.stale && reviewed ? ' ' : ''}
      {reviewed}
      {sop.version ? ` · v${sop.version}` : ''}
    </p>
  );
}

function useChooseReply() {
  const store = useStore();
  return (sopId: string, reply: SopReply) => {
    const chatId = store.focused.peek()?.id;
    if (chatId === undefined) {
      store.commands.inform('error', 'Open a chat first: replies are filled in for a chat.');
      return;
    }
    store.commands.chooseReply(chatId, sopId, reply);
  };
}

export function SearchBox() {
  const store = useStore();
  const s = store.suggestions;
  const options = s.options.value;
  const active = s.activeKey.value;
  const choose = useChooseReply();
  const activate = (option: SuggestionOption | undefined) => {
    if (!option) return;
    if (option.kind === 'sop') s.open(option.sopId);
    else choose(option.sopId, option.reply);
  };
  return (
    <div>
      <label for="cp-search-input" class="cp-sr">
        Search SOPs
      </label>
      <input
        id="cp-search-input"
        data-cp-search
        type="search"
        autoComplete="off"
        placeholder="Search SOPs (press /)"
        aria-describedby="cp-search-help"
        aria-controls="cp-suggestions"
        aria-activedescendant={active ? optionId(options, active) : undefined}
        value={s.typed.value}
        onInput={(e) => s.setTyped((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            s.move(e.key === 'ArrowDown' ? 1 : -1);
          } else if (e.key === 'Enter') {
            e.preventDefault();
            activate(options.find((o) => o.key === active) ?? options[0]);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            s.clear();
          }
        }}
      />
      <span id="cp-search-help" class="cp-sr">
        Searches with the conversation. Up and down arrows move through the results, Enter opens an
        SOP or inserts a reply, Escape clears.
      </span>
    </div>
  );
}

function SuggestionItem({ hit, options }: { hit: Suggestion; options: SuggestionOption[] }) {
  const store = useStore();
  const s = store.suggestions;
  const active = s.activeKey.value;
  const choose = useChooseReply();
  const terms = new Set(hit.terms);
  const sopKey = optionKey(hit.sop.id);
  const stepNumber = (id: string) => hit.sop.steps.findIndex((st) => st.id === id) + 1;
  return (
    <li data-cp-suggestion={hit.sop.id}>
      <button
        type="button"
        class="cp-title"
        id={optionId(options, sopKey)}
        data-cp-active={active === sopKey ? 'true' : undefined}
        aria-expanded={s.opened.value === hit.sop.id ? 'true' : 'false'}
        onClick={() => s.open(s.opened.peek() === hit.sop.id ? null : hit.sop.id)}
      >
        {hit.sop.title} <span class="cp-muted">{hit.sop.id}</span>
      </button>
      <Review sop={hit.sop} />
      {hit.steps.slice(0, STEPS_SHOWN).map(({ step }) => (
        <p key={step.id} data-cp-step={step.id}>
          <span class="cp-muted">Step {stepNumber(step.id)}: </span>
          <Markdown text={step.text} terms={terms} />
        </p>
      ))}
      <ul class="cp-replies" aria-label={`Replies from ${hit.sop.title}`}>
        {shownReplies(hit).map((reply) => {
          const key = optionKey(hit.sop.id, reply.id);
          return (
            <li key={reply.id}>
              <button
                type="button"
                id={optionId(options, key)}
                data-cp-reply={reply.id}
                data-cp-active={active === key ? 'true' : undefined}
                onClick={() => choose(hit.sop.id, reply)}
              >
                Insert “{reply.title}”
              </button>
            </li>
          );
        })}
      </ul>
    </li>
  );
}

function SopDetail({ sop, terms }: { sop: Sop; terms: ReadonlySet<string> }) {
  const store = useStore();
  const choose = useChooseReply();
  return (
    <section class="cp-detail" data-cp-sop={sop.id} aria-labelledby="cp-detail-h">
      <h3 id="cp-detail-h" tabIndex={-1} ref={focusOnMount}>
        {sop.title} <span class="cp-muted">{sop.id}</span>
      </h3>
      <Review sop={sop} />
      {sop.purpose ? (
        <p>
          <Markdown text={sop.purpose} terms={terms} />
        </p>
      ) : null}
      <ol aria-label="Steps">
        {sop.steps.map((step) => (
          <li key={step.id}>
            <Markdown text={step.text} terms={terms} />
            {step.role || step.within ? (
              <span class="cp-muted">
                {' '}
                (
                {[step.role, step.within ? `within ${step.within}` : ''].filter(Boolean).join(', ')}
                )
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {sop.escalation ? (
        <p>
          <strong>Escalate</strong>
          {sop.escalation.to ? ` to ${sop.escalation.to}` : ''}
          {sop.escalation.triggers.length > 0 ? ` when: ${sop.escalation.triggers.join('; ')}` : ''}
        </p>
      ) : null}
      {sop.replies.length > 0 ? (
        <ul class="cp-replies" aria-label={`Replies from ${sop.title}`}>
          {sop.replies.map((reply) => (
            <li key={reply.id}>
              <button
                type="button"
                data-cp-sop-reply={reply.id}
                onClick={() => choose(sop.id, reply)}
              >
                Insert “{reply.title}”
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div class="cp-actions">
        <button type="button" onClick={() => store.suggestions.open(null)}>
          Close {sop.id}
        </button>
      </div>
    </section>
  );
}

export function ReplyForm() {
  const store = useStore();
  const draft = store.commands.draft.value;
  if (!draft) return null;
  const parsed = parseTemplate(draft.reply.text);
  const values = { ...draft.values, ...draft.chatValues };
  const submit = (e: Event) => {
    e.preventDefault();
    const missing = store.commands.insertDraft();
    if (missing && missing.length > 0) {
      const index = draft.fields.indexOf(missing[0]!);
      const input = (e.currentTarget as HTMLFormElement).querySelector<HTMLInputElement>(
        `#cp-fill-${index}`,
      );
      input?.focus();
    }
  };
  return (
    <form
      key={`${draft.chatId}|${draft.sopId}|${draft.reply.id}`}
      class="cp-form cp-prompt"
      data-kind="fill"
      data-cp-fill={draft.reply.id}
      noValidate
      onSubmit={submit}
      aria-labelledby="cp-fill-h"
    >
      <h3 id="cp-fill-h">Fill in “{draft.reply.title}”</h3>
      {draft.fields.map((name, i) => {
        const blank = (draft.values[name] ?? '').trim() === '';
        const invalid = draft.showErrors && blank;
        return (
          <div key={name} class="cp-form">
            <label for={`cp-fill-${i}`}>{fieldLabel(name)} (required)</label>
            <input
              id={`cp-fill-${i}`}
              ref={i === 0 ? focusOnMount : undefined}
              data-cp-field={name}
              required
              aria-required="true"
              aria-invalid={invalid ? 'true' : undefined}
              aria-describedby={invalid ? `cp-fill-err-${i}` : undefined}
              value={draft.values[name] ?? ''}
              onInput={(e) =>
                store.commands.setDraftValue(name, (e.currentTarget as HTMLInputElement).value)
              }
              onKeyDown={(e) => {
                if (e.key === 'Escape') store.commands.cancelDraft();
              }}
            />
            {invalid ? (
              <span class="cp-error" id={`cp-fill-err-${i}`}>
                Fill in {fieldLabel(name).toLowerCase()} first.
              </span>
            ) : null}
          </div>
        );
      })}
      <p class="cp-muted">Preview</p>
      <p class="cp-preview" data-cp-preview>
        {parsed.ok
          ? parsed.parts.map((part, i) => {
              if (part.kind === 'text') return part.text;
              const value = values[part.name];
              return value?.trim() ? (
                value
              ) : (
                <span class="cp-blank" key={i}>
                  {fieldLabel(part.name)}
                </span>
              );
            })
          : draft.reply.text}
      </p>
      <div class="cp-actions">
        <button type="submit" class="cp-primary">
          Insert reply
        </button>
        <button type="button" onClick={() => store.commands.cancelDraft()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function SuggestionsPanel() {
  const store = useStore();
  const status = store.library.status.value;
  const hits = store.suggestions.hits.value;
  const options = store.suggestions.options.value;
  const openedId = store.suggestions.opened.value;
  const opened = openedId ? store.library.find(openedId) : null;
  const openedHit = hits.find((h) => h.sop.id === openedId);
  const hasQuery =
    store.suggestions.typed.value.trim() !== '' ||
    (store.focused.value?.conversation.value.length ?? 0) > 0;
  return (
    <section aria-labelledby="cp-sugg-h">
      <h2 id="cp-sugg-h">Suggested SOPs</h2>
      {status === 'loading' ? (
        <p role="status" data-cp-library="loading">
          Loading the SOP library…
        </p>
      ) : null}
      {status === 'error' ? (
        <p class="cp-error" data-cp-library="error">
          {store.library.error.value}
        </p>
      ) : null}
      {status === 'none' ? (
        <p class="cp-muted" data-cp-library="none">
          No SOP library configured.
        </p>
      ) : null}
      <SearchBox />
      <ReplyForm />
      {opened ? (
        <SopDetail key={opened.id} sop={opened} terms={new Set(openedHit?.terms ?? [])} />
      ) : null}
      {status === 'ready' && hits.length === 0 && hasQuery && !store.suggestions.pending.value ? (
        <p class="cp-muted">No matching SOPs.</p>
      ) : null}
      <ol id="cp-suggestions" class="cp-suggestions" aria-label="Suggested SOPs, best first">
        {hits.map((hit) => (
          <SuggestionItem key={hit.sop.id} hit={hit} options={options} />
        ))}
      </ol>
    </section>
  );
}
