import { Permission } from '@baton/authz';
import { ZKnowledgeSearchHit, type KnowledgeArticle, type KnowledgeSearchHit } from '@baton/contracts';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { useCan } from '../../../auth/session';
import { api, query } from '../../../lib/api';
import { botsQuery } from '../../../lib/queries';
import { ErrorMessage, Field } from '../../../ui/forms';
import { percent } from '../../../lib/format';
import { confidenceClass, excerpt } from './knowledge-text';

/** Asks the knowledge base a question the way a bot does, to tune articles and thresholds. */
export function TryQuestion({ onOpen }: { onOpen: (article: KnowledgeArticle) => void }) {
  const canBots = useCan(Permission.BotManage);
  const bots = useQuery({ ...botsQuery(), enabled: canBots });
  const [question, setQuestion] = useState('');
  const [result, setResult] = useState<{ question: string; hits: KnowledgeSearchHit[] } | null>(null);
  const action = useMutation({
    mutationFn: (q: string) =>
      api.get(`/knowledge/articles/search${query({ q })}`, z.array(ZKnowledgeSearchHit)),
    onSuccess: (hits, q) => setResult({ question: q, hits }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = question.trim();
    if (q) action.mutate(q);
  };

  const kbBots = (bots.data ?? []).filter((b) => b.engine === 'knowledge_base' && b.enabled);
  const best = result?.hits[0];

  return (
    <section className="panel stack" aria-labelledby="try-question">
      <h2 id="try-question">Try a question</h2>
      <form className="row setup-try" onSubmit={submit}>
        <Field
          label="Customer question"
          type="search"
          maxLength={500}
          placeholder="e.g. I forgot my password"
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
        />
        <button type="submit" className="button" disabled={action.isPending || !question.trim()}>
          {action.isPending ? 'Searching…' : 'Search'}
        </button>
      </form>
      <ErrorMessage error={action.error} />
      {result && (
        <div className="stack setup-tight" aria-live="polite">
          {result.hits.length === 0 ? (
            <p>
              No published article matches &ldquo;{result.question}&rdquo;. A bot would hand this conversation
              to a person.
            </p>
          ) : (
            <ol className="setup-hits">
              {result.hits.map((hit) => (
                <li key={hit.article.id}>
                  <span className={`badge ${confidenceClass(hit.confidence)}`}>
                    {percent(hit.confidence)} confidence
                  </span>{' '}
                  <button type="button" className="button button--link" onClick={() => onOpen(hit.article)}>
                    {hit.article.title}
                  </button>
                  <div className="muted">{excerpt(hit.article.body, 200)}</div>
                </li>
              ))}
            </ol>
          )}
          {kbBots.length > 0 && (
            <ul className="setup-list">
              {kbBots.map((bot) => (
                <li key={bot.id}>
                  <strong>{bot.name}</strong> (threshold {percent(bot.confidenceThreshold)}){' '}
                  {best && best.confidence >= bot.confidenceThreshold
                    ? `would answer with “${best.article.title}”.`
                    : 'would hand off to a person.'}
                </li>
              ))}
            </ul>
          )}
          <p className="muted setup-note">
            Confidence is the share of the question&rsquo;s meaningful words found in the article. Only
            published articles are searched. A knowledge-base bot answers with the best article when its
            confidence reaches the bot&rsquo;s threshold (35% unless changed).
          </p>
        </div>
      )}
    </section>
  );
}
