"""Review tools on the compiler side: `tactful diff` (diff.py: what a change to a library means, pure;
sides.py: a folder, a built bundle or a git revision turned into a Bundle). `tactful verify` lives in
the runtime (tactful.runtime.verify), since bots call it without the compiler."""
