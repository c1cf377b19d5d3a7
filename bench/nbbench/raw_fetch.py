"""The in-process floor: one token request plus one complete detailed jobs request, then json.loads.

Nothing any client can skip: TLS with the emulator's CA, the credentials POSTed the way
Esri's tools do (client=referer), the token in the body with its Referer, every job
returned in one request, the payload decoded. No checks, no filtering, no copies.
"""

from __future__ import annotations

import json

import requests

REFERER = "https://bench.invalid/"
# Large enough for every data set: the whole list comes back in one request.
ALL_JOBS = 1_000_000


def fetch_token(session: requests.Session, server) -> str:
    response = session.post(server.admin_url + "/generateToken", verify=server.ca_path, timeout=60, data={
        "username": server.username, "password": server.password, "client": "referer",
        "referer": REFERER, "expiration": 60, "f": "json",
    })
    return response.json()["token"]


def fetch_jobs_bytes(session: requests.Session, server, token: str) -> bytes:
    response = session.post(server.admin_url + "/system/jobs", verify=server.ca_path, timeout=300,
                            headers={"Referer": REFERER},
                            data={"detail": "true", "num": ALL_JOBS, "f": "json", "token": token})
    return response.content


def raw_fetch(server) -> dict:
    """Return the decoded jobs page (a fresh session each time, as every tool run starts cold)."""
    with requests.Session() as session:
        token = fetch_token(session, server)
        return json.loads(fetch_jobs_bytes(session, server, token))


def payload_size(server) -> tuple:
    """(bytes of the complete detailed jobs JSON, number of jobs in it)."""
    with requests.Session() as session:
        body = fetch_jobs_bytes(session, server, fetch_token(session, server))
    return len(body), len(json.loads(body)["asyncJobs"])
