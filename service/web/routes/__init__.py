"""The pages, one module per area; each ``router`` is a ``web_router()``."""
