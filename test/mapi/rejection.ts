// Test support (not a test): the AgentError a promise rejects with (an assertion fails when it resolves).
import * as assert from 'uvu/assert';
import { AgentError } from '../../agent/errors.ts';

export async function rejection(promise: Promise<unknown>): Promise<AgentError> {
  try {
    await promise;
  } catch (err) {
    assert.instance(err, AgentError);
    return err as AgentError;
  }
  throw new assert.Assertion({ message: 'expected a rejection', operator: 'rejects', generated: false, actual: 'resolved', expects: 'rejected' });
}
