// The chat list: one line a chat, most urgent first. Folded (the default) it shows the chats
// that need the agent now and the one on screen; the rest are a click away. "Mine" (the
// default) lists the agent's chats and the queue's, "Team" everyone's, colleagues' marked.
// Every chat keeps its element (hidden when folded or out of scope): the DOM contract's
// `[data-cp-chat]` is one element per chat.
import type { ChatModel } from '../models/chats.ts';
import { chatName } from '../models/describe.ts';
import { Clocks } from './Clock.tsx';
import { useStore } from './context.ts';

function ChatRow(props: { chat: ChatModel; focused: boolean; shown: boolean; alarm: boolean }) {
  const { chat, focused } = props;
  const store = useStore();
  // Listed chats have a state, and so a reading.
  const reading = chat.reading.value!;
  const state = chat.state.value!;
  const unread = chat.unread.value;
  const owner = chat.owner.value;
  const theirs = !store.view.mine(chat);
  return (
    <li
      class="cp-chat"
      data-cp-chat={chat.id}
      data-cp-focused={focused || undefined}
      data-cp-attention={props.alarm || undefined}
      hidden={!props.shown}
    >
      <button
        type="button"
        aria-current={focused || undefined}
        onClick={() => store.openChat(chat.id)}
      >
        <span class="cp-name">{chatName(state, chat.id)}</span>
        {state.customer.tier && <span class="cp-tier">{state.customer.tier}</span>}
        {theirs && <span class="cp-tier">· {owner}'s</span>}
        {owner === null && state.closedAt === null && <span class="cp-tier">· queue</span>}
        {state.closedAt !== null && <span class="cp-badge">closed</span>}
        {unread > 0 && (
          <span class="cp-unread">
            {unread}
            <span class="cp-sr"> unread</span>
          </span>
        )}
        <Clocks reading={reading} state={state} contract />
      </button>
    </li>
  );
}

function ScopeSwitch() {
  const { view } = useStore();
  const scope = view.scope.value;
  return (
    <fieldset class="cp-scope">
      <legend class="cp-sr">Whose chats</legend>
      {(['mine', 'team'] as const).map((s) => (
        <button
          key={s}
          type="button"
          aria-pressed={scope === s}
          data-cp-scope={s}
          onClick={() => view.setScope(s)}
        >
          {s === 'mine' ? 'Mine' : 'Team'}
        </button>
      ))}
    </fieldset>
  );
}

export function ChatList() {
  const store = useStore();
  const { view } = store;
  const all = store.chats.ordered.value;
  const inScope = new Set(view.shown.value);
  const alarms = new Set(view.attention.value);
  const focusedId = store.focusedId.value;
  const folded = view.folded.value.has('chats');
  const visible = (chat: ChatModel) =>
    chat.id === focusedId || (inScope.has(chat) && (!folded || alarms.has(chat)));
  const more = view.shown.value.filter((chat) => !visible(chat)).length;
  const shown = all.filter(visible).length;
  const others = view.othersHidden.value;
  return (
    <section aria-labelledby="cp-chats-h" class="cp-list">
      <div class="cp-actions">
        <h2 id="cp-chats-h">
          Chats <span class="cp-muted">({inScope.size})</span>
        </h2>
        <ScopeSwitch />
      </div>
      {all.length === 0 ? (
        <p class="cp-muted">No chats yet.</p>
      ) : (
        <ul class="cp-chats" id="cp-chat-list" aria-label="Chats, most urgent first">
          {all.map((chat) => (
            <ChatRow
              key={chat.id}
              chat={chat}
              focused={chat.id === focusedId}
              shown={visible(chat)}
              alarm={alarms.has(chat)}
            />
          ))}
        </ul>
      )}
      {shown === 0 && all.length > 0 && <p class="cp-muted">Nothing needs you now.</p>}
      <div class="cp-actions">
        {(more > 0 || !folded) && inScope.size > alarms.size && (
          <button
            type="button"
            aria-expanded={!folded}
            aria-controls="cp-chat-list"
            onClick={() => view.toggle('chats')}
          >
            {folded
              ? `Show ${more} more chat${more === 1 ? '' : 's'}`
              : 'Show only chats that need you'}
          </button>
        )}
        {view.scope.value === 'mine' && others > 0 && (
          <span class="cp-muted">
            {others} colleague{others === 1 ? "'s chat" : "s' chats"} hidden
          </span>
        )}
      </div>
    </section>
  );
}
