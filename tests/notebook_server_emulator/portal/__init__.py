"""An emulated Portal for ArcGIS: tokens, portals/self, federated servers, scheduled notebook tasks (docs/emulator.md)."""
