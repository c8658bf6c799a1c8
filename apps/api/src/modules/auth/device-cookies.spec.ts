import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import { DeviceCookies } from './device-cookies.js';

/** Captures what `issue` sets, as a browser would send it back. */
function issued(devices: DeviceCookies, userId: string): { value: string; options: Record<string, unknown> } {
  let captured: { value: string; options: Record<string, unknown> } | undefined;
  const res = {
    cookie: (_name: string, value: string, options: Record<string, unknown>) => {
      captured = { value, options };
    },
  } as unknown as Response;
  devices.issue(res, userId);
  if (!captured) throw new Error('no cookie set');
  return captured;
}

const request = (name: string, value: string) => ({
  headers: { cookie: `${name}=${encodeURIComponent(value)}` },
});

describe('device cookies', () => {
  const devices = new DeviceCookies(['a-test-secret-of-enough-length-0123456789'], false);

  it('recognises its own cookie for the account it was issued to', () => {
    const { value, options } = issued(devices, 'user-1');
    expect(options).toMatchObject({ httpOnly: true, sameSite: 'strict', secure: false, path: '/' });
    expect(devices.deviceFor(request(devices.name, value), 'user-1')).toEqual(value.split('.')[1]);
  });

  it('rejects it for another account, edited, or signed with another secret', () => {
    const { value } = issued(devices, 'user-1');
    const [, deviceId, mac] = value.split('.');
    expect(devices.deviceFor(request(devices.name, value), 'user-2')).toBeNull();
    expect(devices.deviceFor(request(devices.name, `user-2.${deviceId}.${mac}`), 'user-2')).toBeNull();
    expect(devices.deviceFor(request(devices.name, `user-1.other-device.${mac}`), 'user-1')).toBeNull();
    const foreign = issued(new DeviceCookies(['another-secret-entirely-0123456789abcdef'], false), 'user-1');
    expect(devices.deviceFor(request(devices.name, foreign.value), 'user-1')).toBeNull();
    expect(devices.deviceFor({ headers: {} }, 'user-1')).toBeNull();
  });

  it('still recognises a cookie issued before an APP_SECRET rotation while the previous secret is set', () => {
    const before = issued(new DeviceCookies(['the-secret-before-rotation-0123456789abc'], false), 'user-1');
    const rotated = new DeviceCookies(
      ['the-secret-after-rotation-0123456789abcde', 'the-secret-before-rotation-0123456789abc'],
      false,
    );
    expect(rotated.deviceFor(request(rotated.name, before.value), 'user-1')).toEqual(
      before.value.split('.')[1],
    );
    const reissued = issued(rotated, 'user-1');
    const after = new DeviceCookies(['the-secret-after-rotation-0123456789abcde'], false);
    expect(after.deviceFor(request(after.name, reissued.value), 'user-1')).toEqual(
      reissued.value.split('.')[1],
    );
    expect(after.deviceFor(request(after.name, before.value), 'user-1')).toBeNull();
  });

  it('is Secure with the __Host- prefix over HTTPS', () => {
    const secure = new DeviceCookies(['a-test-secret-of-enough-length-0123456789'], true);
    expect(secure.name).toBe('__Host-baton_device');
    expect(issued(secure, 'user-1').options).toMatchObject({ secure: true });
  });
});
