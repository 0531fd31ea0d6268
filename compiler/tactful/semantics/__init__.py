"""From parsed modules to meaning: loading, scopes, checks and lowering to the Bundle."""
