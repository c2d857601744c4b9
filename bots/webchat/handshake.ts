/**
 * Who is on the other end of a webchat socket: the origin check, the visitor token and the
 * shop's identity claim, decided once per connection (socket.io middleware).
 * @module
 */
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { ContactDetails } from '../../server/channels/contract.js';
import { originAllowed } from './origin.js';
import type { HandshakeAuth } from './protocol.js';
import { issueVisitorToken, verifyIdentity, verifyVisitorToken } from './tokens.js';
import { checkEmail, checkName } from './validate.js';

/** What the server remembers about a connected visitor (`socket.data`). */
export interface VisitorData {
  visitorId: string;
  /** The shop vouched for this visitor with a valid HMAC. */
  identified: boolean;
  language?: string;
  /** Name and email that came with a verified identity, saved once the socket is connected. */
  identityDetails?: ContactDetails;
  lastTypingAt: number;
  lastTyping: boolean;
}

export interface HandshakeOptions {
  secret: string;
  allowedOrigins: string[];
  identitySecret?: string;
  log: Logger;
}

const LANGUAGE = /^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$/;

/** Visitor ids made from a shop's user id; only a valid identity may claim one. */
export const identifiedId = (userId: string): string => `u_${userId}`;

/** The socket.io middleware for `/webchat`. */
export function webchatHandshake(opts: HandshakeOptions): (socket: Socket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    const headers = socket.handshake.headers;
    const origin = headers.origin;
    if (!originAllowed(origin, [headers.host], opts.allowedOrigins)) {
      opts.log.warn({ origin }, 'webchat connection refused: origin not in WIDGET_ALLOWED_ORIGINS');
      return next(new Error('origin_not_allowed'));
    }
    const auth = (socket.handshake.auth ?? {}) as { [K in keyof HandshakeAuth]?: unknown };
    let visitorId = verifyVisitorToken(opts.secret, auth.token);
    let identified = false;
    let identityDetails: ContactDetails | undefined;
    const identity = verifyIdentity(opts.identitySecret, auth.identity);
    if (identity?.ok) {
      visitorId = identifiedId(identity.userId);
      identified = true;
      identityDetails = detailsOf(auth.identity, opts.log);
    } else {
      if (identity && !identity.ok) {
        opts.log.warn({ reason: identity.reason, origin }, `webchat identity refused (${identity.reason}); the visitor stays anonymous`);
      }
      // A token minted for an identified user opens that user's conversations only together
      // with a valid identity: a shared computer after the shop's logout must not show them.
      if (visitorId?.startsWith('u_')) visitorId = null;
    }
    if (!visitorId) visitorId = issueVisitorToken(opts.secret).visitorId;
    const language = typeof auth.language === 'string' && LANGUAGE.test(auth.language) ? auth.language : undefined;
    const data: VisitorData = { visitorId, identified, language, identityDetails, lastTypingAt: 0, lastTyping: false };
    socket.data = data;
    next();
  };
}

/** The optional name and email beside a verified identity; bad ones are left out (and logged). */
function detailsOf(identity: unknown, log: Logger): ContactDetails | undefined {
  const { name, email } = identity as { name?: unknown; email?: unknown };
  const details: ContactDetails = {};
  if (name !== undefined) {
    const checked = checkName(name);
    if (checked.ok) details.name = checked.value;
    else log.warn({ reason: checked.error.message }, 'webchat identity name ignored');
  }
  if (email !== undefined) {
    const checked = checkEmail(email);
    if (checked.ok) details.email = checked.value;
    else log.warn({ reason: checked.error.message }, 'webchat identity email ignored');
  }
  return details.name || details.email ? details : undefined;
}
