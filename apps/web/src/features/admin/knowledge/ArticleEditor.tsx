import {
  ZKnowledgeArticle,
  ZKnowledgeArticleRequest,
  type KnowledgeArticle,
  type KnowledgeArticleRequest,
} from '@baton/contracts';
import { useWatch } from 'react-hook-form';
import { z } from 'zod';
import { api } from '../../../lib/api';
import { splitList } from '../../../lib/text';
import { ContractFormDialog } from '../../../ui/ContractFormDialog';
import { CheckboxField, Field, TextAreaField } from '../../../ui/forms';
import { bindField, useContractForm } from '../../../lib/contract-form';

/** The knowledge-base bot sends at most this much of an article (see knowledge-base-bot.engine.ts). */
const ANSWER_CHARS = 1200;

/** The contract's schema, with the tags typed as one comma-separated text. */
const ZArticleForm = ZKnowledgeArticleRequest.extend({
  tags: z.string().transform(splitList).pipe(ZKnowledgeArticleRequest.shape.tags.unwrap()),
});

const FIELDS = ['title', 'body', 'tags', 'published'] as const;

export function ArticleEditor({
  article,
  onSaved,
  onDone,
}: {
  article: KnowledgeArticle | null;
  onSaved: (article: KnowledgeArticle) => void;
  onDone: () => void;
}) {
  const form = useContractForm(ZArticleForm, {
    title: article?.title ?? '',
    body: article?.body ?? '',
    tags: article?.tags.join(', ') ?? '',
    published: article?.published ?? true,
  });
  const length = (useWatch({ control: form.control, name: 'body' }) ?? '').length;

  const save = async (request: KnowledgeArticleRequest) => {
    onSaved(
      article
        ? await api.put(`/knowledge/articles/${article.id}`, request, ZKnowledgeArticle)
        : await api.post('/knowledge/articles', request, ZKnowledgeArticle),
    );
  };

  return (
    <ContractFormDialog
      title={article ? 'Edit article' : 'New article'}
      submitLabel={article ? 'Save article' : 'Create article'}
      form={form}
      fields={FIELDS}
      onSubmit={save}
      onDone={onDone}
    >
      <Field
        label="Title"
        required
        maxLength={200}
        {...bindField(form, 'title')}
        hint="Phrase it as the customer would ask: “How do I reset my password?”"
      />
      <TextAreaField
        label="Answer"
        required
        rows={12}
        maxLength={20000}
        {...bindField(form, 'body')}
        hint={
          length > ANSWER_CHARS
            ? `${length} characters: a knowledge-base bot sends only the first ${ANSWER_CHARS}, then offers a person.`
            : 'Plain text. The knowledge-base bot sends the title and this answer as its reply.'
        }
      />
      <Field
        label="Tags"
        {...bindField(form, 'tags')}
        placeholder="e.g. billing, password"
        hint="Comma-separated; up to 20. Words customers use that the text may not contain; the first tag names the topic for agents."
      />
      <CheckboxField
        label="Published: bots may answer with it (drafts are never used)"
        {...form.register('published')}
      />
    </ContractFormDialog>
  );
}
