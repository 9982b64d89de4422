import type { ChatModel } from '../models/chats.ts';
import { chatName, escalationText } from '../models/describe.ts';
import { Checklist, Notes } from './Checklist.tsx';
import { ClockView } from './Clock.tsx';
import { useStore } from './context.ts';
import { mss, timeOfDay } from './format.ts';

const WORD_KINDS = new Set(['manager', 'legal', 'safety']);

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function EscalationPrompt({ chat }: { chat: ChatModel }) {
  const store = useStore();
  const reading = chat.reading.value;
  const state = chat.state.value;
  const sop = store.library.escalationSop.value;
  if (!reading || !state || reading.escalations.length === 0 || state.closedAt !== null)
    return null;
  const maxOpenS = chat.rules.value.escalation.maxOpenS;
  return (
    <section class="cp-prompt" data-kind="escalate" data-cp-escalation aria-labelledby="cp-esc-h">
      <h3 id="cp-esc-h">
        <span aria-hidden="true">⚑ </span>Consider escalating
      </h3>
      <ul>
        {reading.escalations.map((hit) => (
          <li key={hit.kind} data-cp-trigger={hit.kind}>
            {capitalise(escalationText(hit, maxOpenS))}
            {hit.excerpt && WORD_KINDS.has(hit.kind) ? `: “${hit.excerpt}”` : ''}
          </li>
        ))}
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
  const gap = chat.reading.value?.gap;
  if (!gap?.running || (gap.state !== 'warning' && gap.state !== 'breached')) return null;
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
    if (wanted === null) return null;
    return (
      <section aria-label="Current chat">
        <p class="cp-muted">Waiting for chat {wanted}…</p>
      </section>
    );
  }
  const reading = chat.reading.value;
  const state = chat.state.value;
  if (!reading || !state) return null;
  const gap = reading.gap;
  return (
    <section aria-labelledby="cp-focus-h" data-cp-focus={chat.id}>
      <h2 id="cp-focus-h">
        {chatName(state, chat.id)}
        {state.customer.tier ? <span class="cp-tier"> · {state.customer.tier}</span> : null}
      </h2>
      <p class="cp-muted">
        Case {state.caseRef} · started {timeOfDay(state.start)}
        {state.closedAt !== null ? ` · closed ${timeOfDay(state.closedAt)}` : ''}
      </p>
      <div class="cp-big">
        <ClockView clock="firstResponse" reading={reading.firstResponse} contract={false} />
        <ClockView clock="gap" reading={gap} contract={false} />
      </div>
      {gap.running && gap.since !== null ? <p>Waiting since {timeOfDay(gap.since)}</p> : null}
      <EscalationPrompt chat={chat} />
      <ExpectationsOffer chat={chat} />
      <Checklist key={`c-${chat.id}`} chat={chat} />
      <Notes key={`n-${chat.id}`} chat={chat} />
    </section>
  );
}
