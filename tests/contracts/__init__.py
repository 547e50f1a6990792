"""One contract suite per port: the same tests run on the in-memory fake and on the real adapter
(the Google adapters against the sandbox; with --live, against a real Workspace test domain)."""
