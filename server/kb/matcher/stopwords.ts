/**
 * Short stop-word and filler lists (our own). Stop words are kept as features (the classifier weighs them) but are
 * skipped by the content-word bigrams and the nearest-phrasing index; fillers (greetings, politeness) are dropped.
 * @module
 */

/** Function words of Russian and English. "how", "why", "где", "когда" are not here: they carry the intent. */
export const STOP_WORDS = new Set(
  (
    'a an the is are am was were be been being to of in on at for with by from as into about and or but so if then ' +
    'my me i im you your yours it its this that these those there do does did done can could would should will ' +
    'shall may might must have has had having we us our they them their he she his her him just also very really ' +
    'any some get got still yet too again now ' +
    'и в во на с со к ко по о об обо от до за из у я мне меня мной мой моя мое мои моих ты тебя тебе вы вас вам ' +
    'ваш ваша ваше ваши он она оно они его ее их им это этот эта эти то тот та те же ли бы был была было были ' +
    'быть есть а но да или уже еще ещё вот так тоже там тут здесь ну'
  ).split(/\s+/),
);

/** Greetings and politeness that say nothing about the question; removed before matching. */
export const FILLER_WORDS = new Set(
  (
    'привет приветик приветствую здравствуйте здравствуй здрасте здрасьте доброго добрый доброе хай ' +
    'пожалуйста пожалуйсто пожалуста плиз пжл пж спасибо благодарю заранее подскажите подскажи ' +
    'hi hello hey hiya howdy greetings please pls plz thanks thank thx kindly'
  ).split(/\s+/),
);
