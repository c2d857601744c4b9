/**
 * The baseline for `npm run bench`: a bare socket.io server that echoes each visitor message
 * back, with the same transport settings as chatbridge. Prints its URL like server/main.ts.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { maxHttpBufferSize: 64 * 1024 });
let id = 0;
io.of('/webchat').on('connection', (socket) => {
  socket.emit('ready', { token: 'echo', visitorId: socket.id, conversation: null });
  socket.on('message', (payload: { clientId: string; text: string }, ack: (r: unknown) => void) => {
    const messageId = ++id;
    ack({ ok: true, id: messageId, conversationId: 1, duplicate: false });
    socket.emit('message', { id: ++id, direction: 'out', author: { type: 'bot' }, text: payload.text, quickReplies: [], clientId: null, createdAt: Date.now() }, () => {});
  });
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address();
  console.log(`running on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
