// The script-tag bundle's socket transport before and after its chunk loads: picks listeners
// registered early are served once the real transport is there, and their cleanup works.
import { afterEach, describe, expect, it } from 'vitest';
import { SOCKET_KEY } from '../../src/adapters/chunks.ts';
import { lazySocketTransport } from '../../src/adapters/lazy-socket.ts';
import { createLocalTransport } from '../../src/adapters/transport.ts';
import type { PickRequest, SharedPick } from '../../src/server/wire.ts';
import { fakeClock } from '../models/fakes.ts';

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[SOCKET_KEY];
});

describe('lazy socket transport: picks', () => {
  it('passes picks listeners and shared picks on to the real transport once loaded', async () => {
    const listeners = new Set<(picks: SharedPick[]) => void>();
    const shared: PickRequest[] = [];
    const real = Object.assign(createLocalTransport(fakeClock()), {
      sharePick: async (p: PickRequest) => {
        shared.push(p);
      },
      onPicks: (l: (picks: SharedPick[]) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    });
    (globalThis as Record<symbol, unknown>)[SOCKET_KEY] = () => real;
    const transport = lazySocketTransport('chunk.js', {} as Document, () => {})(
      { url: 'ws://x', token: 't' },
      fakeClock(),
    );
    const got: SharedPick[][] = [];
    const stop = transport.onPicks!((list) => got.push(list));
    const p = { id: 'p-1', text: 'late parcel', sopId: 'CS-SH-001' };
    await transport.sharePick!(p);
    expect(shared).toEqual([p]);
    const push = (list: SharedPick[]) => {
      for (const l of listeners) l(list);
    };
    push([{ ...p, by: 'a-1', at: 1 }]);
    expect(got).toEqual([[{ ...p, by: 'a-1', at: 1 }]]);
    stop();
    push([{ ...p, id: 'p-2', by: 'a-1', at: 2 }]);
    expect(got).toHaveLength(1);
    transport.dispose();
  });
});
