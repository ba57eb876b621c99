"""KnotBot's action server: plain domain modules and the thin Rasa actions over them.

`rasa run actions --actions actions` imports this package and its submodules. The
packages `triage`, `reading` and `knowledge` never import rasa or rasa_sdk.
"""
