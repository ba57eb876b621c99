"""Clinic intake: appointments, intake records, and the questionnaire staff read."""
