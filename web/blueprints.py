"""One blueprint per URL area."""

from __future__ import annotations

from web.answers.views import bp as answers_bp
from web.api.views import bp as api_bp
from web.downloads.views import bp as downloads_bp
from web.entity.views import bp as entity_bp
from web.rights.views import bp as rights_bp
from web.search.views import bp as search_bp
from web.sparql.views import bp as sparql_bp
from web.start.views import bp as start_bp

BLUEPRINTS = [start_bp, sparql_bp, api_bp, downloads_bp, entity_bp, search_bp, rights_bp,
              answers_bp]
