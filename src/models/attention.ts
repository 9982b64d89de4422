// What needs the agent's attention, derived from clock-state transitions: the host's 'clock'
// events, the live-region announcements, the opt-in alerts (tone, desktop notification,
// count in the page title) and new escalation prompts.
import { computed, effect, type ReadonlySignal, signal, untracked } from '@preact/signals';
import type { Notifier, NotifyPermission } from '../adapters/notifier.ts';
import type { ClockState } from '../core/index.ts';
import type { ChatModel } from './chats.ts';
import { CLOCK_NAMES, chatName, escalationText } from './describe.ts';
import type { ClockPayload } from './emitter.ts';

export interface Announcement {
  text: string;
  /** Bumps on every announcement, so the same words are announced again. */
  n: number;
}

export interface AttentionModel {
  readonly polite: ReadonlySignal<Announcement>;
  readonly assertive: ReadonlySignal<Announcement>;
  /** Chats with a running clock in warning or breach. */
  readonly count: ReadonlySignal<number>;
  readonly alertsOn: ReadonlySignal<boolean>;
  readonly permission: ReadonlySignal<NotifyPermission>;
  /** Call from a click: asks for notification permission. */
  enableAlerts(): Promise<void>;
  disableAlerts(): void;
  dispose(): void;
}

const CLOCKS = ['firstResponse', 'gap'] as const;
const ALERT_STATES: ReadonlySet<ClockState> = new Set(['warning', 'breached']);

export function createAttention(deps: {
  chats: ReadonlySignal<readonly ChatModel[]>;
  notifier: Notifier;
  onClock: (payload: ClockPayload) => void;
}): AttentionModel {
  const polite = signal<Announcement>({ text: '', n: 0 });
  const assertive = signal<Announcement>({ text: '', n: 0 });
  const alertsOn = signal(false);
  const permission = signal<NotifyPermission>(deps.notifier.permission());
  const seen = new Map<string, ClockState>();
  const escalationsSeen = new Set<string>();

  const announce = (target: typeof polite, texts: string[]) => {
    if (texts.length === 0) return;
    target.value = { text: texts.join(' '), n: target.peek().n + 1 };
  };

  const stopTransitions = effect(() => {
    const changes: ClockPayload[] = [];
    const politeTexts: string[] = [];
    const assertiveTexts: string[] = [];
    const alerts: { kind: 'warning' | 'breached'; title: string; body: string; tag: string }[] = [];
    for (const chat of deps.chats.value) {
      const reading = chat.reading.value;
      if (!reading) continue;
      const state = chat.state.peek();
      const name = chatName(state, chat.id);
      for (const clock of CLOCKS) {
        const c = reading[clock];
        const key = `${chat.id}\u0000${clock}`;
        if (seen.get(key) === c.state) continue;
        seen.set(key, c.state);
        changes.push({ chatId: chat.id, clock, state: c.state });
        if (!c.running || !ALERT_STATES.has(c.state)) continue;
        const what = `${CLOCKS_TEXT[clock]} ${c.state === 'breached' ? 'breached' : 'warning'}`;
        const text = `${name}: ${what}.`;
        (c.state === 'breached' ? assertiveTexts : politeTexts).push(text);
        alerts.push({
          kind: c.state as 'warning' | 'breached',
          title: `${name}: ${what}`,
          body: `${CLOCK_NAMES[clock]} clock ${c.state === 'breached' ? 'is over its limit' : 'is close to its limit'}.`,
          tag: key,
        });
      }
      for (const hit of reading.escalations) {
        const key = `${chat.id}\u0000${hit.kind}`;
        if (escalationsSeen.has(key)) continue;
        escalationsSeen.add(key);
        if (state?.closedAt === null) {
          politeTexts.push(
            `${name}: consider escalating, ${escalationText(hit, chat.rules.peek().escalation.maxOpenS)}.`,
          );
        }
      }
    }
    untracked(() => {
      announce(polite, politeTexts);
      announce(assertive, assertiveTexts);
      for (const change of changes) deps.onClock(change);
      if (alertsOn.peek()) {
        for (const alert of alerts) {
          deps.notifier.sound(alert.kind);
          deps.notifier.show(alert.title, alert.body, alert.tag);
        }
      }
    });
  });

  const count = computed(() => {
    let n = 0;
    for (const chat of deps.chats.value) {
      const r = chat.reading.value;
      if (!r) continue;
      if ([r.firstResponse, r.gap].some((c) => c.running && ALERT_STATES.has(c.state))) n++;
    }
    return n;
  });

  const stopTitle = effect(() => {
    const n = alertsOn.value ? count.value : 0;
    untracked(() => deps.notifier.setCount(n));
  });

  return {
    polite,
    assertive,
    count,
    alertsOn,
    permission,
    async enableAlerts() {
      alertsOn.value = true;
      permission.value = await deps.notifier.request();
    },
    disableAlerts() {
      alertsOn.value = false;
    },
    dispose() {
      stopTransitions();
      stopTitle();
      deps.notifier.setCount(0);
    },
  };
}

const CLOCKS_TEXT = { firstResponse: 'first response', gap: 'waiting time' } as const;
