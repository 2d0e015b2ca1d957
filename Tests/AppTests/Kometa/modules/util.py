# Stand-in for Kometa's modules/util.py: only the logger the AniDB module uses.
import logging
import sys

logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="LOG %(message)s")
logger = logging.getLogger("Kometa")
