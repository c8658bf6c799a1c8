import { AuthErrorCode } from '@baton/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useStepUp } from '../../../auth/step-up';
import { api, ApiError, errorOf, query } from '../../../lib/api';
import { downloadFile } from '../../../lib/download';
import { fileStamp } from '../../../lib/format';
import { ErrorMessage, SelectField } from '../../../ui/forms';
import { toApiFilter, type AuditFilters } from './audit-filters';
import { filenameOf } from './export-download';

/**
 * Downloads every event matching the filters. It is a file, not JSON for the API client, so it is
 * fetched directly; a step-up request is answered through the same dialog the client uses, then retried.
 */
export function AuditExport({ filters }: { filters: AuditFilters }) {
  const [format, setFormat] = useState<'csv' | 'json'>('csv');
  const stepUp = useStepUp();

  const download = async () => {
    const url = `/api/v1/audit/export${query({ ...toApiFilter(filters), format })}`;
    const get = async () => {
      try {
        return await fetch(url, { credentials: 'same-origin' });
      } catch {
        throw new ApiError(
          0,
          'network_error',
          'Baton cannot be reached. Check your connection and try again.',
        );
      }
    };
    let res = await get();
    if (!res.ok) {
      const error = await errorOf(res);
      if (error.code !== AuthErrorCode.StepUpRequired || !(await stepUp(error.message))) {
        // Lets the shared client notice an ended session and show the sign-in screen.
        if (error.status === 401) void api.get('/auth/me').catch(() => undefined);
        throw error;
      }
      res = await get();
      if (!res.ok) throw await errorOf(res);
    }
    downloadFile(await res.blob(), filenameOf(res) ?? `baton-audit-${fileStamp()}.${format}`);
  };
  const action = useMutation({ mutationFn: download });

  return (
    <div className="audit-export">
      <SelectField
        label="Export format"
        value={format}
        onChange={(e) => setFormat(e.target.value as 'csv' | 'json')}
      >
        <option value="csv">CSV</option>
        <option value="json">JSON</option>
      </SelectField>
      <button
        type="button"
        className="button"
        onClick={() => action.mutate()}
        disabled={action.isPending}
        title="Every event matching the filters, oldest first. Needs a fresh authentication code."
      >
        {action.isPending ? 'Exporting…' : 'Export'}
      </button>
      <ErrorMessage error={action.error} />
    </div>
  );
}
