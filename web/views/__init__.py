"""One blueprint per URL area."""

from __future__ import annotations

from web.views.api import bp as api_bp
from web.views.downloads import bp as downloads_bp
from web.views.entity import bp as entity_bp
from web.views.rights import bp as rights_bp
from web.views.search import bp as search_bp
from web.views.sparql import bp as sparql_bp
from web.views.start import bp as start_bp

BLUEPRINTS = [start_bp, sparql_bp, api_bp, downloads_bp, entity_bp, search_bp, rights_bp]
