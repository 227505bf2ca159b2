"""``siu web``: the whole job in a browser on the user's own machine.

A thin layer over the run the CLI does (:func:`siu.convert.run.run_conversion`): uploads go to a
per-session temporary folder, the run happens in a background thread with progress and a
cancel button, and the results are rendered from the JSON report the run writes. The server
listens on 127.0.0.1 only and wants a one-time token on every request. See ``docs/web.md``.
"""

from __future__ import annotations

from siu.web.app import create_app, serve

__all__ = ["create_app", "serve"]
