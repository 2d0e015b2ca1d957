# Stand-in for kometa.py: run from its own folder as Kometa's image runs it, with real HTTP (urllib) behind a
# requests-like object. Prints one JSON line per request: the URL, the headers sent, the status.
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from modules import anidb


class Response:
    def __init__(self, status, content):
        self.status_code, self.content = status, content


class Requests:
    def get(self, url, params=None, headers=None):
        if params:
            url += "?" + urllib.parse.urlencode(params)
        request = urllib.request.Request(url, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, content = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, content = error.code, error.read()
        except Exception as error:
            status, content = -1, str(error).encode()
        print(json.dumps({"url": url, "headers": headers or {}, "status": status, "bytes": len(content)}), flush=True)
        return Response(status, content)


client = anidb.AniDB(Requests(), None, {})
client.get_anime(int(sys.argv[1]))
