"""The Portal's descriptive documents: sharing/rest/info, portals/self and community users, shaped as Enterprise's."""

from __future__ import annotations

import hashlib
import urllib.parse

from ..accounts import Account
from .site import PortalSite

PORTAL_NAME = "Portal for ArcGIS"
REST_VERSION = "2024.1"  # sharing/rest's currentVersion on ArcGIS Enterprise 11.3
_USER_PRIVILEGES = [
    "features:user:edit", "portal:user:createItem", "portal:user:joinGroup", "portal:user:shareToGroup",
    "portal:user:shareToOrg", "portal:user:viewOrgGroups", "portal:user:viewOrgItems", "portal:user:viewOrgUsers",
    "premium:user:createNotebooks", "premium:user:scheduleNotebooks",
]
# Esri's client decides "administrator" by any privilege containing ":admin:".
_ADMIN_PRIVILEGES = sorted(_USER_PRIVILEGES + [
    "features:user:fullEdit", "portal:admin:assignToGroups", "portal:admin:changeUserRoles",
    "portal:admin:deleteGroups", "portal:admin:deleteItems", "portal:admin:deleteUsers", "portal:admin:disableUsers",
    "portal:admin:inviteUsers", "portal:admin:manageLicenses", "portal:admin:manageRoles",
    "portal:admin:manageSecurity", "portal:admin:manageServers", "portal:admin:manageWebsite",
    "portal:admin:reassignItems", "portal:admin:reassignUsers", "portal:admin:updateGroups",
    "portal:admin:updateItems", "portal:admin:updateUsers", "portal:admin:viewGroups", "portal:admin:viewItems",
    "portal:admin:viewUsers", "portal:user:createGroup", "portal:user:shareToPublic",
])


def _hex(*parts: str) -> str:
    return hashlib.md5("/".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


def rest_info(site: PortalSite) -> dict:
    """sharing/rest/info: where tokens come from (Esri's client reads it before generateToken)."""
    base = site.settings.public_base
    return {"owningSystemUrl": base,
            "authInfo": {"tokenServicesUrl": base + "/sharing/rest/generateToken", "isTokenBasedSecurity": True}}


def user_record(site: PortalSite, username: str, full: bool) -> dict:
    """community/users/<name>: the whole record for the user and administrators, the public part for others."""
    account = site.accounts.get(username)
    details = site.user_details.get(username, {})
    full_name = str(details.get("full_name") or username.replace("_", " ").title())
    first, _space, last = full_name.partition(" ")
    record = {
        "username": username, "udn": None, "id": _hex("user", username), "fullName": full_name,
        "firstName": first, "lastName": last, "description": None, "tags": [], "culture": "en", "region": "WO",
        "units": "english", "thumbnail": None, "access": "org", "created": site.started_ms,
        "modified": site.started_ms, "provider": "arcgis",
    }
    if full:
        admin = account is not None and account.is_admin
        record.update({
            "email": str(details.get("email") or "%s@example.invalid" % username), "idpUsername": None,
            "favGroupId": _hex("favorites", username), "lastLogin": -1, "mfaEnabled": False,
            "storageUsage": 0, "storageQuota": 2199023255552, "orgId": site.portal_id,
            "role": site.role_label(username), "privileges": list(_ADMIN_PRIVILEGES if admin else _USER_PRIVILEGES),
            "level": "2", "userLicenseTypeId": "creatorUT", "disabled": False, "userType": "both", "groups": [],
        })
    return record


def portal_self(site: PortalSite, account: Account | None) -> dict:
    """portals/self: the organisation; with a token also the signed-in user."""
    base = site.settings.public_base
    split = urllib.parse.urlsplit(base)
    document = {
        "access": "private", "allSSL": split.scheme == "https", "canSearchPublic": True, "canSharePublic": True,
        "created": site.started_ms, "culture": "en", "currentVersion": REST_VERSION, "customBaseUrl": "",
        "description": None, "helperServices": {}, "httpPort": 80, "httpsPort": split.port or 443,
        "id": site.portal_id, "isPortal": True, "isReadOnly": False, "modified": site.started_ms,
        "name": site.portal_name, "portalHostname": split.netloc + split.path, "portalMode": "singletenant",
        "portalName": PORTAL_NAME, "portalProperties": {}, "region": "WO", "supportsHostedServices": True,
        "supportsOAuth": True, "units": "english",
    }
    if account is not None:
        document["user"] = user_record(site, account.username, full=True)
    return document
