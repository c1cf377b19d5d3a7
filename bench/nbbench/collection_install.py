"""Build the collection tarball from the working tree and install it into a temp collections path.

Plays then load the real artifact users would install, not the source tree.
"""

from __future__ import annotations

import glob
import os
import subprocess


def build_and_install(repo: str, workdir: str, bin_dir: str) -> str:
    """Return the collections path holding the freshly installed collection."""
    build_dir = os.path.join(workdir, "build")
    collections = os.path.join(workdir, "collections")
    os.makedirs(build_dir, exist_ok=True)
    galaxy = os.path.join(bin_dir, "ansible-galaxy")
    subprocess.run([galaxy, "collection", "build", "--force", "--output-path", build_dir, repo],
                   check=True, stdout=subprocess.DEVNULL, cwd=repo)
    tarballs = glob.glob(os.path.join(build_dir, "gisadmin-notebook_server-*.tar.gz"))
    if len(tarballs) != 1:
        raise RuntimeError("expected one built tarball in %s, found %d" % (build_dir, len(tarballs)))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections)
    subprocess.run([galaxy, "collection", "install", "--offline", "--force", "-p", collections, tarballs[0]],
                   check=True, stdout=subprocess.DEVNULL, cwd=workdir, env=env)
    return collections


def installed_root(collections: str) -> str:
    return os.path.join(collections, "ansible_collections", "gisadmin", "notebook_server")


def has_plugin(collections: str, relative_path: str) -> bool:
    """Whether the installed artifact holds e.g. 'plugins/modules/notebook_server_jobs_info.py' or 'roles/drain'."""
    return os.path.exists(os.path.join(installed_root(collections), relative_path))
