import type { Store } from '../models/store.ts';
import { ChatList } from './ChatList.tsx';
import { StoreContext, useStore } from './context.ts';
import { FocusedChat } from './FocusedChat.tsx';
import { SuggestionsPanel } from './Suggestions.tsx';

function LiveRegions() {
  const store = useStore();
  const polite = store.attention.polite.value;
  const assertive = store.attention.assertive.value;
  // A no-break space on every other announcement makes a repeated message count as new.
  return (
    <>
      <div class="cp-sr" role="status" aria-live="polite" aria-atomic="true" data-cp-live="polite">
        {polite.text}
        {polite.n % 2 === 1 ? '\u00a0' : ''}
      </div>
      <div
        class="cp-sr"
        role="alert"
        aria-live="assertive"
        aria-atomic="true"
        data-cp-live="assertive"
      >
        {assertive.text}
        {assertive.n % 2 === 1 ? '\u00a0' : ''}
      </div>
    </>
  );
}

function Header() {
  const store = useStore();
  const { alertsOn, permission, count } = store.attention;
  const status = store.transportStatus.value;
  const agent = store.options.agent.name;
  const n = count.value;
  return (
    <header class="cp-head">
      <h1>Chat Playbook</h1>
      {agent ? <span class="cp-muted">{agent}</span> : null}
      {n > 0 ? (
        <span class="cp-badge" data-kind="alert">
          {n} need{n === 1 ? 's' : ''} attention
        </span>
      ) : null}
      {status !== 'online' ? <span class="cp-badge">{status}</span> : null}
      <button
        type="button"
        aria-pressed={alertsOn.value ? 'true' : 'false'}
        onClick={() => {
          if (alertsOn.peek()) store.attention.disableAlerts();
          else void store.attention.enableAlerts();
        }}
      >
        Alerts {alertsOn.value ? 'on' : 'off'}
      </button>
      {alertsOn.value && permission.value === 'denied' ? (
        <span class="cp-muted">
          Desktop notifications are blocked; sound and title count stay on.
        </span>
      ) : null}
    </header>
  );
}

function NoticeBar() {
  const store = useStore();
  const notice = store.commands.notice.value;
  if (!notice) return null;
  return (
    <div class="cp-notice" data-kind={notice.kind} data-cp-notice={notice.kind} role="status">
      <span>{notice.text}</span>
      {notice.copyText !== undefined ? (
        <textarea readOnly aria-label="Reply text to copy" value={notice.copyText} />
      ) : null}
      <button
        type="button"
        aria-label="Dismiss message"
        onClick={() => store.commands.dismissNotice()}
      >
        ×
      </button>
    </div>
  );
}

function Shell() {
  return (
    <div class="cp" data-cp-widget>
      <Header />
      <LiveRegions />
      <NoticeBar />
      <ChatList />
      <FocusedChat />
      <SuggestionsPanel />
    </div>
  );
}

export function App({ store }: { store: Store }) {
  return (
    <StoreContext.Provider value={store}>
      <Shell />
    </StoreContext.Provider>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable === true;
}

/** `/` anywhere in the widget (except while typing) jumps to the search box. */
export function onWidgetKeyDown(e: KeyboardEvent): void {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
  const root = (e.currentTarget as Node | null) ?? null;
  const input = (root as ParentNode | null)?.querySelector<HTMLInputElement>('[data-cp-search]');
  if (!input) return;
  e.preventDefault();
  input.focus();
}
