"""The triage engine: the policy table, region-aware screening and the interview plan."""
