"""Measuring a library on messages: `tactful eval` (a labelled corpus, scored) and `tactful replay`
(unlabelled traffic, counted).

Both read a bundle through the runtime and never import the compiler (the CLI compiles `--source`
through tactful.api before it calls in here). Modules:

- corpus.py: the row format, read from JSON Lines, CSV or Parquet; each row validated alone, bad rows
  kept with their file, line and reason (never an abort). Small and dependency-light, so other tools
  can read a corpus the same way.
- score.py: drafts every row's verdict and scores it against its `expect` (a row that misses is
  drafted again, with its trace); the report and its gates.
- render.py: the eval report as pretty (rich tables), json, markdown and junit.
- replay.py: an archive streamed in pyarrow batches through one per-batch function, on worker
  processes or on Ray Data; counts, and the differences between two bundles.
"""
