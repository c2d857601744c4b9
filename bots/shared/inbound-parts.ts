/**
 * A customer message longer than the core takes (MAX_MESSAGE_LENGTH) as several, in order, none
 * lost: split at paragraph, line or word, ids `<id>`, `<id>:2`, `<id>:3`…, the files on the first
 * part. The bot is to act on one part only: the one with the button id (a command, which starts the
 * message), else the last, so that a long question gets one answer; the others are `storeOnly`.
 * @module
 */
import type { InboundMessage } from '../../server/channels/contract.js';
import { splitText } from './split-text.js';

export function inboundParts(inbound: InboundMessage, limit: number): InboundMessage[] {
  if (inbound.text.length <= limit) return [inbound];
  const texts = splitText(inbound.text, limit);
  const acted = inbound.buttonId ? 0 : texts.length - 1;
  return texts.map((text, index) => {
    const part: InboundMessage = {
      ...inbound,
      externalMessageId: index === 0 ? inbound.externalMessageId : `${inbound.externalMessageId}:${index + 1}`,
      text,
    };
    if (index > 0) delete part.attachments;
    if (index !== acted) {
      delete part.buttonId;
      part.storeOnly = true;
    }
    return part;
  });
}
