# Stand-in for Kometa's modules/anidb.py, laid out as Kometa's is: a module in `modules/` (no __init__.py), the
# two addresses as a module constant and a class constant, read when a request is made, and Kometa's headers.
from modules import util

logger = util.logger
api_url = "https://utilities.kometa.wiki/anidb-service"
kometa_client = "kometaofficial"


class AniDBTitles:
    TITLES_URL = "https://anidb.net/api/anime-titles.xml.gz"

    def __init__(self, requests_obj):
        self.requests = requests_obj
        headers = {"User-Agent": f"Kometa/1.0 ({kometa_client})", "Accept-Encoding": "gzip, deflate", "Host": "anidb.net"}
        self.response = self.requests.get(self.TITLES_URL, headers=headers)


class AniDB:
    def __init__(self, requests_obj, cache, data):
        self.requests = requests_obj
        self.titles_db = AniDBTitles(self.requests)

    def get_anime(self, aid):
        headers = {"Accept-Encoding": "gzip", "User-Agent": f"Kometa/1.0 ({kometa_client})"}
        return self.requests.get(f"{api_url}/anime/{aid}", params={"mature": "false"}, headers=headers)
