"""Stage 3, scan: the engine runs the rules on one file's bytes (``core``, merging what
several rules saw in ``supersede``); ``filescan`` reads and scans one walked file; the
runner drives the stages over a tree, in process or in workers that receive the file
scan as a parameter.
"""
