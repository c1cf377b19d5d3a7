# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which third-party libraries the core needs are missing, so front doors can say so with ``missing_required_lib``."""

from __future__ import annotations

import importlib
import traceback
from typing import List, Tuple

REQUIRED_LIBRARIES = ("requests", "jmespath")


def missing_libraries(names: Tuple[str, ...] = REQUIRED_LIBRARIES) -> List[Tuple[str, str]]:
    """``[(name, import traceback)]`` for each library that cannot be imported; empty when all are there."""
    missing = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append((name, traceback.format_exc()))
    return missing
