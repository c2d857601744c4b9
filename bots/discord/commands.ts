/**
 * The application commands the bot registers on ready: `/support [question]`, usable in a server
 * (it opens the customer's private thread) and in the bot's DMs.
 * @module
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord.js';

export const SUPPORT_COMMAND = 'support';
export const QUESTION_OPTION = 'question';

/** The body of PUT /applications/{id}/commands. */
export function applicationCommands(): RESTPutAPIApplicationCommandsJSONBody {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: SUPPORT_COMMAND,
      description: 'Open a private conversation with support',
      description_localizations: { ru: 'Открыть личный разговор с поддержкой' },
      integration_types: [ApplicationIntegrationType.GuildInstall],
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: QUESTION_OPTION,
          name_localizations: { ru: 'вопрос' },
          description: 'Your question (optional)',
          description_localizations: { ru: 'Ваш вопрос (необязательно)' },
          required: false,
          max_length: 2000,
        },
      ],
    },
  ];
}
