/**
 * What the Telegram adapter itself says (the bot's answers come from the core): /help, notices
 * about messages it cannot read, and the command menu, in Russian and English.
 * @module
 */
import { toLanguage } from '../../server/channels/contract.js';

export type AdapterLanguage = 'ru' | 'en';

export interface AdapterTexts {
  help: string;
  unsupported: string;
  expiredButton: string;
  notStored: string;
  /** The bot's command menu (setMyCommands). */
  commands: { command: string; description: string }[];
}

export const adapterTexts: Record<AdapterLanguage, AdapterTexts> = {
  ru: {
    help:
      'Я бот поддержки. Напишите вопрос своими словами — отвечу из базы знаний или позову оператора.\n\n' +
      '/start — частые темы\n/human — позвать оператора\n/help — эта подсказка\n\n' +
      'Можно присылать фото, файлы и голосовые сообщения — их увидит оператор.',
    unsupported: 'Такие сообщения я пока не читаю. Напишите, пожалуйста, текстом или пришлите фото или файл.',
    expiredButton: 'Эта кнопка устарела. Напишите вопрос сообщением.',
    notStored: 'Не удалось принять сообщение. Отправьте его ещё раз, пожалуйста.',
    commands: [
      { command: 'start', description: 'Частые темы' },
      { command: 'human', description: 'Позвать оператора' },
      { command: 'help', description: 'Что умеет бот' },
    ],
  },
  en: {
    help:
      'I am the support bot. Ask your question in your own words: I answer from the knowledge base or call a person.\n\n' +
      '/start — frequent topics\n/human — talk to a person\n/help — this help\n\n' +
      'You can send photos, files and voice messages; an agent will see them.',
    unsupported: "I can't read this kind of message yet. Please write it as text, or send a photo or a file.",
    expiredButton: 'This button has expired. Please type your question.',
    notStored: "I couldn't take that message. Please send it again.",
    commands: [
      { command: 'start', description: 'Frequent topics' },
      { command: 'human', description: 'Talk to a person' },
      { command: 'help', description: 'What the bot can do' },
    ],
  },
};

/** The adapter's language: Telegram's language_code when it is one we speak, else the script of the text. */
export function languageFor(languageCode: string | undefined, text?: string): AdapterLanguage {
  return toLanguage(languageCode) ?? (text && /[а-яё]/i.test(text) ? 'ru' : 'en');
}
