"""Tests on real servers and databases: the Rasa server, the action server and the web app
started as processes on free ports, PostgreSQL, Redis and nginx."""
