"""What runs inside the Rasa server: the channels, NLU components, tracker and lock stores,
the HTTP API additions and the patches of Rasa, with the launcher that applies them
(`python -m bot.server.serve`) and `launch`, which trains the model and starts the servers."""
