import { Injectable } from '@nestjs/common';
import { KnowledgeBaseService } from '../../knowledge/knowledge-base.service.js';
import {
  summarizeTranscript,
  type BotEngine,
  type BotTurnInput,
  type BotTurnResult,
  type TranscriptLine,
} from '../bot-engine.js';
import { asksForPerson, languageOf, saysNotHelpful, smallTalkOf } from '../customer-intent.js';

const ANSWER_CHARS = 1_200;

const SAY = {
  en: {
    greeting: 'Hi! I am the virtual assistant. Ask me a question, or write "agent" to talk to a person.',
    thanks: 'You are welcome! Is there anything else I can help you with?',
    goodbye: 'Goodbye, and thanks for writing! If you need anything else, just write here again.',
    toPerson: 'Sure, I am passing you to a person now. They will see what we talked about.',
    nobody: 'Sorry, nobody can take this conversation here right now. Please try again later.',
    unsure: 'I am not sure I can answer that well, so I am passing you to a person.',
    tryAgain: 'Sorry that did not help. Could you tell me a bit more? Or write "agent" to talk to a person.',
    giveUp: 'Sorry I could not help. I am passing you to a person now.',
    more: 'Did that help? If not, write "agent" to talk to a person.',
  },
  es: {
    greeting:
      '¡Hola! Soy el asistente virtual. Hazme una pregunta o escribe "agente" para hablar con una persona.',
    thanks: '¡De nada! ¿Puedo ayudarte en algo más?',
    goodbye: '¡Hasta pronto, y gracias por escribirnos! Si necesitas algo más, escribe aquí de nuevo.',
    toPerson: 'Claro, te paso con una persona ahora. Verá lo que hemos hablado.',
    nobody: 'Lo sentimos, ahora mismo nadie puede atender esta conversación aquí. Inténtalo más tarde.',
    unsure: 'No estoy seguro de poder responder bien a eso, así que te paso con una persona.',
    tryAgain:
      'Siento que no te haya ayudado. ¿Puedes contarme un poco más? O escribe "agente" para hablar con una persona.',
    giveUp: 'Siento no haber podido ayudarte. Te paso con una persona ahora.',
    more: '¿Te ha servido? Si no, escribe "agente" para hablar con una persona.',
  },
} as const;

/**
 * The default bot: answers greetings, thanks and goodbyes in kind, answers from the knowledge base
 * when an article matches the question well enough (the bot's confidence threshold), and hands off to a person below it, when asked, or after the
 * customer has said `maxUnhelpfulTurns` times that the answers did not help.
 */
@Injectable()
export class KnowledgeBaseBotEngine implements BotEngine {
  readonly kind = 'knowledge_base' as const;

  constructor(private readonly knowledge: KnowledgeBaseService) {}

  async turn(input: BotTurnInput): Promise<BotTurnResult> {
    const customerLines = input.transcript.filter((line) => line.author === 'customer');
    const message = customerLines.at(-1)?.text ?? '';
    const say = SAY[languageOf(customerLines.map((line) => line.text).join(' '))];
    const queue = input.queues[0];
    // With no queue to hand off to, promising a person would be a lie: say nobody is available.
    const handoff = (reply: string, reason: string, intent: string | null): BotTurnResult => ({
      reply: queue ? reply : say.nobody,
      handoff: queue
        ? { reason, queueId: queue.id, priority: 0, summary: summarizeTranscript(input.transcript), intent }
        : null,
      unhelpful: false,
      intent,
    });

    if (asksForPerson(message))
      return handoff(say.toPerson, 'customer_asked', await this.intentOf(customerLines));
    // Small talk is answered in kind: a greeting is no question the knowledge base could fail on.
    const smallTalk = smallTalkOf(message);
    if (smallTalk) return { reply: say[smallTalk], handoff: null, unhelpful: false, intent: null };
    if (saysNotHelpful(message)) {
      if (input.unhelpfulTurns + 1 >= input.config.maxUnhelpfulTurns) {
        return {
          ...handoff(say.giveUp, 'bot_unhelpful', await this.intentOf(customerLines)),
          unhelpful: true,
        };
      }
      return { reply: say.tryAgain, handoff: null, unhelpful: true, intent: null };
    }

    const [best] = await this.knowledge.search(message, 1);
    const intent = best ? (best.article.tags[0] ?? best.article.title) : null;
    if (!best || best.confidence < input.config.confidenceThreshold) {
      return handoff(say.unsure, 'low_confidence', intent);
    }
    const body =
      best.article.body.length > ANSWER_CHARS
        ? `${best.article.body.slice(0, ANSWER_CHARS - 1)}…`
        : best.article.body;
    return {
      reply: `${best.article.title}\n\n${body}\n\n${say.more}`,
      handoff: null,
      unhelpful: false,
      intent,
    };
  }

  /** The topic of the best-matching article for everything the customer asked, if any. */
  private async intentOf(customerLines: TranscriptLine[]): Promise<string | null> {
    const asked = customerLines
      .filter((line) => !asksForPerson(line.text) && smallTalkOf(line.text) === null)
      .map((line) => line.text)
      .join(' ');
    if (!asked) return null;
    const [best] = await this.knowledge.search(asked, 1);
    return best ? (best.article.tags[0] ?? best.article.title) : null;
  }
}
