"""The development team's tools: benchmarks, the NLU and red-flag reports, the dependency
audit. Nothing the assistant needs at run time imports them."""
