"""Google Docs in the sandbox: documents as the Docs API v1 holds them (`document`, `tab`, `segment`
with its `elements`, `layout` and `content`), the batchUpdate requests (`batch_update`, `objects`,
`requests`, `styling`, `table`, `images`, `lists`), revisions and merging (`store`, `merge`), HTML
in and out (`html`, `render`) and the HTTP handlers and control endpoints (`api`)."""
