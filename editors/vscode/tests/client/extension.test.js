'use strict';
// node --test: extension.js loads with a stand-in for the `vscode` module, and when the `tactful`
// command cannot be found it says so (and how to fix it) instead of starting a client.

const assert = require('node:assert/strict');
const Module = require('node:module');
const test = require('node:test');

/** A stand-in `vscode` API: just what extension.js and vscode-languageclient touch. */
function fakeVscode(settings) {
  const shown = [];
  const registered = [];
  // any other member is a harmless class, so that vscode-languageclient can load
  const anything = () => new Proxy(class {}, { get: (target, prop) => (prop in target ? target[prop] : anything()) });
  const api = {
    window: {
      createOutputChannel: () => ({ appendLine() {}, append() {}, show() {}, dispose() {} }),
      showErrorMessage: (message, ...items) => {
        shown.push({ message, items });
        return Promise.resolve(undefined);
      },
    },
    commands: {
      registerCommand: (id) => {
        registered.push(id);
        return { dispose() {} };
      },
      executeCommand: () => Promise.resolve(),
    },
    workspace: {
      workspaceFolders: undefined,
      getConfiguration: () => ({ get: (key, fallback) => (key in settings ? settings[key] : fallback) }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
      createFileSystemWatcher: () => ({ dispose() {} }),
    },
  };
  return { api: new Proxy(api, { get: (t, p) => (p in t ? t[p] : anything()) }), shown, registered };
}

test('a missing server command is reported with the setting to change', async () => {
  const fake = fakeVscode({ 'server.path': 'tactful-not-installed-here', 'server.args': ['lsp'] });
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? fake.api : load.call(this, request, ...rest);
  };
  try {
    const extension = require('../../extension');
    const subscriptions = [];
    await extension.activate({ subscriptions });
    assert.deepEqual(fake.registered.sort(), ['tactful.restartServer', 'tactful.showOutput']);
    assert.equal(fake.shown.length, 1);
    assert.match(fake.shown[0].message, /`tactful-not-installed-here` was not found/);
    assert.match(fake.shown[0].message, /Install Tactful/);
    assert.match(fake.shown[0].message, /tactful\.server\.path/);
    assert.deepEqual(fake.shown[0].items, ['Open Settings', 'Show Output']);
    await extension.deactivate();
  } finally {
    Module._load = load;
  }
});
