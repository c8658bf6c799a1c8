import type { KnowledgeArticle } from '@baton/contracts';
import { api } from '../../../lib/api';
import { DataTable, type Column, type TableLoad } from '../../../ui/DataTable';
import { EditDeleteActions } from '../../../ui/EditDeleteActions';
import { Ago } from '../../../ui/Page';
import { Tags } from '../../../ui/Tags';
import { excerpt } from './knowledge-text';

const COLUMNS: Column<KnowledgeArticle>[] = [
  {
    header: 'Article',
    className: 'setup-wide-cell',
    cell: (article) => (
      <>
        <strong>{article.title}</strong>
        <div className="muted">{excerpt(article.body)}</div>
      </>
    ),
  },
  { header: 'Tags', cell: (article) => <Tags values={article.tags} /> },
  {
    header: 'Status',
    cell: (article) => (
      <span className={article.published ? 'badge badge--ok' : 'badge'}>
        {article.published ? 'Published' : 'Draft'}
      </span>
    ),
  },
  { header: 'Updated', cell: (article) => <Ago at={article.updatedAt} /> },
];

export function ArticlesTable({
  load,
  empty,
  onEdit,
  onDeleted,
}: {
  load: TableLoad<KnowledgeArticle>;
  empty: string;
  onEdit: (article: KnowledgeArticle) => void;
  onDeleted: (id: string) => void;
}) {
  return (
    <DataTable
      caption="Knowledge base articles"
      columns={COLUMNS}
      load={load}
      what="articles"
      empty={empty}
      actions={(article) => (
        <EditDeleteActions
          name={article.title}
          deleteTitle="Delete this article?"
          confirmLabel="Delete article"
          onEdit={() => onEdit(article)}
          onDelete={async () => {
            await api.delete(`/knowledge/articles/${article.id}`);
            onDeleted(article.id);
          }}
        >
          <p>
            &ldquo;{article.title}&rdquo; will be deleted and bots stop using it at once. This cannot be
            undone; to take it offline for a while, unpublish it instead.
          </p>
        </EditDeleteActions>
      )}
    />
  );
}
