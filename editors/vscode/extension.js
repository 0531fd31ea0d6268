'use strict';
// The Tactful extension: colours come from syntaxes/tactful.tmLanguage.json; everything else
// (diagnostics, hover, completion, go to definition, rename, formatting) comes from the language
// server that `tactful lsp` runs on stdio. Plain CommonJS, no build step.

const vscode = require('vscode');
const { LanguageClient, RevealOutputChannelOn } = require('vscode-languageclient/node');
const { resolveServerCommand } = require('./server-command');

const SECTION = 'tactful';

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let outputChannel;
/** Serialises start/stop/restart, so that a burst of setting changes starts one server. */
let pending = Promise.resolve();

function activate(context) {
  outputChannel = vscode.window.createOutputChannel('Tactful');
  context.subscriptions.push(
    outputChannel,
    vscode.commands.registerCommand('tactful.restartServer', () => queue(restart)),
    vscode.commands.registerCommand('tactful.showOutput', () => outputChannel.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        queue(restart);
      }
    }),
  );
  return queue(start);
}

function deactivate() {
  return queue(stop);
}

function queue(task) {
  pending = pending.then(task, task);
  return pending;
}

function workspaceFolderPath() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

async function start() {
  const config = vscode.workspace.getConfiguration(SECTION);
  const workspaceFolder = workspaceFolderPath();
  const resolved = resolveServerCommand(config.get('server.path', 'tactful'), config.get('server.args', ['lsp']), {
    workspaceFolder,
  });
  if (resolved.error) {
    outputChannel.appendLine(resolved.error);
    showSetupError(resolved.error);
    return;
  }

  const executable = {
    command: resolved.command,
    args: resolved.args,
    // no `transport`: the server talks LSP on its stdin/stdout, and no `--stdio` is appended
    options: { cwd: workspaceFolder, env: process.env, shell: resolved.shell },
  };
  /** @type {import('vscode-languageclient/node').ServerOptions} */
  const serverOptions = { run: executable, debug: executable };
  /** @type {import('vscode-languageclient/node').LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'tactful' },
      { scheme: 'untitled', language: 'tactful' },
    ],
    synchronize: {
      // other files of the library (and the project settings) change what a file means
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.tact,tactful.toml}'),
    },
    outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };

  client = new LanguageClient('tactful', 'Tactful', serverOptions, clientOptions);
  const commandLine = [resolved.command, ...resolved.args].join(' ');
  outputChannel.appendLine(`Starting the Tactful language server: ${commandLine}`);
  try {
    await client.start();
  } catch (err) {
    const failed = client;
    client = undefined;
    try {
      await failed.dispose();
    } catch {
      // the server never started; nothing to stop
    }
    const reason = err && err.message ? err.message : String(err);
    const notFound = err && (err.code === 'ENOENT' || /ENOENT/.test(reason));
    const message = notFound
      ? `Tactful: could not run \`${commandLine}\` (command not found). Install Tactful ` +
        '(`pip install tactful`) or set `tactful.server.path`.'
      : `Tactful: the language server \`${commandLine}\` did not start (${reason}). Check that this Tactful ` +
        'has the `lsp` command (`tactful lsp --help`; upgrade with `pip install -U tactful`), or set ' +
        '`tactful.server.path` and `tactful.server.args`.';
    outputChannel.appendLine(message);
    showSetupError(message);
  }
}

async function stop() {
  if (!client) {
    return;
  }
  const running = client;
  client = undefined;
  try {
    await running.stop();
  } catch (err) {
    outputChannel.appendLine(`Stopping the Tactful language server failed: ${err && err.message ? err.message : err}`);
  }
}

async function restart() {
  await stop();
  await start();
}

function showSetupError(message) {
  const openSettings = 'Open Settings';
  const showOutput = 'Show Output';
  vscode.window.showErrorMessage(message, openSettings, showOutput).then((choice) => {
    if (choice === openSettings) {
      vscode.commands.executeCommand('workbench.action.openSettings', 'tactful.server');
    } else if (choice === showOutput) {
      outputChannel.show(true);
    }
  });
}

module.exports = { activate, deactivate };
