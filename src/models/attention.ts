// What needs the agent's attention, derived from clock-state transitions: the host's 'clock'
// events, the live-region announcements, the opt-in alerts (tone, desktop notification,
// count in the page title) and new escalation prompts.
import { computed, effect, type ReadonlySignal, signal, untracked } from '@preact/signals';
import type { Notifier, NotifyPermission } from '../adapters/notifier.ts';
import type { ClockState } from '../core/index.ts';
import type { ChatModel } from './chats.ts';
import { alerting, CLOCK_NAMES, CLOCKS, chatName, escalationText } from './describe.ts';
import type { ClockPayload } from './emitter.ts';

export interface Announcement {
  text: string;
  /** Bumps on every announcement, so the same words are announced again. */
  n: number;
}

export interface AttentionModel {
  readonly polite: ReadonlySignal<Announcement>;
  readonly assertive: ReadonlySignal<Announcement>;
  /** Chats in view that need the agent now (the view model's `attention`). */
  readonly count: ReadonlySignal<number>;
  readonly alertsOn: ReadonlySignal<boolean>;
  readonly permission: ReadonlySignal<NotifyPermission>;
  /** Call from a click: turning alerts on asks for notification permission. */
  toggleAlerts(): Promise<void>;
  dispose(): void;
}

const CLOCK_WORDS = { firstResponse: 'first response', gap: 'waiting time' } as const;

export function createAttention(deps: {
  chats: ReadonlySignal<readonly ChatModel[]>;
  /** What the count counts: the chats in view that need attention. */
  attention: ReadonlySignal<readonly ChatModel[]>;
  notifier: Notifier;
  onClock: (payload: ClockPayload) => void;
}): AttentionModel {
  const { notifier } = deps;
  const polite = signal<Announcement>({ text: '', n: 0 });
  const assertive = signal<Announcement>({ text: '', n: 0 });
  const alertsOn = signal(false);
  const permission = signal(notifier.permission());
  /** Last state per chat and clock, and the escalations already announced. */
  const seen = new Map<string, ClockState | true>();

  const announce = (target: typeof polite, texts: string[]) => {
    if (texts.length > 0) target.value = { text: texts.join(' '), n: target.peek().n + 1 };
  };

  const stopTransitions = effect(() => {
    const changes: ClockPayload[] = [];
    const politeTexts: string[] = [];
    const assertiveTexts: string[] = [];
    const alerts: (() => void)[] = [];
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
        if (!alerting(c)) continue;
        const breached = c.state === 'breached';
        const title = `${name}: ${CLOCK_WORDS[clock]} ${c.state}`;
        (breached ? assertiveTexts : politeTexts).push(`${title}.`);
        const body = `${CLOCK_NAMES[clock]} clock is ${breached ? 'over' : 'close to'} its limit.`;
        alerts.push(() => {
          notifier.sound(c.state as 'warning' | 'breached');
          notifier.show(title, body, key);
        });
      }
      for (const hit of reading.escalations) {
        const key = `${chat.id}\u0000${hit.kind}`;
        if (seen.has(key)) continue;
        seen.set(key, true);
        if (state?.closedAt === null) {
          const why = escalationText(hit, chat.rules.peek().escalation.maxOpenS);
          politeTexts.push(`${name}: consider escalating, ${why}.`);
        }
      }
    }
    untracked(() => {
      announce(polite, politeTexts);
      announce(assertive, assertiveTexts);
      for (const change of changes) deps.onClock(change);
      if (alertsOn.peek()) for (const alert of alerts) alert();
    });
  });

  const count = computed(() => deps.attention.value.length);

  const stopTitle = effect(() => {
    const n = alertsOn.value ? count.value : 0;
    untracked(() => notifier.setCount(n));
  });

  return {
    polite,
    assertive,
    count,
    alertsOn,
    permission,
    async toggleAlerts() {
      alertsOn.value = !alertsOn.peek();
      if (alertsOn.peek()) permission.value = await notifier.request();
    },
    dispose() {
      stopTransitions();
      stopTitle();
      notifier.setCount(0);
    },
  };
}
