import { ZBotRequest, type Bot, type BotRequest } from '@baton/contracts';
import { z } from 'zod';

/**
 * The contract's schema, with the confidence threshold typed as a percentage (stored as a fraction)
 * and an empty model meaning the server's default.
 */
export const ZBotForm = ZBotRequest.extend({
  confidenceThreshold: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'Enter a percentage from 0 to 100.')
    .transform((text) => Number(text) / 100)
    .pipe(ZBotRequest.shape.confidenceThreshold.unwrap()),
  model: z
    .string()
    .transform((text) => text.trim() || null)
    .pipe(ZBotRequest.shape.model.unwrap()),
});
export type BotInput = z.input<typeof ZBotForm>;

export function botInput(bot: Bot | null): BotInput {
  const values: BotRequest = bot
    ? {
        name: bot.name,
        engine: bot.engine,
        systemPrompt: bot.systemPrompt,
        allowedQueueIds: bot.allowedQueueIds,
        confidenceThreshold: bot.confidenceThreshold,
        maxUnhelpfulTurns: bot.maxUnhelpfulTurns,
        model: bot.model,
        enabled: bot.enabled,
      }
    : // The contract's defaults, so a new bot starts as the API would fill it in.
      { ...ZBotRequest.parse({ name: 'new' }), name: '' };
  return {
    ...values,
    confidenceThreshold: String(Math.round(values.confidenceThreshold * 100)),
    model: values.model ?? '',
  };
}
