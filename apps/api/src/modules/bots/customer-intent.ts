import { fold as foldAccents } from '../knowledge/knowledge-ranking.js';

/*
 * What a customer's words say about the conversation itself, in English and Spanish: a request for a
 * person, a bare greeting, or a sign that the last answer did not help.
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

const GREETING =
  /^(hi|hello|hey|good (morning|afternoon|evening)|hola|buenas|buenos dias|buenas (tardes|noches))[\s!.,]*$/;

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

export function isGreeting(text: string): boolean {
  return GREETING.test(fold(text));
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
