"""Pure pandas analytics: every number a page shows is a named function here.

One module per page-sized concept; shared building blocks live in `villages` (scope and order)
and `aggregation` (how indicators add up over villages and over time).
"""
