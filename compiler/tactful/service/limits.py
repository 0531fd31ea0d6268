"""The service's limits and time budgets, by default (`tactful serve` options change most of them).

A module of constants only, so that the command line can show them without importing the server."""

MAX_BODY = 64 * 1024  # bytes of a request body (413 beyond)
BODY_TIMEOUT = 10.0  # seconds a client has to send a request's body (408 after)
HEADER_TIMEOUT = 10.0  # seconds a client has to send a request's line and headers (closed after)
KEEP_ALIVE = 5  # seconds an idle keep-alive connection is held
MAX_CONNECTIONS = 256  # open connections (and requests in progress) before uvicorn answers 503
MAX_HEADERS = 16 * 1024  # bytes buffered of a request line and headers not yet complete (400 beyond)
DRAFT_BUDGET = 2.0  # seconds an answer may take before the request is answered with 503
LOAD_TIMEOUT = 300.0  # seconds a drafting engine may take to load and warm a bundle before it is refused
MAX_BUNDLE = 512 * 1024 * 1024  # bytes of a bundle file, beyond which it is refused unread
