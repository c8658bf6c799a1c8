import type { KnowledgeArticle } from '@baton/contracts';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { knowledgeArticlesQuery, queryKeys, useListCache } from '../../../lib/queries';
import { Field, SelectField } from '../../../ui/forms';
import { Empty, PageHeader } from '../../../ui/Page';
import { Listing, matches } from '../setup-shared';
import { ArticlesTable } from './ArticlesTable';
import { ArticleEditor } from './ArticleEditor';
import { TryQuestion } from './TryQuestion';

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
