// The SMTP submission port as the status file shows it (schemas/status.schema.json `submission`): reported
// by submission/port.ts, written by status/, so it lives here, below both.

export interface SubmissionStatus {
  /** As the settings give it. */
  listen: string;
  /** Where it listens (the port picked when the settings say 0). */
  address?: string;
  state: 'Listening' | 'Failed';
  reason?: string;
  message?: string;
  tls: boolean;
  auth: boolean;
  since: string;
}
