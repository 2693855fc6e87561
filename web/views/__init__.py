"""One blueprint per URL area."""

from __future__ import annotations

from web.views.start import bp as start_bp

BLUEPRINTS = [start_bp]
