"""Error pages in the person's language: what they may not see, what is not there, a service that
did not answer; never a service's raw error."""
from __future__ import annotations

import logging

from flask import Flask, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from services.portal.adapters.api_client import ApiError

log = logging.getLogger(__name__)


def _page(status: int):
    titles = {
        400: (_("The request could not be handled"), _("Reload the page and try again.")),
        403: (_("You cannot open this page"), _("This page belongs to another unit or another role.")),
        404: (_("Page not found"), _("Check the address, or go back to the home page.")),
        413: (_("The file is too large"), _("Each file may be at most 25 MB.")),
        429: (_("Too many attempts"), _("Wait a minute, then try again.")),
    }
    title, message = titles.get(status, (_("Sorry, there is a problem with the service"),
                                         _("Try again in a few minutes.")))
    return render_template("error.html", title=title, message=message), status


def install(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        if error.status == 401:  # the token was refused: sign in again
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        if error.status in (403, 404):
            return _page(error.status)
        log.warning("service answered %s: %s", error.status, error.problem)
        return _page(502)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code and error.code < 400:  # a routing redirect is not an error
            return error
        return _page(error.code or 500)
