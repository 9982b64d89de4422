import type { Store } from '../models/store.ts';
import { ChatList } from './ChatList.tsx';
import { StoreContext, useStore } from './context.ts';
import { FocusedChat } from './FocusedChat.tsx';
import { SuggestionsPanel } from './Suggestions.tsx';
import { SupervisorSlot, type SupervisorViewLoader } from './supervisor-slot.tsx';

function LiveRegions() {
  const { attention } = useStore();
  // A no-break space on every other announcement makes a repeated message count as new.
  return (
    <>
      {(['polite', 'assertive'] as const).map((live) => {
        const { text, n } = attention[live].value;
        return (
          <div
            key={live}
            class="cp-sr"
            role={live === 'polite' ? 'status' : 'alert'}
            aria-live={live}
            aria-atomic="true"
            data-cp-live={live}
          >
            {text}
            {n % 2 ? '\u00a0' : ''}
          </div>
        );
      })}
    </>
  );
}

function Header() {
  const store = useStore();
  const { alertsOn, permission, count } = store.attention;
  const status = store.transportStatus.value;
  const n = count.value;
  const on = alertsOn.value;
  const agent = store.options.agent.name;
  return (
    <header class="cp-head">
      <h1>Chat Playbook</h1>
      {agent && <span class="cp-muted">{agent}</span>}
      {n > 0 && (
        <span class="cp-badge" data-kind="alert">
          {n} need{n === 1 ? 's' : ''} attention
        </span>
      )}
      {status !== 'online' && <span class="cp-badge">{status}</span>}
      <button type="button" aria-pressed={on} onClick={() => store.attention.toggleAlerts()}>
        Alerts {on ? 'on' : 'off'}
      </button>
      {on && permission.value === 'denied' && (
        <span class="cp-muted">
          Desktop notifications are blocked; sound and title count stay on.
        </span>
      )}
    </header>
  );
}

function NoticeBar() {
  const { commands } = useStore();
  const notice = commands.notice.value;
  return (
    notice && (
      <div class="cp-notice" data-kind={notice.kind} data-cp-notice={notice.kind} role="status">
        <span>{notice.text}</span>
        {notice.copyText !== undefined && (
          <textarea readOnly aria-label="Reply text to copy" value={notice.copyText} />
        )}
        <button type="button" aria-label="Dismiss message" onClick={commands.dismissNotice}>
          ×
        </button>
      </div>
    )
  );
}

export function App({
  store,
  supervisor,
}: {
  store: Store;
  supervisor: SupervisorViewLoader | null;
}) {
  return (
    <StoreContext.Provider value={store}>
      <div class="cp" data-cp-widget>
        <Header />
        <LiveRegions />
        <NoticeBar />
        <SupervisorSlot load={supervisor} />
        <ChatList />
        <FocusedChat />
        <SuggestionsPanel />
      </div>
    </StoreContext.Provider>
  );
}

/** `/` anywhere in the widget (except while typing) jumps to the search box. */
export function onWidgetKeyDown(event: Event): void {
  const e = event as KeyboardEvent;
  const target = e.target as HTMLElement;
  if (
    e.key !== '/' ||
    e.ctrlKey ||
    e.metaKey ||
    e.altKey ||
    /^(INPUT|TEXTAREA)$/.test(target.tagName) ||
    target.isContentEditable
  )
    return;
  e.preventDefault();
  (e.currentTarget as ParentNode).querySelector<HTMLElement>('[data-cp-search]')?.focus();
}
