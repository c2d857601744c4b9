/**
 * Keeps live agent sockets in step with their sessions: a socket whose session was signed out is
 * closed at once, and one whose session expired (or whose agent was deactivated) at the next sweep,
 * so nobody keeps receiving conversations, messages and private notes after their session ended.
 * The client is told why (`session:ended`) before the server disconnects it.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { Sessions } from './sessions.js';

const ENDED = { code: 'session_ended', message: 'Your session has ended; sign in again.' };

export function guardAgentSessions(app: FastifyInstance, nsp: Namespace, sessions: Sessions, log: Logger, sweepMs = 30_000): void {
  const end = (socket: Socket) => {
    socket.emit('session:ended', ENDED);
    socket.disconnect(true);
  };
  sessions.onRevoked((token) => {
    for (const socket of nsp.sockets.values()) if (socket.data.token === token) end(socket);
  });

  let running = false;
  const sweep = async () => {
    if (running || nsp.sockets.size === 0) return;
    running = true;
    try {
      for (const socket of [...nsp.sockets.values()]) {
        if (!(await sessions.agentFor(socket.data.token as string | undefined))) end(socket);
      }
    } catch (err) {
      log.error({ err }, 'agent session sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), sweepMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
