import { ZKnowledgeArticle, type KnowledgeArticle, type KnowledgeArticleRequest } from '@baton/contracts';
import { useState } from 'react';
import { api } from '../../../lib/api';
import { CheckboxField, Field, TextAreaField } from '../../../ui/forms';
import { FormDialog, splitList } from '../setup-shared';

/** The knowledge-base bot sends at most this much of an article (see knowledge-base-bot.engine.ts). */
const ANSWER_CHARS = 1200;
export function ArticleEditor({
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
