"""KnotBot's action server: plain domain modules and the thin Rasa actions over them.

`rasa run actions --actions actions` imports this package and its submodules. Only the
adapters (`advice`, `intake_form`, `languages`, `muscle_question`, `session`,
`triage_form`, with `tracker_state`, which reads a tracker's latest message for them, and
`channels`, what each channel can show) import rasa_sdk or speak of channels; the domain
(`triage`, `reading`, `knowledge`, `intake`, `settings`) never imports rasa or rasa_sdk,
not even through another module, and only the action server imports an adapter (the
import contracts in pyproject.toml, checked by `lint-imports`).
"""
