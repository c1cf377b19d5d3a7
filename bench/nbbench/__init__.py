"""Benchmarks of gisadmin.notebook_server against the floor and the `uri` baseline (issue 9)."""
