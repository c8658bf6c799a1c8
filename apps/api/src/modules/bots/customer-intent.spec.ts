import { describe, expect, it } from 'vitest';
import { asksForPerson, isGreeting, languageOf, saysNotHelpful } from './customer-intent.js';

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

  it('tells greetings and "that did not help" apart from questions', () => {
    expect(isGreeting('Hello!')).toBe(true);
    expect(isGreeting('buenos días')).toBe(true);
    expect(isGreeting('hello, where is my order?')).toBe(false);
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
