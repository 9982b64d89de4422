// The agent's actions. Ticks, notes and inserted replies become `playbook.*` events sent
// through the transport, so the checklist is derived by the same engine from the same log
// as everything else (and a server can share it between agents). Replies are filled here:
// chat placeholders from the chat, the rest in a small form that starts with what the host
// and the transcript tell (fill.ts); a field the library requires must be filled, any other
// may go out blank, marked `[label]`.
import { batch, type ReadonlySignal, signal } from '@preact/signals';
import type { Clipboard } from '../adapters/clipboard.ts';
import type { Transport } from '../adapters/transport.ts';
import { type PlaybookEvent, validateEvent } from '../core/index.ts';
import type { SopReply } from '../search/types.ts';
import type { ChatsModel } from './chats.ts';
import { chatValues } from './describe.ts';
import type { ReplyPayload } from './emitter.ts';
import { completeReply, type FoundValue, type HostFields, prepareFields } from './fill.ts';
import { MAX_PICK_TEXT, newPickId, type PicksModel } from './picks.ts';

export interface ReplyDraft {
  chatId: string;
  sopId: string;
  reply: SopReply;
  /** The form's fields (placeholders the chat does not fill), in order of appearance. */
  fields: string[];
  values: Record<string, string>;
  /** Values found for fields (host, transcript), with their source. */
  found: Record<string, FoundValue>;
  /** Values the chat fills ({customer.firstName} …). */
  chatValues: Record<string, string>;
  /** A required field left blank on an attempt to insert. */
  showErrors: boolean;
}

export interface Notice {
  kind: 'info' | 'error';
  text: string;
  /** When the clipboard failed: the reply, shown for copying by hand. */
  copyText?: string;
}

export interface CommandsModel {
  readonly draft: ReadonlySignal<ReplyDraft | null>;
  readonly notice: ReadonlySignal<Notice | null>;
  /** Null when sent, else why not. */
  tick(chatId: string, item: string, checked: boolean, reason?: string): string | null;
  note(chatId: string, text: string): string | null;
  /** Inserts at once when the chat fills every placeholder, else opens the fill-in form. */
  chooseReply(chatId: string, sopId: string, reply: SopReply): void;
  setDraftValue(name: string, value: string): void;
  /** Null when inserted, else the names of the required fields still empty. */
  insertDraft(): string[] | null;
  /** The host's values for a chat's fill-ins (`fields` command), replacing earlier ones. */
  setHostFields(chatId: string, fields: HostFields): void;
  cancelDraft(): void;
  /** Records SOP usage for the team report (an SOP opened in full, a new suggestion list). */
  record(
    input:
      | { type: 'playbook.opened'; chatId: string; sopId: string }
      | { type: 'playbook.suggested'; chatId: string; sopIds: string[] },
  ): void;
  /** Shows a message in the widget's notice bar. */
  inform(kind: Notice['kind'], text: string, copyText?: string): void;
  dismissNotice(): void;
}

export interface CommandsDeps {
  transport: Transport;
  agent: { id?: string; name?: string };
  chats: ChatsModel;
  /** The team's picks: kept between page loads, taught to the search, shared by the server. */
  picks: PicksModel;
  clipboard: Clipboard;
  /** Fires the host's 'reply' handlers; false when there are none. */
  emitReply: (payload: ReplyPayload) => boolean;
  onError: (message: string) => void;
}

/** The sopId of replies the widget offers itself when the library has none that fits. */
export const BUILTIN_SOP_ID = 'chat-playbook';

/** How many recent customer messages teach the search what a picked SOP answers. */
const LEARN_FROM_MESSAGES = 2;
/** Chats whose host fields are kept (the oldest go first). */
const MAX_HOST_FIELD_CHATS = 1_000;

export function createCommands(deps: CommandsDeps): CommandsModel {
  const draft = signal<ReplyDraft | null>(null);
  const notice = signal<Notice | null>(null);
  const hostFields = new Map<string, HostFields>();

  const inform = (kind: Notice['kind'], text: string, copyText?: string) => {
    notice.value = copyText === undefined ? { kind, text } : { kind, text, copyText };
  };

  function send(input: {
    type: PlaybookEvent['type'];
    chatId: string;
    [field: string]: unknown;
  }): string | null {
    if (!deps.chats.get(input.chatId)) return `no chat '${input.chatId}'`;
    const checked = validateEvent({ ...input, at: deps.transport.now(), by: deps.agent.id });
    if (checked.kind !== 'event') return checked.kind === 'invalid' ? checked.error : 'not sent';
    deps.transport.send(checked.event as PlaybookEvent).catch((err: unknown) => {
      deps.onError(`could not save the change: ${(err as Error)?.message ?? String(err)}`);
    });
    return null;
  }

  function insert(
    { chatId, sopId, reply }: Pick<ReplyDraft, 'chatId' | 'sopId' | 'reply'>,
    text: string,
    /** `text` without its blanks. */
    known: string,
  ): void {
    draft.value = null;
    if (deps.emitReply({ chatId, sopId, replyId: reply.id, text })) {
      inform('info', `Inserted “${reply.title}”.`);
    } else {
      deps.clipboard.writeText(text).then(
        () => inform('info', `Copied “${reply.title}” to the clipboard: paste it into the chat.`),
        () =>
          inform(
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
      // Required fields are filled; blanks left are completed in the composer, so the sent
      // message must carry the reply without them (edits allowed) to tick `snippet`.
      filled: true,
      text: known.slice(0, 20_000),
    });
    if (problem) deps.onError(problem);
    const customerText = deps.chats
      .get(chatId)
      ?.conversation.peek()
      .filter((line) => line.author === 'customer')
      .slice(-LEARN_FROM_MESSAGES)
      .map((line) => line.text)
      .join('\n')
      .slice(-MAX_PICK_TEXT)
      .trim();
    if (!customerText) return;
    const pick = { id: newPickId(), text: customerText, sopId };
    deps.picks.add([pick]);
    // Learning is a bonus: a pick the server could not take stays this widget's own.
    deps.transport.sharePick?.(pick).catch(() => {});
  }

  return {
    draft,
    notice,
    tick: (chatId, item, checked, reason) =>
      send({ type: 'playbook.check', chatId, item, checked, reason }),
    note: (chatId, text) => send({ type: 'playbook.note', chatId, text }),
    chooseReply(chatId, sopId, reply) {
      const chat = deps.chats.get(chatId);
      if (!chat) return;
      const fromChat = chatValues(chat.state.peek(), deps.agent.name);
      const form = prepareFields(reply, fromChat, hostFields.get(chatId), chat.conversation.peek());
      const next = { chatId, sopId, reply, ...form, chatValues: fromChat, showErrors: false };
      if (form.fields.length > 0) {
        draft.value = next;
        return;
      }
      const done = completeReply(reply, fromChat);
      batch(() => insert(next, done.text, done.known));
    },
    setDraftValue(name, value) {
      const current = draft.peek();
      if (current) draft.value = { ...current, values: { ...current.values, [name]: value } };
    },
    insertDraft() {
      const current = draft.peek();
      if (!current) return [];
      const done = completeReply(current.reply, { ...current.values, ...current.chatValues });
      if (done.required.length > 0) {
        draft.value = { ...current, showErrors: true };
        return done.required;
      }
      batch(() => insert(current, done.text, done.known));
      return null;
    },
    setHostFields(chatId, fields) {
      hostFields.delete(chatId);
      hostFields.set(chatId, fields);
      if (hostFields.size > MAX_HOST_FIELD_CHATS)
        hostFields.delete(hostFields.keys().next().value!);
    },
    cancelDraft() {
      draft.value = null;
    },
    record(input) {
      send(input);
    },
    inform,
    dismissNotice() {
      notice.value = null;
    },
  };
}
