import sys

from jobs.matching import rank
from jobs.scraper import fetch_postings

if __name__ == "__main__":
    postings = fetch_postings(sys.argv[1], pages=2)
    print(rank(open(sys.argv[2]).read(), postings))
