"""Example triage results, as the action server stores them in an intake record."""

THERAPIST = {
    "pain_regions": ["neck_side", "shoulder_top"],
    "pain_side": "left",
    "pain_cause": "posture",
    "pain_duration_days": 14.0,
    "pain_intensity": 6.0,
    "red_flags": [],
    "triage_level": "therapist",
    "trigger_points": ["upper_trapezius", "levator_scapulae"],
}
URGENT = {
    "pain_regions": ["calf"],
    "pain_side": "right",
    "pain_cause": "unknown",
    "red_flags": ["deep_vein_thrombosis"],
    "triage_level": "urgent",
    "trigger_points": ["gastrocnemius", "soleus"],
}
EMERGENCY = {"pain_regions": ["chest"], "red_flags": ["heart_attack"], "triage_level": "emergency"}
