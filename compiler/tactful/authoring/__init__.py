"""Tools for the people who write frameworks: the formatter run over files (fmt.py), the language
server (lsp.py), the scaffold for a new framework (scaffold.py) and the watcher (watch.py)."""
