"""``python -m verification.places``: build the gazetteer's index file now
(a deploy step; otherwise the first process that needs it builds it) and
print where it is."""
from .gazetteer_file import ensure_built

if __name__ == "__main__":
    print(ensure_built())
