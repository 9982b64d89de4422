// The engine's public surface: the widget, the server and the CLI import from here.
export * from './audit.ts';
export { isMine, isProtocolEvent, reduce } from './chat.ts';
export * from './config.ts';
export * from './detect.ts';
export * from './events.ts';
export * from './guards.ts';
export * from './read.ts';
export * from './time.ts';
export * from './timeline.ts';
export type * from './types.ts';
