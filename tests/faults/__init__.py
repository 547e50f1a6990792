"""The fault-injection suite: rounds under faults, crashes, concurrency and people's edits."""
