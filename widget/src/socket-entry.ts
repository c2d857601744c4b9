/**
 * The second bundle, `/assets/widget-socket.js`: socket.io-client, loaded by widget.js only when
 * a conversation needs it (first open, or a stored conversation), so pages stay light.
 * @module
 */
import { io } from 'socket.io-client';
import { SOCKET_GLOBAL } from './socket-loader.js';

(window as unknown as Record<string, unknown>)[SOCKET_GLOBAL] = io;
