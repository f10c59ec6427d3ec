"""The street survey: its questionnaire, how a response is checked, and the fragility rule."""
