// What the widget keeps between page loads (the agent's SOP picks): localStorage when the page
// allows it, memory otherwise (private mode, a full quota or blocked storage never break the
// widget: it only forgets sooner).
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export function memoryStorage(): KeyValueStore {
  const memory = new Map<string, string>();
  return {
    get: (key) => memory.get(key) ?? null,
    set: (key, value) => {
      memory.set(key, value);
    },
  };
}

export function browserStorage(): KeyValueStore {
  const memory = memoryStorage();
  let local: Storage | null = null;
  try {
    local = globalThis.localStorage ?? null;
  } catch {
    // Access itself throws when storage is blocked.
  }
  return {
    get(key) {
      try {
        const value = local?.getItem(key);
        if (value != null) return value;
      } catch {
        // fall back to memory
      }
      return memory.get(key);
    },
    set(key, value) {
      memory.set(key, value);
      try {
        local?.setItem(key, value);
      } catch {
        // quota or blocked: memory only
      }
    },
  };
}
