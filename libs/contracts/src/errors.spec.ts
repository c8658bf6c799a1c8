import { describe, expect, it } from 'vitest';
import {
  CommonErrorCode,
  ConversationsErrorCode,
  ERROR_CODES,
  HandshakeRefusalCode,
  TransferErrorCode,
} from './index.js';

const all = Object.entries(ERROR_CODES).flatMap(([module, codes]) =>
  Object.entries(codes).map(([name, code]) => ({ module, name, code: code as string })),
);
const common = new Set<string>(Object.values(CommonErrorCode));
const SNAKE = '[a-z]+(?:_[a-z]+)*';

/** What clients match today; a value here never changes (add a code instead). */
const RELEASED = [
  'agents.capacity_below_load',
  'auth.csrf_failed',
  'auth.current_password_incorrect',
  'auth.invalid_credentials',
  'auth.mfa_enrolment_required',
  'auth.mfa_verification_required',
  'auth.password_change_required',
  'auth.session_ended',
  'auth.step_up_required',
  'bots.llm_not_configured',
  'bots.llm_timed_out',
  'bots.llm_upstream_failed',
  'bots.name_taken',
  'bots.no_handoff_queue',
  'canned_responses.shortcut_taken',
  'channels.bad_signature',
  'channels.in_use',
  'channels.name_taken',
  'channels.verification_failed',
  'conflict',
  'conversations.closed',
  'conversations.colleague_at_capacity',
  'conversations.colleague_offline',
  'conversations.illegal_transition',
  'conversations.no_offer',
  'conversations.no_queue',
  'conversations.not_a_member',
  'conversations.not_assigned',
  'conversations.not_claimable',
  'conversations.not_yours',
  'conversations.unknown_queue',
  'forbidden',
  'handoff.channel_not_allowed',
  'internal_error',
  'mfa.already_enabled',
  'mfa.enrolment_changed',
  'mfa.invalid_code',
  'mfa.invalid_recovery_code',
  'mfa.no_enrolment',
  'mfa.not_enabled',
  'not_found',
  'payload_too_large',
  'queues.name_taken',
  'queues.not_empty',
  'rate_limited',
  'roles.built_in',
  'roles.in_use',
  'roles.name_taken',
  'routing.agent_at_capacity',
  'service_unavailable',
  'unauthenticated',
  'users.cannot_disable_self',
  'users.email_taken',
  'users.last_admin',
  'validation_failed',
  'widget.channel_misconfigured',
  'widget.channel_not_found',
  'widget.origin_not_allowed',
];

describe('error codes', () => {
  it('name each code once across all modules', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const { module, name, code } of all) {
      const first = seen.get(code);
      if (first) clashes.push(`${code}: ${first} and ${module}.${name}`);
      else seen.set(code, `${module}.${name}`);
    }
    expect(clashes).toEqual([]);
  });

  it('read `<module>.<reason>` with the module they are listed under, or are one of the common codes', () => {
    const misnamed = all
      .filter(({ module, code }) => {
        const shape = module === 'common' ? `^${SNAKE}$` : `^${module}\\.${SNAKE}$`;
        return !new RegExp(shape).test(code);
      })
      .map(({ module, name, code }) => `${module}.${name} = ${code}`);
    expect(misnamed).toEqual([]);
  });

  it('keep every released value byte for byte', () => {
    expect(all.map(({ code }) => code).sort()).toEqual(expect.arrayContaining(RELEASED));
  });

  it('offer the transfer refusals as the conversation codes they are', () => {
    expect(Object.values(TransferErrorCode)).toEqual([
      ConversationsErrorCode.NotAMember,
      ConversationsErrorCode.ColleagueOffline,
      ConversationsErrorCode.ColleagueAtCapacity,
    ]);
  });

  it('keep handshake refusals distinct words, sharing only `unauthenticated` with the common codes', () => {
    const refusals: string[] = Object.values(HandshakeRefusalCode);
    expect(new Set(refusals).size).toBe(refusals.length);
    expect(refusals.filter((code) => !new RegExp(`^${SNAKE}$`).test(code))).toEqual([]);
    expect(refusals.filter((code) => common.has(code))).toEqual([CommonErrorCode.Unauthenticated]);
    expect(Object.values(HandshakeRefusalCode)).toEqual([
      'unauthenticated',
      'unavailable',
      'invalid_visitor_token',
      'channel_unavailable',
      'origin_not_allowed',
      'namespace_not_served',
    ]);
  });
});
