"""In-memory fakes of the ports (flask_app.ports), for service tests that run in milliseconds.

Each passes its port's contract suite (tests/contracts) beside the real adapter, so neither
drifts from what Google — and the sandbox — do.
"""
