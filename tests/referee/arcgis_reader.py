"""What Esri's arcgis client reads: log in to the Portal, find its Notebook Servers, list their jobs (runs in .venv-arcgis).

Credentials come from the environment (REFEREE_PORTAL_URL, REFEREE_USERNAME, REFEREE_PASSWORD,
REFEREE_CA_PATH), never from the command line; the answer is one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--num", type=int, default=1000, help="list_jobs(num=...)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from arcgis.gis import GIS  # pylint: disable=import-outside-toplevel  # only in .venv-arcgis

    # arcgis 2.4.4 wants a boolean verify_cert; a private CA goes in ca_bundles.
    gis = GIS(os.environ["REFEREE_PORTAL_URL"], os.environ["REFEREE_USERNAME"], os.environ["REFEREE_PASSWORD"],
              verify_cert=True, ca_bundles=os.environ["REFEREE_CA_PATH"], use_gen_token=True)
    servers = []
    for notebook_server in gis.notebook_server:
        jobs = notebook_server.system.list_jobs(num=args.num, details=True)
        servers.append({"admin_url": notebook_server.url, "jobs": jobs})
    me = gis.users.me
    print(json.dumps({"user": me.username, "is_admin": bool(me._is_admin),  # pylint: disable=protected-access
                      "portal_name": gis.properties.get("portalName"), "servers": servers}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
