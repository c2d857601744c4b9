/**
 * Loads socket.io-client on demand: a classic <script> (no CORS needed, unlike a module import)
 * that leaves `io` on one namespaced global.
 * @module
 */
import type { io as IoFactory } from 'socket.io-client';

export type Io = typeof IoFactory;

/** Where widget-socket.js leaves `io`. */
export const SOCKET_GLOBAL = '__chatbridgeSocketIo';

let loading: Promise<Io> | null = null;

/** Resolves to socket.io's `io`; a failed load (offline) can be tried again. */
export function loadSocketIo(server: string): Promise<Io> {
  const existing = (window as unknown as Record<string, Io | undefined>)[SOCKET_GLOBAL];
  if (existing) return Promise.resolve(existing);
  loading ??= new Promise<Io>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${server}/assets/widget-socket.js`;
    script.async = true;
    script.onload = () => {
      const io = (window as unknown as Record<string, Io | undefined>)[SOCKET_GLOBAL];
      if (io) resolve(io);
      else reject(new Error('widget-socket.js did not define the socket client'));
    };
    script.onerror = () => {
      script.remove();
      reject(new Error(`could not load ${script.src}`));
    };
    document.head.append(script);
  }).catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}
