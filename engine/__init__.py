"""The appraise engine: load frameworks and rule sets, derive facts, evaluate, explain.

It never imports a web framework; the service builds on it, not the other way round.
"""
