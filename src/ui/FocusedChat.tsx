import type { ChatModel } from '../models/chats.ts';
import { chatName, escalationText, WORD_TRIGGERS } from '../models/describe.ts';
import { Checklist, Notes } from './Checklist.tsx';
import { Clocks } from './Clock.tsx';
import { useStore } from './context.ts';
import { mss, timeOfDay } from './format.ts';

function EscalationPrompt({ chat }: { chat: ChatModel }) {
  const store = useStore();
  const escalations = chat.reading.value!.escalations;
  const sop = store.library.escalationSop.value;
  if (escalations.length === 0 || chat.state.value!.closedAt !== null) return null;
  const maxOpenS = chat.rules.value.escalation.maxOpenS;
  return (
    <section class="cp-prompt" data-kind="escalate" data-cp-escalation aria-labelledby="cp-esc-h">
      <h3 id="cp-esc-h">
        <span aria-hidden="true">⚑ </span>Consider escalating
      </h3>
      <ul>
        {escalations.map((hit) => {
          const text = escalationText(hit, maxOpenS);
          return (
            <li key={hit.kind} data-cp-trigger={hit.kind}>
              {text.charAt(0).toUpperCase() + text.slice(1)}
              {hit.excerpt && hit.kind in WORD_TRIGGERS ? `: “${hit.excerpt}”` : ''}
            </li>
          );
        })}
      </ul>
      {sop ? (
        <button type="button" onClick={() => store.suggestions.open(sop.id)}>
          Open {sop.title} ({sop.id})
        </button>
      ) : (
        <p>No escalation SOP in the library: follow your team's escalation procedure.</p>
      )}
    </section>
  );
}

function ExpectationsOffer({ chat }: { chat: ChatModel }) {
  const store = useStore();
  const gap = chat.reading.value!.gap;
  if (!gap.running || (gap.state !== 'warning' && gap.state !== 'breached')) return null;
  const { sopId, reply } = store.expectationsReply.value;
  return (
    <div class="cp-prompt" data-kind="expect">
      <p>The customer has been waiting {mss(gap.elapsedMs)}. Tell them where things stand.</p>
      <button
        type="button"
        data-cp-expectations
        onClick={() => store.commands.chooseReply(chat.id, sopId, reply)}
      >
        Send “{reply.title}”
      </button>
    </div>
  );
}

export function FocusedChat() {
  const store = useStore();
  const chat = store.focused.value;
  const wanted = store.focusedId.value;
  if (!chat) {
    return (
      wanted !== null && (
        <section aria-label="Current chat">
          <p class="cp-muted">Waiting for chat {wanted}…</p>
        </section>
      )
    );
  }
  // A chat is listed (and so focused) only once it has a state, and then a reading.
  const reading = chat.reading.value!;
  const state = chat.state.value!;
  const { gap } = reading;
  return (
    <section aria-labelledby="cp-focus-h" data-cp-focus={chat.id}>
      <h2 id="cp-focus-h">
        {chatName(state, chat.id)}
        {state.customer.tier && <span class="cp-tier"> · {state.customer.tier}</span>}
      </h2>
      <p class="cp-muted">
        Case {state.caseRef} · started {timeOfDay(state.start)}
        {state.closedAt !== null && ` · closed ${timeOfDay(state.closedAt)}`}
      </p>
      <Clocks reading={reading} />
      {gap.running && gap.since !== null && <p>Waiting since {timeOfDay(gap.since)}</p>}
      <EscalationPrompt chat={chat} />
      <ExpectationsOffer chat={chat} />
      <Checklist key={`c-${chat.id}`} chat={chat} />
      <Notes key={`n-${chat.id}`} chat={chat} />
    </section>
  );
}
