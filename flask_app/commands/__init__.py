"""The ``coach`` subcommands. Exit codes: 0 done; 1 done in part (some managers or events
failed: the summary says which); 2 nothing done (bad input or settings, or what the service
needs could not be reached)."""

DONE, PARTLY_FAILED, FAILED = 0, 1, 2
