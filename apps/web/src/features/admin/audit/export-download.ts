import type { ErrorBody } from '@baton/contracts';
import { ApiError } from '../../../lib/api';

/** The server's error for a failed download, in the same shape the API client throws. */
export async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as ErrorBody;
    return new ApiError(res.status, body.error.code, body.error.message, body.error.details ?? []);
  } catch {
    return new ApiError(res.status, 'http_error', `The server answered ${res.status}.`);
  }
}

export function filenameOf(res: Response): string | null {
  return /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? null;
}
