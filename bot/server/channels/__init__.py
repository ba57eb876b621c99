"""Rasa input channels, where the built-in ones fall short."""
