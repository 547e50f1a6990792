"""The sandbox plays Google's add-on host: the Calendar and Docs side panels of an HTTP
Google Workspace add-on.

An installed deployment (:mod:`.deployment`) names the add-on's endpoints; the host builds event
objects as Google does (:mod:`.events`), POSTs them with Google-signed ID tokens (:mod:`.identity`,
:mod:`.transport`), checks the answers against Google's schemas (:mod:`.responses`), follows their
navigations and host actions (:mod:`.host`, :mod:`.calendar_host`, :mod:`.docs_host`) and renders
the card as the side panel shows it (:mod:`.render`, :mod:`.pages`). Everything is steered through
``/_sandbox/addons`` (:mod:`.control_plane`).
"""
