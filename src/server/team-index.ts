// What one server process knows about a team's chats: each chat's stored records and its
// engine state (the same timeline the widget and `audit` use, so "closed" means what the
// protocol says), built by folding the event log in offset order. It answers which chats a
// freshly opened widget needs (the snapshot), whether a chat exists (for widget actions), and
// which closed chats compaction may drop.
import { addEvent, type ChatTimeline, createTimeline } from '../core/index.ts';
import type { StoredEvent } from './store/types.ts';

export interface ChatEntry {
  timeline: ChatTimeline;
  /** The chat's records in offset order. */
  records: StoredEvent[];
  /** Server time the chat's last record arrived. */
  lastReceived: number;
}

export class TeamIndex {
  /** Every record with an offset ≤ head has been folded (or was compacted away). */
  head = 0;
  readonly chats = new Map<string, ChatEntry>();

  constructor(private holdPhrases: readonly string[]) {}

  setHoldPhrases(phrases: readonly string[]): void {
    this.holdPhrases = phrases;
  }

  /**
   * Folds records that follow `head` (older ones are skipped). `upTo` is the log's head at
   * the time the records were read: offsets up to it that were not read no longer exist.
   */
  fold(records: readonly StoredEvent[], upTo = 0): void {
    for (const r of records) {
      if (r.o <= this.head) continue;
      const chatId = r.e.chatId;
      let entry = this.chats.get(chatId);
      if (!entry) {
        entry = { timeline: createTimeline(chatId), records: [], lastReceived: r.t };
        this.chats.set(chatId, entry);
      }
      entry.records.push(r);
      entry.lastReceived = Math.max(entry.lastReceived, r.t);
      addEvent(entry.timeline, r.e, r.o, this.holdPhrases);
      this.head = r.o;
    }
    if (upTo > this.head) this.head = upTo;
  }

  closedAt(chatId: string): number | null {
    return this.chats.get(chatId)?.timeline.state?.closedAt ?? null;
  }

  /** The instant after which a chat counts as old: its close, or its last arrival if later. */
  private closedSince(entry: ChatEntry): number | null {
    const closedAt = entry.timeline.state?.closedAt;
    if (closedAt == null) return null;
    return Math.max(closedAt, entry.lastReceived);
  }

  /** Records of open chats and of chats closed within `closedWindowMs`, in offset order. */
  snapshot(now: number, closedWindowMs: number): StoredEvent[] {
    const lists: StoredEvent[][] = [];
    for (const entry of this.chats.values()) {
      const since = this.closedSince(entry);
      if (since === null || since >= now - closedWindowMs) lists.push(entry.records);
    }
    const all = lists.flat();
    all.sort((a, b) => a.o - b.o);
    return all;
  }

  /** Chats closed (and quiet) for longer than the retention, with their offsets. */
  expired(now: number, retentionMs: number): { chatIds: string[]; offsets: Set<number> } {
    const chatIds: string[] = [];
    const offsets = new Set<number>();
    for (const [chatId, entry] of this.chats) {
      const since = this.closedSince(entry);
      if (since !== null && since < now - retentionMs) {
        chatIds.push(chatId);
        for (const r of entry.records) offsets.add(r.o);
      }
    }
    return { chatIds, offsets };
  }

  remove(chatIds: readonly string[]): void {
    for (const id of chatIds) this.chats.delete(id);
  }

  get openChats(): number {
    let n = 0;
    for (const entry of this.chats.values()) if (entry.timeline.state?.closedAt == null) n += 1;
    return n;
  }
}
