"""Private helpers of :mod:`siu.testing`, the adapter contract kit (import from ``siu.testing``)."""
