/**
 * The widget's own words in Russian and English (the bot's answers come from the server).
 * @module
 */

export type Lang = 'ru' | 'en';

/** Russian plural: 1 сообщение, 2 сообщения, 5 сообщений. */
function ruPlural(n: number, one: string, few: string, many: string): string {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}

const ru = {
  title: 'Поддержка',
  dialog: 'Чат поддержки',
  open: 'Открыть чат поддержки',
  close: 'Свернуть чат',
  unread: (n: number) => `${n} ${ruPlural(n, 'новое сообщение', 'новых сообщения', 'новых сообщений')}`,
  log: 'Сообщения',
  subtitleBot: 'Бот отвечает сразу, операторы — в рабочее время',
  subtitleQueued: 'Ждём оператора…',
  subtitleOffline: 'Операторы сейчас не в сети',
  subtitleAssigned: (name: string) => `${name}, оператор поддержки`,
  subtitleResolved: 'Вопрос решён',
  agentJoined: (name: string) => `Оператор ${name} теперь в чате`,
  typing: (name: string | null) => (name ? `${name} печатает…` : 'Оператор печатает…'),
  placeholder: 'Напишите сообщение…',
  message: 'Сообщение',
  send: 'Отправить',
  you: 'Вы',
  bot: 'Бот',
  agent: 'Оператор',
  system: 'Поддержка',
  pending: 'Ждёт отправки',
  sending: 'Отправляется…',
  failed: 'Не отправлено',
  retry: 'Повторить',
  remove: 'Удалить',
  noConnection: 'Нет связи. Сообщения уйдут, как только она появится.',
  unavailable: 'Чат недоступен на этом сайте. Ваши сообщения сохранены здесь, но не отправлены.',
  unavailableShort: 'Чат недоступен',
  limit: (n: number) => `Не больше ${n} ${ruPlural(n, 'символа', 'символов', 'символов')}`,
  tooLong: (n: number) => `Сообщение длиннее ${n} ${ruPlural(n, 'символа', 'символов', 'символов')} — сократите его.`,
  connecting: 'Подключаемся…',
  ratingPrompt: 'Оцените, пожалуйста, нашу помощь',
  ratingStar: (n: number) => `Оценка ${n} из 5`,
  ratingSent: (n: number) => `Оценка: ${n} из 5`,
  offlineTitle: 'Сейчас операторов нет на месте',
  offlineHours: (hours: string) => `Мы работаем: ${hours}.`,
  offlineEmail: 'Оставьте email — ответим письмом, как только вернёмся.',
  email: 'Email',
  emailSubmit: 'Оставить email',
  emailSaved: (email: string) => `Спасибо! Ответим на ${email}.`,
  badEmail: 'Проверьте адрес: в нём должен быть знак @ и домен.',
  prechatTitle: 'Представьтесь, пожалуйста',
  prechatIntro: 'Так оператор сможет обратиться к вам по имени и ответить на почту, если вы уйдёте со страницы.',
  name: 'Имя',
  required: 'обязательно',
  start: 'Начать чат',
  skip: 'Пропустить',
  badName: 'Напишите имя.',
  errors: {
    too_long: 'Сообщение слишком длинное — сократите его.',
    empty_message: 'Пустое сообщение.',
    invalid_payload: 'Сообщение не принято.',
    invalid_client_id: 'Сообщение не принято.',
    invalid_email: 'Проверьте адрес почты.',
    invalid_name: 'Проверьте имя.',
  } as Record<string, string>,
  newTab: '(откроется в новой вкладке)',
};

export type Texts = typeof ru;

const en: Texts = {
  title: 'Support',
  dialog: 'Support chat',
  open: 'Open the support chat',
  close: 'Minimise the chat',
  unread: (n) => `${n} new ${n === 1 ? 'message' : 'messages'}`,
  log: 'Messages',
  subtitleBot: 'The bot answers at once, people in working hours',
  subtitleQueued: 'Waiting for an agent…',
  subtitleOffline: 'Our agents are offline right now',
  subtitleAssigned: (name) => `${name}, support agent`,
  subtitleResolved: 'Resolved',
  agentJoined: (name) => `${name} has joined the chat`,
  typing: (name) => (name ? `${name} is typing…` : 'An agent is typing…'),
  placeholder: 'Write a message…',
  message: 'Message',
  send: 'Send',
  you: 'You',
  bot: 'Bot',
  agent: 'Agent',
  system: 'Support',
  pending: 'Waiting to be sent',
  sending: 'Sending…',
  failed: 'Not sent',
  retry: 'Retry',
  remove: 'Remove',
  noConnection: 'No connection. Your messages will be sent as soon as it is back.',
  unavailable: 'The chat is not available on this site. Your messages are kept here but not sent.',
  unavailableShort: 'Chat unavailable',
  limit: (n) => `At most ${n} ${n === 1 ? 'character' : 'characters'}`,
  tooLong: (n) => `The message is longer than ${n} ${n === 1 ? 'character' : 'characters'}; please shorten it.`,
  connecting: 'Connecting…',
  ratingPrompt: 'Please rate our help',
  ratingStar: (n) => `Rating ${n} of 5`,
  ratingSent: (n) => `Rating: ${n} of 5`,
  offlineTitle: 'Nobody is at the desk right now',
  offlineHours: (hours) => `Our hours: ${hours}.`,
  offlineEmail: 'Leave your email and we will write back as soon as we are here.',
  email: 'Email',
  emailSubmit: 'Leave email',
  emailSaved: (email) => `Thank you! We will reply to ${email}.`,
  badEmail: 'Check the address: it needs an @ and a domain.',
  prechatTitle: 'Please introduce yourself',
  prechatIntro: 'So that our agent can call you by name and reply by email if you leave the page.',
  name: 'Name',
  required: 'required',
  start: 'Start chat',
  skip: 'Skip',
  badName: 'Please write your name.',
  errors: {
    too_long: 'The message is too long; please shorten it.',
    empty_message: 'The message is empty.',
    invalid_payload: 'The message was not accepted.',
    invalid_client_id: 'The message was not accepted.',
    invalid_email: 'Check the email address.',
    invalid_name: 'Check the name.',
  },
  newTab: '(opens in a new tab)',
};

export const TEXTS: Record<Lang, Texts> = { ru, en };

/** ru for Russian and its neighbours, en for everything else. */
export function pickLang(code: string | null | undefined): Lang {
  const base = (code ?? '').toLowerCase().split(/[-_]/)[0];
  return base === 'ru' || base === 'uk' || base === 'be' || base === 'kk' ? 'ru' : 'en';
}
