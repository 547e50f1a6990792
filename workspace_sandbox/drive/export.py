"""Drive API v3 ``files.export``: a Google Doc's content as plain text, HTML or Markdown.

Access is files.get's (``drive.file`` sees only the app's files); the answer is the exported
bytes, whatever ``alt`` says (``export`` and ``export_media`` of the client library both work).
Every tab's body is exported in tab order; headers and footers are not.

Documented by Google: the route, scopes and required ``mimeType``; the 10 MB limit on exported
content; the MIME types Google Docs export to (``GOOGLE_EXPORTS``, Text/Markdown among them since
2024); Drive's error reasons ``fileNotExportable`` and ``exportSizeLimitExceeded``.

Unconfirmed (from third parties' reports, or the sandbox's own choice):
- the errors' wording (``exportSizeLimitExceeded`` "This file is too large to be exported.",
  reported in google-api-ruby-client#906; an unsupported type is 400 ``badRequest`` "The
  requested conversion is not supported." with location ``convertTo``, reported by several
  clients; the sandbox adds which types it exports) and that a Doc is checked before the type;
- that the Markdown export writes checklist items as ``- [ ]`` / ``- [x]`` from the ticks people
  make: the Docs API does not report ticks (google-api-nodejs-client#2870), and what is said of
  the export is hearsay (google_workspace_mcp#528's discussion; a sync tool warns the export may
  omit completion). The sandbox always writes the tick it holds. The rest of the Markdown layout
  (``docs/markdown.py``: ``- `` bullets, 4 spaces a level, escaping, tables, ``<br>``) is the
  sandbox's; Google embeds images as base64 data, which the sandbox (holding no image bytes)
  replaces by a link to the image's contentUri;
- text/plain starting with a byte order mark (google-api-nodejs-client#2404) and using CRLF; its
  layout (``docs/plain_text.py``, tables as tab-separated cells) is the sandbox's;
- the HTML page's markup (``docs/html_export.py``): Google's uses class-styled spans, the
  sandbox's plain tags; checklist items as Docs' own ``role="checkbox"`` markup;
- that all tabs are exported (reports disagree), that ticks outside the first tab are never set
  (the model keeps only the first tab's), and suggestions are exported inline;
- the Content-Type: the requested type with ``charset=utf-8``.
"""
from __future__ import annotations

from workspace_sandbox.core.front import Call, Media, handles
from workspace_sandbox.docs import blocks
from workspace_sandbox.docs import store as docs_store
from workspace_sandbox.docs.html_export import html
from workspace_sandbox.docs.markdown import markdown
from workspace_sandbox.docs.plain_text import plain_text
from workspace_sandbox.drive.access import DRIVE, GOOGLE_DOC, DriveError

SIZE_LIMIT = 10 * 1024 * 1024  # bytes of exported content
WRITERS = {"text/plain": lambda exported, title: plain_text(exported),
           "text/html": html,
           "text/markdown": lambda exported, title: markdown(exported)}
# What Google exports a Google Doc as ("Export MIME types for Google Workspace documents").
GOOGLE_EXPORTS = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text", "application/rtf", "application/pdf",
    "text/plain", "application/zip", "application/epub+zip", "text/markdown", "text/html")


@handles("drive.files.export")
def files_export(call: Call) -> Media:
    record, _ = DRIVE.file(call.tx, call.user, call.client_id, call.scopes, call.params["fileId"])
    stored = docs_store.load(call.tx, record["id"]) if record["mimeType"] == GOOGLE_DOC else None
    if stored is None:
        raise DriveError(403, "fileNotExportable", "Export only supports Docs Editors files.")
    mime_type = call.params["mimeType"]
    writer = WRITERS.get(mime_type)
    if writer is None:
        raise _unsupported(mime_type)
    data = writer(blocks.read(stored.document), record["name"]).encode("utf-8")
    if len(data) > SIZE_LIMIT:
        raise DriveError(403, "exportSizeLimitExceeded", "This file is too large to be exported.")
    return Media(f"{mime_type}; charset=utf-8", data)


def _unsupported(mime_type: str) -> DriveError:
    exported = ", ".join(WRITERS)
    if mime_type in GOOGLE_EXPORTS:
        message = (f"The Workspace sandbox does not export Google Docs as {mime_type}; it exports "
                   f"{exported}.")
    else:
        message = (f"The requested conversion is not supported. A Google Doc exports as "
                   f"{', '.join(GOOGLE_EXPORTS)} (the Workspace sandbox: {exported}).")
    return DriveError(400, "badRequest", message, location="convertTo")
