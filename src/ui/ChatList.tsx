import type { ChatModel } from '../models/chats.ts';
import { chatName } from '../models/describe.ts';
import { Clocks } from './Clock.tsx';
import { useStore } from './context.ts';

function ChatRow({ chat, focused }: { chat: ChatModel; focused: boolean }) {
  const store = useStore();
  // Listed chats have a state, and so a reading.
  const reading = chat.reading.value!;
  const state = chat.state.value!;
  const unread = chat.unread.value;
  const tier = state.customer.tier;
  return (
    <li class="cp-chat" data-cp-chat={chat.id} data-cp-focused={focused || undefined}>
      <button
        type="button"
        aria-current={focused || undefined}
        onClick={() => store.openChat(chat.id)}
      >
        <span class="cp-name">{chatName(state, chat.id)}</span>
        {tier && <span class="cp-tier">{tier}</span>}
        {state.closedAt !== null && <span class="cp-badge">closed</span>}
        {unread > 0 && (
          <span class="cp-unread">
            {unread}
            <span class="cp-sr"> unread</span>
          </span>
        )}
        <Clocks reading={reading} contract />
      </button>
    </li>
  );
}

export function ChatList() {
  const store = useStore();
  const chats = store.chats.ordered.value;
  const focusedId = store.focusedId.value;
  return (
    <section aria-labelledby="cp-chats-h">
      <h2 id="cp-chats-h">
        Chats <span class="cp-muted">({chats.length})</span>
      </h2>
      {chats.length === 0 ? (
        <p class="cp-muted">No chats yet.</p>
      ) : (
        <ul class="cp-chats" aria-label="Chats, most urgent first">
          {chats.map((chat) => (
            <ChatRow key={chat.id} chat={chat} focused={chat.id === focusedId} />
          ))}
        </ul>
      )}
    </section>
  );
}
