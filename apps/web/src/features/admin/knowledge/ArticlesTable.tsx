import type { KnowledgeArticle } from '@baton/contracts';
import { api } from '../../../lib/api';
import { Ago } from '../../../ui/Page';
import { EditDeleteActions, Tags } from '../setup-shared';
import { excerpt } from './knowledge-text';

export function ArticlesTable({
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
