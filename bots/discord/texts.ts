/**
 * What the Discord adapter itself says (the bot's answers come from the core): thread notices,
 * refusals and the /support command's descriptions, in Russian and English.
 * @module
 */
import { toLanguage } from '../../server/channels/contract.js';

export type AdapterLanguage = 'ru' | 'en';

export interface AdapterTexts {
  /** First message in a new private thread; `quote` is the customer's question, already quoted. */
  threadIntro(userId: string, quote: string): string;
  /** Posted in an existing thread when the customer writes in the support channel again. */
  threadFollowUp(userId: string, quote: string): string;
  threadReady(threadId: string): string;
  threadFailed: string;
  notConfigured: string;
  dmReady: string;
  notYourButtons: string;
  notStored: string;
  threadName(name: string): string;
}

export const adapterTexts: Record<AdapterLanguage, AdapterTexts> = {
  ru: {
    threadIntro: (userId, quote) =>
      `<@${userId}>, я открыл для вас личную ветку: здесь вас видят только вы и поддержка.${quote ? `\n${quote}` : ''}`,
    threadFollowUp: (userId, quote) => `<@${userId}> написал(а) в канале поддержки:\n${quote}`,
    threadReady: (threadId) => `Ваша личная ветка поддержки: <#${threadId}>`,
    threadFailed:
      'Не получилось открыть личную ветку (боту не хватает прав на этом сервере). Напишите мне в личные сообщения.',
    notConfigured: 'На этом сервере поддержка не настроена. Напишите мне в личные сообщения.',
    dmReady: 'Я здесь — задайте вопрос в этом чате.',
    notYourButtons: 'Эти кнопки — для автора обращения.',
    notStored: 'Не удалось принять сообщение. Отправьте его ещё раз, пожалуйста.',
    threadName: (name) => `Поддержка · ${name}`,
  },
  en: {
    threadIntro: (userId, quote) =>
      `<@${userId}>, I opened a private thread for you: only you and the support team can see it.${quote ? `\n${quote}` : ''}`,
    threadFollowUp: (userId, quote) => `<@${userId}> wrote in the support channel:\n${quote}`,
    threadReady: (threadId) => `Your private support thread: <#${threadId}>`,
    threadFailed:
      "I couldn't open a private thread (the bot is missing permissions on this server). Please send me a direct message.",
    notConfigured: 'Support is not set up on this server. Please send me a direct message.',
    dmReady: "I'm here — ask your question in this chat.",
    notYourButtons: 'These buttons belong to the person who asked.',
    notStored: "I couldn't take that message. Please send it again.",
    threadName: (name) => `Support · ${name}`,
  },
};

/** Picks the adapter's language: the Discord locale when there is one, else the script of the text. */
export function languageFor(text: string | undefined, locale?: string): AdapterLanguage {
  return toLanguage(locale) ?? (text && /[а-яё]/i.test(text) ? 'ru' : 'en');
}
