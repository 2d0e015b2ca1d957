# Stand-in for Kometa's modules/util.py: only the logger the AniDB module uses.
import logging
import sys

logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="LOG %(message)s")
logger = logging.getLogger("Kometa")


def get_list(data, int_list=False):
    """Kometa's util.get_list as Convert uses it: a list as it is, anything else split on commas."""
    if data is None:
        return None
    items = data if isinstance(data, list) else [s.strip() for s in str(data).split(",")]
    if int_list:
        try:
            return [int(str(item).strip()) for item in items]
        except ValueError:
            return []
    return [str(item).strip() for item in items]
