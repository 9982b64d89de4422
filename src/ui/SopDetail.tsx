// An SOP opened in full: its purpose, steps, escalation and every reply. It ships with the
// reply form in the reply chunk (src/reply-entry.ts), loaded the first time an agent opens one.
import type { Store } from '../models/store.ts';
import type { Sop } from '../search/types.ts';
import { StoreContext, useStore } from './context.ts';
import { focusOnMount } from './format.ts';
import { Markdown } from './markdown.tsx';
import { Replies, Review } from './Suggestions.tsx';

function SopDetail({ sop, marks }: { sop: Sop; marks: ReadonlySet<string> }) {
  const store = useStore();
  const { escalation } = sop;
  return (
    <section class="cp-detail" data-cp-sop={sop.id} aria-labelledby="cp-detail-h">
      <h3 id="cp-detail-h" tabIndex={-1} ref={focusOnMount}>
        {sop.title} <span class="cp-muted">{sop.id}</span>
      </h3>
      <Review sop={sop} />
      {sop.purpose && (
        <p>
          <Markdown text={sop.purpose} marks={marks} />
        </p>
      )}
      <ol aria-label="Steps">
        {sop.steps.map((step) => {
          const about = [step.role, step.within && `within ${step.within}`].filter(Boolean);
          return (
            <li key={step.id}>
              <Markdown text={step.text} marks={marks} />
              {about.length > 0 && <span class="cp-muted"> ({about.join(', ')})</span>}
            </li>
          );
        })}
      </ol>
      {escalation && (
        <p>
          <strong>Escalate</strong>
          {escalation.to && ` to ${escalation.to}`}
          {escalation.triggers.length > 0 && ` when: ${escalation.triggers.join('; ')}`}
        </p>
      )}
      {sop.replies.length > 0 && <Replies sop={sop} replies={sop.replies} />}
      <button type="button" onClick={() => store.suggestions.open(null)}>
        Close {sop.id}
      </button>
    </section>
  );
}

/** The SOP the agent opened, with the words the search matched marked. */
function OpenedSop() {
  const { suggestions, library } = useStore();
  const openedId = suggestions.opened.value;
  const sop = openedId ? library.find(openedId) : undefined;
  if (!sop) return null;
  const marks = suggestions.hits.value.find((h) => h.sop.id === openedId)?.marks;
  return <SopDetail sop={sop} marks={new Set(marks)} />;
}

/** As the chunk ships it: under its own store provider (the chunk's context copy). */
export function SopDetailView({ store }: { store: Store }) {
  return (
    <StoreContext.Provider value={store}>
      <OpenedSop />
    </StoreContext.Provider>
  );
}
