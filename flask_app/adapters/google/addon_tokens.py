"""Checking the ID tokens Google sends with every add-on request.

Each request carries the system ID token (``Authorization: Bearer …``, and again as
``authorizationEventObject.systemIdToken``), signed by Google for the add-on's per-project
service account (``service-<number>@gcp-sa-gsuiteaddons.iam.gserviceaccount.com``) with the
endpoint's URL as its audience; and the user's ID token (``userIdToken``), whose audience is the
add-on's OAuth client.
"""
from __future__ import annotations

from .clients import GoogleEndpoints
from .id_tokens import Certificates, IdTokens, Unauthorized, certificates_for

__all__ = ["AddonTokens", "Unauthorized"]


class AddonTokens:
    """Verifies add-on requests for one deployment.

    ``service_account``: the email the system ID token must be issued to (from
    ``gcloud workspace-add-ons get-authorization``); ``client_id``: the add-on's OAuth client,
    the user ID token's audience; ``audience``: a fixed audience for the system token instead of
    each endpoint's URL.
    """

    def __init__(self, certificates: Certificates, service_account: str, client_id: str,
                 audience: str = ""):
        self._tokens = IdTokens(certificates)
        self._service_account = service_account.lower()
        self._client_id = client_id
        self._audience = audience

    @classmethod
    def for_endpoints(cls, endpoints: GoogleEndpoints, service_account: str, client_id: str,
                      audience: str = "") -> AddonTokens:
        return cls(certificates_for(endpoints), service_account, client_id, audience)

    def system(self, authorization: str | None, url: str) -> None:
        """Check the ``Authorization`` header of a request to ``url``.

        :raises Unauthorized: no token, or not Google's token for this endpoint and add-on.
        """
        self._tokens.bearer(authorization, self._audience or url, self._service_account)

    def user(self, token: str | None) -> str:
        """The email of the person using the add-on, from their ID token.

        :raises Unauthorized: no token, or not one Google issued for this add-on.
        """
        if not token:
            raise Unauthorized("no user ID token")
        return self._tokens.email(token, self._client_id)
