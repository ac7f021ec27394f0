"""A Jupyter server extension so that a closed Voila page shuts its kernel down.

When a Voila page closes it asks the server, with a beacon, to shut its kernel down, and
sends the ``_xsrf`` cookie as the form's XSRF token. Voila's page never makes the server set
that cookie, so under ``jupyter server`` (Binder, JupyterLab) the request is refused and the
kernel runs on until the whole server stops. This extension reads the XSRF token while a
Voila page is prepared, which makes Tornado set the cookie, exactly as Jupyter's own pages do.
The XSRF check itself stays on. (Standalone Voila loads no server extensions; ``pillarkit
serve`` runs it through :mod:`kit.voila_server`, which makes the same change.)

Enabled by ``etc/jupyter/jupyter_server_config.d/pillarkit.json``, which installing pillarkit
puts in place.
"""

from __future__ import annotations

import inspect

_PATCHED = "_pillarkit_sets_xsrf_cookie"


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "kit.jupyter_extension"}]


def _load_jupyter_server_extension(server_app) -> None:
    give_voila_pages_the_xsrf_cookie(server_app.log)


def give_voila_pages_the_xsrf_cookie(log=None) -> bool:
    """Make every Voila page set the ``_xsrf`` cookie; False when Voila is not installed. Idempotent.

    Used by this extension under ``jupyter server`` and by :mod:`kit.voila_server` for ``pillarkit serve``.
    """
    try:
        from voila.handler import VoilaHandler
    except ImportError:  # Voila is not installed in this server: nothing to do
        return False
    if getattr(VoilaHandler, _PATCHED, False):
        return True
    original = VoilaHandler.prepare

    async def prepare(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        self.xsrf_token  # noqa: B018 - reading the token is what makes Tornado set the _xsrf cookie
        return result

    VoilaHandler.prepare = prepare
    setattr(VoilaHandler, _PATCHED, True)
    if log is not None:
        log.info("pillarkit: Voila pages get the _xsrf cookie, so closing one shuts its kernel down")
    return True
