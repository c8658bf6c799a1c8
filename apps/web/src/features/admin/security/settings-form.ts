import { ZSecuritySettings, type SecuritySettings, type SecuritySettingsPatch } from '@baton/contracts';
import { z } from 'zod';

export type NumberKey = Exclude<keyof SecuritySettings, 'mfaRequiredForAll'>;

export const NUMBER_FIELDS: { key: NumberKey; label: string; unit: string; help: string }[] = [
  {
    key: 'sessionIdleMinutes',
    label: 'Idle timeout',
    unit: 'minutes',
    help: 'A session with no activity for this long ends; the user is warned shortly before.',
  },
  {
    key: 'sessionAbsoluteHours',
    label: 'Maximum session length',
    unit: 'hours',
    help: 'Every session ends this long after sign-in, active or not.',
  },
  {
    key: 'stepUpMinutes',
    label: 'Step-up window',
    unit: 'minutes',
    help: 'How recent an authentication code must be for sensitive actions (inviting users, changing roles or settings, exporting the audit log).',
  },
  {
    key: 'dormantAccountDays',
    label: 'Disable dormant accounts after',
    unit: 'days',
    help: 'Accounts with no sign-in for this many days are disabled automatically; 0 turns this off.',
  },
];

/** The allowed range comes from the shared contract, so the form and the API never disagree. */
export function rangeOf(key: NumberKey): { min: number; max: number } {
  const schema = ZSecuritySettings.shape[key];
  return { min: schema.minValue ?? 0, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER };
}

/** A number typed as text (a field can be cleared while typing), then checked by the contract's own bounds. */
const numberText = (key: NumberKey) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number)
    .pipe(ZSecuritySettings.shape[key]);

/** The form's schema: the contract's, with the numbers as typed text. */
export const ZSettingsForm = z.object({
  mfaRequiredForAll: ZSecuritySettings.shape.mfaRequiredForAll,
  sessionIdleMinutes: numberText('sessionIdleMinutes'),
  sessionAbsoluteHours: numberText('sessionAbsoluteHours'),
  stepUpMinutes: numberText('stepUpMinutes'),
  dormantAccountDays: numberText('dormantAccountDays'),
});
export type SettingsInput = z.input<typeof ZSettingsForm>;

export const FIELDS = ['mfaRequiredForAll', ...NUMBER_FIELDS.map((f) => f.key)] as const;

export function inputOf(settings: SecuritySettings): SettingsInput {
  return {
    mfaRequiredForAll: settings.mfaRequiredForAll,
    sessionIdleMinutes: String(settings.sessionIdleMinutes),
    sessionAbsoluteHours: String(settings.sessionAbsoluteHours),
    stepUpMinutes: String(settings.stepUpMinutes),
    dormantAccountDays: String(settings.dormantAccountDays),
  };
}

/** Only changed fields are sent: a PATCH keeps what another admin changed meanwhile elsewhere. */
export function patchOf(values: SettingsInput, saved: SecuritySettings): SecuritySettingsPatch {
  const patch: SecuritySettingsPatch = {};
  if (values.mfaRequiredForAll !== saved.mfaRequiredForAll)
    patch.mfaRequiredForAll = values.mfaRequiredForAll;
  for (const { key } of NUMBER_FIELDS) {
    const parsed = numberText(key).safeParse(values[key]);
    if (parsed.success && parsed.data !== saved[key]) patch[key] = parsed.data;
  }
  return patch;
}
