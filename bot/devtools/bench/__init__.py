"""`knotbot bench`: latency, throughput, memory and start-up of the running assistant.

The load is the scripted patients' conversations (`bot/devtools/bench/patient_sim.py` reading
the vignettes), recorded once against the bot and then replayed at the chosen concurrency,
so that KnotBot and a plain `rasa init` bot (`--baseline`) get the very same turns.
"""
