import { useContext, useRef } from 'preact/hooks';
import { optionKey, type Suggestion, shownReplies } from '../models/suggestions.ts';
import { reviewStatus } from '../search/review.ts';
import type { Sop, SopReply } from '../search/types.ts';
import { useStore, ViewsContext } from './context.ts';
import { LazyView } from './lazy-view.tsx';
import { Markdown } from './markdown.tsx';
import { forgetOrigin, returnFocus } from './shortcuts.ts';

/** Matched steps shown under a suggestion before it is opened. */
const STEPS_SHOWN = 2;

/** Props that make an element one of the options ↑/↓ move through (by its option key). */
function useOption() {
  const s = useStore().suggestions;
  const options = s.options.value;
  const active = s.activeKey.value;
  return (key: string) => ({
    id: `cp-opt-${options.findIndex((o) => o.key === key)}`,
    'data-cp-active': key === active || undefined,
  });
}

export function Review({ sop }: { sop: Sop }) {
  const { stale, dueOn, monthsSinceReview: months } = reviewStatus(sop, useStore().hour.value);
  return (
    <p class="cp-muted">
      {stale && (
        <span class="cp-badge" data-kind="stale" data-cp-stale="true">
          Review overdue
          <span class="cp-sr"> since {dueOn}</span>
        </span>
      )}
      {stale && ' '}
      {months !== null &&
        (months > 0
          ? `reviewed ${months} month${months === 1 ? '' : 's'} ago`
          : 'reviewed this month')}
      {sop.version && ` · v${sop.version}`}
    </p>
  );
}

/** An SOP's "Insert" buttons; under a suggestion they are options with `data-cp-reply`. */
export function Replies(props: {
  sop: Sop;
  replies: SopReply[];
  option?: ReturnType<typeof useOption>;
}) {
  const { sop, option } = props;
  const store = useStore();
  return (
    <ul class="cp-replies" aria-label={`Replies from ${sop.title}`}>
      {props.replies.map((reply) => (
        <li key={reply.id}>
          <button
            type="button"
            {...(option
              ? { ...option(optionKey(sop.id, reply.id)), 'data-cp-reply': reply.id }
              : { 'data-cp-sop-reply': reply.id })}
            onClick={() => store.chooseReply(sop.id, reply)}
          >
            Insert “{reply.title}”
          </button>
        </li>
      ))}
    </ul>
  );
}

function SearchBox() {
  const store = useStore();
  const s = store.suggestions;
  const options = s.options.value;
  const active = s.activeKey.value;
  const option = useOption();
  const input = useRef<HTMLInputElement>(null);
  const keys: Record<string, (input: HTMLInputElement) => void> = {
    ArrowDown: () => s.move(1),
    ArrowUp: () => s.move(-1),
    Enter: () => {
      const option = options.find((o) => o.key === active) ?? options[0];
      if (option?.kind === 'sop') s.open(option.sopId);
      else if (option) store.chooseReply(option.sopId, option.reply);
    },
    // Each Esc undoes one thing; with nothing left, back to where `/` came from.
    Escape: (input) => {
      if (!s.clear()) returnFocus(input);
    },
  };
  return (
    <div class="cp-searchbar">
      <label for="cp-search-input" class="cp-sr">
        Search SOPs
      </label>
      <input
        id="cp-search-input"
        ref={input}
        data-cp-search
        type="search"
        autoComplete="off"
        placeholder="Search SOPs (press /)"
        aria-describedby="cp-search-help"
        aria-controls="cp-suggestions"
        aria-activedescendant={active ? option(active).id : undefined}
        value={s.typed.value}
        onInput={(e) => s.setTyped(e.currentTarget.value)}
        onFocus={() => s.setFocus('search')}
        onBlur={(e) => {
          s.setFocus(null);
          forgetOrigin(e.currentTarget);
        }}
        onKeyDown={(e) => {
          const action = keys[e.key];
          if (action) {
            e.preventDefault();
            action(e.currentTarget);
          }
        }}
      />
      <span id="cp-search-help" class="cp-sr">
        Your words rank the results; the conversation only breaks ties. Up and down arrows move
        through the results, Enter opens an SOP or inserts a reply, Escape clears, then goes back.
      </span>
      <div class="cp-search-opts">
        <label>
          <input
            type="checkbox"
            data-cp-use-conversation
            checked={s.useConversation.value}
            onChange={(e) => s.setUseConversation(e.currentTarget.checked)}
          />
          Use the conversation
        </label>
        <div role="status">
          {s.held.value && (
            <button
              type="button"
              data-cp-new-suggestions
              onClick={() => {
                s.showHeld();
                // The cue goes away with its list shown: the agent goes on from the search box.
                input.current?.focus();
              }}
            >
              New suggestions
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

function SuggestionItem({ hit }: { hit: Suggestion }) {
  const s = useStore().suggestions;
  const option = useOption();
  const { sop } = hit;
  const marks = new Set(hit.marks);
  return (
    <li data-cp-suggestion={sop.id}>
      <button
        type="button"
        class="cp-title"
        {...option(optionKey(sop.id))}
        aria-expanded={s.opened.value === sop.id}
        onClick={() => s.open(s.opened.peek() === sop.id ? null : sop.id)}
      >
        {sop.title} <span class="cp-muted">{sop.id}</span>
      </button>
      <Review sop={sop} />
      {hit.steps.slice(0, STEPS_SHOWN).map(({ step }) => (
        <p key={step.id} data-cp-step={step.id}>
          <span class="cp-muted">Step {sop.steps.findIndex((st) => st.id === step.id) + 1}: </span>
          <Markdown text={step.text} marks={marks} />
        </p>
      ))}
      <Replies sop={sop} replies={shownReplies(hit)} option={option} />
    </li>
  );
}

const LIBRARY_TEXT = { loading: 'Loading the SOP library…', none: 'No SOP library configured.' };

export function SuggestionsPanel() {
  const store = useStore();
  const s = store.suggestions;
  const { status, error } = store.library;
  const state = status.value;
  const hits = s.hits.value;
  const openedId = s.opened.value;
  const opened = openedId && store.library.find(openedId);
  const views = useContext(ViewsContext);
  const hasQuery =
    s.typed.value.trim() !== '' || (store.focused.value?.conversation.value.length ?? 0) > 0;
  return (
    <section aria-labelledby="cp-sugg-h">
      <h2 id="cp-sugg-h">Suggested SOPs</h2>
      {state !== 'ready' && (
        <p
          class={state === 'error' ? 'cp-error' : 'cp-muted'}
          role={state === 'loading' ? 'status' : undefined}
          data-cp-library={state}
        >
          {state === 'error' ? error.value : LIBRARY_TEXT[state]}
        </p>
      )}
      <SearchBox />
      {store.commands.draft.value && <LazyView load={views.replyForm} what="reply form" />}
      {opened && <LazyView key={opened.id} load={views.sopDetail} what="SOP" />}
      {state === 'ready' && hits.length === 0 && hasQuery && !s.pending.value && (
        <p class="cp-muted">No matching SOPs.</p>
      )}
      <ol
        id="cp-suggestions"
        class="cp-suggestions"
        aria-label="Suggested SOPs, best first"
        onFocusIn={() => s.setFocus('list')}
        onFocusOut={() => s.setFocus(null)}
      >
        {hits.map((hit) => (
          <SuggestionItem key={hit.sop.id} hit={hit} />
        ))}
      </ol>
    </section>
  );
}
