/**
 * What the bot says, in Russian and English.
 * @module
 */
import type { Language } from '../kb/types.js';

export interface BotTexts {
  helpfulQuestion: string;
  helpfulYes: string;
  helpfulNo: string;
  gladToHelp: string;
  suggest: string;
  talkToHuman: string;
  notUnderstood: string;
  escalatedOnline: string;
  escalatedOffline: (hours: string) => string;
  /** Outside business hours with nobody to take it: when people are back (the conversation stays queued). */
  escalatedClosed: (backAt: string) => string;
  alreadyQueued: string;
  ratingQuestion: string;
  ratingThanks: string;
  resolvedByAgent: string;
  greeting: string;
  topicIntro: string;
  topics: Record<string, string>;
}

export const texts: Record<Language, BotTexts> = {
  ru: {
    helpfulQuestion: 'Это помогло?',
    helpfulYes: 'Да, спасибо',
    helpfulNo: 'Нет, нужен оператор',
    gladToHelp: 'Рады помочь! Если появятся вопросы, просто напишите.',
    suggest: 'Возможно, вы спрашиваете об одном из этого:',
    talkToHuman: 'Позвать оператора',
    notUnderstood: 'Я не совсем понял вопрос. Попробуйте сформулировать иначе или позовите оператора.',
    escalatedOnline: 'Передаю разговор оператору, он скоро ответит здесь же.',
    escalatedOffline: (hours) =>
      `Сейчас все операторы офлайн. Мы работаем: ${hours}. Напишите вопрос здесь — ответим, как только вернёмся.`,
    escalatedClosed: (backAt) => `Сейчас мы не работаем. Операторы вернутся: ${backAt}. Ваш вопрос в очереди — ответим здесь же.`,
    alreadyQueued: 'Оператор скоро подключится.',
    ratingQuestion: 'Пожалуйста, оцените нашу помощь от 1 до 5.',
    ratingThanks: 'Спасибо за оценку!',
    resolvedByAgent: 'Вопрос решён. Если понадобится помощь, просто напишите.',
    greeting: 'Здравствуйте! Я бот поддержки. Задайте вопрос своими словами или выберите тему:',
    topicIntro: 'Частые вопросы по теме:',
    topics: {
      delivery: 'Доставка',
      returns: 'Возврат и обмен',
      payment: 'Оплата',
      orders: 'Заказы',
      product: 'Украшения',
      care: 'Уход',
      gifts: 'Подарки',
      warranty: 'Гарантия',
      promo: 'Скидки',
      business: 'Опт',
      contacts: 'Контакты',
      account: 'Аккаунт',
    },
  },
  en: {
    helpfulQuestion: 'Did this help?',
    helpfulYes: 'Yes, thanks',
    helpfulNo: 'No, I need a person',
    gladToHelp: 'Glad to help! Write any time you have another question.',
    suggest: 'Maybe you are asking about one of these:',
    talkToHuman: 'Talk to a person',
    notUnderstood: "I'm not sure I understood. Could you rephrase it, or ask for a person?",
    escalatedOnline: 'I am handing you over to an agent; they will answer here shortly.',
    escalatedOffline: (hours) =>
      `All our agents are offline right now. Our hours: ${hours}. Leave your question here and we will answer as soon as we are back.`,
    escalatedClosed: (backAt) => `We are closed right now. Our agents will be back: ${backAt}. Your question is in the queue and we will answer here.`,
    alreadyQueued: 'An agent will be with you shortly.',
    ratingQuestion: 'Please rate our help from 1 to 5.',
    ratingThanks: 'Thank you for your rating!',
    resolvedByAgent: 'Your question is resolved. Write any time if you need more help.',
    greeting: 'Hello! I am the support bot. Ask your question in your own words or pick a topic:',
    topicIntro: 'Frequent questions on this topic:',
    topics: {
      delivery: 'Delivery',
      returns: 'Returns',
      payment: 'Payment',
      orders: 'Orders',
      product: 'Jewellery',
      care: 'Care',
      gifts: 'Gifts',
      warranty: 'Warranty',
      promo: 'Discounts',
      business: 'Wholesale',
      contacts: 'Contacts',
      account: 'Account',
    },
  },
};

/** Quick-reply ids the router understands. */
export const Buttons = {
  helpfulYes: 'helpful:yes',
  helpfulNo: 'helpful:no',
  human: 'human',
  /** A channel's "start" (Telegram /start): the greeting with the main topics. */
  start: 'start',
  kb: (entryId: string) => `kb:${entryId}`,
  topic: (topic: string) => `topic:${topic}`,
  rating: (n: number) => `csat:${n}`,
} as const;
