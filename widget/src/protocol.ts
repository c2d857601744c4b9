/**
 * The webchat wire shapes, shared with the server as types only (esbuild drops the import, so
 * no server code ends up in widget.js).
 * @module
 */
export type {
  ContactAck,
  HandshakeAuth,
  PrechatMode,
  ReadyPayload,
  SendAck,
  StatusPayload,
  TypingPayload,
  WireConversation,
  WireError,
  WireMessage,
  WireQuickReply,
  WireStatus,
} from '../../bots/webchat/protocol.js';

/** Error codes after which sending the same thing again cannot help. */
export const PERMANENT_ERRORS: readonly string[] = ['invalid_payload', 'invalid_client_id', 'empty_message', 'too_long', 'invalid_email', 'invalid_name'];
