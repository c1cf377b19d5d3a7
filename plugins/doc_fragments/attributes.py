# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attributes of this collection's modules: the common descriptions, info modules, the platform, the action group."""

from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action only reads, so it runs normally in check mode and reports real data.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
"""

    PLATFORM = r"""
options: {}
attributes:
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: all
    details: Runs where the task runs, usually V(localhost); it talks to the site over HTTPS.
"""

    ACTION_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/gisadmin.notebook_server.notebook_server) in C(module_defaults) to set the connection
      options once for every module of this collection.
    support: full
    membership:
      - gisadmin.notebook_server.notebook_server
"""

    ACTION_GROUP_PORTAL = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/gisadmin.notebook_server.portal) in C(module_defaults) to set the Portal connection
      options once for every module of this collection that talks to the Portal itself. These modules take
      O(portal_url) and no site C(url), so they are not in the C(notebook_server) group.
    support: full
    membership:
      - gisadmin.notebook_server.portal
"""
