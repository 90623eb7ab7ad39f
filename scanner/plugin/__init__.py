"""The plugin API: the Rule contract, rule discovery (entry points, the manifest) and the
example harness.
"""
