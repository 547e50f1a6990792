"""Google Docs in the sandbox: documents as the Docs API v1 holds them (`document`, `tab`, `segment`
with its `elements`, `layout` and `content`), the batchUpdate requests (`batch_update`, `objects`,
`requests`, `styling`, `table`, `images`, `lists`), revisions and merging (`store`, `merge`), HTML
in and out (`html`, `render`), the exports Drive makes of a document (`blocks` read by `markdown`,
`plain_text` and `html_export`) and the HTTP handlers and control endpoints (`api`)."""
