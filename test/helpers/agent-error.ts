// The AgentError a promise rejects with (the test fails when it resolves, or rejects with something else).
import * as assert from 'uvu/assert';
import { AgentError } from '../../agent/errors.ts';

export async function agentErrorOf(promise: Promise<unknown>): Promise<AgentError> {
  try {
    await promise;
  } catch (err) {
    assert.instance(err, AgentError);
    return err as AgentError;
  }
  throw new assert.Assertion({ message: 'expected an AgentError, but it succeeded', operator: 'rejects', generated: false, actual: 'resolved', expects: 'rejected' });
}
