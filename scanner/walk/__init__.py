"""Stage 1, walk: which files a scan reads (git's file list or the ignore files, excludes,
shards).
"""
