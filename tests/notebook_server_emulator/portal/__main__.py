"""`python -m notebook_server_emulator.portal`: see docs/emulator.md."""

from notebook_server_emulator.portal.cli import main

raise SystemExit(main())
