"""The `knotbot` command (`knotbot.py`) and its command groups: `kb`, `intake`, `trackers`."""
