"""Stage 3, scan: the engine runs the rules on documents; the runner and workers drive it over
a tree.
"""
