# Stand-in for Kometa's modules/convert.py: the module constant `anime_lists_url`, read when a Convert is made, and
# the loop of Convert.__init__ that reads anime_ids.json, with Kometa's conditions (Kometa-Team/Kometa @ 398993b):
# which ids become which lookup tables, lists read with util.get_list, TVDB ids kept for AniDB lookups only for
# season 1 (or -1) at offset 0.
from modules import util

logger = util.logger
anime_lists_url = "https://raw.githubusercontent.com/Kometa-Team/Anime-IDs/master/anime_ids.json"


class Convert:
    def __init__(self, requests, cache, tmdb):
        self.requests = requests
        self._mal_to_anidb, self._anidb_to_mal, self._anilist_to_anidb = {}, {}, {}
        self._anidb_to_imdb, self._imdb_to_anidb = {}, {}
        self._anidb_to_tvdb, self._tvdb_to_anidb = {}, {}
        self._anidb_to_tmdb_movie, self._tmdb_movie_to_anidb = {}, {}
        self._anidb_to_tmdb_show, self._tmdb_show_to_anidb = {}, {}
        self._anidb_ids = self.requests.get_json(anime_lists_url)
        for anidb_id, ids in self._anidb_ids.items():
            anidb_id = int(anidb_id)
            if "mal_id" in ids:
                for mal_id in util.get_list(ids["mal_id"], int_list=True):
                    self._mal_to_anidb[mal_id] = anidb_id
                    if anidb_id not in self._anidb_to_mal:
                        self._anidb_to_mal[anidb_id] = mal_id
            if "anilist_id" in ids:
                for anilist_id in util.get_list(ids["anilist_id"], int_list=True):
                    self._anilist_to_anidb[anilist_id] = anidb_id
            if "imdb_id" in ids and str(ids["imdb_id"]).startswith("tt"):
                self._anidb_to_imdb[anidb_id] = util.get_list(ids["imdb_id"])
                for imdb_id in self._anidb_to_imdb[anidb_id]:
                    self._imdb_to_anidb[imdb_id] = anidb_id
            if "tvdb_id" in ids:
                self._anidb_to_tvdb[anidb_id] = int(ids["tvdb_id"])
                if "tvdb_season" in ids and ids["tvdb_season"] in [1, -1] and ids["tvdb_epoffset"] == 0:
                    self._tvdb_to_anidb[int(ids["tvdb_id"])] = anidb_id
            if "tmdb_movie_id" in ids:
                self._anidb_to_tmdb_movie[anidb_id] = util.get_list(ids["tmdb_movie_id"], int_list=True)
                for tmdb_id in self._anidb_to_tmdb_movie[anidb_id]:
                    self._tmdb_movie_to_anidb[tmdb_id] = anidb_id
            if "tmdb_show_id" in ids:
                self._anidb_to_tmdb_show[anidb_id] = util.get_list(ids["tmdb_show_id"], int_list=True)
                for tmdb_id in self._anidb_to_tmdb_show[anidb_id]:
                    self._tmdb_show_to_anidb[tmdb_id] = anidb_id
