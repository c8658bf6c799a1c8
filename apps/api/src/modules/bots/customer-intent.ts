import { fold as foldAccents } from '../knowledge/knowledge-ranking.js';

/*
 * What a customer's words say about the conversation itself, in English and Spanish: a request for a
 * person, small talk (greetings, thanks, goodbyes), or a sign that the last answer did not help.
 */

const fold = (text: string): string => foldAccents(text).trim();

const PERSON_REQUEST = new RegExp(
  '\\b(' +
    [
      'agents?',
      'humans?',
      'person',
      'real person',
      'representative',
      'operator',
      'someone real',
      'live (chat|support)',
      'talk to (a|someone|somebody)',
      'speak (to|with) (a|someone|somebody)',
      'agentes?',
      'humanos?',
      'personas?',
      'operador(a)?',
      'asesor(a)?',
      'representante',
      'hablar con (alguien|una|un)',
    ].join('|') +
    ')\\b',
);

export type SmallTalk = 'greeting' | 'thanks' | 'goodbye';

// Phrases of small talk, accent-folded, separated by `|` (longer ones are tried first).
const SMALL_TALK: Record<SmallTalk, string> = {
  greeting:
    'hi|hello|hey|hiya|howdy|yo|greetings|good morning|good afternoon|good evening|good day|morning|' +
    'how are you|how are you doing|how is it going|how s it going|hows it going|what s up|whats up|sup|' +
    'hola|buenas|buenos dias|buen dia|buenas tardes|buenas noches|que tal|como estas|como esta|como va|saludos',
  thanks:
    'thanks|thank you|thank u|thx|ty|cheers|much appreciated|appreciate it|' +
    'gracias|muchas gracias|mil gracias|te lo agradezco|se lo agradezco',
  goodbye:
    'bye|bye bye|goodbye|good bye|see you|see ya|see you later|take care|have a nice day|have a good day|' +
    'good night|adios|chao|chau|hasta luego|hasta pronto|hasta manana|nos vemos|que tengas un buen dia',
};

// Words that may surround small talk without turning it into a question ("hi from my phone").
const FILLER = new Set(
  (
    'a again all and everyone everybody folks from guys here i im it just lol my nice oh ok okay ' +
    'phone mobile cell laptop computer tablet so team there this to too very much lot you your ' +
    'aqui de desde el equipo la los mi movil celular telefono ordenador computadora muy nuevo ' +
    'otra vez todos todas tu usted vosotros y bien'
  ).split(' '),
);

const PHRASES = (Object.entries(SMALL_TALK) as [SmallTalk, string][])
  .flatMap(([kind, phrases]) => phrases.split('|').map((phrase) => ({ kind, words: phrase.split(' ') })))
  .sort((a, b) => b.words.length - a.words.length);

const NOT_HELPFUL = new RegExp(
  '^(no|nope|no thanks)[\\s!.]*$|' +
    "\\b(didn'?t help|did not help|not helpful|doesn'?t help|does not help|useless|not what i|wrong answer|" +
    "that'?s not it|no me (sirve|ayuda|ayudo)|no sirve|no ayuda|no es eso|no era eso)\\b",
);

const SPANISH_HINTS =
  /\b(hola|gracias|quiero|necesito|como|donde|cuando|por que|porque|mi|el|la|los|las|una|agente|persona|humano|ayuda|contrasena|pedido|cuenta)\b/g;
const ENGLISH_HINTS =
  /\b(hi|hello|thanks|want|need|how|where|when|why|my|the|an|agent|person|human|help|password|order|account)\b/g;

export function asksForPerson(text: string): boolean {
  return PERSON_REQUEST.test(fold(text));
}

/**
 * What a message made only of small talk is (a greeting, thanks or a goodbye, with filler such as
 * "from my phone" around it), or null as soon as it says anything else: then it is a question.
 */
export function smallTalkOf(text: string): SmallTalk | null {
  const words = fold(text).match(/[a-z0-9]+/g) ?? [];
  const heard = new Set<SmallTalk>();
  for (let i = 0; i < words.length;) {
    const phrase = PHRASES.find((p) => p.words.every((word, k) => words[i + k] === word));
    if (phrase) {
      heard.add(phrase.kind);
      i += phrase.words.length;
    } else if (FILLER.has(words[i] ?? '')) {
      i += 1;
    } else {
      return null;
    }
  }
  // A goodbye with thanks in it is a goodbye; thanks with a greeting in it ("hi, thanks") is thanks.
  return heard.has('goodbye') ? 'goodbye' : heard.has('thanks') ? 'thanks' : heard.size ? 'greeting' : null;
}

export function saysNotHelpful(text: string): boolean {
  return NOT_HELPFUL.test(fold(text));
}

/** `es` when the text reads as Spanish, else `en`: enough to answer in the customer's language. */
export function languageOf(text: string): 'en' | 'es' {
  const folded = fold(text);
  const es = folded.match(SPANISH_HINTS)?.length ?? 0;
  const en = folded.match(ENGLISH_HINTS)?.length ?? 0;
  return es > en || /[¿¡ñ]/.test(text) ? 'es' : 'en';
}
