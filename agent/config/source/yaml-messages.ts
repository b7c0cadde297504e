// Our own text for the yaml package's error codes: its messages can quote the offending line,
// and a password may be on it.
const messages: Record<string, string> = {
  ALIAS_PROPS: 'an alias cannot have a tag or an anchor',
  BAD_ALIAS: 'an alias refers to an anchor that is not defined before it',
  BAD_COLLECTION_TYPE: 'this collection does not match its tag',
  BAD_DIRECTIVE: 'invalid YAML directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'bad indentation: items of one mapping or sequence must start in the same column',
  BAD_PROP_ORDER: 'an anchor or tag is in the wrong place',
  BAD_SCALAR_START: 'a plain value cannot start with this character; quote it',
  BLOCK_AS_IMPLICIT_KEY: 'a key cannot be a nested block (a value may need quotes, or a missing line break)',
  BLOCK_IN_FLOW: 'a block collection cannot be inside a flow collection ([...] or {...})',
  DUPLICATE_KEY: 'duplicate key: each key may appear only once in a mapping',
  IMPOSSIBLE: 'invalid YAML',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  MULTILINE_IMPLICIT_KEY: 'a key must be on a single line (a value may need quotes, or a colon is misplaced)',
  MULTIPLE_ANCHORS: 'a node has more than one anchor',
  MULTIPLE_DOCS: 'the file holds more than one YAML document; keep exactly one (remove the extra ---)',
  MULTIPLE_TAGS: 'a node has more than one tag',
  NON_STRING_KEY: 'keys must be plain strings',
  RESOURCE_EXHAUSTION: 'the file is nested too deeply or expands too many aliases',
  TAB_AS_INDENT: 'tab characters are not allowed for indentation; use spaces',
  TAG_RESOLVE_FAILED: 'unknown or invalid tag',
  UNEXPECTED_TOKEN: 'unexpected text here (a value may need quotes)',
};

export function yamlErrorMessage(code: string): string {
  return messages[code] ?? 'invalid YAML syntax';
}
