import { ZHandoffRequest, type HandoffRequest } from '@baton/contracts';
import { ValidationError } from '../../common/errors/domain.error.js';

const CREATE_CASE = 'create_case:';

function parseAction(action: string): Record<string, unknown> {
  if (!action.startsWith(CREATE_CASE)) {
    throw new ValidationError([{ path: '_botonic_action', message: `must start with "${CREATE_CASE}"` }]);
  }
  try {
    const parsed: unknown = JSON.parse(action.slice(CREATE_CASE.length));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new ValidationError([
      { path: '_botonic_action', message: `the text after "${CREATE_CASE}" must be a JSON object` },
    ]);
  }
}

/**
 * Reads a handoff in any of the shapes a Botonic bot can send it: the fields as JSON, an object with
 * `_botonic_action: "create_case:{…}"` (its other fields complete or override it), or the action
 * string itself as a text/plain body.
 */
export function parseHandoffBody(raw: unknown): HandoffRequest {
  let fields: Record<string, unknown>;
  if (typeof raw === 'string') fields = parseAction(raw.trim());
  else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const { _botonic_action: action, ...rest } = raw as Record<string, unknown>;
    if (action !== undefined && typeof action !== 'string') {
      throw new ValidationError([{ path: '_botonic_action', message: 'must be a string' }]);
    }
    fields = action ? { ...parseAction(action), ...rest } : rest;
  } else {
    throw new ValidationError([{ path: '', message: 'expected a JSON object or a create_case: action' }]);
  }
  const parsed = ZHandoffRequest.safeParse(fields);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}
