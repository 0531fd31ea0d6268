'use strict';
// Works out which `tactful` to run for the language server. Plain Node (no `vscode` import), so that
// tests/client/ can test it without VS Code.

const fs = require('fs');
const os = require('os');
const path = require('path');

const INSTALL_HINT = 'Install Tactful (`pip install tactful`, or `pipx install tactful`), ' +
  'or set `tactful.server.path` to the `tactful` command, such as `${workspaceFolder}/.venv/bin/tactful`.';

/**
 * Expands `~`, `${userHome}` and `${workspaceFolder}` in the configured server path. A relative path
 * with a directory in it (`.venv/bin/tactful`) is taken relative to the workspace folder; a bare name
 * (`tactful`) is left alone, to be looked up on PATH.
 */
function expandServerPath(configured, { workspaceFolder, home = os.homedir(), platform = process.platform } = {}) {
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  let p = String(configured || '').trim() || 'tactful';
  p = p.replace(/\$\{userHome\}/g, home);
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
    p = home + p.slice(1);
  }
  if (p.includes('${workspaceFolder}')) {
    if (!workspaceFolder) {
      return { path: p, error: '`${workspaceFolder}` is used in `tactful.server.path`, but no folder is open.' };
    }
    p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  if (hasDirectory(p, platform) && !pathApi.isAbsolute(p) && workspaceFolder) {
    p = pathApi.resolve(workspaceFolder, p);
  }
  return { path: p };
}

function hasDirectory(p, platform) {
  return p.includes('/') || (platform === 'win32' && p.includes('\\'));
}

function isExecutableFile(file, platform) {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (platform === 'win32') {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The candidates for `file` on Windows: as written, then with each PATHEXT extension. */
function withExtensions(file, env, platform) {
  if (platform !== 'win32') {
    return [file];
  }
  const exts = (env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
  const hasExt = exts.some((e) => file.toLowerCase().endsWith(e.toLowerCase()));
  return hasExt ? [file] : [...exts.map((e) => file + e.toLowerCase()), file];
}

/**
 * Finds the executable for `command`: a path is checked as it is, a bare name is looked up on PATH.
 * Returns the absolute path of the executable, or null.
 */
function findExecutable(command, { env = process.env, platform = process.platform } = {}) {
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  if (hasDirectory(command, platform)) {
    return withExtensions(command, env, platform).find((c) => isExecutableFile(c, platform)) || null;
  }
  const pathVar = platform === 'win32' ? (env.Path || env.PATH || '') : (env.PATH || '');
  for (const dir of pathVar.split(pathApi.delimiter)) {
    if (!dir) {
      continue;
    }
    const unquoted = dir.replace(/^"(.*)"$/, '$1');
    for (const candidate of withExtensions(pathApi.join(unquoted, command), env, platform)) {
      if (isExecutableFile(candidate, platform)) {
        return candidate;
      }
    }
  }
  return null;
}

/**
 * Resolves the settings `tactful.server.path` and `tactful.server.args` into what to spawn.
 * Returns `{ command, args, shell }` when the executable exists, or `{ error }` with a message that
 * tells the user what to do.
 */
function resolveServerCommand(configuredPath, configuredArgs, options = {}) {
  const { env = process.env, platform = process.platform } = options;
  const expanded = expandServerPath(configuredPath, options);
  if (expanded.error) {
    return { error: `${expanded.error} ${INSTALL_HINT}` };
  }
  const args = Array.isArray(configuredArgs) ? configuredArgs.map(String) : ['lsp'];
  const command = findExecutable(expanded.path, { env, platform });
  if (!command) {
    return { error: notFoundMessage(expanded.path, configuredPath) };
  }
  // Node refuses to spawn .cmd and .bat files without a shell (CVE-2024-27980).
  const shell = platform === 'win32' && /\.(cmd|bat)$/i.test(command);
  return { command, args, shell };
}

function notFoundMessage(expandedPath, configuredPath) {
  const shown = configuredPath && configuredPath !== expandedPath ? `${configuredPath} (${expandedPath})` : expandedPath;
  return `Tactful: the language server command \`${shown}\` was not found. ${INSTALL_HINT}`;
}

module.exports = { expandServerPath, findExecutable, resolveServerCommand, notFoundMessage, INSTALL_HINT };
