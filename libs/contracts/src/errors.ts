import { z } from 'zod';

/*
 * Every code the API puts in `{ error: { code } }` (REST bodies and socket acknowledgements), one
 * object per module. The values are part of the API: clients match them, so a value never changes
 * once released; add a new code instead. Feature codes read `<module>.<reason>`. (An HTTP failure no
 * code names, such as a 405 from the framework, is answered as `http_<status>`.)
 */

/** Codes shared by every API module (feature modules add their own `<feature>.<reason>` codes). */
export const CommonErrorCode = {
  ValidationFailed: 'validation_failed',
  NotFound: 'not_found',
  Unauthenticated: 'unauthenticated',
  Forbidden: 'forbidden',
  Conflict: 'conflict',
  PayloadTooLarge: 'payload_too_large',
  RateLimited: 'rate_limited',
  ServiceUnavailable: 'service_unavailable',
  /** More work at once than the database connections allow; retry after `Retry-After` seconds. */
  Busy: 'busy',
  Internal: 'internal_error',
} as const;
export type CommonErrorCode = (typeof CommonErrorCode)[keyof typeof CommonErrorCode];

/** Signing in, sessions and what a session must do before it may act. */
export const AuthErrorCode = {
  InvalidCredentials: 'auth.invalid_credentials',
  CurrentPasswordIncorrect: 'auth.current_password_incorrect',
  /** The session was ended (signed out, disabled, timed out…); the message says why. */
  SessionEnded: 'auth.session_ended',
  CsrfFailed: 'auth.csrf_failed',
  /** A sensitive action needs a fresh MFA code; confirm one and retry. */
  StepUpRequired: 'auth.step_up_required',
  MfaEnrolmentRequired: 'auth.mfa_enrolment_required',
  MfaVerificationRequired: 'auth.mfa_verification_required',
  PasswordChangeRequired: 'auth.password_change_required',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** Two-factor enrolment and verification. */
export const MfaErrorCode = {
  AlreadyEnabled: 'mfa.already_enabled',
  NotEnabled: 'mfa.not_enabled',
  NoEnrolment: 'mfa.no_enrolment',
  EnrolmentChanged: 'mfa.enrolment_changed',
  InvalidCode: 'mfa.invalid_code',
  InvalidRecoveryCode: 'mfa.invalid_recovery_code',
} as const;
export type MfaErrorCode = (typeof MfaErrorCode)[keyof typeof MfaErrorCode];

export const UsersErrorCode = {
  EmailTaken: 'users.email_taken',
  CannotDisableSelf: 'users.cannot_disable_self',
  LastAdmin: 'users.last_admin',
} as const;
export type UsersErrorCode = (typeof UsersErrorCode)[keyof typeof UsersErrorCode];

export const RolesErrorCode = {
  NameTaken: 'roles.name_taken',
  BuiltIn: 'roles.built_in',
  InUse: 'roles.in_use',
} as const;
export type RolesErrorCode = (typeof RolesErrorCode)[keyof typeof RolesErrorCode];

export const AgentsErrorCode = {
  CapacityBelowLoad: 'agents.capacity_below_load',
} as const;
export type AgentsErrorCode = (typeof AgentsErrorCode)[keyof typeof AgentsErrorCode];

export const QueuesErrorCode = {
  NameTaken: 'queues.name_taken',
  NotEmpty: 'queues.not_empty',
} as const;
export type QueuesErrorCode = (typeof QueuesErrorCode)[keyof typeof QueuesErrorCode];

export const ConversationsErrorCode = {
  NotYours: 'conversations.not_yours',
  NotAssigned: 'conversations.not_assigned',
  NotClaimable: 'conversations.not_claimable',
  NoOffer: 'conversations.no_offer',
  NoQueue: 'conversations.no_queue',
  UnknownQueue: 'conversations.unknown_queue',
  IllegalTransition: 'conversations.illegal_transition',
  /** A customer wrote to a closed conversation: start a new one. */
  Closed: 'conversations.closed',
  NotAMember: 'conversations.not_a_member',
  ColleagueOffline: 'conversations.colleague_offline',
  ColleagueAtCapacity: 'conversations.colleague_at_capacity',
} as const;
export type ConversationsErrorCode = (typeof ConversationsErrorCode)[keyof typeof ConversationsErrorCode];

export const RoutingErrorCode = {
  AgentAtCapacity: 'routing.agent_at_capacity',
} as const;
export type RoutingErrorCode = (typeof RoutingErrorCode)[keyof typeof RoutingErrorCode];

/** Channel administration and the WhatsApp webhook's verification. */
export const ChannelsErrorCode = {
  NameTaken: 'channels.name_taken',
  InUse: 'channels.in_use',
  VerificationFailed: 'channels.verification_failed',
  BadSignature: 'channels.bad_signature',
} as const;
export type ChannelsErrorCode = (typeof ChannelsErrorCode)[keyof typeof ChannelsErrorCode];

/** Bot administration, and why an LLM bot's turn failed (kept on the conversation's timeline). */
export const BotsErrorCode = {
  NameTaken: 'bots.name_taken',
  LlmNotConfigured: 'bots.llm_not_configured',
  NoHandoffQueue: 'bots.no_handoff_queue',
  LlmTimedOut: 'bots.llm_timed_out',
  LlmUpstreamFailed: 'bots.llm_upstream_failed',
} as const;
export type BotsErrorCode = (typeof BotsErrorCode)[keyof typeof BotsErrorCode];

export const CannedResponsesErrorCode = {
  ShortcutTaken: 'canned_responses.shortcut_taken',
} as const;
export type CannedResponsesErrorCode =
  (typeof CannedResponsesErrorCode)[keyof typeof CannedResponsesErrorCode];

/** The case API for other systems. */
export const HandoffErrorCode = {
  ChannelNotAllowed: 'handoff.channel_not_allowed',
} as const;
export type HandoffErrorCode = (typeof HandoffErrorCode)[keyof typeof HandoffErrorCode];

/** The embedded web chat's session endpoint. */
export const WidgetErrorCode = {
  ChannelNotFound: 'widget.channel_not_found',
  ChannelMisconfigured: 'widget.channel_misconfigured',
  OriginNotAllowed: 'widget.origin_not_allowed',
} as const;
export type WidgetErrorCode = (typeof WidgetErrorCode)[keyof typeof WidgetErrorCode];

/** Customers' personal data: exports and erasure. */
export const PrivacyErrorCode = {
  /** The contact has a conversation with the bot, queued or assigned; erase with `force` or close it first. */
  ContactHasLiveConversations: 'privacy.contact_has_live_conversations',
} as const;
export type PrivacyErrorCode = (typeof PrivacyErrorCode)[keyof typeof PrivacyErrorCode];

/** Every module's codes, by module: the list clients and the uniqueness check read. */
export const ERROR_CODES = {
  common: CommonErrorCode,
  auth: AuthErrorCode,
  mfa: MfaErrorCode,
  users: UsersErrorCode,
  roles: RolesErrorCode,
  agents: AgentsErrorCode,
  queues: QueuesErrorCode,
  conversations: ConversationsErrorCode,
  routing: RoutingErrorCode,
  channels: ChannelsErrorCode,
  bots: BotsErrorCode,
  canned_responses: CannedResponsesErrorCode,
  handoff: HandoffErrorCode,
  widget: WidgetErrorCode,
  privacy: PrivacyErrorCode,
} as const;

/** Any code the API sends in an error body or a socket acknowledgement's error. */
export type ErrorCode = {
  [M in keyof typeof ERROR_CODES]: (typeof ERROR_CODES)[M][keyof (typeof ERROR_CODES)[M]];
}[keyof typeof ERROR_CODES];

/**
 * Why a socket.io handshake was refused: the message of the client's `connect_error` (never an error
 * body, so not an {@link ErrorCode}). `unavailable` means the server failed, not the caller.
 */
export const HandshakeRefusalCode = {
  Unauthenticated: CommonErrorCode.Unauthenticated,
  Unavailable: 'unavailable',
  InvalidVisitorToken: 'invalid_visitor_token',
  ChannelUnavailable: 'channel_unavailable',
  OriginNotAllowed: 'origin_not_allowed',
  NamespaceNotServed: 'namespace_not_served',
} as const;
export type HandshakeRefusalCode = (typeof HandshakeRefusalCode)[keyof typeof HandshakeRefusalCode];

/** The one error shape every REST endpoint returns. `details` carries field errors for bad input. */
export const ZErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof ZErrorBody>;
