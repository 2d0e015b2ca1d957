# Builds Kometa's Convert (the stand-in of modules/convert.py) the way Kometa's config does, with a requests-like
# object over real HTTP, and prints what its lookup tables say as one JSON line.
import json as jsonlib
import urllib.request

from modules import convert


class Requests:
    def get(self, url, headers=None, params=None):
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()

    def get_json(self, url, json=None, headers=None, params=None, header=None, language=None):
        print(jsonlib.dumps({"url": url, "headers": headers or {}}), flush=True)
        status, body = self.get(url, headers=headers)
        return jsonlib.loads(body)


c = convert.Convert(Requests(), None, None)
print(jsonlib.dumps({
    "entries": len(c._anidb_ids),
    "tvdb_to_anidb": c._tvdb_to_anidb,
    "anidb_to_tvdb": c._anidb_to_tvdb,
    "mal_to_anidb": c._mal_to_anidb,
    "anilist_to_anidb": c._anilist_to_anidb,
    "imdb_to_anidb": c._imdb_to_anidb,
    "tmdb_movie_to_anidb": c._tmdb_movie_to_anidb,
    "tmdb_show_to_anidb": c._tmdb_show_to_anidb,
}), flush=True)
