// The LiveChat details widget's app (dist/hosts/livechat/app.js): the page set as the Widget
// source URL of a "LiveChat Widgets" building block (placement: Details) in Developer Console.
// A details widget has no settings screen in LiveChat, so the team lead's settings are the
// query of that URL (docs/integrations.md "Sidebar app: LiveChat"): library, thresholds,
// tierField, channelField, serverUrl, tokenUrl, and clientId (the app's Authorization block).
//
// The agent's access token for the Agent Chat API comes from LiveChat's OAuth implicit grant
// (https://platform.text.com/docs/authorization/agent-authorization#implicit-grant), the
// redirect flow of the Accounts SDK done by hand (@livechat/accounts-sdk is not a dependency):
// the page goes to https://accounts.livechat.com/?response_type=token&client_id=…&redirect_uri=…
// &state=…, which sends it straight back (private apps skip the consent screen) with
// `#access_token=…&expires_in=…&state=…`. As the Accounts SDK does (RedirectUriParamsPersister),
// the redirect URI is the page's origin and path; the widget URL's query and the state wait in
// the frame's `window.name` (sessionStorage is refused to third-party frames when third-party
// cookies are blocked) and are put back on return. The redirect happens only in a frame of a
// LiveChat origin, before the SDK's handshake (the Agent App's handshake restarts on every load
// of the frame, so it is answered once, by the page that stays), and at most once in ten
// minutes per frame: no loop. The token stays in memory (and in sessionStorage where allowed,
// until it expires): never in the URL, never logged.
import { createDetailsWidget } from '@livechat/agent-app-sdk';
import { bootHostApp } from './boot.ts';
import {
  authorizeUrl,
  createLivechatAdapter,
  isLivechatOrigin,
  type LivechatWidget,
  readTokenFragment,
  settingsFromUrl,
} from './livechat.ts';

const TOKEN_KEY = 'chat-playbook:livechat:token';
const MEMO_PREFIX = 'chat-playbook:livechat:';
const RETRY_AFTER_MS = 10 * 60_000;

const log = (message: string) => console.info(`[chat-playbook] LiveChat: ${message}`);

/**
 * sessionStorage, when this third-party frame may use it: browsers that block third-party
 * cookies (Chrome's incognito default, for one) refuse it to the sidebar's frame with a
 * SecurityError. It only caches the token, so a reload skips the trip to the OAuth server.
 */
function storage(): Storage | null {
  try {
    const store = window.sessionStorage;
    store.getItem(TOKEN_KEY);
    return store;
  } catch {
    return null;
  }
}
const store = storage();

/**
 * What must survive the trip to the OAuth server and back: the state sent, the widget URL's
 * query, and when the trip was made. Kept in `window.name`, which belongs to this frame's
 * browsing context and survives its navigations whatever the storage policy (nothing in it
 * is secret: the token itself never goes there).
 */
interface Memo {
  state?: string;
  search?: string;
  triedAt?: number;
}
function readMemo(): Memo {
  if (!window.name.startsWith(MEMO_PREFIX) || window.name.length > 70_000) return {};
  try {
    const value: unknown = JSON.parse(window.name.slice(MEMO_PREFIX.length));
    if (value === null || typeof value !== 'object') return {};
    const { state, search, triedAt } = value as Record<string, unknown>;
    return {
      ...(typeof state === 'string' ? { state } : {}),
      ...(typeof search === 'string' ? { search } : {}),
      ...(typeof triedAt === 'number' ? { triedAt } : {}),
    };
  } catch {
    return {};
  }
}
function writeMemo(memo: Memo): void {
  window.name = `${MEMO_PREFIX}${JSON.stringify(memo)}`;
}

// 1. Back from LiveChat's OAuth server: put the widget URL's query back, keep the token.
let authError: string | null = null;
let memoryToken: { token: string; expiresAt: number } | null = null;
const memo = readMemo();
const fragment = readTokenFragment(location.hash, memo.state ?? null, Date.now());
if (fragment.kind !== 'none') {
  const search = memo.search ?? location.search;
  history.replaceState(null, '', `${location.pathname}${search}`);
  writeMemo({ triedAt: memo.triedAt ?? Date.now() });
  if (fragment.kind === 'token') {
    memoryToken = { token: fragment.token, expiresAt: fragment.expiresAt };
    try {
      store?.setItem(TOKEN_KEY, JSON.stringify(memoryToken));
    } catch {
      // kept in memory only
    }
  } else {
    authError = fragment.error;
  }
}

function storedToken(): { token: string; expiresAt: number } | null {
  try {
    const value: unknown = JSON.parse(store?.getItem(TOKEN_KEY) ?? 'null');
    const { token, expiresAt } = (value ?? {}) as Record<string, unknown>;
    return typeof token === 'string' && typeof expiresAt === 'number' ? { token, expiresAt } : null;
  } catch {
    return null;
  }
}

function cachedToken(): string | null {
  const kept = memoryToken ?? storedToken();
  return kept && kept.expiresAt - 60_000 > Date.now() ? kept.token : null;
}

/** The origin of the page that frames this one (the Agent App), as the browser says. */
function parentOrigin(): string | null {
  const ancestors = location.ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors[0] ?? null;
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

function randomState(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const { settings, problems } = settingsFromUrl(location.search, location.origin);
if (problems.length > 0) log(`widget URL: ${problems.join('; ')}`);

const triedAt = readMemo().triedAt ?? 0;
const mayAuthorize =
  !cachedToken() &&
  authError === null &&
  settings.clientId !== undefined &&
  window.parent !== window &&
  isLivechatOrigin(parentOrigin()) &&
  !(Date.now() - triedAt < RETRY_AFTER_MS);

if (mayAuthorize && settings.clientId) {
  // 2. No token yet: ask LiveChat's OAuth server for one (the page comes back with it).
  const state = randomState();
  writeMemo({ state, search: location.search, triedAt: Date.now() });
  location.replace(
    authorizeUrl({
      clientId: settings.clientId,
      redirectUri: `${location.origin}${location.pathname}`,
      state,
    }),
  );
} else {
  // 3. Dock the widget.
  void bootHostApp(
    createLivechatAdapter({
      // The SDK's IDetailsWidget, typed by event name; the adapter checks every payload itself.
      createDetailsWidget: () => createDetailsWidget() as unknown as Promise<LivechatWidget>,
      win: window,
      settings,
      async getAccessToken() {
        const token = cachedToken();
        if (token) return token;
        throw new Error(
          authError !== null
            ? `sign-in with LiveChat answered “${authError}”`
            : settings.clientId
              ? 'sign-in with LiveChat did not complete; reopen the app'
              : 'the widget URL has no clientId (the Client Id of the app’s Authorization block)',
        );
      },
      forgetToken() {
        memoryToken = null;
        try {
          store?.removeItem(TOKEN_KEY);
        } catch {
          // nothing kept
        }
      },
      report: (_kind, message) => log(message),
    }),
    {
      // The widget token for `serve`: the team's tokenUrl proves who the agent is with the
      // agent's LiveChat access token (no cookies: they are third-party in LiveChat's frame).
      async fetchToken(url) {
        const token = cachedToken();
        if (!token) throw new Error('no LiveChat access token to show the token URL');
        const res = await fetch(url, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
          credentials: 'omit',
          cache: 'no-store',
        });
        if (!res.ok) throw new Error(`token URL answered HTTP ${res.status}`);
        const body = (await res.json()) as { token?: unknown };
        if (typeof body.token !== 'string' || body.token === '' || body.token.length > 8192) {
          throw new Error('token URL must answer { "token": "…" }');
        }
        return body.token;
      },
    },
  );
}
