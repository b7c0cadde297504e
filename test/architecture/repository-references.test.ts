// A clone has what its comments and docs point to: no numbered section of a design file outside the repository,
// no path into the machine that wrote it. (The words are assembled here so that this file passes itself.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outside = [['design', '§'].join(' '), ['', 'work', 'shared'].join('/')];

test('no tracked file refers to a document outside the repository', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0')
    .filter((f) => /\.(ts|js|md|json|ya?ml|c|h|sh|txt)$|^Dockerfile$|^\.ci\//.test(f) && !f.startsWith('test/fixtures/') && existsSync(path.join(root, f)));
  const found = files.flatMap((file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    return outside.filter((words) => text.includes(words)).map((words) => `${file}: ${words}`);
  });
  assert.equal(found, []);
});

test.run();
