"""Tests of single modules and data files: no server, no database server, no browser
(`make test-fast`)."""
