"""Benchmarks of gisadmin.notebook_server against the floor and the `uri` baseline (issues 9 and 18)."""
