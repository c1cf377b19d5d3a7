"""`python -m notebook_server_emulator`: see docs/emulator.md."""

from notebook_server_emulator.cli import main

raise SystemExit(main())
