import { describe, expect, it } from 'vitest';
import { asksForPerson, languageOf, saysNotHelpful, smallTalkOf } from './customer-intent.js';

describe('customer intent', () => {
  it('hears a request for a person in English and Spanish', () => {
    for (const text of [
      'I want to talk to a human',
      'agent please',
      'Can I speak with someone?',
      'real person!!',
      'Quiero hablar con un agente',
      'una persona por favor',
      'HUMANO',
      'necesito un asesor',
    ]) {
      expect(asksForPerson(text), text).toBe(true);
    }
  });

  it('does not mistake ordinary questions for one', () => {
    for (const text of ['How do I reset my password?', 'personal data export', 'hola', 'personalizar']) {
      expect(asksForPerson(text), text).toBe(false);
    }
  });

  it('hears small talk in English and Spanish, with filler around it', () => {
    const heard = (texts: string[]) => texts.map((text) => [text, smallTalkOf(text)]);
    const greetings = [
      'Hello!',
      'hi from my phone',
      'hey there, how are you?',
      'Good morning team :)',
      'buenos días',
      'hola, ¿qué tal?',
      'Buenas tardes desde el móvil',
    ];
    expect(heard(greetings)).toEqual(greetings.map((text) => [text, 'greeting']));
    const thanks = ['thanks!', 'Thank you so much', 'ok thx', 'muchas gracias', '¡Gracias!'];
    expect(heard(thanks)).toEqual(thanks.map((text) => [text, 'thanks']));
    const goodbyes = ['bye', 'thanks, bye!', 'See you later', 'adiós', 'gracias, hasta luego'];
    expect(heard(goodbyes)).toEqual(goodbyes.map((text) => [text, 'goodbye']));
  });

  it('does not take a question or a complaint for small talk', () => {
    for (const text of [
      'hello, where is my order?',
      'hi, my phone does not charge',
      'hola, quiero cambiar mi contraseña',
      'no thanks',
      'thanks, but that did not help',
      'ok',
      '',
    ]) {
      expect(smallTalkOf(text), text).toBeNull();
    }
  });

  it('tells "that did not help" apart from questions', () => {
    expect(saysNotHelpful('no')).toBe(true);
    expect(saysNotHelpful("That didn't help at all")).toBe(true);
    expect(saysNotHelpful('no me sirve')).toBe(true);
    expect(saysNotHelpful('no worries, where is my order?')).toBe(false);
  });

  it('answers in the language the customer writes', () => {
    expect(languageOf('¿Dónde está mi pedido?')).toBe('es');
    expect(languageOf('quiero cambiar la contraseña')).toBe('es');
    expect(languageOf('Where is my order?')).toBe('en');
  });
});
