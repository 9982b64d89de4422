// The demo helpdesk's UI: inbox on the left, the conversation with its composer in the
// middle. The widget is not rendered here: it docks in #playbook through the script tag.
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { AGENT_NAMES, attention, type Conversation, type Desk, type Message } from './desk.ts';

interface Props {
  desk: Desk;
  agentName: string;
  libraryProblems: string[];
  onSelect(chatId: string): void;
  onSend(chatId: string, text: string, internal: boolean): void;
  onClose(chatId: string): void;
  /** The inbox's footer (default: the scripted demo's note). */
  footer?: ComponentChildren;
  /** A notice above the conversation (the live demo's ended session). */
  notice?: ComponentChildren;
}

function useDesk(desk: Desk) {
  const [state, setState] = useState(desk.get());
  useEffect(() => desk.subscribe(() => setState(desk.get())), [desk]);
  return state;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h`;
}

function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

function TierBadge({ tier }: { tier?: string }) {
  if (!tier || tier === 'standard') return null;
  return <span class={`tier tier-${tier}`}>{tier === 'vip' ? 'VIP' : tier}</span>;
}

export function Helpdesk(props: Props) {
  const state = useDesk(props.desk);
  const now = useNow(1000);
  const selected = state.conversations.find((c) => c.chatId === state.selected) ?? null;
  const open = state.conversations.filter((c) => c.closedAt === null);
  const closed = state.conversations.filter((c) => c.closedAt !== null);
  return (
    <>
      <nav class="inbox" aria-label="Conversations">
        <div class="inbox-head">
          <h1>Live chats</h1>
          <span class="count" title="Open conversations">
            {open.length}
          </span>
        </div>
        <ul class="inbox-list">
          {[...open, ...closed].map((c) => (
            <InboxItem
              key={c.chatId}
              c={c}
              now={now}
              active={c.chatId === state.selected}
              onSelect={props.onSelect}
            />
          ))}
        </ul>
        <p class="inbox-foot">
          {props.footer ?? (
            <>
              Demo: six scripted chats play out live; what you type is sent as Sam.{' '}
              <a href={location.pathname + location.search}>Restart</a>
            </>
          )}
        </p>
      </nav>
      <main class="conversation" aria-label="Conversation">
        {props.notice ? (
          <p class="banner" role="status">
            {props.notice}
          </p>
        ) : null}
        {props.libraryProblems.length > 0 ? (
          <p class="banner" role="alert">
            The demo SOP library has {props.libraryProblems.length} problem(s); see the console.
          </p>
        ) : null}
        {selected ? (
          <ConversationPane c={selected} now={now} {...props} />
        ) : (
          <p class="empty">Waiting for the first chat…</p>
        )}
      </main>
    </>
  );
}

function InboxItem(p: {
  c: Conversation;
  now: number;
  active: boolean;
  onSelect(chatId: string): void;
}) {
  const { c } = p;
  const last = [...c.messages].reverse().find((m) => !m.internal);
  const flag = attention(c);
  const lastAt = last?.at ?? c.startedAt;
  return (
    <li>
      <button
        type="button"
        class={`inbox-item${p.active ? ' active' : ''}${c.closedAt ? ' closed' : ''}`}
        aria-current={p.active ? 'true' : undefined}
        onClick={() => p.onSelect(c.chatId)}
      >
        <span class="avatar" aria-hidden="true">
          {initials(c.customer.name)}
        </span>
        <span class="inbox-main">
          <span class="inbox-row">
            <span class="inbox-name">{c.customer.name}</span>
            <TierBadge tier={c.customer.tier} />
            <span class="inbox-time">{ago(p.now - lastAt)}</span>
          </span>
          <span class="inbox-row">
            <span class="inbox-preview">
              {last
                ? `${last.author === 'agent' ? `${AGENT_NAMES[last.agentId ?? ''] ?? 'Agent'}: ` : ''}${last.text}`
                : 'New chat'}
            </span>
            {c.unread > 0 ? (
              <span class="unread" title={`${c.unread} unread`}>
                {c.unread}
              </span>
            ) : null}
          </span>
          <span class="inbox-row inbox-meta">
            <span>
              {c.caseRef} · {c.channel ?? 'web'}
            </span>
            {c.closedAt ? (
              <span class="sla sla-closed">Closed</span>
            ) : flag ? (
              <span class={`sla sla-${flag}`}>
                {flag === 'breached' ? 'SLA breached' : 'SLA soon'}
              </span>
            ) : null}
          </span>
        </span>
      </button>
    </li>
  );
}

function ConversationPane(p: Props & { c: Conversation; now: number }) {
  const { c } = p;
  const [internal, setInternal] = useState(false);
  const log = useRef<HTMLOListElement>(null);
  useLayoutEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [c.chatId, c.messages.length]);

  const submit = () => {
    const text = c.draft.trim();
    if (text === '' || c.closedAt) return;
    p.onSend(c.chatId, text, internal);
    p.desk.setDraft(c.chatId, '');
    setInternal(false);
  };

  return (
    <>
      <header class="conv-head">
        <span class="avatar large" aria-hidden="true">
          {initials(c.customer.name)}
        </span>
        <div class="conv-who">
          <h2>
            {c.customer.name} <TierBadge tier={c.customer.tier} />
          </h2>
          <p>
            {c.caseRef} · {c.channel ?? 'web'} chat · started {clockTime(c.startedAt)} ·{' '}
            {c.closedAt ? `closed ${clockTime(c.closedAt)}` : `open ${ago(p.now - c.startedAt)}`}
          </p>
        </div>
        <button
          type="button"
          class="btn"
          disabled={c.closedAt !== null}
          onClick={() => p.onClose(c.chatId)}
        >
          {c.closedAt ? 'Closed' : 'Close chat'}
        </button>
      </header>
      <ol
        class="transcript"
        ref={log}
        aria-label={`Messages with ${c.customer.name}`}
        aria-live="polite"
      >
        {c.messages.map((m) => (
          <MessageItem key={m.id} m={m} customer={c.customer.name} />
        ))}
        {c.closedAt ? <li class="system">Chat closed at {clockTime(c.closedAt)}</li> : null}
      </ol>
      <form
        class={`composer${internal ? ' internal' : ''}`}
        data-chat={c.chatId}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label for="composer" class="sr-only">
          {internal ? 'Internal note' : `Reply to ${c.customer.name}`}
        </label>
        <textarea
          id="composer"
          rows={3}
          disabled={c.closedAt !== null}
          placeholder={
            c.closedAt
              ? 'This chat is closed.'
              : internal
                ? 'Write an internal note (only your team sees it)…'
                : `Reply to ${c.customer.name.split(' ')[0]}…  (Enter to send, Shift+Enter for a new line)`
          }
          value={c.draft}
          onInput={(e) => p.desk.setDraft(c.chatId, (e.currentTarget as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <div class="composer-bar">
          <label class="toggle">
            <input
              type="checkbox"
              checked={internal}
              onChange={(e) => setInternal((e.currentTarget as HTMLInputElement).checked)}
            />{' '}
            Internal note
          </label>
          <span class="hint">Replies chosen in the playbook land here.</span>
          <button
            type="submit"
            class="btn primary"
            disabled={c.closedAt !== null || c.draft.trim() === ''}
          >
            Send
          </button>
        </div>
      </form>
    </>
  );
}

function MessageItem({ m, customer }: { m: Message; customer: string }) {
  const who =
    m.author === 'customer'
      ? customer
      : m.author === 'agent'
        ? (AGENT_NAMES[m.agentId ?? ''] ?? 'Agent')
        : m.author === 'bot'
          ? 'Bot'
          : 'System';
  const kind = m.internal ? 'internal' : m.author;
  return (
    <li class={`msg msg-${kind}`}>
      <span class="msg-meta">
        {m.internal ? 'Internal note · ' : ''}
        {who} · {clockTime(m.at)}
      </span>
      <p class="msg-text">{m.text}</p>
    </li>
  );
}
