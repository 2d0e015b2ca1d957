"""Points Kometa's AniDB module, and its id mapping, at an Anikura mirror.

Put this folder on PYTHONPATH and set ANIKURA_URL (for example http://anikura:8080); Python imports
`sitecustomize` at start-up, before Kometa runs. Kometa hard-codes its AniDB addresses in `modules/anidb.py`
(`api_url` and `AniDBTitles.TITLES_URL`) and the address of its AniDB id mapping in `modules/convert.py`
(`anime_lists_url`, Kometa's anime_ids.json), and `modules/` is not a package that could be imported here, so
this installs an import hook instead: the moment Kometa imports `modules.anidb` or `modules.convert`, their
addresses are rewritten to Anikura's (`/api/kometa/anime_ids.json` is the same mapping Anikura matches with, its
admin's corrections applied), and, when ANIKURA_API_KEY is set, Kometa's requests to Anikura carry `X-Api-Key`.
One line in the log says so for each.

Nothing happens without ANIKURA_URL, or for any other module.
"""

import importlib.abc
import logging
import os
import sys

_URL = os.environ.get("ANIKURA_URL", "").strip().rstrip("/")
_KEY = os.environ.get("ANIKURA_API_KEY", "").strip()
_TARGETS = ("modules.anidb", "modules.convert")


class _AnikuraRequests:
    """Kometa's requests object, with the key added (and Kometa's forced `Host: anidb.net` dropped) for Anikura."""

    def __init__(self, wrapped):
        self._wrapped = wrapped

    def get(self, url, *args, **kwargs):
        if isinstance(url, str) and url.startswith(_URL):
            headers = {k: v for k, v in dict(kwargs.get("headers") or {}).items() if k.lower() != "host"}
            if _KEY:
                headers["X-Api-Key"] = _KEY
            kwargs["headers"] = headers
        return self._wrapped.get(url, *args, **kwargs)

    def get_json(self, url, *args, **kwargs):
        # Kometa's own get_json calls its get, not this wrapper's: the key goes in here.
        if isinstance(url, str) and url.startswith(_URL) and _KEY:
            headers = dict(kwargs.get("headers") or {})
            headers["X-Api-Key"] = _KEY
            kwargs["headers"] = headers
        return self._wrapped.get_json(url, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


def _wrap_init(cls):
    original = cls.__init__

    def __init__(self, requests_obj, *args, **kwargs):
        original(self, _AnikuraRequests(requests_obj), *args, **kwargs)

    cls.__init__ = __init__


def _say(module, message):
    logger = getattr(module, "logger", None)
    try:
        logger.info(message)
    except Exception:
        logging.getLogger("anikura").warning(message)
        print(message, file=sys.stderr)


def _patch_convert(module):
    module.anime_lists_url = _URL + "/api/kometa/anime_ids.json"
    if getattr(module, "Convert", None) is not None:
        _wrap_init(module.Convert)
    _say(module, "Anikura connector: Kometa's AniDB id mapping comes from %s/api/kometa/anime_ids.json%s" % (
        _URL, " with an API key" if _KEY else ""))


def _patch(module):
    if module.__name__ == "modules.convert":
        return _patch_convert(module)
    module.api_url = _URL + "/anidb-service"
    titles = getattr(module, "AniDBTitles", None)
    if titles is not None:
        titles.TITLES_URL = _URL + "/api/anime-titles.xml.gz"
        _wrap_init(titles)
    if getattr(module, "AniDB", None) is not None:
        _wrap_init(module.AniDB)
    _say(module, "Anikura connector: Kometa's AniDB requests go to %s%s" % (
        _URL, " with an API key" if _KEY else " (no ANIKURA_API_KEY: anonymous)"))


class _Finder(importlib.abc.MetaPathFinder):
    """Finds `modules.anidb` and `modules.convert` with the other finders, then patches each right after it runs."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in _TARGETS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                break
        else:
            return None
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            _patch(module)

        spec.loader.exec_module = exec_module
        return spec


if _URL and not any(isinstance(f, _Finder) for f in sys.meta_path):
    sys.meta_path.insert(0, _Finder())
