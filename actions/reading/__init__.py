"""Reading what people type: durations, intensities and yes/no answers, as the policy says."""
