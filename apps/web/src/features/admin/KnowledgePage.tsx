import { Permission } from '@baton/authz';
import {
  ZKnowledgeArticle,
  ZKnowledgeSearchHit,
  type KnowledgeArticle,
  type KnowledgeArticleRequest,
  type KnowledgeSearchHit,
} from '@baton/contracts';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { useCan } from '../../auth/session';
import { api, query } from '../../lib/api';
import { botsQuery, knowledgeArticlesQuery, queryKeys, useListCache } from '../../lib/queries';
import { CheckboxField, ErrorMessage, Field, SelectField, TextAreaField } from '../../ui/forms';
import { Ago, Empty, PageHeader } from '../../ui/Page';
import { EditDeleteActions, FormDialog, Listing, Tags, matches, percent, splitList } from './setup-shared';

/** The knowledge-base bot sends at most this much of an article (see knowledge-base-bot.engine.ts). */
const ANSWER_CHARS = 1200;

type Show = 'all' | 'published' | 'drafts';
type Open = { article: KnowledgeArticle | null } | null;

const byTitle = (a: KnowledgeArticle, b: KnowledgeArticle) => a.title.localeCompare(b.title);

export default function KnowledgePage() {
  const articles = useQuery(knowledgeArticlesQuery());
  const cache = useListCache<KnowledgeArticle>(queryKeys.knowledgeArticles);
  const [search, setSearch] = useState('');
  const [show, setShow] = useState<Show>('all');
  const [open, setOpen] = useState<Open>(null);

  const visible = (list: KnowledgeArticle[]) =>
    list.filter(
      (a) =>
        (show === 'all' || a.published === (show === 'published')) &&
        matches(search, a.title, a.body, ...a.tags),
    );

  return (
    <section className="stack">
      <PageHeader title="Knowledge base">
        <button type="button" className="button button--primary" onClick={() => setOpen({ article: null })}>
          New article
        </button>
      </PageHeader>
      <p className="muted">
        Bots answer customers from the published articles. Write one article per question customers ask, with
        the words they use.
      </p>

      <TryQuestion onOpen={(article) => setOpen({ article })} />

      <div className="setup-toolbar" role="search" aria-label="Filter articles">
        <Field
          label="Search articles"
          type="search"
          placeholder="Title, text or tag"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <SelectField label="Show" value={show} onChange={(e) => setShow(e.target.value as Show)}>
          <option value="all">All articles</option>
          <option value="published">Published</option>
          <option value="drafts">Drafts</option>
        </SelectField>
      </div>

      <Listing
        load={articles}
        what="articles"
        empty="No articles yet. Bots without articles hand every question to a person."
      >
        {(list) => {
          const shown = visible(list);
          return shown.length === 0 ? (
            <Empty>No article matches this search.</Empty>
          ) : (
            <>
              <p className="muted setup-count" aria-live="polite">
                {shown.length === list.length
                  ? `${list.length} articles`
                  : `${shown.length} of ${list.length} articles`}
              </p>
              <ArticlesTable
                articles={shown}
                onEdit={(article) => setOpen({ article })}
                onDeleted={cache.remove}
              />
            </>
          );
        }}
      </Listing>

      {open && (
        <ArticleEditor
          article={open.article}
          onSaved={(article) => cache.upsert(article, byTitle)}
          onDone={() => setOpen(null)}
        />
      )}
    </section>
  );
}

function excerpt(text: string, length = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

function ArticlesTable({
  articles,
  onEdit,
  onDeleted,
}: {
  articles: KnowledgeArticle[];
  onEdit: (article: KnowledgeArticle) => void;
  onDeleted: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Article</th>
            <th scope="col">Tags</th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {articles.map((article) => (
            <tr key={article.id}>
              <td className="setup-wide-cell">
                <strong>{article.title}</strong>
                <div className="muted">{excerpt(article.body)}</div>
              </td>
              <td>
                <Tags values={article.tags} />
              </td>
              <td>
                <span className={article.published ? 'badge badge--ok' : 'badge'}>
                  {article.published ? 'Published' : 'Draft'}
                </span>
              </td>
              <td>
                <Ago at={article.updatedAt} />
              </td>
              <td>
                <EditDeleteActions
                  name={`${article.title}`}
                  deleteTitle="Delete this article?"
                  confirmLabel="Delete article"
                  onEdit={() => onEdit(article)}
                  onDelete={async () => {
                    await api.delete(`/knowledge/articles/${article.id}`);
                    onDeleted(article.id);
                  }}
                >
                  <p>
                    &ldquo;{article.title}&rdquo; will be deleted and bots stop using it at once. This cannot
                    be undone; to take it offline for a while, unpublish it instead.
                  </p>
                </EditDeleteActions>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ArticleEditor({
  article,
  onSaved,
  onDone,
}: {
  article: KnowledgeArticle | null;
  onSaved: (article: KnowledgeArticle) => void;
  onDone: () => void;
}) {
  const [title, setTitle] = useState(article?.title ?? '');
  const [body, setBody] = useState(article?.body ?? '');
  const [tags, setTags] = useState(article?.tags.join(', ') ?? '');
  const [published, setPublished] = useState(article?.published ?? true);

  const submit = async () => {
    const request: KnowledgeArticleRequest = { title, body, tags: splitList(tags), published };
    onSaved(
      article
        ? await api.put(`/knowledge/articles/${article.id}`, request, ZKnowledgeArticle)
        : await api.post('/knowledge/articles', request, ZKnowledgeArticle),
    );
  };

  return (
    <FormDialog
      title={article ? 'Edit article' : 'New article'}
      submitLabel={article ? 'Save article' : 'Create article'}
      wide
      onSubmit={submit}
      onDone={onDone}
    >
      <Field
        label="Title"
        required
        maxLength={200}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        hint="Phrase it as the customer would ask: “How do I reset my password?”"
      />
      <TextAreaField
        label="Answer"
        required
        rows={12}
        maxLength={20000}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        hint={
          body.length > ANSWER_CHARS
            ? `${body.length} characters: a knowledge-base bot sends only the first ${ANSWER_CHARS}, then offers a person.`
            : 'Plain text. The knowledge-base bot sends the title and this answer as its reply.'
        }
      />
      <Field
        label="Tags"
        value={tags}
        onChange={(e) => setTags(e.target.value)}
        placeholder="e.g. billing, password"
        hint="Comma-separated; up to 20. Words customers use that the text may not contain; the first tag names the topic for agents."
      />
      <CheckboxField
        label="Published: bots may answer with it (drafts are never used)"
        checked={published}
        onChange={(e) => setPublished(e.target.checked)}
      />
    </FormDialog>
  );
}

/** Asks the knowledge base a question the way a bot does, to tune articles and thresholds. */
function TryQuestion({ onOpen }: { onOpen: (article: KnowledgeArticle) => void }) {
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

function confidenceClass(confidence: number): string {
  if (confidence >= 0.6) return 'badge--ok';
  if (confidence >= 0.35) return 'badge--warn';
  return 'badge--danger';
}
