"""The web pages: server-rendered HTML over the same store and engine as the JSON API.

Layout:
  install.py     ``install_web(app, settings)``: assets, pages, docs, error pages, middleware
  templating.py  the Jinja environment, ``render``, ``web_router``, ``csrf_field``
  auth.py        ``Person`` (who is signed in) and its role-checked aliases
  sessions.py    the ``web_sessions`` table: a cookie's token → the key that signed in
  errors.py      errors of page routes as pages (404, 403, sign in)
  security.py    security headers and CSRF (asgi-csrf)
  assets.py      /assets: the app's static files and the npm packages from node_modules
  docs.py        /docs and /redoc, offline
  routes/        one module per area, each a ``router``
  templates/     base.html (the layout), partials/, one template per page
  static/        app.css, init.js
"""

from service.web.install import install_web

__all__ = ["install_web"]
