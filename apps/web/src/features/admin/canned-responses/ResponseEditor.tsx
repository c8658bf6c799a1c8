import {
  CannedResponsesErrorCode,
  ZCannedResponse,
  type CannedResponse,
  type CannedResponseRequest,
} from '@baton/contracts';
import { useMemo } from 'react';
import { useWatch } from 'react-hook-form';
import { api } from '../../../lib/api';
import { bindField, useContractForm } from '../../../lib/contract-form';
import { ContractFormDialog } from '../../../ui/ContractFormDialog';
import { Field, TextAreaField } from '../../../ui/forms';
import { cannedResponseForm, normaliseShortcut } from './canned-response-form';

const FIELDS = ['shortcut', 'title', 'body'] as const;

export function ResponseEditor({
  response,
  taken,
  onSaved,
  onDone,
}: {
  response: CannedResponse | null;
  /** Whether another canned response already uses this shortcut (the server has the last word). */
  taken: (shortcut: string) => boolean;
  onSaved: (response: CannedResponse) => void;
  onDone: () => void;
}) {
  const schema = useMemo(() => cannedResponseForm(taken), [taken]);
  const form = useContractForm(
    schema,
    { shortcut: response?.shortcut ?? '', title: response?.title ?? '', body: response?.body ?? '' },
    // The shortcut is checked as it is typed, so a taken one shows before saving.
    'onChange',
  );
  const { errors } = form.formState;
  const normalised = normaliseShortcut(useWatch({ control: form.control, name: 'shortcut' }) ?? '');

  const save = async (request: CannedResponseRequest) => {
    onSaved(
      response
        ? await api.put(`/canned-responses/${response.id}`, request, ZCannedResponse)
        : await api.post('/canned-responses', request, ZCannedResponse),
    );
  };

  return (
    <ContractFormDialog
      title={response ? `Edit /${response.shortcut}` : 'New canned response'}
      submitLabel={response ? 'Save' : 'Create'}
      form={form}
      fields={FIELDS}
      fieldByCode={{ [CannedResponsesErrorCode.ShortcutTaken]: 'shortcut' }}
      onSubmit={save}
      onDone={onDone}
    >
      <div className="form-grid">
        <Field
          label="Shortcut"
          required
          maxLength={33}
          spellCheck={false}
          autoCapitalize="off"
          placeholder="refund"
          {...form.register('shortcut')}
          error={normalised ? errors.shortcut?.message : null}
          hint={normalised ? `Agents type /${normalised}` : 'What agents type after /, e.g. refund.'}
        />
        <Field
          label="Title"
          required
          maxLength={200}
          {...bindField(form, 'title')}
          hint="Shown in the composer’s list to tell responses apart."
        />
      </div>
      <TextAreaField
        label="Text"
        required
        rows={8}
        maxLength={5000}
        {...bindField(form, 'body')}
        hint="Inserted into the reply as is; the agent can edit it before sending."
      />
    </ContractFormDialog>
  );
}
