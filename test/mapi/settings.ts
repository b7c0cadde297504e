// Normalized settings for `service: mapi`, as the loader would hand them to the transport.
import type { Settings } from '../../agent/config/settings.ts';

export function mapiSettings(profile: string): Settings {
  return {
    apiVersion: 'mail-agent/v1', kind: 'MailSettings', service: 'mapi',
    message: { charset: 'utf-8', plainText: false, fromDelegation: true },
    mapi: { profile }, test: { onChange: true },
  };
}
