// Opt-in alerts for warnings and breaches: a short tone, a desktop notification and a count
// in the page title. Everything that touches those browser APIs lives here.

export type NotifyPermission = 'default' | 'granted' | 'denied' | 'unsupported';

export interface Notifier {
  permission(): NotifyPermission;
  /** Must be called from a click: browsers only ask (and unlock audio) in a user gesture. */
  request(): Promise<NotifyPermission>;
  show(title: string, body: string, tag: string): void;
  sound(kind: 'warning' | 'breached'): void;
  /** Puts `(n) ` in front of the page title; 0 restores it. */
  setCount(count: number): void;
  dispose(): void;
}

const COUNT_PREFIX = /^\(\d+\) /;

type AudioContextCtor = new () => AudioContext;

export function browserNotifier(win: Window | undefined = globalThis.window): Notifier {
  const doc = win?.document;
  const N = (win as (Window & { Notification?: typeof Notification }) | undefined)?.Notification;
  let audio: AudioContext | null = null;
  let counted = false;

  const permission = (): NotifyPermission =>
    N ? (N.permission as NotifyPermission) : 'unsupported';

  const setCount = (count: number) => {
    if (!doc) return;
    if (count <= 0 && !counted) return;
    const base = doc.title.replace(COUNT_PREFIX, '');
    doc.title = count > 0 ? `(${count}) ${base}` : base;
    counted = count > 0;
  };

  return {
    permission,
    async request() {
      const Ctor = (win as unknown as { AudioContext?: AudioContextCtor } | undefined)
        ?.AudioContext;
      if (!audio && Ctor) {
        try {
          audio = new Ctor();
        } catch {
          audio = null;
        }
      }
      if (!N) return 'unsupported';
      if (N.permission !== 'default') return N.permission as NotifyPermission;
      try {
        return (await N.requestPermission()) as NotifyPermission;
      } catch {
        return permission();
      }
    },
    show(title, body, tag) {
      if (N?.permission !== 'granted') return;
      try {
        new N(title, { body, tag });
      } catch {
        // Some browsers only allow notifications from a service worker; the tone still plays.
      }
    },
    sound(kind) {
      if (!audio) return;
      try {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = kind === 'breached' ? 880 : 660;
        gain.gain.value = 0.08;
        osc.connect(gain).connect(audio.destination);
        osc.start();
        osc.stop(audio.currentTime + (kind === 'breached' ? 0.35 : 0.18));
      } catch {
        // No audio output: the visual and desktop alerts remain.
      }
    },
    setCount,
    dispose() {
      setCount(0);
      void audio?.close().catch(() => {});
      audio = null;
    },
  };
}
