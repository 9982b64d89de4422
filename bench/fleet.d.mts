export const ROOT: string;
export function hasCommand(name: string): boolean;
export function freePort(): Promise<number>;
export function processStats(pid: number): {
  rssMiB: number;
  peakRssMiB: number;
  cpuSeconds: number;
};
export interface Redis {
  url: string;
  pid: number;
  memoryBytes(): number;
  stop(): Promise<void>;
}
export function startRedis(): Promise<Redis>;
export interface Serve {
  url: string;
  port: number;
  pid: number;
  child: import('node:child_process').ChildProcess;
  stderr(): string;
  stats(): { rssMiB: number; peakRssMiB: number; cpuSeconds: number };
  exited(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}
export function spawnServe(options?: {
  args?: string[];
  env?: Record<string, string>;
  built?: boolean;
}): Promise<Serve>;
