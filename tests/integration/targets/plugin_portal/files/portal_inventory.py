# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The portal inventory plugin end to end, each step checked against the emulators' own view and request logs.

    portal_inventory.py WORK [STEP...]   run the named steps (default: all) against the fleet in WORK/fleet.json
                                         and the empty Portal in WORK/empty_portal.json
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import yaml

from notebook_server_emulator.control import EmulatorControl
from notebook_server_emulator.portal.control import PortalControl

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN = "gisadmin.notebook_server.portal"
VAULT_PASSWORD = "vault-password-of-the-plugin_portal-target"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("  FAILED: " + message, flush=True)


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class Fleet:
    """The Portal, its two servers, the files of the inventory and how to run Ansible on them."""

    def __init__(self, work):
        self.work = work
        state = _load(os.path.join(work, "fleet.json"))
        self.portal_line = state["portal"]
        self.server_lines = state["servers"]
        self.ca_path = state["ca_path"]
        self.portal = PortalControl.from_start_line(self.portal_line)
        self.servers = [EmulatorControl.from_start_line(line) for line in self.server_lines]
        self.hosts = ["127.0.0.2", "127.0.0.3"]
        self.password = self.portal_line["admin"]["password"]
        self.vault_file = os.path.join(work, "vault-password")
        with open(self.vault_file, "w", encoding="utf-8") as handle:
            handle.write(VAULT_PASSWORD)
        self.runs = 0
        self.secrets = [self.password, self.portal_line["user"]["password"], self.portal_line["control_secret"]]
        self.secrets += [line["password"] for line in self.server_lines]

    def vaulted(self, text):
        """``!vault |`` text for a YAML file; the secret goes to ansible-vault on stdin, never on a command line."""
        completed = subprocess.run(["ansible-vault", "encrypt_string", "--vault-password-file", self.vault_file,
                                    "--stdin-name", "value"], input=text, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, check=True)
        return completed.stdout.split("value:", 1)[1].strip()

    def inventory_file(self, directory, secret=None, **options):
        """prod.portal.yml in ``directory``: the Portal, its administrator with the vaulted ``secret`` (by default
        the administrator's password) and the CA, unless ``options`` say otherwise (None leaves one out).
        """
        os.makedirs(directory, exist_ok=True)
        config = {"plugin": PLUGIN, "portal_url": self.portal_line["url"], "username": "portaladmin",
                  "ca_path": self.ca_path}
        config.update(options)
        text = yaml.safe_dump({key: value for key, value in config.items() if value is not None})
        if "password" not in options:
            text += "password: %s\n" % self.vaulted(secret or self.password)
        path = os.path.join(directory, "prod.portal.yml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def run(self, command, expect_ok=True, label=None):
        """Run an ansible command with the vault password; its output (stdout and stderr) and exit code."""
        self.runs += 1
        env = dict(os.environ, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="true", ANSIBLE_NOCOLOR="1")
        completed = subprocess.run(command + ["--vault-password-file", self.vault_file], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=env, check=False)
        output = completed.stdout + completed.stderr
        with open(os.path.join(self.work, "run-%02d.log" % self.runs), "w", encoding="utf-8") as handle:
            handle.write(" ".join(command) + "\n" + output)
        if expect_ok != (completed.returncode == 0):
            print(output, flush=True)
            check(False, "%s exited %d" % (label or " ".join(command[:3]), completed.returncode))
        for secret in self.secrets:
            check(secret not in output, "a secret is in the output of %s" % (label or command[0]))
        return completed.stdout, output, completed.returncode

    def inventory_list(self, path, **kwargs):
        stdout, _output, code = self.run(["ansible-inventory", "-i", path, "--list"], **kwargs)
        return _plain(json.loads(stdout)) if code == 0 else None

    def servers_reads(self):
        return sum(1 for entry in self.portal.requests() if entry["resource"] == "sharing/rest/portals/self/servers")


def _plain(value):
    """ansible-core 2.19 marks inventory values as untrusted in --list ({"__ansible_unsafe": ...}): the values."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _group(listing, name):
    return sorted(listing.get(name, {}).get("hosts", []))


# ----- steps -------------------------------------------------------------------------------------


def step_graph_and_list(f):
    """The inventory of the Portal: its two Notebook Servers, their variables, groups; no secret."""
    path = f.inventory_file(os.path.join(f.work, "listed"), keyed_groups=[
        {"key": "notebook_server_role | lower", "prefix": "role"}, {"key": "notebook_server_functions",
                                                                    "prefix": "function"}],
        groups={"direct": "notebook_server_public_url == notebook_server_url"},
        compose={"site_port": "notebook_server_url | urlsplit('port')"})
    f.portal.clear_requests()
    stdout, _output, _code = f.run(["ansible-inventory", "-i", path, "--graph"], label="--graph")
    print(stdout, flush=True)
    graph = stdout.splitlines()
    check("  |--@notebook_servers:" in graph, "--graph shows the group notebook_servers")
    for host in f.hosts:
        check("  |  |--%s" % host in graph, "--graph shows %s" % host)
    check(not any("example.invalid" in line for line in graph), "the hosting and Mission servers are not hosts")
    listing = f.inventory_list(path)
    check(listing is not None, "--list works")
    if listing is None:
        return
    check(_group(listing, "notebook_servers") == f.hosts, "notebook_servers: %s" % _group(listing, "notebook_servers"))
    check(_group(listing, "role_federated_server") == f.hosts, "keyed group by role")
    check(_group(listing, "function_NotebookServer") == f.hosts, "keyed group by function")
    check(_group(listing, "direct") == f.hosts, "a group from a condition")
    hostvars = listing["_meta"]["hostvars"]
    registered = {server["id"]: server for server in f.portal.servers()}
    for host, line in zip(f.hosts, f.server_lines):
        variables = hostvars.get(host, {})
        expected = {
            "notebook_server_url": line["url"], "notebook_server_public_url": line["url"],
            "notebook_server_portal_url": f.portal_line["url"], "notebook_server_id": line["portal_server_id"],
            "notebook_server_name": registered[line["portal_server_id"]]["name"],
            "notebook_server_type": "ARCGIS_NOTEBOOK_SERVER", "notebook_server_role": "FEDERATED_SERVER",
            "notebook_server_functions": ["NotebookServer"],
        }
        # A composed number is a number on ansible-core 2.19, text before.
        check(str(variables.pop("site_port", None)) == str(line["port"]), "compose: the port of %s" % host)
        check(variables == expected, "the variables of %s: %s" % (host, variables))
    text = json.dumps(listing)
    check(not any(secret in text for secret in f.secrets), "no secret in --list")
    check(not any(word in key for variables in hostvars.values() for key in variables
                  for word in ("password", "token", "username")), "no credential variable in --list")
    log = f.portal.requests()
    check(all(entry["status"] == 200 and not entry["secret_in_url"] for entry in log), "the Portal answered every call")
    check(f.servers_reads() == 2, "one servers read per inventory run (--graph, --list)")


def step_audit_and_drain(f):
    """The collection's playbooks on the Portal inventory: every server request uses a token the Portal issued."""
    directory = os.path.join(f.work, "production")
    path = f.inventory_file(directory)
    # The modules' credentials beside the inventory, as the user guide recommends: a Portal administrator, vaulted.
    group_vars = os.path.join(directory, "group_vars", "notebook_servers")
    os.makedirs(group_vars, exist_ok=True)
    with open(os.path.join(group_vars, "main.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump({"notebook_server_ca_path": f.ca_path, "ansible_connection": "local",
                        "ansible_python_interpreter": "{{ ansible_playbook_python }}"}, handle)
    with open(os.path.join(group_vars, "vault.yml"), "w", encoding="utf-8") as handle:
        handle.write("notebook_server_username: portaladmin\nnotebook_server_password: %s\n" % f.vaulted(f.password))
    for control in [f.portal] + f.servers:
        control.clear_requests()

    report_dir = os.path.join(f.work, "report")
    started = time.monotonic()
    _stdout, output, _code = f.run(["ansible-playbook", "gisadmin.notebook_server.audit", "-i", path,
                                    "-e", "audit_report_dir=" + report_dir], label="the audit playbook")
    print("  audit playbook: %.1f s" % (time.monotonic() - started), flush=True)
    check("Notebook Server audit: 2 servers, 2 reachable, 0 unreachable" in output, "the audit's summary line")
    if os.path.exists(os.path.join(report_dir, "report.json")):
        report = _load(os.path.join(report_dir, "report.json"))
        by_name = {server["name"]: server for server in report["servers"]}
        check(sorted(by_name) == f.hosts, "the report's servers are the inventory's hosts: %s" % sorted(by_name))
        for host, line, control in zip(f.hosts, f.server_lines, f.servers):
            server = by_name.get(host, {})
            check(server.get("url") == line["url"] and server.get("reachable") and server.get("complete"),
                  "%s audited at its site root, completely" % host)
            check(server.get("jobs_listed") == len(control.job_ids()),
                  "%s: %s jobs listed, %d on the server" % (host, server.get("jobs_listed"), len(control.job_ids())))
    else:
        check(False, "the audit wrote no report.json")

    # A job that runs for a few seconds on the first server: the drain waits for it, READ_ONLY meanwhile.
    job_id = f.servers[0].add_job(type="executeNotebook", username="alice", queued=0, duration=3)
    started = time.monotonic()
    _stdout, output, _code = f.run(["ansible-playbook", os.path.join(HERE, "drain_and_restore.yml"), "-i", path,
                                    "-e", "drain_read_only=true", "-e", "drain_poll_interval=1s",
                                    "-e", "drain_timeout=60s"], label="the drain and restore playbooks")
    print("  drain and restore playbooks: %.1f s" % (time.monotonic() - started), flush=True)
    check(f.servers[0].job(job_id)["status"] == "COMPLETED", "the drain ended after the job")
    for host, control in zip(f.hosts, f.servers):
        log = control.requests()
        modes = [entry for entry in log if entry["resource"] == "admin/mode/update"]
        check(len(modes) == 2, "%s: READ_ONLY, then EDITABLE (%d mode updates)" % (host, len(modes)))
        check(control.state()["site_mode"] == "EDITABLE", "%s is EDITABLE again" % host)
        jobs_reads = sum(1 for entry in log if entry["resource"] == "admin/system/jobs")
        check(jobs_reads >= (3 if host == f.hosts[0] else 2), "%s: %d jobs reads (audit and polls)" % (host, jobs_reads))

    # The proof: the servers issued no token; each one they accepted came from the Portal, for its administrator.
    for host, control in zip(f.hosts, f.servers):
        log = control.requests()
        check(log and not [entry for entry in log if entry["path"].endswith("/admin/generateToken")],
              "%s issued no token of its own" % host)
        admin = [entry for entry in log if (entry["resource"] or "").startswith("admin/")]
        wrong = [entry for entry in admin if entry["token_issuer"] != "portal" or entry["username"] != "portaladmin"
                 or entry["status"] != 200 or entry["error_code"] is not None or entry["secret_in_url"]]
        check(admin and not wrong, "%s accepted only the Portal administrator's Portal tokens: %s" % (host, wrong[:2]))
    portal_log = f.portal.requests()
    tokens = [entry for entry in portal_log if entry["resource"] == "sharing/rest/generateToken"]
    check(tokens and all(entry["username"] == "portaladmin" and entry["status"] == 200 and entry["method"] == "POST"
                         and not entry["secret_in_url"] for entry in tokens),
          "the Portal issued the tokens, to its administrator, credentials in POST bodies")
    check(f.servers_reads() == 2, "the Portal's servers were read once per playbook run (%d)" % f.servers_reads())


def step_listing_variants(f):
    """hostnames, url_from, server_types and the adminURL spelling on a Portal that also lists far servers."""
    far = [f.portal.add_fictitious_server("https://gis.example.invalid/notebooks", name="nbf.example.invalid:11443",
                                          admin_url="https://nbf.example.invalid:11443/arcgis",
                                          admin_public_url="https://gis.example.invalid/nbadmin"),
           f.portal.add_fictitious_server("https://gis.example.invalid/ga", name="ga.example.invalid:6443",
                                          admin_url="https://ga.example.invalid:6443/arcgis", server_type="ArcGIS",
                                          server_function="GeoAnalytics,NotebookServer")]
    directory = os.path.join(f.work, "variants")
    try:
        listing = f.inventory_list(f.inventory_file(directory))
        urls = {host: variables["notebook_server_url"] for host, variables in listing["_meta"]["hostvars"].items()}
        check(urls == {"127.0.0.2": f.server_lines[0]["url"], "127.0.0.3": f.server_lines[1]["url"],
                       "nbf.example.invalid": "https://nbf.example.invalid:11443/arcgis",
                       "ga.example.invalid": "https://ga.example.invalid:6443/arcgis"},
              "by type or by function, admin URLs: %s" % urls)
        listing = f.inventory_list(f.inventory_file(directory, url_from="admin_public", hostnames="id"))
        urls = {variables["notebook_server_name"]: variables["notebook_server_url"]
                for variables in listing["_meta"]["hostvars"].values()}
        check(urls.get("nbf.example.invalid:11443") == "https://gis.example.invalid/nbadmin"
              and urls.get("ga.example.invalid:6443") == "https://ga.example.invalid:6443/arcgis",
              "url_from=admin_public: adminPublicUrl, else the admin URL: %s" % urls)
        check(sorted(listing["_meta"]["hostvars"]) == sorted(server["id"] for server in f.portal.servers()
                                                             if "NotebookServer" in server["server_function"]),
              "hostnames=id")
        listing = f.inventory_list(f.inventory_file(directory, hostnames="name"))
        check(sorted(listing["_meta"]["hostvars"]) == sorted(["127.0.0.2:%d" % f.server_lines[0]["port"],
                                                              "127.0.0.3:%d" % f.server_lines[1]["port"],
                                                              "nbf.example.invalid:11443", "ga.example.invalid:6443"]),
              "hostnames=name")
        # Both far servers have their public URL on gis.example.invalid: one host name for two servers is refused.
        _stdout, output, _code = f.run(["ansible-inventory", "-i", f.inventory_file(directory, url_from="public"),
                                        "--list"], expect_ok=False, label="url_from=public, two servers one host")
        check("would both be host gis.example.invalid; choose hostnames=id" in " ".join(output.split()),
              "two servers never become one host")
        listing = f.inventory_list(f.inventory_file(directory, url_from="public", hostnames="id"))
        urls = sorted(variables["notebook_server_url"] for variables in listing["_meta"]["hostvars"].values())
        check("https://gis.example.invalid/notebooks" in urls and "https://gis.example.invalid/ga" in urls,
              "url_from=public: %s" % urls)
        listing = f.inventory_list(f.inventory_file(directory, server_types=["ArcGIS"], group="gis_servers",
                                                    keyed_groups=[{"key": "notebook_server_role", "prefix": "role"}]))
        check(_group(listing, "gis_servers") == ["ga.example.invalid", "gis-hosting.example.invalid"],
              "server_types=[ArcGIS]: %s" % _group(listing, "gis_servers"))
        check(_group(listing, "role_HOSTING_SERVER") == ["gis-hosting.example.invalid"], "keyed group of the role")
        f.portal.set_server_list(admin_url_key="adminURL", admin_public_url=False)
        listing = f.inventory_list(f.inventory_file(directory, url_from="admin_public"))
        urls = {host: variables["notebook_server_url"] for host, variables in listing["_meta"]["hostvars"].items()}
        check(urls.get("nbf.example.invalid") == "https://nbf.example.invalid:11443/arcgis"
              and urls.get("127.0.0.2") == f.server_lines[0]["url"],
              "adminURL spelling, no adminPublicUrl: the admin URL: %s" % urls)
    finally:
        f.portal.set_server_list(admin_url_key="adminUrl", admin_public_url=True)
        for server in far:
            f.portal.remove_server(server["id"])


def step_cache(f):
    """The servers list is cached between runs (no secret in it), --flush-cache reads it again."""
    cache_dir = os.path.join(f.work, "inventory-cache")
    shutil.rmtree(cache_dir, ignore_errors=True)
    path = f.inventory_file(os.path.join(f.work, "cached"), cache=True, cache_plugin="ansible.builtin.jsonfile",
                            cache_connection=cache_dir, cache_timeout=600)
    f.portal.clear_requests()
    first = f.inventory_list(path)
    second = f.inventory_list(path)
    check(f.servers_reads() == 1, "the second run used the cache (%d reads)" % f.servers_reads())
    check(first == second and _group(second, "notebook_servers") == f.hosts, "the cached inventory is the same")
    tokens = [entry for entry in f.portal.requests() if entry["resource"] == "sharing/rest/generateToken"]
    check(len(tokens) == 1, "no token is asked for when the cache answers (%d tokens)" % len(tokens))
    stored = ""
    for name in os.listdir(cache_dir):
        with open(os.path.join(cache_dir, name), encoding="utf-8") as handle:
            stored += handle.read()
    check("127.0.0.2" in stored, "the cache holds the servers list")
    check(not any(secret in stored for secret in f.secrets) and "token" not in stored.lower(), "no secret in the cache")
    f.run(["ansible-playbook", "-i", path, "--flush-cache", os.path.join(HERE, "flush_cache.yml")],
          label="--flush-cache")
    check(f.servers_reads() == 2, "--flush-cache read the Portal again")


def step_errors(f):
    """Each failure fails the inventory source with a message that says what to do, and shows no secret."""
    directory = os.path.join(f.work, "errors")
    user = f.portal_line["user"]
    origin = f.portal_line["url"].rsplit("/", 1)[0]
    cases = [
        ("bad credentials", dict(password="Wrong-Portal-Pa55"),
         "could not get a token: Unable to generate token."),
        ("a user who is no administrator", dict(username=user["username"], password=user["password"]),
         "The account must be an administrator of this Portal"),
        ("a Notebook Server's address", dict(portal_url=f.server_lines[0]["url"]),
         "no Portal for ArcGIS answers at this address: could not get a token: generateToken was not found"),
        ("a mistyped Web Adaptor name (HTML 404)", dict(portal_url=origin + "/portl"),
         "no Portal for ArcGIS answers at this address: could not get a token: generateToken was not found (HTTP 404"),
        ("no CA", dict(ca_path=None), "TLS failed: certificate verify failed"),
    ]
    for label, options, words in cases:
        _stdout, output, _code = f.run(["ansible-inventory", "-i", f.inventory_file(directory, **options), "--graph"],
                                       expect_ok=False, label=label)
        check(words in " ".join(output.split()), "%s: %r in the message" % (label, words))
        check("Wrong-Portal-Pa55" not in output, "%s: the password is not shown" % label)
    f.portal.inject_fault("login_page", count=1, path="portals/self/servers")
    _stdout, output, _code = f.run(["ansible-inventory", "-i", f.inventory_file(directory), "--graph"],
                                   expect_ok=False, label="a sign-in page")
    check("no Portal for ArcGIS answers at this address: HTTP 200 answer is not JSON (text/html" in
          " ".join(output.split()), "a sign-in page instead of the servers list")
    f.portal.clear_faults()
    # Checking switched off (not recommended): the same inventory without a CA.
    listing = f.inventory_list(f.inventory_file(directory, ca_path=None, validate_certs=False))
    check(listing is not None and _group(listing, "notebook_servers") == f.hosts, "validate_certs=false")


def step_empty_portal(f):
    """A Portal without a Notebook Server: an empty group and a warning, not a failure."""
    line = _load(os.path.join(f.work, "empty_portal.json"))
    f.secrets.append(line["password"])
    path = f.inventory_file(os.path.join(f.work, "empty"), secret=line["password"], portal_url=line["url"],
                            ca_path=line["ca_path"])
    stdout, output, _code = f.run(["ansible-inventory", "-i", path, "--graph"], label="an empty Portal")
    check("  |--@notebook_servers:" in stdout.splitlines() and "  |  |--" not in stdout, "an empty group")
    check("lists no server of the types ARCGIS_NOTEBOOK_SERVER (2 servers listed; their types: "
          "ARCGIS_MISSION_SERVER, ArcGIS): group notebook_servers is empty" in " ".join(output.split()),
          "the warning")


STEPS = {"graph_and_list": step_graph_and_list, "audit_and_drain": step_audit_and_drain,
         "listing_variants": step_listing_variants, "cache": step_cache, "errors": step_errors,
         "empty_portal": step_empty_portal}


def main(argv):
    fleet = Fleet(argv[1])
    for name in argv[2:] or list(STEPS):
        print("== %s: %s" % (name, STEPS[name].__doc__), flush=True)
        started = time.monotonic()
        STEPS[name](fleet)
        print("   %.1f s" % (time.monotonic() - started), flush=True)
    if failures:
        print("%d checks failed" % len(failures))
        return 1
    print("every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
