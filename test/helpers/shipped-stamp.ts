// The digest of the sources that test/runner.ts compared dist/'s build stamp with before the files that run
// dist/ started (test/helpers/shipped.ts then compares the stamp with it instead of hashing the sources again).
export const checkedStampVariable = 'MAIL_AGENT_TEST_SOURCES_STAMP';
