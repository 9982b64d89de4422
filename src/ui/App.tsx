import type { Store } from '../models/store.ts';
import { ChatList } from './ChatList.tsx';
import { StoreContext, useStore, ViewsContext } from './context.ts';
import { FocusedChat } from './FocusedChat.tsx';
import { SupervisorSlot, type Views } from './lazy-view.tsx';

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
        <button
          type="button"
          class="cp-badge"
          data-kind="alert"
          data-cp-attention-count={n}
          onClick={(e) =>
            (e.currentTarget.getRootNode() as ParentNode)
              .querySelector<HTMLElement>('[data-cp-attention] button')
              ?.focus()
          }
        >
          {n} need{n === 1 ? 's' : ''} attention
        </button>
      )}
      {status !== 'online' && <span class="cp-badge">{status}</span>}
      {/* Pressed (accent) means on: the name stays "Alerts" and the state is aria-pressed. */}
      <button
        type="button"
        class="cp-toggle"
        aria-pressed={on}
        title={on ? 'Alerts are on' : 'Alerts are off'}
        onClick={() => store.attention.toggleAlerts()}
      >
        Alerts
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

export function App({ store, views }: { store: Store; views: Views }) {
  // `view: 'settings'`: the full-width team settings page (Settings.tsx), no chats.
  const page = store.options.view === 'settings';
  return (
    <StoreContext.Provider value={store}>
      <ViewsContext.Provider value={views}>
        <div class="cp" data-cp-widget>
          <Header />
          <LiveRegions />
          <NoticeBar />
          <SupervisorSlot />
          {!page && <FocusedChat />}
          {!page && <ChatList />}
          {page && !store.role.supervisor.value && (
            <p class="cp-muted">Team settings are for supervisors.</p>
          )}
        </div>
      </ViewsContext.Provider>
    </StoreContext.Provider>
  );
}
