/**
 * The core's side of the channel contract: what adapters may call.
 * @module
 */
import type { Store } from '../store/types.js';
import type { ConversationRouter } from '../router/router.js';
import { toLanguage, type ChannelHost, type ChannelName, type ConversationSnapshot, type HistoryMessage, type InboundMessage } from './contract.js';

export function createChannelHost(deps: {
  store: Store;
  router: ConversationRouter;
  /** Makes pending deliveries to this customer due now. */
  expedite(channel: ChannelName, externalUserId: string): void;
  /** Whether any agent is online (for the widget's offline notice). */
  agentsOnline?: () => boolean;
  /** The working hours in words, in a language (for the widget's offline notice). */
  workingHours?: (language: 'ru' | 'en') => Promise<string>;
}): ChannelHost {
  const { store, router } = deps;
  const agentNames = new Map<number, string>();
  const agentName = async (id: number | null): Promise<string | undefined> => {
    if (id === null) return undefined;
    if (!agentNames.has(id)) agentNames.set(id, (await store.getAgent(id))?.name ?? 'Agent');
    return agentNames.get(id);
  };

  return {
    receive: (message: InboundMessage) => router.receive(message),
    async history(channel, externalUserId): Promise<ConversationSnapshot | null> {
      const conversation = await store.latestConversation(channel, externalUserId);
      if (!conversation) return null;
      const messages = await store.listMessages(conversation.id, { includeInternal: false });
      const history: HistoryMessage[] = [];
      for (const m of messages) {
        history.push({
          id: m.id,
          direction: m.direction === 'in' ? 'in' : 'out',
          author: { type: m.authorType, name: m.authorType === 'agent' ? await agentName(m.agentId) : undefined },
          text: m.text,
          quickReplies: m.quickReplies ?? undefined,
          attachments: m.attachments ?? undefined,
          clientId: m.clientId ?? undefined,
          createdAt: m.createdAt,
        });
      }
      return {
        conversationId: conversation.id,
        status: conversation.status,
        assignedAgentName: await agentName(conversation.assignedAgentId),
        messages: history,
      };
    },
    greeting: (language) => router.greeting(toLanguage(language) ?? 'ru'),
    reachable: (channel, externalUserId) => deps.expedite(channel, externalUserId),
    customerTyping: (channel, externalUserId, typing) => void router.customerTyping(channel, externalUserId, typing),
    agentsOnline: () => deps.agentsOnline?.() ?? true,
    ...(deps.workingHours ? { workingHours: (language?: string) => deps.workingHours!(toLanguage(language) ?? 'ru') } : {}),
    async saveContact(channel, externalUserId, details) {
      await store.saveContactDetails({ channel, externalUserId, externalChatId: externalUserId, ...details, at: Date.now() });
    },
  };
}
