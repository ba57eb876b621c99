"""The KnotBot Rasa assistant: the Rasa server's extensions (`server`), the clinic's web app
(`web`), the `knotbot` command line (`cli`) and the development tools (`devtools`).
The Rasa project itself (config, domain, endpoints, credentials) is the YAML beside them."""
