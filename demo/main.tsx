// The demo helpdesk (npm run demo): a believable inbox and conversation pane, with the Chat
// Playbook widget docked on the right through the script tag of shared/spec/embed.md.
// Everything here is host code: it talks to the widget only through `window.ChatPlaybook`.

import built from 'virtual:demo-library';
import { render } from 'preact';
import { createDesk } from './desk.ts';
import { Helpdesk } from './Helpdesk.tsx';
import { play } from './player.ts';
import { parseScenario, type Scenario, schedule } from './scenarios.ts';
import { setUpThemeSwitch } from './theme.ts';

type Command = (...args: unknown[]) => unknown;
const ChatPlaybook: Command = (...args) =>
  (window as unknown as { ChatPlaybook: Command }).ChatPlaybook(...args);

const AGENT = { id: 'a-3', name: 'Sam' };
const params = new URLSearchParams(location.search);
const speed = Number(params.get('speed') ?? '1') || 1;
/** Seconds to fast-forward: `?skip=60` opens the demo as if it had been running a minute. */
const skipS = Number(params.get('skip') ?? '0') || 0;
// `?dock=narrow` docks the widget at 320 px (the narrowest supported width).
if (params.get('dock') === 'narrow') document.querySelector('.desk')?.classList.add('dock-narrow');
setUpThemeSwitch();

// The SOP library, built from the Markdown sources by the dev server or the build (in Node:
// the page never carries the Markdown parser).
if (!built.ok) console.warn(`[demo] the SOP library has problems:\n${built.problems.join('\n')}`);

// The scripted chats.
const scripts = import.meta.glob<string>('/demo/scenarios/*.jsonl', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const scenarios = Object.entries(scripts)
  .sort(([a], [b]) => (a < b ? -1 : 1))
  .map(([file, text]) => parseScenario(file, text))
  .filter((s): s is Scenario => s !== null);

const desk = createDesk();

// Host → widget: init through the queue (the bundle may not have loaded yet), then events.
ChatPlaybook('on', 'error', (error: { field?: string; message: string }) => {
  console.info('[demo] widget error event:', error);
});
ChatPlaybook('on', 'clock', (p: { chatId: string; clock: 'firstResponse' | 'gap'; state: never }) =>
  desk.setClock(p.chatId, p.clock, p.state),
);
ChatPlaybook('on', 'reply', (reply: { chatId: string; text: string }) => {
  // The chosen reply lands in that conversation's composer, ready to edit and send.
  desk.select(reply.chatId);
  ChatPlaybook('focus', reply.chatId);
  const draft = desk.get().conversations.find((c) => c.chatId === reply.chatId)?.draft ?? '';
  desk.setDraft(
    reply.chatId,
    draft.trim() === '' ? reply.text : `${draft.trimEnd()} ${reply.text}`,
  );
  requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>('#composer')?.focus());
});
ChatPlaybook('init', {
  target: '#playbook',
  agent: AGENT,
  role: 'agent',
  library: built.ok ? built.library : undefined,
  transport: 'local',
});

const send = (events: Record<string, unknown>[]) => {
  for (const event of events) desk.apply(event);
  ChatPlaybook('events', events);
};

let sent = 0;
function sendAgentMessage(chatId: string, text: string, internal: boolean): void {
  sent += 1;
  send([
    {
      type: 'message',
      chatId,
      id: `sam-${Date.now().toString(36)}-${sent}`,
      at: Date.now(),
      author: 'agent',
      agentId: AGENT.id,
      text,
      ...(internal ? { internal: true } : {}),
    },
  ]);
}

function select(chatId: string): void {
  desk.select(chatId);
  ChatPlaybook('focus', chatId);
}

const loadedAt = Date.now() - skipS * 1000;
play(schedule(scenarios, loadedAt, { speed }), send);
// Open on the customer nobody has answered yet (`?chat=` picks another).
const wanted = params.get('chat') ?? 'c-2003';
const first = desk.get().conversations.some((c) => c.chatId === wanted)
  ? wanted
  : desk.get().selected;
if (first) select(first);

render(
  <Helpdesk
    desk={desk}
    agentName={AGENT.name}
    libraryProblems={built.ok ? [] : built.problems}
    onSelect={select}
    onSend={sendAgentMessage}
    onClose={(chatId) => send([{ type: 'chat.closed', chatId, at: Date.now() }])}
  />,
  document.getElementById('app')!,
);
