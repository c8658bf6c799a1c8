import {
  ZAuditPage,
  ZChainVerification,
  type AuditEvent,
  type ChainVerification,
  type ErrorBody,
} from '@baton/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useStepUp } from '../../auth/step-up';
import { api, ApiError, query } from '../../lib/api';
import { ErrorMessage, SelectField } from '../../ui/forms';
import { formatDuration } from '../../lib/format';
import { toApiFilter, type AuditFilters } from './audit-filters';
import { downloadFile, fileStamp } from './people-shared';

/** The sealer runs continuously; events unsealed for longer than this suggest the worker is down. */
const STALE_UNSEALED_SECONDS = 60;

/**
 * "Verify chain" walks the whole hash chain on the server. The answer goes to a status region, which
 * screen readers announce, in green when intact and red with the first broken event otherwise.
 */
export function VerifyChain({ onShowEvent }: { onShowEvent: (event: AuditEvent) => void }) {
  // Each run starts from a blank answer: the status never shows the previous verdict meanwhile.
  const verify = useMutation({ mutationFn: () => api.get('/audit/verify', ZChainVerification) });
  const result: ChainVerification | null = verify.data ?? null;
  const run = () => verify.mutate();

  // The API pages by "seq lower than the cursor", so cursor seq+1 with limit 1 answers exactly that event.
  const lookup = useMutation({
    mutationFn: (seq: string) =>
      api.get(`/audit/events${query({ cursor: (BigInt(seq) + 1n).toString(), limit: 1 })}`, ZAuditPage),
    onSuccess: (page, seq) => {
      const event = page.items.find((e) => e.seq === seq);
      if (event) onShowEvent(event);
    },
  });
  const showBroken = (seq: string) => lookup.mutate(seq);

  const broken = result && !result.ok ? result.firstBroken : null;
  const tone =
    verify.isPending || !result
      ? ''
      : result.ok
        ? ' audit-verify__status--ok'
        : ' audit-verify__status--broken';
  return (
    <section className="panel audit-verify" aria-labelledby="audit-verify-title">
      <div className="audit-verify__intro">
        <h2 id="audit-verify-title">Tamper evidence</h2>
        <p className="muted">
          Every event is sealed into a hash chain. Verifying recomputes it and names the first event that was
          altered or removed.
        </p>
      </div>
      <div className="audit-verify__body">
        <button type="button" className="button button--primary" onClick={run} disabled={verify.isPending}>
          Verify chain
        </button>
        <div role="status" aria-label="Chain verification" className={`audit-verify__status${tone}`}>
          {verify.isPending ? 'Verifying the chain…' : result ? <VerificationText result={result} /> : null}
        </div>
      </div>
      {broken && (
        <div className="actions">
          <button
            type="button"
            className="button button--small"
            disabled={lookup.isPending}
            onClick={() => showBroken(broken.seq)}
          >
            Show event #{broken.seq}
          </button>
        </div>
      )}
      <ErrorMessage error={verify.error ?? lookup.error} />
    </section>
  );
}

/** Events not yet in the chain; a backlog that is not shrinking means the sealer (worker) is down. */
function UnsealedNote({ count, oldest }: { count: number; oldest: number | null }) {
  const stale = oldest !== null && oldest > STALE_UNSEALED_SECONDS;
  const age =
    oldest === null
      ? ''
      : oldest < 1
        ? ' (the oldest for under a second)'
        : ` (the oldest for ${formatDuration(oldest)})`;
  return (
    <p className={stale ? 'audit-verify__warn' : 'muted'}>
      {count} newer event{count === 1 ? ' is' : 's are'} not sealed yet{age}
      {stale
        ? '; sealing normally takes under a second, so check that the worker process is running.'
        : '; they are checked once sealed.'}
    </p>
  );
}

/** What the signed checkpoints (kept outside the database) say about the chain. */
function CheckpointNote({ checkpoints }: { checkpoints: ChainVerification['checkpoints'] }) {
  if (!checkpoints)
    return (
      <p className="muted">
        No signed checkpoint file was found, so only the chain&apos;s own consistency was checked.
      </p>
    );
  if (checkpoints.failure) return <p>{checkpoints.failure.reason}.</p>;
  if (!checkpoints.latest) return <p className="muted">No signed checkpoints yet.</p>;
  return (
    <p className="muted">
      {checkpoints.verified.toLocaleString()} signed checkpoint{checkpoints.verified === 1 ? '' : 's'} agree,
      the latest at position {checkpoints.latest.chainPosition} ({checkpoints.latest.createdAt}).
    </p>
  );
}

function VerificationText({ result }: { result: ChainVerification }) {
  const unsealed =
    result.unsealed > 0 ? (
      <UnsealedNote count={result.unsealed} oldest={result.oldestUnsealedSeconds} />
    ) : null;

  if (result.ok) {
    return (
      <>
        <p>
          <strong>
            Chain verified: {result.checked.toLocaleString()} event{result.checked === 1 ? '' : 's'} intact.
          </strong>
        </p>
        {result.head && (
          <p className="muted">
            Head: position {result.head.chainPosition}, event #{result.head.seq}, hash{' '}
            <code className="audit-mono">{result.head.hash}</code>. Keep a copy elsewhere to detect a
            truncated tail later.
          </p>
        )}
        <CheckpointNote checkpoints={result.checkpoints} />
        {unsealed}
      </>
    );
  }
  const broken = result.firstBroken;
  if (!broken && result.checkpoints?.failure) {
    return (
      <>
        <p>
          <strong>The chain disagrees with its signed checkpoints.</strong>
        </p>
        <CheckpointNote checkpoints={result.checkpoints} />
        <p>The database was changed after the checkpoint was signed; preserve it and investigate.</p>
        {unsealed}
      </>
    );
  }
  return (
    <>
      <p>
        <strong>
          Chain broken
          {broken
            ? ` at event #${broken.seq}${broken.chainPosition ? ` (chain position ${broken.chainPosition})` : ''}: ${broken.reason}.`
            : '.'}
        </strong>
      </p>
      <p>
        {result.checked.toLocaleString()} event{result.checked === 1 ? '' : 's'} checked. Events from this
        point on cannot be trusted; preserve the database and investigate.
      </p>
      {unsealed}
    </>
  );
}

/** The server's error for a failed download, in the same shape the API client throws. */
async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as ErrorBody;
    return new ApiError(res.status, body.error.code, body.error.message, body.error.details ?? []);
  } catch {
    return new ApiError(res.status, 'http_error', `The server answered ${res.status}.`);
  }
}

function filenameOf(res: Response): string | null {
  return /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? null;
}

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
      if (error.code !== 'auth.step_up_required' || !(await stepUp(error.message))) {
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
