// A transport built for `settings` whose verify must fail: the AgentError it fails with (closed afterwards).
import * as assert from 'uvu/assert';
import type { LoadedConfig } from '../../../agent/config/settings.ts';
import { isAgentError, type AgentError } from '../../../agent/errors.ts';
import { createTransport } from '../../../agent/transports/index.ts';
import type { TransportDeps } from '../../../agent/transports/factory-contract.ts';

export async function verifyError(settings: LoadedConfig, deps: TransportDeps): Promise<AgentError> {
  const transport = await createTransport(settings, deps);
  try {
    const error = await transport.verify().then(() => undefined, (e: unknown) => e);
    assert.ok(isAgentError(error), `expected an AgentError, got ${String(error)}`);
    return error;
  } finally {
    await transport.close();
  }
}
