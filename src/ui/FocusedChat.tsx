// The chat on screen, in the order the agent acts on it: who and the clock that matters,
// the next action (greet, set expectations, escalate), the suggested SOPs and replies with
// their search box (sticky), then the foldable checklist, notes and history.
import type { ChatReading, ChatState } from '../core/index.ts';
import type { ChatModel } from '../models/chats.ts';
import { chatName, escalationText, WORD_TRIGGERS } from '../models/describe.ts';
import type { OfferedReply } from '../models/store.ts';
import { Checklist, Notes } from './Checklist.tsx';
import { Clocks, Running } from './Clock.tsx';
import { useStore } from './context.ts';
import { Fold } from './Fold.tsx';
import { mss, timeOfDay } from './format.ts';
import { SuggestionsPanel } from './Suggestions.tsx';

function EscalationPrompt({ chat }: { chat: ChatModel }) {
  const store = useStore();
  const escalations = chat.reading.value!.escalations;
  const sop = store.library.escalationSop.value;
  if (escalations.length === 0 || chat.state.value!.closedAt !== null) return null;
  const maxOpenS = chat.rules.value.escalation.maxOpenS;
  return (
    <div class="cp-prompt" data-kind="escalate" data-cp-escalation>
      <h3>
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
    </div>
  );
}

/**
 * A prompt tied to a running clock: its tone follows the clock (warning, then breach) and
 * its time is the clock's own, so the two agree to the second.
 */
function ClockPrompt(props: {
  chat: ChatModel;
  kind: 'greet' | 'expect';
  reading: ChatReading;
  offer: OfferedReply;
  text: string;
}) {
  const store = useStore();
  const { chat, kind, offer } = props;
  const clock = kind === 'greet' ? props.reading.firstResponse : props.reading.gap;
  const limit = mss(clock.limitMs);
  const over = clock.state === 'breached';
  return (
    <div class="cp-prompt" data-kind={kind} data-cp-next={kind} data-cp-state={clock.state}>
      <p>
        {props.text}{' '}
        <span class="cp-time">{clock.since !== null && <Running since={clock.since} />}</span>
        {over ? `, over the ${limit} limit.` : ` of ${limit}.`}
      </p>
      <button
        type="button"
        data-cp-expectations={kind === 'expect' || undefined}
        onClick={() => store.commands.chooseReply(chat.id, offer.sopId, offer.reply)}
      >
        {kind === 'greet' ? 'Insert' : 'Send'} “{offer.reply.title}”
      </button>
    </div>
  );
}

function NextActions({ chat, state }: { chat: ChatModel; state: ChatState }) {
  const store = useStore();
  const reading = chat.reading.value!;
  if (state.closedAt !== null) return null;
  const name = state.customer.name?.trim().split(/\s+/)[0] || 'the customer';
  const { firstResponse, gap } = reading;
  return (
    <>
      <EscalationPrompt chat={chat} />
      {firstResponse.running && (
        <ClockPrompt
          chat={chat}
          kind="greet"
          reading={reading}
          offer={store.greetingReply.value}
          text={`Greet ${name} by name: waiting`}
        />
      )}
      {gap.running && (gap.state === 'warning' || gap.state === 'breached') && (
        <ClockPrompt
          chat={chat}
          kind="expect"
          reading={reading}
          offer={store.expectationsReply.value}
          text={`Tell ${name} where things stand: waiting`}
        />
      )}
    </>
  );
}

function History({ chat }: { chat: ChatModel }) {
  const lines = chat.conversation.value;
  return lines.length === 0 ? (
    <p class="cp-muted">No messages yet.</p>
  ) : (
    <ol class="cp-history" aria-label="Messages, oldest first">
      {lines.map((line) => (
        <li key={line.id} data-author={line.author}>
          <span class="cp-muted">
            {timeOfDay(line.at)} {line.author === 'agent' ? 'Agent' : 'Customer'}:{' '}
          </span>
          {line.text}
        </li>
      ))}
    </ol>
  );
}

export function FocusedChat() {
  const store = useStore();
  const chat = store.focused.value;
  const wanted = store.focusedId.value;
  if (!chat) {
    return (
      <>
        {wanted !== null && (
          <section aria-label="Current chat">
            <p class="cp-muted">Waiting for chat {wanted}…</p>
          </section>
        )}
        <SuggestionsPanel />
      </>
    );
  }
  // A chat is listed (and so focused) only once it has a state, and then a reading.
  const reading = chat.reading.value!;
  const state = chat.state.value!;
  const owner = chat.owner.value;
  const done = reading.checklist.filter((c) => c.checked).length;
  const notes = state.notes.length;
  const messages = chat.conversation.value.length;
  return (
    <>
      <section aria-labelledby="cp-focus-h" data-cp-focus={chat.id} class="cp-focus">
        <h2 id="cp-focus-h">
          {chatName(state, chat.id)}
          {state.customer.tier && <span class="cp-tier"> · {state.customer.tier}</span>}
        </h2>
        <p class="cp-muted">
          Case {state.caseRef} · started {timeOfDay(state.start)}
          {state.closedAt !== null && ` · closed ${timeOfDay(state.closedAt)}`}
          {!store.view.mine(chat) && ` · ${owner}'s chat`}
        </p>
        <Clocks reading={reading} state={state} />
        <NextActions chat={chat} state={state} />
      </section>
      <SuggestionsPanel />
      <Fold id="checklist" title="Checklist" count={`${done} of ${reading.checklist.length} done`}>
        <Checklist key={`c-${chat.id}`} chat={chat} />
      </Fold>
      <Fold id="notes" title="Notes" count={String(notes)}>
        <Notes key={`n-${chat.id}`} chat={chat} />
      </Fold>
      <Fold id="history" title="History" count={`${messages} message${messages === 1 ? '' : 's'}`}>
        <History chat={chat} />
      </Fold>
    </>
  );
}
