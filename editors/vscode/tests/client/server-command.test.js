'use strict';
// node --test: how the extension finds the `tactful` command, and what it says when it cannot.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const { expandServerPath, findExecutable, resolveServerCommand } = require('../../server-command');

function tempDirWithExecutable(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tactful-vscode-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, 0o755);
  return { dir, file };
}

test('a bare name is looked up on PATH', { skip: process.platform === 'win32' }, () => {
  const { dir, file } = tempDirWithExecutable('tactful');
  const env = { PATH: ['/nonexistent', dir].join(path.delimiter) };
  assert.equal(findExecutable('tactful', { env }), file);
  const resolved = resolveServerCommand('tactful', ['lsp'], { env });
  assert.deepEqual(resolved, { command: file, args: ['lsp'], shell: false });
});

test('a missing command gives a message that says how to fix it', () => {
  const resolved = resolveServerCommand('tactful-does-not-exist', ['lsp'], { env: { PATH: '' } });
  assert.equal(resolved.command, undefined);
  assert.match(resolved.error, /`tactful-does-not-exist` was not found/);
  assert.match(resolved.error, /Install Tactful/);
  assert.match(resolved.error, /tactful\.server\.path/);
});

test('${workspaceFolder}, ~ and relative paths are expanded', { skip: process.platform === 'win32' }, () => {
  const opts = { workspaceFolder: '/home/dana/project', home: '/home/dana', platform: 'linux' };
  assert.equal(expandServerPath('${workspaceFolder}/.venv/bin/tactful', opts).path, '/home/dana/project/.venv/bin/tactful');
  assert.equal(expandServerPath('.venv/bin/tactful', opts).path, '/home/dana/project/.venv/bin/tactful');
  assert.equal(expandServerPath('~/bin/tactful', opts).path, '/home/dana/bin/tactful');
  assert.equal(expandServerPath('tactful', opts).path, 'tactful');
  assert.equal(expandServerPath('', opts).path, 'tactful');
  assert.match(expandServerPath('${workspaceFolder}/x', { platform: 'linux' }).error, /no folder is open/);
});

test('a path to an existing executable is used as it is', { skip: process.platform === 'win32' }, () => {
  const { file } = tempDirWithExecutable('tactful');
  const resolved = resolveServerCommand(file, ['lsp', '--verbose'], { env: { PATH: '' } });
  assert.deepEqual(resolved, { command: file, args: ['lsp', '--verbose'], shell: false });
  fs.chmodSync(file, 0o644);
  assert.match(resolveServerCommand(file, ['lsp'], { env: { PATH: '' } }).error, /was not found/);
});

test('on Windows, PATHEXT extensions are tried and .cmd files run through a shell', { skip: process.platform !== 'win32' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tactful-vscode-'));
  fs.writeFileSync(path.join(dir, 'tactful.cmd'), '@echo off\n');
  const env = { Path: dir, PATHEXT: '.EXE;.CMD' };
  const resolved = resolveServerCommand('tactful', ['lsp'], { env, platform: 'win32' });
  assert.equal(path.basename(resolved.command), 'tactful.cmd');
  assert.equal(resolved.shell, true);
});
