import { describe, expect, it } from 'vitest';
import { rankArticles, tokenize } from './knowledge-ranking.js';

const articles = [
  {
    id: 'a',
    title: 'Reset your password',
    body: 'Open Settings, choose Security and press "Reset password". We email you a link.',
    tags: ['account'],
  },
  {
    id: 'b',
    title: 'Shipping times',
    body: 'Orders ship within 2 business days; delivery takes 3 to 5 days.',
    tags: ['orders', 'shipping'],
  },
  {
    id: 'c',
    title: 'Cambiar la contraseña',
    body: 'En Ajustes, elige Seguridad y pulsa "Restablecer contraseña".',
    tags: ['cuenta'],
  },
];

describe('knowledge ranking', () => {
  it('folds accents, drops stop words and plural -s', () => {
    expect(tokenize('How do I reset my passwords?')).toEqual(['reset', 'password']);
    expect(tokenize('¿Cómo cambio la contraseña?')).toEqual(['cambio', 'contrasena']);
  });

  it('ranks the matching article first with full confidence', () => {
    const [best] = rankArticles(articles, 'How do I reset my password?');
    expect(best?.article.id).toBe('a');
    expect(best?.confidence).toBe(1);
  });

  it('finds Spanish articles without accents typed', () => {
    expect(rankArticles(articles, 'olvidé mi contrasena')[0]?.article.id).toBe('c');
  });

  it('gives low confidence when most of the question is unknown', () => {
    const [best] = rankArticles(articles, 'can I pay for shipping with bitcoin cryptocurrency wallet');
    expect(best?.article.id).toBe('b');
    expect(best!.confidence).toBeLessThan(0.35);
  });

  it('returns nothing for questions of stop words only or no articles', () => {
    expect(rankArticles(articles, 'how do I')).toEqual([]);
    expect(rankArticles([], 'password')).toEqual([]);
  });
});
