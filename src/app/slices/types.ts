// What a slice of the page's store is given: the store's set and get (src/app/store.ts composes the
// slices into the one store, zustand's slices pattern), and the worker messages of one prefix.
import type { FromWorker } from '../../protocol/messages';
import type { AppState } from '../store';

export type SetState = (patch: Partial<AppState>) => void;
export type GetState = () => AppState;

/** The worker messages whose type starts with `prefix`. */
export type MessagesOf<P extends string> = Extract<FromWorker, { type: `${P}${string}` }>;

/** Whether `msg` is one of the messages of `prefix` (a slice handles those). */
export const hasPrefix = <P extends string>(msg: FromWorker, prefix: P): msg is MessagesOf<P> => msg.type.startsWith(prefix);
