"""The KnotBot Rasa assistant: its command line, NLU components and, later, channels."""
