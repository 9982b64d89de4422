// The agent's actions. Ticks, notes and inserted replies become `playbook.*` events sent
// through the transport, so the checklist is derived by the same engine from the same log
// as everything else (and a server can share it between agents). Replies are filled here:
// chat placeholders from the chat, the rest from a small form, before anything is inserted.
import { batch, type ReadonlySignal, signal } from '@preact/signals';
import type { Clipboard } from '../adapters/clipboard.ts';
import type { SuggestionSource } from '../adapters/search.ts';
import type { PlaybookAction, Transport } from '../adapters/transport.ts';
import { type ChatEvent, validateEvent } from '../core/index.ts';
import { fillTemplate } from '../search/placeholders.ts';
import type { SopReply } from '../search/types.ts';
import type { ChatsModel } from './chats.ts';
import { chatValues } from './describe.ts';
import type { ReplyPayload } from './emitter.ts';

export interface ReplyDraft {
  chatId: string;
  sopId: string;
  reply: SopReply;
  /** Fields the agent must fill, in order of appearance. */
  fields: string[];
  values: Record<string, string>;
  /** Values the chat fills ({customer.firstName} …). */
  chatValues: Record<string, string>;
  /** A field left blank on an attempt to insert. */
  showErrors: boolean;
}

export interface Notice {
  kind: 'info' | 'error';
  text: string;
  /** When the clipboard failed: the reply, shown for copying by hand. */
  copyText?: string;
  n: number;
}

export interface CommandsModel {
  readonly draft: ReadonlySignal<ReplyDraft | null>;
  readonly notice: ReadonlySignal<Notice | null>;
  /** Null when sent, else why not. */
  tick(chatId: string, item: string, checked: boolean, reason?: string): string | null;
  note(chatId: string, text: string): string | null;
  /** Inserts at once when nothing is left to fill, else opens the fill-in form. */
  chooseReply(chatId: string, sopId: string, reply: SopReply): void;
  setDraftValue(name: string, value: string): void;
  /** Null when inserted, else the names of the fields still empty. */
  insertDraft(): string[] | null;
  cancelDraft(): void;
  dismissNotice(): void;
  /** Shows a message in the widget's notice bar. */
  inform(kind: Notice['kind'], text: string): void;
}

export interface CommandsDeps {
  transport: Transport;
  agent: { id?: string; name?: string };
  chats: ChatsModel;
  source: ReadonlySignal<SuggestionSource | null>;
  clipboard: Clipboard;
  /** Fires the host's 'reply' handlers; false when there are none. */
  emitReply: (payload: ReplyPayload) => boolean;
  onError: (message: string) => void;
}

/** The sopId of replies the widget offers itself when the library has none that fits. */
export const BUILTIN_SOP_ID = 'chat-playbook';

/** How many recent customer messages teach the search what a picked SOP answers. */
const LEARN_FROM_MESSAGES = 2;

export function createCommands(deps: CommandsDeps): CommandsModel {
  const draft = signal<ReplyDraft | null>(null);
  const notice = signal<Notice | null>(null);
  let noticeCount = 0;

  const say = (kind: Notice['kind'], text: string, copyText?: string) => {
    const next: Notice = { kind, text, n: ++noticeCount };
    if (copyText !== undefined) next.copyText = copyText;
    notice.value = next;
  };

  function send(input: Record<string, unknown>): string | null {
    const chatId = input.chatId as string;
    if (!deps.chats.get(chatId)) return `no chat '${chatId}'`;
    const event = { ...input, at: deps.transport.now() } as Record<string, unknown>;
    if (deps.agent.id !== undefined) event.by = deps.agent.id;
    const checked = validateEvent(event);
    if (checked.kind !== 'event') return checked.kind === 'invalid' ? checked.error : 'not sent';
    deps.transport.send(checked.event as PlaybookAction & ChatEvent).catch((err: unknown) => {
      deps.onError(`could not save the change: ${(err as Error)?.message ?? String(err)}`);
    });
    return null;
  }

  function insert(chatId: string, sopId: string, reply: SopReply, text: string): void {
    const payload: ReplyPayload = { chatId, sopId, replyId: reply.id, text };
    const handled = deps.emitReply(payload);
    if (handled) {
      say('info', `Inserted “${reply.title}”.`);
    } else {
      deps.clipboard.writeText(text).then(
        () => say('info', `Copied “${reply.title}” to the clipboard: paste it into the chat.`),
        () =>
          say(
            'error',
            'Could not copy to the clipboard: select the reply below and copy it.',
            text,
          ),
      );
    }
    // Only a library reply counts for the `snippet` item and teaches the search.
    if (sopId === BUILTIN_SOP_ID) return;
    const problem = send({
      type: 'playbook.reply',
      chatId,
      sopId,
      replyId: reply.id,
      filled: true,
    });
    if (problem) deps.onError(problem);
    learn(chatId, sopId);
  }

  function learn(chatId: string, sopId: string): void {
    const source = deps.source.peek();
    const chat = deps.chats.get(chatId);
    if (!source || !chat) return;
    const text = chat.conversation
      .peek()
      .filter((line) => line.author === 'customer')
      .slice(-LEARN_FROM_MESSAGES)
      .map((line) => line.text)
      .join('\n');
    if (text.trim() === '') return;
    try {
      source.learn(text, sopId);
    } catch {
      // Learning is a bonus: a failure never blocks the reply.
    }
  }

  return {
    draft,
    notice,
    tick(chatId, item, checked, reason) {
      const input: Record<string, unknown> = { type: 'playbook.check', chatId, item, checked };
      if (reason !== undefined) input.reason = reason;
      return send(input);
    },
    note(chatId, text) {
      return send({ type: 'playbook.note', chatId, text });
    },
    chooseReply(chatId, sopId, reply) {
      const chat = deps.chats.get(chatId);
      if (!chat) return;
      const values = chatValues(chat.state.peek(), deps.agent.name);
      const filled = fillTemplate(reply.text, values);
      if (filled.missing.length === 0) {
        batch(() => {
          draft.value = null;
          insert(chatId, sopId, reply, filled.text);
        });
        return;
      }
      const empty: Record<string, string> = {};
      for (const name of filled.missing) empty[name] = '';
      draft.value = {
        chatId,
        sopId,
        reply,
        fields: filled.missing,
        values: empty,
        chatValues: values,
        showErrors: false,
      };
    },
    setDraftValue(name, value) {
      const current = draft.peek();
      if (!current) return;
      draft.value = { ...current, values: { ...current.values, [name]: value } };
    },
    insertDraft() {
      const current = draft.peek();
      if (!current) return [];
      const filled = fillTemplate(current.reply.text, { ...current.values, ...current.chatValues });
      if (filled.missing.length > 0) {
        draft.value = { ...current, showErrors: true };
        return filled.missing;
      }
      batch(() => {
        draft.value = null;
        insert(current.chatId, current.sopId, current.reply, filled.text);
      });
      return null;
    },
    cancelDraft() {
      draft.value = null;
    },
    dismissNotice() {
      notice.value = null;
    },
    inform(kind, text) {
      say(kind, text);
    },
  };
}
